"""SMS codes: hashed, five minutes, single use, five guesses, and the sending limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from hall.sms import services as sms
from hall.sms.models import SmsCode, SmsMessage, SmsThrottle
from tests.hall.conftest import last_code

MOBILE = "13700000001"
REGISTER = SmsCode.Purpose.REGISTER


def send(mobile: str = MOBILE, address: str = "10.0.0.1") -> None:
    sms.send_code(mobile=mobile, purpose=REGISTER, client_address=address)


def _age_throttle(mobile: str = MOBILE) -> None:
    """Let the 60-second gap pass."""
    SmsThrottle.objects.filter(mobile=mobile).update(
        last_sent_at=timezone.now() - timedelta(seconds=61)
    )


@pytest.mark.django_db(transaction=True)
def test_a_code_is_sent_after_commit_stored_hashed_and_used_once() -> None:
    send()
    code = last_code(MOBILE)
    assert len(code) == 6
    row = SmsCode.objects.get()
    assert code not in row.code_hash
    sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=code)
    with pytest.raises(sms.SmsError, match="错误或已过期"):
        sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=code)


@pytest.mark.django_db(transaction=True)
def test_expired_and_other_purpose_codes_do_not_count() -> None:
    send()
    code = last_code(MOBILE)
    with pytest.raises(sms.SmsError):
        sms.verify_code(mobile=MOBILE, purpose=SmsCode.Purpose.RESET, code=code)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(sms.SmsError):
        sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=code)


@pytest.mark.django_db(transaction=True)
def test_five_wrong_guesses_kill_the_code() -> None:
    send()
    code = last_code(MOBILE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(sms.MAX_ATTEMPTS):
        with pytest.raises(sms.SmsError):
            sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=wrong)
    assert SmsCode.objects.get().attempts == sms.MAX_ATTEMPTS
    with pytest.raises(sms.SmsError):
        sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=code)


@pytest.mark.django_db(transaction=True)
def test_a_new_code_replaces_the_old_one() -> None:
    send()
    first = last_code(MOBILE)
    _age_throttle()
    send()
    second = last_code(MOBILE)
    if first != second:
        with pytest.raises(sms.SmsError):
            sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=first)
    sms.verify_code(mobile=MOBILE, purpose=REGISTER, code=second)


@pytest.mark.django_db(transaction=True)
def test_one_send_per_minute_then_hour_and_day_bounds() -> None:
    send()
    with pytest.raises(sms.SmsError, match="60 秒"):
        send()
    for _ in range(4):
        _age_throttle()
        send()
    _age_throttle()
    with pytest.raises(sms.SmsError, match="上限"):
        send()
    assert SmsMessage.objects.filter(mobile=MOBILE).count() == 5


#: Limits under which a client (an address, an IPv6 /64) is stopped at its fourth code.
THREE_AN_HOUR_PER_CLIENT = {"gap_seconds": 60, "per_mobile_hour": 5, "per_mobile_day": 10,
                            "per_address_hour": 3, "per_address_day": 50}  # fmt: skip


@pytest.mark.django_db(transaction=True)
@override_settings(SMS_LIMITS=THREE_AN_HOUR_PER_CLIENT)
def test_one_address_asking_for_many_numbers_is_stopped() -> None:
    for index in range(3):
        send(mobile=f"1370000010{index}", address="10.9.9.9")
    with pytest.raises(sms.SmsError, match="过于频繁"):
        send(mobile="13700000109", address="10.9.9.9")
    send(mobile="13700000109", address="10.9.9.8")


@pytest.mark.django_db(transaction=True)
def test_undelivered_codes_go_through_the_limits_but_send_nothing() -> None:
    sms.send_code(mobile=MOBILE, purpose=SmsCode.Purpose.RESET, client_address=None, deliver=False)
    assert not SmsMessage.objects.exists()
    assert SmsCode.objects.count() == 1


def test_backends(caplog: pytest.LogCaptureFixture) -> None:
    with override_settings(SMS_BACKEND="console"):
        sms.backend().send(MOBILE, "hello")
    assert "hello" in caplog.text
    with override_settings(SMS_BACKEND="hall.sms.services.ConsoleBackend"):
        assert isinstance(sms.backend(), sms.ConsoleBackend)


def test_the_http_backend_posts_to_the_gateway_with_its_token(settings: Any) -> None:
    """A real HTTP exchange on loopback: the message as JSON, the bearer token; a gateway that
    refuses is an error, not a message silently lost."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from hall.sms.services import HttpBackend

    received: list[tuple[str, dict[str, str]]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Authorization"], body))
            self.send_response(200 if body["mobile"] != "13900000000" else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_TOKEN = "gateway-token"
        text = "【大厅】验证码 123456"
        HttpBackend().send("13900000001", text)
        assert received == [("Bearer gateway-token", {"mobile": "13900000001", "text": text})]
        with pytest.raises(OSError, match="503"):
            HttpBackend().send("13900000000", "x")
    finally:
        server.shutdown()


@pytest.mark.django_db(transaction=True)
@override_settings(SMS_LIMITS=THREE_AN_HOUR_PER_CLIENT)
def test_one_ipv6_network_asking_from_many_addresses_is_stopped() -> None:
    for index in range(3):  # one subscriber's /64, a new address each time
        send(mobile=f"1370000020{index}", address=f"2001:db8:5:6::{index + 1}")
    with pytest.raises(sms.SmsError, match="过于频繁"):
        send(mobile="13700000209", address="2001:db8:5:6:abcd::1")
    send(mobile="13700000209", address="2001:db8:5:7::1")  # another subscriber
