"""Activation that public facts cannot pass (issue 19): the certificate number and the company's
name only find the member; a code to its contact mobile, the administrator's invitation or the
branch's approval proves control. Every join and removal is audited and told by SMS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hall.accounts.models import Invitation, SecurityEvent, User
from hall.applications.models import Application
from hall.members.models import Member
from hall.sms.models import SmsMessage, SmsThrottle
from tests.hall.conftest import PASSWORD, captcha_answer, last_code, scan_png

pytestmark = pytest.mark.django_db(transaction=True)  # SMS go out when a transaction commits
Kind = SecurityEvent.Kind


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def _find(client: Client, number: str, name: str) -> object:
    data = {"certificate_number": number, "company_name": name, "captcha": captcha_answer(client)}
    return client.post("/accounts/activate/", data)


def _texts(mobile: str) -> list[str]:
    return [m.text for m in SmsMessage.objects.filter(mobile=mobile)]


def test_public_facts_alone_do_not_activate(
    client: Client, fresh_user: User, member: Member
) -> None:
    """The finding: a stranger copied the number and name from the public query and became the
    member. The query now shows the number masked; with the whole number and the name the
    stranger still needs the code that goes to the member's own contact mobile."""
    listing = _text(client.get("/query/companies/", {"q": "杭州示例"}))
    assert member.name in listing
    assert member.certificate_number not in listing
    assert "物编注字第****01号" in listing
    client.force_login(fresh_user)
    response = _find(client, member.certificate_number, member.name)
    assert response.status_code == 302  # found: on to the proof of control
    page = _text(client.get("/accounts/activate/code/"))
    assert f"{member.mobile[:3]}****{member.mobile[-4:]}" in page  # where the code goes, masked
    assert member.mobile not in page
    guess = client.post("/accounts/activate/code/", {"sms_code": "123456", "action": "verify"})
    assert "短信验证码错误或已过期" in _text(guess)
    fresh_user.refresh_from_db()
    assert fresh_user.member is None
    assert SecurityEvent.objects.filter(kind=Kind.ACTIVATION_FAILED, user=fresh_user).exists()


@pytest.mark.parametrize("written", ["物编注字第100001号", "100001", "第100001号", "１００００１"])
def test_activation_by_the_code_to_the_contact_mobile(
    client: Client, fresh_user: User, member: Member, written: str
) -> None:
    client.force_login(fresh_user)
    assert _find(client, written, member.name.replace("有限公司", "有限 公司")).status_code == 302
    client.post("/accounts/activate/code/", {"action": "send"})
    (sent,) = _texts(member.mobile)
    assert "139****0003" in sent
    assert member.name in sent
    answer = client.post("/accounts/activate/code/",
                         {"sms_code": last_code(member.mobile), "action": "verify"})  # fmt: skip
    assert answer.status_code == 302
    fresh_user.refresh_from_db()
    assert (fresh_user.member, fresh_user.member_admin) == (member, True)
    assert fresh_user.gds_card == member.gds_card
    assert "69212345" in _text(client.get("/accounts/center/"))
    assert SecurityEvent.objects.filter(kind=Kind.ACTIVATED, user=fresh_user).exists()
    assert any("已加入" in text for text in _texts(member.mobile))  # the contact mobile is told


def test_a_member_with_accounts_takes_no_code_activation(
    client: Client, fresh_user: User, member_user: User
) -> None:
    member = member_user.member
    assert member is not None
    client.force_login(fresh_user)
    _find(client, member.certificate_number, member.name)
    refused = client.post("/accounts/activate/code/", {"action": "send"})
    assert "该企业已有账号" in _text(refused)
    assert _texts(member.mobile) == []  # nothing sent


def test_wrong_facts_and_captcha_say_so_and_are_throttled(
    client: Client, fresh_user: User, member: Member
) -> None:
    client.force_login(fresh_user)
    assert "物编注字或企业名称不正确" in _text(_find(client, "100001", "别的公司"))
    assert "物编注字或企业名称不正确" in _text(_find(client, "999999", member.name))
    captcha_answer(client)
    wrong = {"certificate_number": "100001", "company_name": member.name, "captcha": "NOPE"}
    assert "验证码错误" in _text(client.post("/accounts/activate/", wrong))
    for _ in range(3):
        _find(client, "x", "y")
    assert "激活尝试次数过多" in _text(_find(client, "100001", member.name))


