"""Named personas (conventions.md 15): two members in two branches, their users, a branch
reviewer of another region and a center reviewer; and a client that can read captchas."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from PIL import Image

from hall.accounts.models import User
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.products import bank, services
from hall.products.models import Product
from hall.sms.models import SmsMessage
from tests import system
from tests.hall.browser import page  # noqa: F401 - the browser fixture
from tiaoma import uscc

PASSWORD = "Secret2026pass"


@pytest.fixture(autouse=True, scope="session")
def _database_reachable(django_db_blocker: object) -> None:
    """On PostgreSQL (DATABASE_URL), the server must answer: skipped here, failed under CI."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        try:
            connection.ensure_connection()
        except Exception as error:
            system.unavailable(f"PostgreSQL at {os.environ.get('DATABASE_URL')}: {error}")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with no rate-limit counts and no captchas (the cache outlives tests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _staff_pass_their_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``force_login`` skips the password and the captcha; for a staff account it skips the
    second factor too (tests/hall/test_twofactor.py goes through all three)."""
    from hall.accounts.twofactor import needs_second_factor
    from tests.hall.staff import verify_session

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        if needs_second_factor(user):
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fee_schedules(request: pytest.FixtureRequest) -> None:
    """The schedules the migration loads: transactional tests flush them between tests."""
    if "django_db_setup" not in request.fixturenames:
        return
    from hall.fees.models import FeeSchedule
    from hall.fees.schedules import load_known

    if not FeeSchedule.objects.exists():
        load_known(FeeSchedule)


def make_uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def make_member(code: str, name: str, certificate: str, prefix: str, body: str) -> Member:
    branch, _ = BranchOffice.objects.get_or_create(
        code=code, defaults={"name": f"{code} 分中心", "region": code, "address": "地址"}
    )
    today = date.today()
    member = Member.objects.create(
        name=name,
        uscc=make_uscc(body),
        registered_address="地址",
        legal_representative="法人",
        contact="联系人",
        certificate_number=certificate,
        archive_index=certificate[-6:],
        branch=branch,
        valid_from=today - timedelta(days=700),
        valid_until=today + timedelta(days=30),
        gds_card=f"GDS{certificate[-6:]}",
        mobile=f"137{certificate[-7:-1]}00",  # the contact mobile the center holds
    )
    CompanyPrefix.objects.create(member=member, prefix=prefix, allocated_on=member.valid_from)
    return member


@pytest.fixture
def member(db: None) -> Member:
    return make_member(
        "3301", "杭州示例食品有限公司", "物编注字第100001号", "69212345", "91330106MA27XK5Q0"
    )


@pytest.fixture
def other_member(db: None) -> Member:
    return make_member(
        "1101", "北京另一家有限公司", "物编注字第200002号", "69254321", "91110105MA01ABCD0"
    )


@pytest.fixture
def filed(member: Member, member_user: User) -> Product:
    """A product of ``member``'s, its data filed and in use: what the public query finds."""
    data = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL", "net_content": 550,
            "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip
    today = date.today()
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=today,
                                 data=data)  # fmt: skip
    return services.product_transition(actor=member_user, product_id=product.pk,
                                       action="publish", today=today)  # fmt: skip


@pytest.fixture
def member_user(member: Member) -> User:
    return User.objects.create_user(
        "13900000001", PASSWORD, member=member, gds_card=member.gds_card, member_role="admin"
    )


@pytest.fixture
def other_user(other_member: Member) -> User:
    return User.objects.create_user(
        "13900000002", PASSWORD, member=other_member, member_role="admin"
    )


@pytest.fixture
def fresh_user(db: None) -> User:
    return User.objects.create_user("13900000003", PASSWORD)


def captcha_answer(client: Client) -> str:
    """Draw a captcha for the client's session and read its answer through the test hook."""
    assert client.get("/accounts/captcha.png").status_code == 200
    answer = client.get("/__test__/captcha").json()["answer"]
    assert isinstance(answer, str)
    return answer


def scan_png(name: str = "scan.png") -> io.BytesIO:
    """A small white PNG, named as a browser would send it: a stand-in for a stamped scan."""
    out = io.BytesIO()
    Image.new("RGB", (80, 50), "white").save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


def last_code(mobile: str) -> str:
    """The code in the latest SMS recorded for ``mobile`` by the outbox backend."""
    message = SmsMessage.objects.filter(mobile=mobile).first()
    assert message is not None, f"no SMS to {mobile}"
    found = re.search(r"验证码是? ?(\d{6})", message.text)
    assert found is not None, message.text
    return found.group(1)


def log_in(client: Client, identifier: str, password: str = PASSWORD, *,
           method: str = "mobile") -> object:  # fmt: skip
    """Through the login page (登录选择 ``method``: "mobile" or "gds"); a staff account then
    enters its authenticator's code."""
    from hall.accounts.twofactor import needs_second_factor
    from tests.hall.staff import totp_code

    data = {"method": method, "identifier": identifier, "password": password,
            "captcha": captcha_answer(client)}  # fmt: skip
    response = client.post("/accounts/login/", data)
    user = User.objects.filter(mobile=identifier).first()
    if response.status_code == 302 and user is not None and needs_second_factor(user):
        response = client.post("/accounts/2fa/", {"code": totp_code(user)})
    return response
