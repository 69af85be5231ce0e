"""Staff, the weakest door (issue 19): Django admin's login goes through the hall's (captcha,
lockout, audit); reviewers, the center's staff and administrators need a TOTP code after their
password, with recovery codes; their sessions end after a shorter idle time."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.middleware import SEEN_KEY
from hall.accounts.models import SecurityEvent, User
from hall.members.models import BranchOffice
from hall.sms.models import SmsMessage, SmsThrottle
from tests.hall.conftest import PASSWORD, captcha_answer, last_code
from tests.hall.staff import totp_code

pytestmark = pytest.mark.django_db(transaction=True)  # SMS go out when a transaction commits
Kind = SecurityEvent.Kind


@pytest.fixture
def reviewer(db: None) -> User:
    branch = BranchOffice.objects.create(code="3301", name="浙江分中心", region="浙江",
                                         address="杭州")  # fmt: skip
    return User.objects.create_user("13900000010", PASSWORD, role=User.Role.BRANCH,
                                    branch=branch, is_staff=True)  # fmt: skip


def _password(client: Client, user: User, password: str = PASSWORD, next_: str = "") -> object:
    data = {"method": "mobile", "identifier": user.mobile, "password": password,
            "captcha": captcha_answer(client)}  # fmt: skip
    return client.post(f"/accounts/login/?next={next_}" if next_ else "/accounts/login/", data)


def test_the_admin_login_is_the_halls(client: Client, reviewer: User) -> None:
    answer = client.get("/admin/login/?next=/admin/accounts/user/")
    assert answer.status_code == 302
    assert answer.url == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"  # type: ignore[attr-defined]
    assert client.get("/admin/").url.startswith("/admin/login/")  # type: ignore[attr-defined]


def test_admin_brute_force_is_locked_and_audited(client: Client, reviewer: User) -> None:
    """The finding: 30 wrong passwords in 4.3 s, no captcha, no lockout, no audit entry."""
    for _ in range(6):
        _password(client, reviewer, "Wrong2026pass", "/admin/")
    refused = _password(client, reviewer, PASSWORD, "/admin/")
    assert "账号已锁定" in refused.content.decode()  # type: ignore[attr-defined]
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED, user=reviewer).count() == 5
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED, user=reviewer).exists()
    # And each try needed its own captcha: one without is refused before the password.
    no_captcha = {"method": "mobile", "identifier": reviewer.mobile, "password": PASSWORD}
    assert "验证码错误" in client.post("/accounts/login/", no_captcha).content.decode()


def test_a_reviewer_enrols_then_needs_the_code_every_time(client: Client, reviewer: User) -> None:
    assert _password(client, reviewer, next_="/applications/review/").status_code == 302
    # The password alone reaches nothing but the second step.
    for path in ("/applications/review/", "/accounts/center/", "/admin/"):
        assert client.get(path).url.startswith("/accounts/2fa/")  # type: ignore[attr-defined]
    page = client.get("/accounts/2fa/").content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page)
    assert secret is not None
    assert "<svg" in page  # the QR code of the otpauth:// address
    key = base64.b32decode(secret.group(1))
    # The password alone cannot bind an app: the account's own mobile gets a code too.
    right = {"code": f"{TOTP(key).token():06d}", "sms_code": "000000"}
    assert "短信验证码错误或已过期" in client.post("/accounts/2fa/", right).content.decode()
    client.post("/accounts/2fa/", {"action": "send"})
    wrong = {"code": "000000", "sms_code": last_code(reviewer.mobile)}
    assert "动态验证码不正确" in client.post("/accounts/2fa/", wrong).content.decode()
    SmsThrottle.objects.all().delete()  # the SMS code went with the try: a minute later, another
    client.post("/accounts/2fa/", {"action": "send"})
    right["sms_code"] = last_code(reviewer.mobile)
    assert "尝试过于频繁" in client.post("/accounts/2fa/", right).content.decode()
    TOTPDevice.objects.update(throttling_failure_timestamp=None)  # the second has passed
    enrolled = client.post("/accounts/2fa/?next=/applications/review/",
                           right).content.decode()  # fmt: skip
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", enrolled)
    assert len(codes) == 10
    assert client.get("/applications/review/").status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR_ENROLLED, user=reviewer).exists()
    # The next login: password, then a code; a recovery code works once.
    for recovery, passes in ((codes[0], True), (codes[0], False), (totp_code(reviewer), True)):
        client.post("/accounts/logout/")
        _password(client, reviewer)
        client.post("/accounts/2fa/", {"code": recovery})
        reached = client.get("/applications/review/").status_code
        assert (reached == 200) == passes
    assert SecurityEvent.objects.filter(kind=Kind.RECOVERY_CODE_USED, user=reviewer).count() == 1
    assert SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR_FAILED, user=reviewer).count() == 2


def test_a_member_needs_no_second_factor(client: Client, member_user: User) -> None:
    from tests.hall.conftest import log_in

    log_in(client, member_user.mobile)
    assert client.get("/accounts/center/").status_code == 200


def test_an_idle_staff_session_ends(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    assert client.get("/applications/review/").status_code == 200
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()
    answer = client.get("/applications/review/")
    assert answer.url.startswith("/accounts/login/")  # type: ignore[attr-defined]
    assert client.get("/applications/review/").url.startswith("/accounts/login/")  # type: ignore[attr-defined]
    assert SecurityEvent.objects.filter(kind=Kind.IDLE_LOGOUT, user=reviewer).exists()


def test_a_login_goes_nowhere_but_the_halls_own_pages(client: Client, member_user: User) -> None:
    data = {"method": "mobile", "identifier": member_user.mobile, "password": PASSWORD,
            "captcha": captcha_answer(client)}  # fmt: skip
    answer = client.post("/accounts/login/?next=https://evil.example/", data)
    assert answer.url == "/accounts/center/"  # type: ignore[attr-defined]


def test_another_session_with_the_password_cannot_bind_its_app(reviewer: User) -> None:
    """The review's finding: every session with the password was shown the same secret, and
    the first to confirm it kept a silent second factor. Each session now has its own secret,
    and confirming needs the code sent to the account's own mobile."""
    owner, attacker = Client(), Client()
    for client in (owner, attacker):
        _password(client, reviewer)
    secrets = {re.search(r'id="otp-secret">([A-Z2-7]+)<', c.get("/accounts/2fa/").content.decode())
               .group(1) for c in (owner, attacker)}  # type: ignore[union-attr]  # fmt: skip
    assert len(secrets) == 2
    owner.post("/accounts/2fa/", {"action": "send"})
    code = last_code(reviewer.mobile)
    owner_secret = re.search(r'id="otp-secret">([A-Z2-7]+)<',
                             owner.get("/accounts/2fa/").content.decode()).group(1)  # type: ignore[union-attr]  # fmt: skip
    token = f"{TOTP(base64.b32decode(owner_secret)).token():06d}"
    stolen = attacker.post("/accounts/2fa/", {"code": token, "sms_code": "123456"})
    assert "短信验证码错误或已过期" in stolen.content.decode()
    owner.post("/accounts/2fa/", {"code": token, "sms_code": code})
    assert owner.get("/applications/review/").status_code == 200
    assert attacker.get("/applications/review/").status_code == 302
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1  # the attacker's is gone
    assert "已绑定新的身份验证器" in SmsMessage.objects.filter(mobile=reviewer.mobile).first().text  # type: ignore[union-attr]