def test_activation_by_the_branchs_approval(
    client: Client, fresh_user: User, member_user: User
) -> None:
    """The contact mobile is no longer theirs: the licence goes to the branch, whose approval
    joins the account (not as administrator: the member has one)."""
    member = member_user.member
    assert member is not None
    client.force_login(fresh_user)
    _find(client, member.certificate_number, member.name)
    request = {"applicant_name": "张三", "position": "经理", "reason": "手机停用"}
    started = client.post("/applications/activation/", request)
    application = Application.objects.get(kind=Application.Kind.ACTIVATION)
    assert started.url == f"/applications/{application.pk}/"  # type: ignore[attr-defined]
    assert (application.status, application.applicant, application.member) == (
        Application.Status.MATERIALS,
        fresh_user,
        member,
    )
    done = {"action": "materials_done_free", "version": application.version}
    assert "营业执照" in _text(client.post(f"/applications/{application.pk}/act/", done,
                                          follow=True))  # fmt: skip
    client.post(f"/applications/{application.pk}/upload/licence/",
                {"image": scan_png(), "version": application.version})  # fmt: skip
    client.post(f"/applications/{application.pk}/act/", done)
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW
    # The member's administrator sees the request, but cannot act on it.
    admin = Client()
    admin.force_login(member_user)
    assert "张三" in _text(admin.get(f"/applications/{application.pk}/"))
    withdraw = {"action": "withdraw", "version": application.version, "confirmed": "on"}
    assert admin.post(f"/applications/{application.pk}/act/", withdraw).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW
    reviewer = User.objects.create_user("13900000010", PASSWORD, role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    branch = Client()
    branch.force_login(reviewer)
    page = _text(branch.get(f"/applications/{application.pk}/"))
    assert fresh_user.mobile in page
    assert "✔ 营业执照已上传" in page
    grant = {"action": "branch_grant", "version": application.version, "confirmed": "on"}
    branch.post(f"/applications/{application.pk}/act/", grant)
    application.refresh_from_db()
    fresh_user.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert (fresh_user.member, fresh_user.member_admin) == (member, False)
    notices = _texts(member_user.mobile)
    assert any("139****0003" in text and "分支机构审核" in text for text in notices)


def test_an_administrator_invites_and_removes_a_clerk(
    client: Client, member_user: User, fresh_user: User
) -> None:
    member = member_user.member
    assert member is not None
    client.force_login(member_user)
    client.post("/accounts/users/", {"mobile": fresh_user.mobile})
    invitation = Invitation.objects.get()
    assert any(member.name in text for text in _texts(fresh_user.mobile))
    again = client.post("/accounts/users/", {"mobile": fresh_user.mobile})
    assert "已向该手机号发出邀请" in _text(again)
    clerk = Client()
    clerk.force_login(fresh_user)
    assert "接受邀请" in _text(clerk.get("/accounts/activate/"))
    clerk.post(f"/accounts/invitations/{invitation.pk}/accept/")
    fresh_user.refresh_from_db()
    assert (fresh_user.member, fresh_user.member_admin) == (member, False)
    # A clerk sees the accounts but manages none of them.
    assert "只有企业管理员可以" in _text(clerk.get("/accounts/users/"))
    clerk.post(f"/accounts/users/{member_user.pk}/remove/", {"confirmed": "on"})
    member_user.refresh_from_db()
    assert member_user.member == member
    # The administrator removes the clerk: its sessions end at once.
    client.post(f"/accounts/users/{fresh_user.pk}/remove/", {"confirmed": "on"})
    fresh_user.refresh_from_db()
    assert fresh_user.member is None
    assert clerk.get("/accounts/center/").status_code == 302  # logged out
    assert SecurityEvent.objects.filter(kind=Kind.REMOVED, user=fresh_user).exists()
    assert any("已被移出" in text for text in _texts(fresh_user.mobile))
    assert any("已被移出" in text for text in _texts(member.mobile))


def test_invitations_expire_belong_to_their_number_and_to_their_member(
    client: Client, member_user: User, other_user: User, fresh_user: User
) -> None:
    member = member_user.member
    assert member is not None
    past = timezone.now() - timedelta(minutes=1)
    invitation = Invitation.objects.create(member=member, mobile=fresh_user.mobile,
                                           invited_by=member_user, expires_at=past)  # fmt: skip
    client.force_login(fresh_user)
    refused = client.post(f"/accounts/invitations/{invitation.pk}/accept/", follow=True)
    assert "邀请不存在、已失效或已被使用" in _text(refused)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(User.objects.create_user("13900000004", PASSWORD))  # not the invited
    client.post(f"/accounts/invitations/{invitation.pk}/accept/")
    assert not User.objects.filter(mobile="13900000004", member__isnull=False).exists()
    other = Client()
    other.force_login(other_user)  # another member's administrator
    other.post(f"/accounts/invitations/{invitation.pk}/revoke/")
    other.post(f"/accounts/users/{member_user.pk}/remove/", {"confirmed": "on"})
    invitation.refresh_from_db()
    member_user.refresh_from_db()
    assert invitation.revoked_at is None
    assert member_user.member == member


def test_the_certificate_check_still_answers_a_whole_number(client: Client, member: Member) -> None:
    answer = client.get("/api/v1/certificates/check",
                        {"number": "100001", "company": member.name}).json()  # fmt: skip
    assert answer["genuine"] is True
    assert answer["member"]["certificate_number"] == member.certificate_number
    listed = client.get("/api/v1/companies", {"q": "杭州示例"}).json()
    assert member.certificate_number not in str(listed)


def test_a_new_login_mobile_by_the_branchs_approval(client: Client, member_user: User) -> None:
    """The old number is gone, so no code can reach it: the new number is proven by its code,
    the licence goes to the branch, and its approval moves the login; both numbers and the
    member are told, and every session of the account ends."""
    member = member_user.member
    assert member is not None
    client.force_login(member_user)
    page = client.get("/accounts/mobile/").content.decode()
    assert "/applications/mobile-change/" in page
    ask = {"new_mobile": "13600000009", "reason": "原手机号已停用", "action": "send"}
    refused = client.post("/applications/mobile-change/", ask)  # without the image captcha
    assert "图形验证码错误" in _text(refused)
    client.post("/applications/mobile-change/", ask | {"captcha": captcha_answer(client)})
    wrong = client.post("/applications/mobile-change/", ask | {"action": "next",
                                                              "sms_code": "000000"})  # fmt: skip
    assert "短信验证码错误或已过期" in _text(wrong)
    ask |= {"action": "next", "sms_code": last_code("13600000009")}
    client.post("/applications/mobile-change/", ask)
    application = Application.objects.get(kind=Application.Kind.MOBILE_CHANGE)
    client.post(f"/applications/{application.pk}/upload/licence/",
                {"image": scan_png(), "version": application.version})  # fmt: skip
    client.post(f"/applications/{application.pk}/act/",
                {"action": "materials_done_free", "version": application.version})  # fmt: skip
    application.refresh_from_db()
    reviewer = User.objects.create_user("13900000010", PASSWORD, role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    branch = Client()
    branch.force_login(reviewer)
    branch.post(f"/applications/{application.pk}/act/",
                {"action": "branch_grant", "version": application.version,
                 "confirmed": "on"})  # fmt: skip
    member_user.refresh_from_db()
    assert member_user.mobile == "13600000009"
    assert client.get("/accounts/center/").status_code == 302  # logged out everywhere
    assert any("已经分支机构审核改为 136****0009" in t for t in _texts("13900000001"))
    assert any("已经分支机构审核改为" in t for t in _texts("13600000009"))
    assert any("已经分支机构审核改为" in t for t in _texts(member.mobile))


def _request_for_a_new_mobile(client: Client, user: User) -> Application:
    ask = {"new_mobile": "13600000009", "reason": "停用", "action": "send"}
    client.post("/applications/mobile-change/", ask | {"captcha": captcha_answer(client)})
    ask |= {"action": "next", "sms_code": last_code("13600000009")}
    client.post("/applications/mobile-change/", ask)
    return Application.objects.get(kind=Application.Kind.MOBILE_CHANGE, applicant=user)


def test_a_clerk_cannot_touch_the_administrators_request(
    client: Client, member_user: User, fresh_user: User
) -> None:
    """The review's finding: a clerk changed the administrator's returned request to its own
    number, and the branch's approval moved the administrator's login there. A request about an
    account is its applicant's, and its proven number cannot be edited at all."""
    member = member_user.member
    assert member is not None
    User.objects.filter(pk=fresh_user.pk).update(member=member)
    client.force_login(member_user)
    application = _request_for_a_new_mobile(client, member_user)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.RETURNED)
    clerk = Client()
    clerk.force_login(fresh_user)
    swap = {"new_mobile": "13500000666", "reason": "x", "version": application.version}
    clerk.post(f"/applications/{application.pk}/fill/", swap)
    clerk.post(f"/applications/{application.pk}/upload/licence/",
               {"image": scan_png(), "version": application.version})  # fmt: skip
    client.post(f"/applications/{application.pk}/fill/", swap)  # the applicant's own try
    application.refresh_from_db()
    assert application.data["new_mobile"] == "13600000009"
    assert not application.materials.exists()


def test_a_new_number_is_not_told_apart_by_its_account(
    client: Client, member_user: User, other_user: User
) -> None:
    """The review's finding: the change-of-mobile page said 该手机号已注册 to anyone signed in."""
    client.force_login(member_user)
    pages = []
    for number in (other_user.mobile, "13600000001"):
        SmsThrottle.objects.all().delete()
        sent = client.post("/accounts/mobile/", {"new_mobile": number, "action": "send",
                                                 "captcha": captcha_answer(client)})  # fmt: skip
        pages.append(_text(sent).replace(number, "N"))
    assert "该手机号已注册" not in pages[0]
    assert pages[0].count("验证码已发送至 N") == pages[1].count("验证码已发送至 N") == 1
    assert _texts(other_user.mobile) == []  # no code went to the account's number


def test_guessing_the_current_password_locks_and_logs_out(
    client: Client, member_user: User
) -> None:
    client.force_login(member_user)
    guess = {"current_password": "Wrong2026pass", "password": "Fresh2026pass",
             "confirm": "Fresh2026pass"}  # fmt: skip
    for _ in range(5):
        client.post("/accounts/password/", guess)
    assert client.get("/accounts/center/").status_code == 302  # the session ended
    client.force_login(member_user)
    locked = client.post("/accounts/password/", guess | {"current_password": PASSWORD})
    assert "账号已锁定" in _text(locked)
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)


