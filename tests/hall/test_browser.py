"""The user center in a real browser (Playwright driving Debian's chromium) against the real
server and database: register -> log in -> activate -> change mobile -> log out -> log in with
the new mobile, and the failures' messages. Screenshots of each screen go to
``test-artifacts/hall/`` (look at them)."""

from __future__ import annotations

import os

import pytest

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.sms.models import SmsMessage, SmsThrottle
from tests.hall.browser import captcha, log_in, shot, text
from tests.hall.conftest import PASSWORD, last_code, scan_png

pytestmark = pytest.mark.django_db(transaction=True)

# Playwright's sync API runs an event loop in this thread; the test reads the SMS outbox
# through the ORM between steps, which Django would otherwise refuse in such a thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def sms_step(page: object, mobile: str, fields: dict[str, str]) -> None:
    for selector, value in fields.items():
        page.fill(selector, value)  # type: ignore[attr-defined]
    if page.locator("#id_captcha").count():  # type: ignore[attr-defined]
        page.fill("#id_captcha", captcha(page))  # type: ignore[attr-defined]
    page.click("#send-code")  # type: ignore[attr-defined]
    for selector, value in fields.items():
        page.fill(selector, value)  # type: ignore[attr-defined]
    page.fill("#id_sms_code", last_code(mobile))  # type: ignore[attr-defined]
    page.click("#next")  # type: ignore[attr-defined]


def password_step(page: object, password: str) -> None:
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    page.fill("#id_confirm", password)  # type: ignore[attr-defined]
    page.click("#next")  # type: ignore[attr-defined]


def test_register_log_in_activate_change_mobile_and_back(page: object, member: Member) -> None:
    page.goto("/accounts/register/")  # type: ignore[attr-defined]
    shot(page, "01-register-step1")
    page.fill("#id_mobile", "13700000077")  # type: ignore[attr-defined]
    page.fill("#id_sms_code", "123456")  # type: ignore[attr-defined]
    page.click("#next")  # type: ignore[attr-defined]
    assert "短信验证码错误或已过期" in text(page)
    shot(page, "02-register-wrong-code")
    sms_step(page, "13700000077", {"#id_mobile": "13700000077"})
    shot(page, "03-register-step2")
    password_step(page, PASSWORD)
    assert "注册成功" in text(page)
    shot(page, "04-register-done")

    log_in(page, "13700000077", PASSWORD, right_captcha=False)
    assert "验证码错误" in text(page)
    shot(page, "05-login-wrong-captcha")
    log_in(page, "13700000077", PASSWORD)
    assert "账号尚未激活" in text(page)
    shot(page, "06-center-not-activated")

    page.click("nav.menu >> text=激活")  # type: ignore[attr-defined]
    page.fill("#id_certificate_number", member.certificate_number)  # type: ignore[attr-defined]
    page.fill("#id_company_name", member.name)  # type: ignore[attr-defined]
    page.fill("#id_captcha", captcha(page))  # type: ignore[attr-defined]
    shot(page, "07-activate")
    page.click("#activate")  # type: ignore[attr-defined]
    page.click("#send-code")  # type: ignore[attr-defined]
    assert "验证码已发送至企业联系手机" in text(page)
    page.fill("#id_sms_code", last_code(member.mobile))  # type: ignore[attr-defined]
    shot(page, "07b-activate-code")
    page.click("#activate")  # type: ignore[attr-defined]
    assert "激活成功" in text(page)
    assert "69212345" in text(page)
    shot(page, "08-center-activated")

    SmsThrottle.objects.all().delete()  # a minute since the registration's code, in a second
    page.click("nav.menu >> text=修改手机")  # type: ignore[attr-defined]
    page.click("#send-old-code")  # type: ignore[attr-defined]
    proof = {"#id_current_password": PASSWORD, "#id_old_code": last_code("13700000077")}
    sms_step(page, "13600000077", {**proof, "#id_new_mobile": "13600000077"})
    password_step(page, "Changed2026pass")
    assert "重置成功" in text(page)
    shot(page, "09-mobile-changed")
    page.click("#logout")  # type: ignore[attr-defined]

    log_in(page, "13700000077", "Changed2026pass")
    assert "账号或密码错误" in text(page)
    log_in(page, "13600000077", "Changed2026pass")
    assert "13600000077" in text(page)
    assert member.name in text(page)
    shot(page, "10-login-new-mobile")
    page.click("nav.menu >> text=其他信息")  # type: ignore[attr-defined]
    assert member.branch.name in text(page)
    shot(page, "11-other-information")


def test_locked_account_and_english(page: object, member_user: object) -> None:
    for _ in range(5):
        log_in(page, "13900000001", "Wrong2026pass")
    log_in(page, "13900000001", PASSWORD)
    assert "账号已锁定" in text(page)
    shot(page, "12-locked")
    page.click("#language-en")  # type: ignore[attr-defined]
    assert "The account is locked" in text(page) or "Log in" in text(page)
    shot(page, "13-english")


