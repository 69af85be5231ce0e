"""The user center through its pages (seed 000 §1, §3): register, log in, activate, change
mobile, forgot password; each refusal with its message, nothing half-done after it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hall.accounts.mobile import normalise
from hall.accounts.models import SecurityEvent, User
from hall.sms.models import SmsMessage
from tests.hall.conftest import PASSWORD, captcha_answer, last_code, log_in

pytestmark = pytest.mark.django_db(transaction=True)
Kind = SecurityEvent.Kind


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def _shown(page: str, mobile: str) -> str:
    """The page without the number asked about and its CSRF token."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", page.replace(mobile, ""))


def _send(client: Client) -> dict[str, str]:
    """Step 1's "获取短信验证码" with the image captcha solved."""
    return {"action": "send", "captcha": captcha_answer(client)}


def register(client: Client, mobile: str, password: str = PASSWORD) -> object:
    client.post(
        "/accounts/register/",
        {"mobile": mobile, **_send(client)},
    )
    code = last_code(normalise(mobile))
    response = client.post(
        "/accounts/register/", {"mobile": mobile, "sms_code": code, "action": "next"}
    )
    assert response.status_code == 302, _text(response)
    return client.post("/accounts/register/password/", {"password": password, "confirm": password})


def test_register_in_three_steps_then_log_in(client: Client) -> None:
    done = register(client, "+86 137 0000 0009")
    assert "注册成功" in _text(done)
    user = User.objects.get(mobile="13700000009")
    assert user.password.startswith("argon2")
    assert SecurityEvent.objects.filter(kind=Kind.REGISTERED, user=user).exists()
    assert log_in(client, "13700000009").status_code == 302  # type: ignore[attr-defined]
    assert "尚未激活" in _text(client.get("/accounts/center/"))


def test_register_refusals(client: Client, member_user: User) -> None:
    # A number with an account looks like any other to whoever asks; its owner is told.
    taken = client.post(
        "/accounts/register/",
        {"mobile": member_user.mobile, **_send(client)},
    )
    fresh = client.post(
        "/accounts/register/",
        {"mobile": "13700000007", **_send(client)},
    )
    assert "验证码已发送至 13900000001" in _text(taken)
    assert _shown(_text(taken), "13900000001") == _shown(_text(fresh), "13700000007")
    reminder = SmsMessage.objects.filter(mobile=member_user.mobile).first()
    assert reminder is not None
    assert "已有账号" in reminder.text
    guessed = {"mobile": member_user.mobile, "sms_code": "000000", "action": "next"}
    assert "短信验证码错误或已过期" in _text(client.post("/accounts/register/", guessed))
    bad = client.post(
        "/accounts/register/",
        {"mobile": "12345", **_send(client)},
    )
    assert "手机号无效" in _text(bad)
    client.post(
        "/accounts/register/",
        {"mobile": "13700000008", **_send(client)},
    )
    wrong = client.post(
        "/accounts/register/", {"mobile": "13700000008", "sms_code": "000000x", "action": "next"}
    )
    assert "短信验证码错误或已过期" in _text(wrong)
    # Step 2 without step 1 goes back to step 1.
    assert Client().get("/accounts/register/password/").status_code == 302
    client.post(
        "/accounts/register/",
        {"mobile": "13700000008", "sms_code": last_code("13700000008"), "action": "next"},
    )
    weak = client.post(
        "/accounts/register/password/", {"password": "12345678", "confirm": "12345678"}
    )
    assert "字母和数字" in _text(weak)
    differ = client.post("/accounts/register/password/", {"password": PASSWORD, "confirm": "x"})
    assert "两次输入的密码不一致" in _text(differ)
    assert not User.objects.filter(mobile="13700000008").exists()


def test_login_needs_the_captcha_and_gives_no_hint(client: Client, member_user: User) -> None:
    data = {
        "method": "mobile",
        "identifier": member_user.mobile,
        "password": PASSWORD,
        "captcha": "WRONG",
    }
    captcha_answer(client)
    assert "验证码错误" in _text(client.post("/accounts/login/", data))
    wrong_password = log_in(client, member_user.mobile, "Wrong2026pass")
    unknown = log_in(client, "13911112222", "Wrong2026pass")
    assert "账号或密码错误" in _text(wrong_password)
    assert "账号或密码错误" in _text(unknown)
    assert 'id="login-help"' in _text(unknown)  # seed 000 §1.2: 注册并激活账号
    assert "注册并激活账号" in _text(unknown)
    # 登录选择 means what it says: a card number is not a mobile, nor a mobile a card number.
    card = member_user.gds_card or ""
    assert "账号或密码错误" in _text(log_in(client, card, PASSWORD))
    assert "账号或密码错误" in _text(log_in(client, member_user.mobile, PASSWORD, method="gds"))
    assert log_in(client, card, PASSWORD, method="gds").status_code == 302  # type: ignore[attr-defined]


def test_lockout_after_five_failures(client: Client, member_user: User) -> None:
    for _ in range(5):
        log_in(client, member_user.mobile, "Wrong2026pass")
    locked = log_in(client, member_user.mobile)
    assert "账号已锁定" in _text(locked)
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED, user=member_user).exists()


def test_a_number_without_an_account_locks_alike(client: Client, member_user: User) -> None:
    """The lockout's message would otherwise tell a stranger which numbers have accounts."""
    answers = {}
    for mobile in (member_user.mobile, "13911112222"):
        for _ in range(5):
            log_in(client, mobile, "Wrong2026pass")
        page = _text(log_in(client, mobile))
        answers[mobile] = re.findall(r'<div class="errors" role="alert">.*?</div>', page)
    assert "账号已锁定，请 15 分钟后再试" in answers["13911112222"][0]
    assert answers[member_user.mobile] == answers["13911112222"]