def test_a_removed_clerks_api_keys_stop(client: Client, member_user: User,
                                        fresh_user: User) -> None:  # fmt: skip
    member = member_user.member
    assert member is not None
    User.objects.filter(pk=fresh_user.pk).update(member=member)
    clerk = Client()
    clerk.force_login(fresh_user)
    made = clerk.post("/products/keys/", {"name": "ERP"}).content.decode()
    secret = "tm_" + made.split("<code>tm_")[1].split("<")[0]
    assert clerk.get("/api/v1/bank", HTTP_X_API_KEY=secret).status_code == 200
    client.force_login(member_user)
    client.post(f"/accounts/users/{fresh_user.pk}/remove/", {"confirmed": "on"})
    assert clerk.get("/api/v1/bank", HTTP_X_API_KEY=secret).status_code == 401


def test_invitations_and_activation_codes_are_limited(
    client: Client, member_user: User, fresh_user: User, other_member: Member
) -> None:
    client.force_login(member_user)
    for round_ in range(4):
        client.post("/accounts/users/", {"mobile": "13700000055"})
        Invitation.objects.filter(mobile="13700000055").update(revoked_at=timezone.now())
        assert Invitation.objects.count() == min(round_ + 1, 3)
    assert "今天发出的邀请已达上限" in _text(client.post("/accounts/users/",
                                                         {"mobile": "13700000055"}))  # fmt: skip
    stranger = Client()
    stranger.force_login(fresh_user)
    _find(stranger, other_member.certificate_number, other_member.name)
    for _ in range(3):
        SmsThrottle.objects.all().delete()
        stranger.post("/accounts/activate/code/", {"action": "send"})
    SmsThrottle.objects.all().delete()
    refused = stranger.post("/accounts/activate/code/", {"action": "send"})
    assert "激活验证码的次数已达上限" in _text(refused)
    assert len(_texts(other_member.mobile)) == 3