def test_a_takeover_with_public_facts_is_refused_and_control_is_proven(
    page: object, member_user: User, member: Member
) -> None:
    """Issue 19's walk: a stranger registers, reads the company in the public query and tries
    to activate; the number is masked, and even the whole number and name only lead to a code
    that goes to the member's own contact mobile. The branch's approval lets it in instead; the
    administrator invites a clerk and removes it; every notice is in the outbox."""
    page.goto("/query/companies/?q=杭州示例")  # type: ignore[attr-defined]
    assert member.name in text(page)
    assert member.certificate_number not in text(page)
    shot(page, "60-public-query-masked")
    page.goto("/accounts/register/")  # type: ignore[attr-defined]
    sms_step(page, "13700000088", {"#id_mobile": "13700000088"})
    password_step(page, PASSWORD)
    log_in(page, "13700000088", PASSWORD)
    page.goto("/accounts/activate/")  # type: ignore[attr-defined]
    page.fill("#id_certificate_number", "100001")  # type: ignore[attr-defined]
    page.fill("#id_company_name", member.name)  # type: ignore[attr-defined]
    page.fill("#id_captcha", captcha(page))  # type: ignore[attr-defined]
    page.click("#activate")  # type: ignore[attr-defined]
    page.click("#send-code")  # type: ignore[attr-defined]
    assert "该企业已有账号" in text(page)  # the member has its administrator: no code goes out
    page.fill("#id_sms_code", "123456")  # type: ignore[attr-defined]
    page.click("#activate")  # type: ignore[attr-defined]
    assert "激活成功" not in text(page)
    shot(page, "61-takeover-refused")
    # The branch's way: a request with the business licence.
    page.click("#request-branch a")  # type: ignore[attr-defined]
    page.fill("#id_applicant_name", "张三")  # type: ignore[attr-defined]
    page.fill("#id_position", "财务")  # type: ignore[attr-defined]
    page.fill("#id_reason", "原联系人已离职，手机停用")  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    page.set_input_files(
        "#upload-licence",
        files=[
            {  # type: ignore[attr-defined]
                "name": "licence.png",
                "mimeType": "image/png",
                "buffer": scan_png().read(),
            }
        ],
    )
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    page.click("#action-materials_done")  # type: ignore[attr-defined]
    assert "分支机构初审" in text(page)
    shot(page, "62-activation-request")
    application = Application.objects.get(kind=Application.Kind.ACTIVATION)
    User.objects.create_user("13900000010", PASSWORD, role=User.Role.BRANCH, branch=member.branch)
    page.click("#logout")  # type: ignore[attr-defined]
    log_in(page, "13900000010", PASSWORD)
    page.goto(f"/applications/{application.pk}/")  # type: ignore[attr-defined]
    assert "✔ 营业执照已上传" in text(page)
    shot(page, "63-branch-sees-request")
    page.click("#action-branch_grant")  # type: ignore[attr-defined]
    page.click("#confirm")  # type: ignore[attr-defined]
    assert "已批准" in text(page)
    page.click("#logout")  # type: ignore[attr-defined]
    # The administrator sees the new account and invites a clerk, who registers and accepts.
    log_in(page, member_user.mobile, PASSWORD)
    page.goto("/accounts/users/")  # type: ignore[attr-defined]
    assert "13700000088" in text(page)
    page.fill("#id_mobile", "13700000099")  # type: ignore[attr-defined]
    page.click("#invite")  # type: ignore[attr-defined]
    assert "邀请已发送" in text(page)
    shot(page, "64-invitation-sent")
    page.click("#logout")  # type: ignore[attr-defined]
    page.goto("/accounts/register/")  # type: ignore[attr-defined]
    sms_step(page, "13700000099", {"#id_mobile": "13700000099"})
    password_step(page, PASSWORD)
    log_in(page, "13700000099", PASSWORD)
    page.goto("/accounts/activate/")  # type: ignore[attr-defined]
    assert member.name in text(page)
    page.click("#invitations button")  # type: ignore[attr-defined]
    assert f"已加入：{member.name}" in text(page)
    shot(page, "65-invitation-accepted")
    page.click("#logout")  # type: ignore[attr-defined]
    # ... and removes the clerk and the account the branch let in.
    log_in(page, member_user.mobile, PASSWORD)
    page.goto("/accounts/users/")  # type: ignore[attr-defined]
    for mobile in ("13700000099", "13700000088"):
        page.click(f"#remove-{User.objects.get(mobile=mobile).pk}")  # type: ignore[attr-defined]
        assert "须重新邀请" in text(page)  # confirmed first
        page.click("#confirm")  # type: ignore[attr-defined]
        assert "已移出该账号" in text(page)
        assert mobile not in text(page)
    shot(page, "66-accounts-removed")
    assert not User.objects.filter(member=member).exclude(pk=member_user.pk).exists()
    outbox = " ".join(m.text for m in SmsMessage.objects.all())
    for notice in (
        "137****0088 已加入",
        "已邀请 137****0099",
        "邀请您的手机号加入",
        "137****0099 已加入",
        "137****0099 已被移出",
        "137****0088 已被移出",
    ):
        assert notice in outbox, notice
