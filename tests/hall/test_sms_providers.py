"""SMS through Aliyun SMS and Tencent Cloud SMS, against local stand-ins that check each request
as the provider does.

Each stand-in is a threading HTTP server on 127.0.0.1 that recomputes the request's signature
from the provider's published algorithm — written here from the documents, not taken from the
SDKs — and refuses a request whose signature does not match, as the provider would:

- Aliyun, "V3版本请求体&签名机制" (request syntax and signature method V3), which the
  alibabacloud-dysmsapi20170525 SDK (4.x) uses for SendSms: ACS3-HMAC-SHA256, the hex
  HMAC-SHA256 with the AccessKey secret of ``ACS3-HMAC-SHA256\\n`` + the hex SHA-256 of the
  canonical request (method, path, the query sorted and RFC 3986 encoded, the signed headers
  ``name:value`` in order, their names, the hex SHA-256 of the body);
- Tencent Cloud, "签名方法 v3" (signature v3): TC3-HMAC-SHA256, the key HMAC-chained from
  ``"TC3" + SecretKey`` through the UTC date, the service (``sms``) and ``tc3_request``, over
  ``TC3-HMAC-SHA256\\n<timestamp>\\n<date>/sms/tc3_request\\n`` + the hex SHA-256 of the
  canonical request.

Then each answers like its provider: a success, or the error it is told to give (a rate limit,
a template not approved).
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation
from prometheus_client import REGISTRY

from hall.applications.descriptors import KINDS
from hall.applications.models import Application
from hall.sms import services as sms
from hall.sms import templates
from hall.sms.models import SmsCode, SmsMessage
from hall.sms.templates import CATALOGUE

MOBILE = "13700000001"
SIGNATURE = "条码大厅"
KEY_ID, SECRET = "LTAI-test-key", "the-real-secret-0123456789"
#: Every template's registered code: the stand-ins check the hall sends the right one.
CODES = {name: f"SMS_{index:04d}" for index, name in enumerate(CATALOGUE, start=1001)}


@dataclass
class Provider:
    """What a stand-in saw and what it is to answer. ``answers`` are taken one per accepted
    request (then success); ``refused`` holds the requests whose signature failed."""

    secrets: dict[str, str]
    answers: list[str] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)

    def next_answer(self, success: str) -> str:
        return self.answers.pop(0) if self.answers else success


@dataclass(frozen=True)
class Incoming:
    """A request as a stand-in received it; header names in lower case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @classmethod
    def read(cls, handler: BaseHTTPRequestHandler) -> Incoming:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        return cls(handler.command, handler.path, headers, body)

    def authorization(self, scheme: str) -> dict[str, str] | None:
        """The Authorization header's fields if it is of ``scheme``."""
        given, _, fields = self.headers.get("authorization", "").partition(" ")
        if given != scheme:
            return None
        return dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)

    def body_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


# --- Aliyun: ACS3-HMAC-SHA256 ---------------------------------------------------------------


def rfc3986(text: str) -> str:
    """Percent-encoding of the V3 signature: only A-Z a-z 0-9 - _ . ~ stay; a space is %20."""
    return quote(text, safe="-_.~")


