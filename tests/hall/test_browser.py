"""The user center in a real browser (Playwright driving Debian's chromium) against the real
server and database: register -> log in -> activate -> change mobile -> log out -> log in with
the new mobile, and the failures' messages. Screenshots of each screen go to
``test-artifacts/hall/`` (look at them)."""

from __future__ import annotations

import os

import pytest

from hall.members.models import Member
from tests.hall.browser import captcha, log_in, shot, text
from tests.hall.conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db(transaction=True)

# Playwright's sync API runs an event loop in this thread; the test reads the SMS outbox
# through the ORM between steps, which Django would otherwise refuse in such a thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def sms_step(page: object, mobile: str, fields: dict[str, str]) -> None:
    for selector, value in fields.items():
        page.fill(selector, value)  # type: ignore[attr-defined]
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
    assert "激活成功" in text(page)
    assert "69212345" in text(page)
    shot(page, "08-center-activated")

    page.click("nav.menu >> text=修改手机")  # type: ignore[attr-defined]
    sms_step(
        page, "13600000077", {"#id_old_mobile": "13700000077", "#id_new_mobile": "13600000077"}
    )
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