def test_failures_by_one_choice_tell_nothing_of_the_other(member_user: User) -> None:
    """A mobile tried five times as a card number, then as a mobile: an account's and a
    stranger's number answer alike (each choice locks its own names)."""
    answers = {}
    for mobile in (member_user.mobile, "13911112223"):
        client = Client()
        for _ in range(5):
            log_in(client, mobile, "Wrong2026pass", method="gds")
        page = _text(log_in(client, mobile, "Wrong2026pass"))
        answers[mobile] = re.findall(r'<div class="errors" role="alert">.*?</div>', page)
    assert "账号或密码错误" in answers["13911112223"][0]
    assert answers[member_user.mobile] == answers["13911112223"]


def test_one_address_failing_everywhere_is_stopped(client: Client, fresh_user: User) -> None:
    for index in range(20):
        log_in(client, f"139{index:08d}", "Wrong2026pass")
    assert "登录失败次数过多" in _text(log_in(client, fresh_user.mobile))


def test_change_mobile_then_log_in_with_the_new_one(
    client: Client, member_user: User, other_user: User
) -> None:
    """The owner proves it with its password and a code to the old number; the new number is
    proven by its own code; the old number is told, and every other session ends."""
    elsewhere = Client()
    elsewhere.force_login(member_user)
    client.force_login(member_user)
    client.post("/accounts/mobile/", {"action": "send_old", "new_mobile": "13600000001"})
    old_code = last_code(member_user.mobile)
    step1 = {"new_mobile": other_user.mobile, "action": "send"}  # taken: answered alike, no code
    assert "图形验证码错误" in _text(client.post("/accounts/mobile/", step1))  # none solved
    step1 |= {"captcha": captcha_answer(client)}
    assert "验证码已发送至" in _text(client.post("/accounts/mobile/", step1))
    assert not SmsMessage.objects.filter(mobile=other_user.mobile).exists()
    step1 |= {"new_mobile": "13600000001", "captcha": captcha_answer(client)}
    client.post("/accounts/mobile/", step1)
    new_code = last_code("13600000001")
    step1 |= {"action": "next", "sms_code": new_code, "old_code": old_code,
              "current_password": "Wrong2026pass"}  # fmt: skip
    assert "当前密码不正确" in _text(client.post("/accounts/mobile/", step1))
    step1 |= {"current_password": PASSWORD, "old_code": "000000"}
    assert "短信验证码错误或已过期" in _text(client.post("/accounts/mobile/", step1))
    client.post("/accounts/mobile/", {"action": "send_old", "new_mobile": "13600000001"})
    client.post("/accounts/mobile/", step1 | {"action": "send", "captcha": captcha_answer(client)})
    step1 |= {"old_code": last_code(member_user.mobile), "sms_code": last_code("13600000001")}
    assert client.post("/accounts/mobile/", step1).status_code == 302
    new_password = "Another2026pass"
    done = client.post(
        "/accounts/mobile/password/", {"password": new_password, "confirm": new_password}
    )
    assert "重置成功" in _text(done)
    assert client.get("/accounts/center/").status_code == 200  # still logged in here
    assert elsewhere.get("/accounts/center/").status_code == 302  # and nowhere else
    told = SmsMessage.objects.filter(mobile="13900000001").first()
    assert told is not None
    assert "136****0001" in told.text
    client.post("/accounts/logout/")
    assert log_in(client, "13600000001", new_password).status_code == 302  # type: ignore[attr-defined]
    assert SecurityEvent.objects.filter(kind=Kind.MOBILE_CHANGED, user=member_user).exists()


def test_a_new_password_needs_the_current_one(client: Client, member_user: User) -> None:
    elsewhere = Client()
    elsewhere.force_login(member_user)
    client.force_login(member_user)
    change = {"current_password": "Wrong2026pass", "password": "Fresh2026pass",
              "confirm": "Fresh2026pass"}  # fmt: skip
    assert "当前密码不正确" in _text(client.post("/accounts/password/", change))
    member_user.refresh_from_db()
    assert member_user.check_password(PASSWORD)
    assert (
        client.post("/accounts/password/", change | {"current_password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/accounts/center/").status_code == 200
    assert elsewhere.get("/accounts/center/").status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=member_user).exists()
    assert "密码已修改" in SmsMessage.objects.filter(mobile=member_user.mobile).first().text  # type: ignore[union-attr]


def test_forgot_password(client: Client, member_user: User) -> None:
    client.post(
        "/accounts/forgot/",
        {"mobile": member_user.mobile, **_send(client)},
    )
    client.post(
        "/accounts/forgot/",
        {"mobile": member_user.mobile, "action": "next", "sms_code": last_code(member_user.mobile)},
    )
    new_password = "Reset2026pass"
    done = client.post(
        "/accounts/forgot/password/", {"password": new_password, "confirm": new_password}
    )
    assert "重置成功" in _text(done)
    assert log_in(client, member_user.mobile, new_password).status_code == 302  # type: ignore[attr-defined]


def test_forgot_password_for_an_unknown_number_looks_the_same(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/forgot/",
        {"mobile": "13511112222", **_send(client)},
        follow=True,
    )
    assert "验证码已发送" in _text(response)


def test_english_when_switched(client: Client, member_user: User) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = _text(client.get("/accounts/login/"))
    assert "Log in" in page
    assert "not the official website" in page