def acs3_signature(secret: str, incoming: Incoming, signed: list[str]) -> str:
    url = urlsplit(incoming.target)
    query = sorted(parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(f"{rfc3986(name)}={rfc3986(value)}" for name, value in query)
    canonical_headers = "".join(f"{name}:{incoming.headers[name].strip()}\n" for name in signed)
    canonical = "\n".join([incoming.method, url.path, canonical_query, canonical_headers,
                           ";".join(signed), incoming.body_hash()])  # fmt: skip
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def _aliyun_stale(provider: Provider, incoming: Incoming) -> str | None:
    """A request signed too long ago, or a second time (its nonce seen), is refused."""
    sent_at = datetime.strptime(incoming.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ")
    if abs(datetime.now(UTC) - sent_at.replace(tzinfo=UTC)) > timedelta(minutes=15):
        return "InvalidTimeStamp.Expired"
    if incoming.headers["x-acs-signature-nonce"] in provider.nonces:
        return "SignatureNonceUsed"
    return None


def _aliyun_check(provider: Provider, incoming: Incoming) -> tuple[int, str] | None:
    """None if the request is Aliyun's and well signed, else the status and code Aliyun gives."""
    fields = incoming.authorization("ACS3-HMAC-SHA256") or {}
    secret = provider.secrets.get(fields.get("Credential", ""))
    if secret is None:
        return 404, "InvalidAccessKeyId.NotFound"
    signed = fields.get("SignedHeaders", "").split(";")
    # Every x-acs- header and the host must be signed, the body's hash must be the body's.
    acs = {name for name in incoming.headers if name.startswith("x-acs-")}
    if not {"host", *acs} <= set(signed) or (
        incoming.headers.get("x-acs-content-sha256") != incoming.body_hash()
    ):
        return 400, "IncompleteSignature"
    if stale := _aliyun_stale(provider, incoming):
        return 400, stale
    if not hmac.compare_digest(acs3_signature(secret, incoming, signed),
                               fields.get("Signature", "")):  # fmt: skip
        return 400, "SignatureDoesNotMatch"
    provider.nonces.add(incoming.headers["x-acs-signature-nonce"])
    action = (incoming.headers.get("x-acs-action"), incoming.headers.get("x-acs-version"))
    return None if action == ("SendSms", "2017-05-25") else (400, "InvalidAction.NotFound")


def aliyun_handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Aliyun(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            incoming = Incoming.read(self)
            refusal = _aliyun_check(provider, incoming)
            if refusal is not None:
                provider.refused.append(refusal[1])
                self._answer(refusal[0], {"Code": refusal[1], "Message": "refused"})
                return
            provider.accepted.append(dict(parse_qsl(urlsplit(self.path).query)))
            code = provider.next_answer("OK")
            self._answer(200, {"Code": code, "Message": code, "BizId": "900001"})

        def _answer(self, status: int, answer: dict[str, str]) -> None:
            data = json.dumps({**answer, "RequestId": "A1B2C3"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Aliyun


# --- Tencent Cloud: TC3-HMAC-SHA256 ---------------------------------------------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tc3_signature(secret: str, incoming: Incoming, signed: list[str], *, timestamp: int,
                  service: str) -> str:  # fmt: skip
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_headers = "".join(f"{name}:{incoming.headers[name].strip().lower()}\n"
                                for name in signed)  # fmt: skip
    canonical = "\n".join([incoming.method, urlsplit(incoming.target).path, "",
                           canonical_headers, ";".join(signed), incoming.body_hash()])  # fmt: skip
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{day}/{service}/tc3_request",
                         hashlib.sha256(canonical.encode()).hexdigest()])  # fmt: skip
    key = _hmac(_hmac(_hmac(f"TC3{secret}".encode(), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _tencent_check(provider: Provider, incoming: Incoming) -> str | None:
    """None if the request is Tencent Cloud's and well signed, else the error code it gives."""
    fields = incoming.authorization("TC3-HMAC-SHA256") or {}
    key_id, _, scope = fields.get("Credential", "").partition("/")
    secret = provider.secrets.get(key_id)
    if secret is None:
        return "AuthFailure.SecretIdNotFound"
    timestamp = int(incoming.headers.get("x-tc-timestamp", "0"))
    if abs(time.time() - timestamp) > 300:
        return "AuthFailure.SignatureExpire"
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    signed = fields.get("SignedHeaders", "").split(";")
    if scope != f"{day}/sms/tc3_request" or not {"content-type", "host"} <= set(signed):
        return "AuthFailure.SignatureFailure"
    expected = tc3_signature(secret, incoming, signed, timestamp=timestamp, service="sms")
    if not hmac.compare_digest(expected, fields.get("Signature", "")):
        return "AuthFailure.SignatureFailure"
    action = (incoming.headers.get("x-tc-action"), incoming.headers.get("x-tc-version"))
    return None if action == ("SendSms", "2021-01-11") else "InvalidAction"


#: The answers Tencent Cloud gives per number (SendStatusSet), not for the whole request.
PER_NUMBER = {"LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberDailyLimit"}


def tencent_handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Tencent(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            incoming = Incoming.read(self)
            refusal = _tencent_check(provider, incoming)
            if refusal is not None:
                provider.refused.append(refusal)
                self._answer({"Error": {"Code": refusal, "Message": "refused"}})
                return
            request = json.loads(incoming.body)
            provider.accepted.append({**request, "region": incoming.headers.get("x-tc-region")})
            code = provider.next_answer("Ok")
            if code != "Ok" and code not in PER_NUMBER:
                self._answer({"Error": {"Code": code, "Message": code}})
                return
            self._answer({"SendStatusSet": [{
                "SerialNo": "2028:0001", "PhoneNumber": request["PhoneNumberSet"][0], "Fee": 1,
                "SessionContext": "", "Code": code, "Message": code, "IsoCode": "CN",
            }]})  # fmt: skip

        def _answer(self, response: dict[str, Any]) -> None:
            # Tencent Cloud answers 200 whatever happened; the SDK reads only this content type.
            data = json.dumps({"Response": {**response, "RequestId": "T-1"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Tencent


# --- Fixtures ---------------------------------------------------------------------------------


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _configure(settings: Any, backend: str, endpoint: str, region: str) -> None:
    settings.SMS_BACKEND = backend
    settings.SMS_SIGNATURE = SIGNATURE
    settings.SMS_TEMPLATES = CODES
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.SMS_REGION, settings.SMS_ENDPOINT = region, endpoint
    settings.SMS_APP_ID = "1400900001"


@pytest.fixture
def aliyun(settings: Any) -> Iterator[Provider]:
    provider = Provider(secrets={KEY_ID: SECRET})
    for endpoint in _serve(aliyun_handler(provider)):
        _configure(settings, "aliyun", endpoint, "cn-hangzhou")
        yield provider


@pytest.fixture
def tencent(settings: Any) -> Iterator[Provider]:
    provider = Provider(secrets={KEY_ID: SECRET})
    for endpoint in _serve(tencent_handler(provider)):
        _configure(settings, "tencent", endpoint, "ap-guangzhou")
        yield provider


def _code_sent(mobile: str = MOBILE) -> None:
    """A registration code, as the register page asks for it (sent when its row commits)."""
    sms.send_code(mobile=mobile, purpose=SmsCode.Purpose.REGISTER, client_address="10.0.0.1")


def _failed_sends() -> float:
    counted = REGISTRY.get_sample_value("hall_tasks_total",
                                        {"task": "hall.sms.send", "outcome": "failed"})  # fmt: skip
    return counted or 0.0


# --- Through each adapter -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_code_reaches_aliyun_signed_with_the_template_code_signature_and_parameters(
    aliyun: Provider,
) -> None:
    _code_sent()
    (request,) = aliyun.accepted
    assert aliyun.refused == []
    assert request["PhoneNumbers"] == MOBILE
    assert request["SignName"] == SIGNATURE
    assert request["TemplateCode"] == CODES["code_register"]
    code = json.loads(request["TemplateParam"])["code"]
    assert json.loads(request["TemplateParam"]) == {"code": code}
    # What reached the provider is the code the hall keeps: it proves the number.
    sms.verify_code(mobile=MOBILE, purpose=SmsCode.Purpose.REGISTER, code=code)
    assert not SmsMessage.objects.exists()  # nothing went to the development outbox


@pytest.mark.django_db(transaction=True)
def test_a_code_reaches_tencent_cloud_signed_with_the_template_id_signature_and_parameters(
    tencent: Provider,
) -> None:
    _code_sent()
    (request,) = tencent.accepted
    assert tencent.refused == []
    assert request["PhoneNumberSet"] == [f"+86{MOBILE}"]
    assert request["SmsSdkAppId"] == "1400900001"
    assert request["SignName"] == SIGNATURE
    assert request["TemplateId"] == CODES["code_register"]
    assert request["region"] == "ap-guangzhou"
    (code,) = request["TemplateParamSet"]
    sms.verify_code(mobile=MOBILE, purpose=SmsCode.Purpose.REGISTER, code=code)


#: A notice with several parameters, one with a space and Chinese (encoded on the way).
JOINED = {"account": "139****0003", "company": "Acme 食品 Co", "how": "管理员邀请"}


@pytest.mark.django_db(transaction=True)
def test_a_notice_goes_to_aliyun_by_parameter_name(aliyun: Provider) -> None:
    with transaction.atomic():
        sms.notify(MOBILE, "member_joined", **JOINED)
    (request,) = aliyun.accepted
    assert request["TemplateCode"] == CODES["member_joined"]
    assert json.loads(request["TemplateParam"]) == JOINED


@pytest.mark.django_db(transaction=True)
def test_a_notice_goes_to_tencent_cloud_in_the_templates_order(tencent: Provider) -> None:
    with transaction.atomic():
        sms.notify(MOBILE, "member_joined", **JOINED)
    (request,) = tencent.accepted
    assert request["TemplateId"] == CODES["member_joined"]
    # {1}, {2}, {3}: the order the template's words name them in.
    assert request["TemplateParamSet"] == [JOINED["account"], JOINED["company"], JOINED["how"]]


# --- Refusals and retries -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("provider_name", "refusal"), [
    ("aliyun", "SignatureDoesNotMatch"),
    ("tencent", "AuthFailure.SignatureFailure"),
])  # fmt: skip
def test_a_wrong_secret_is_refused_by_the_provider_and_the_hall_says_so(
    request: pytest.FixtureRequest, settings: Any, caplog: pytest.LogCaptureFixture,
    provider_name: str, refusal: str,
) -> None:  # fmt: skip
    provider: Provider = request.getfixturevalue(provider_name)
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    failed = _failed_sends()
    with caplog.at_level(logging.INFO, logger="hall.sms"):
        _code_sent()
    # The stand-in checked the signature and refused it, once: a refusal is not retried.
    assert provider.refused == [refusal]
    assert provider.accepted == []
    assert "refused, not retried" in caplog.text
    assert refusal in caplog.text
    assert _failed_sends() == failed + 1  # hall_tasks_total{task="hall.sms.send",outcome="failed"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("provider_name", "busy"), [
    ("aliyun", "isv.BUSINESS_LIMIT_CONTROL"),  # the per-number flow control
    ("aliyun", "Throttling.User"),
    ("tencent", "RequestLimitExceeded"),
    ("tencent", "LimitExceeded.PhoneNumberThirtySecondLimit"),  # an answer per number
])  # fmt: skip
def test_a_busy_provider_is_tried_again_with_a_growing_pause(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, provider_name: str,
    busy: str,
) -> None:  # fmt: skip
    provider: Provider = request.getfixturevalue(provider_name)
    provider.answers = [busy, busy]
    with caplog.at_level(logging.INFO, logger="hall.sms"):
        _code_sent()
    assert len(provider.accepted) == 3  # two busy answers, then it went
    assert [record.getMessage().rsplit(": ", 1)[1] for record in caplog.records
            if "not sent (" in record.getMessage()] == ["try 2 in 2 s", "try 3 in 4 s"]  # fmt: skip
    assert busy in caplog.text
    assert "taken by" in caplog.records[-1].getMessage()


@pytest.mark.django_db(transaction=True)
def test_a_provider_busy_through_every_retry_is_given_up_and_logged(
    aliyun: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    aliyun.answers = ["Throttling.User"] * 10
    failed = _failed_sends()
    with caplog.at_level(logging.INFO, logger="hall.sms"):
        _code_sent()
    assert len(aliyun.accepted) == sms.SEND_RETRIES + 1
    said = [record.getMessage() for record in caplog.records]
    pauses = [message.rsplit(" in ", 1)[1] for message in said if " try " in message]
    assert pauses == ["2 s", "4 s", "8 s", "16 s", "32 s"]
    assert f"not sent after {sms.SEND_RETRIES + 1} tries" in caplog.text
    assert _failed_sends() == failed + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("provider_name", "permanent"), [
    ("aliyun", "isv.SMS_TEMPLATE_ILLEGAL"),
    ("aliyun", "isv.MOBILE_NUMBER_ILLEGAL"),
    ("tencent", "FailedOperation.TemplateIncorrectOrUnapproved"),
    ("tencent", "LimitExceeded.PhoneNumberDailyLimit"),  # an answer per number
])  # fmt: skip
def test_a_permanent_refusal_is_logged_and_not_retried(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, provider_name: str,
    permanent: str,
) -> None:  # fmt: skip
    provider: Provider = request.getfixturevalue(provider_name)
    provider.answers = [permanent]
    with caplog.at_level(logging.INFO, logger="hall.sms"):
        _code_sent()
    assert len(provider.accepted) == 1
    (logged,) = [record for record in caplog.records
                 if record.name == "hall.sms" and record.levelno == logging.ERROR]  # fmt: skip
    assert "code_register" in logged.getMessage()
    assert permanent in logged.getMessage()
    assert "137…" in logged.getMessage()
    assert MOBILE not in logged.getMessage()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_provider_is_busy_not_refused(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    for endpoint in _serve(aliyun_handler(Provider(secrets={}))):
        _configure(settings, "aliyun", endpoint, "cn-hangzhou")
    # The stand-in is gone: nothing listens there any more.
    with caplog.at_level(logging.INFO, logger="hall.sms"):
        _code_sent()
    assert f"not sent after {sms.SEND_RETRIES + 1} tries" in caplog.text
    assert "refused, not retried" not in caplog.text
    # The SDK's error names the URL, whose query holds the code: no log line, no traceback
    # (Celery logs the task's) may show it.
    assert "TemplateParam" not in caplog.text


# --- Start-up -------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_a_template_without_a_code_stops_the_start_naming_it(settings: Any, backend: str) -> None:
    _configure(settings, backend, "https://sms.example", "cn-hangzhou")
    settings.SMS_TEMPLATES = {name: code for name, code in CODES.items()
                              if name not in ("code_reset", "member_joined")}  # fmt: skip
    with pytest.raises(ImproperlyConfigured) as refused:
        sms.backend_check()
    assert "no template code for code_reset, member_joined" in str(refused.value)
    settings.SMS_TEMPLATES = {**CODES, "code_regster": "SMS_1"}
    with pytest.raises(ImproperlyConfigured, match="does not send: code_regster"):
        sms.backend_check()
    settings.SMS_TEMPLATES = CODES
    sms.backend_check()


def test_the_text_backends_need_no_template_codes(settings: Any) -> None:
    settings.SMS_BACKEND, settings.SMS_TEMPLATES = "outbox", {}
    sms.backend_check()


#: A production hall's settings that pass, with Aliyun as its provider.
KEY = "Zq8" + "".join(chr(ord("a") + i % 26) for i in range(60))
PRODUCTION = {
    "HALL_SECRET_KEY": KEY, "HALL_CACHE_URL": "redis://127.0.0.1:6379/15",
    "HALL_BROKER_URL": "amqp://127.0.0.1:5672//", "HALL_PUBLIC_URL": "https://hall.example",
    "HALL_SMS_BACKEND": "aliyun", "HALL_SMS_SIGNATURE": SIGNATURE,
    "HALL_SMS_TEMPLATES": ",".join(f"{name}={code}" for name, code in CODES.items()),
    "HALL_SMS_ACCESS_KEY_ID": KEY_ID, "HALL_SMS_ACCESS_KEY_SECRET": SECRET,
    # The static files are not collected here (hall.E102 is test_env's): these checks are SMS's.
    "HALL_STATIC_MANIFEST": "no",
}  # fmt: skip


def _start(tmp_path: Path, **changes: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), **PRODUCTION, **changes}
    env = {name: value for name, value in env.items() if value}
    return subprocess.run([sys.executable, "-m", "hall", "check", "--deploy"], text=True,
                          capture_output=True, check=False, env=env)  # fmt: skip


@pytest.mark.parametrize(("change", "named"), [
    ({}, None),
    ({"HALL_SMS_ACCESS_KEY_ID": "", "HALL_SMS_ACCESS_KEY_SECRET": ""},
     "HALL_SMS_BACKEND=aliyun needs HALL_SMS_ACCESS_KEY_ID, HALL_SMS_ACCESS_KEY_SECRET"),
    ({"HALL_SMS_BACKEND": "tencent"}, "HALL_SMS_BACKEND=tencent needs HALL_SMS_APP_ID"),
    ({"HALL_SMS_SIGNATURE": "", "HALL_SMS_TEMPLATES": ""},
     "needs HALL_SMS_SIGNATURE, HALL_SMS_TEMPLATES"),
    ({"HALL_SMS_TEMPLATES": PRODUCTION["HALL_SMS_TEMPLATES"].replace(
        "password_changed=", "password_changed")}, "'password_changed"),
    ({"HALL_SMS_TEMPLATES": PRODUCTION["HALL_SMS_TEMPLATES"].replace(",code_reset=", ",x=")},
     "no template code for code_reset"),
    ({"HALL_SMS_ENDPOINT": "http://sms.example"}, "HALL_SMS_ENDPOINT must be https://"),
])  # fmt: skip
def test_production_refuses_a_provider_without_its_keys_or_templates(
    tmp_path: Path, change: dict[str, str], named: str | None
) -> None:
    """The start names each missing variable and each template without a code: a message the
    hall would fail to send is a start-up error, not a failure later."""
    started = _start(tmp_path, **change)
    if named is None:
        assert started.returncode == 0, started.stderr
    else:
        assert started.returncode != 0
        assert named in started.stderr


def test_a_secret_may_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "sms-secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    started = _start(tmp_path, HALL_SMS_ACCESS_KEY_SECRET="",
                     HALL_SMS_ACCESS_KEY_SECRET_FILE=str(secret))  # fmt: skip
    assert started.returncode == 0, started.stderr


# --- The catalogue -------------------------------------------------------------------------


def test_every_template_is_whole_and_speaks_both_languages() -> None:
    """Each template's words use exactly its parameters (and the hall's fixed values), and
    render in Chinese and in English."""
    for each in CATALOGUE.values():
        assert each.placeholders() - set(templates.FIXED) == set(each.params), each.name
        values = {name: f"<{name}>" for name in each.params}
        chinese = each.render(values)
        with translation.override("en"):
            english = each.render(values)
        assert chinese != english, f"{each.name} has no English"
        assert all(value in chinese and value in english for value in values.values())


def test_every_code_purpose_and_every_kinds_notice_has_a_template() -> None:
    for purpose in SmsCode.Purpose:
        assert CATALOGUE[f"code_{purpose}"].params[-1] == "code"
    for described in KINDS.values():
        for status in Application.Status:
            text = described.text(status)
            if text is None:
                continue
            found = templates.by_text(text)
            with_reason = CATALOGUE[f"{found.name}_reason"]
            assert with_reason.params == (*found.params, "reason"), found.name


def test_a_call_with_the_wrong_parameters_fails_in_the_caller() -> None:
    with pytest.raises(ValueError, match=r"takes \['mobile'\], was given \['number'\]"):
        sms.compose("mobile_changed", {"number": "1"})
    with pytest.raises(LookupError, match="no SMS template 'mobile_changd'"):
        sms.compose("mobile_changd", {})


@pytest.mark.django_db(transaction=True)
def test_the_outbox_gets_the_templates_words() -> None:
    with transaction.atomic():
        sms.notify(MOBILE, "member_joined", **JOINED)
    (message,) = SmsMessage.objects.all()
    assert message.text.startswith("【tiaoma 条码业务大厅】账号 139****0003 已加入Acme 食品 Co")
    assert message.text.endswith("如非贵企业所为，请联系所属分支机构。")


def _template_argument(function: ast.expr) -> int | None:
    """Where a call names its template: sms.notify(mobile, name), sms.render(name),
    member_notify(member, name)."""
    if isinstance(function, ast.Name):
        return 1 if function.id == "member_notify" else None
    if isinstance(function, ast.Attribute) and getattr(function.value, "id", "") == "sms":
        return {"notify": 1, "render": 0}.get(function.attr)
    return None


def test_every_template_the_hall_names_is_in_the_catalogue() -> None:
    """A template name in the source that the catalogue lacks would fail only when that message
    is sent: every literal name given to notify, member_notify or render is checked here."""
    named: dict[str, str] = {}
    for path in (Path(__file__).resolve().parents[2] / "src" / "hall").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            position = _template_argument(node.func)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                named[argument.value] = path.name
    assert len(named) >= 12  # the walk found the callers
    assert {name: where for name, where in named.items() if name not in CATALOGUE} == {}