def test_staff_accounts_and_cancelled_members_are_not_joined(
    client: Client, member_user: User, member: Member
) -> None:
    reviewer = User.objects.create_user("13700000066", PASSWORD, role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    client.force_login(member_user)
    client.post("/accounts/users/", {"mobile": reviewer.mobile})
    staff = Client()
    staff.force_login(reviewer)
    invitation = Invitation.objects.get()
    refused = staff.post(f"/accounts/invitations/{invitation.pk}/accept/", follow=True)
    assert "审核和管理人员的账号不能代表企业" in _text(refused)
    reviewer.refresh_from_db()
    assert reviewer.member is None


def test_the_demo_data_is_for_a_development_hall(tmp_path: Any) -> None:
    import subprocess
    import sys

    key = "Zq8-" + "abcdefghij" * 6
    env = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_SECRET_KEY": key,
           "HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "https://sms.example/",
           "HALL_SMS_TOKEN": "t", "HALL_CACHE_URL": "redis://127.0.0.1:6379/15",
           "HALL_BROKER_URL": "amqp://127.0.0.1:5672//",
           "HALL_PUBLIC_URL": "https://hall.example"}  # fmt: skip
    ran = subprocess.run([sys.executable, "-m", "hall", "demo"], env=env, text=True,
                         capture_output=True, check=False)  # fmt: skip
    assert ran.returncode != 0
    assert "HALL_DEBUG=1" in ran.stderr
