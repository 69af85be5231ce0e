"""SMS through one service with backends: 6-digit codes, stored as keyed hashes, valid five
minutes, used once, at most one send per 60 s per number and bounded per hour and day per
number and per client address (``settings.SMS_LIMITS``).

Every message is a named template with parameters (hall.sms.templates): a code is
``code_<purpose>``, a notice one of the catalogue's names, sent with :func:`notify`.

Backends: ``outbox`` records each message in the database (development and tests), ``console``
logs it, ``http`` posts it to an SMS gateway's JSON endpoint (``HALL_SMS_URL``, bearer
``HALL_SMS_TOKEN``) — these three send the template's words; ``aliyun`` and ``tencent`` send the
template code registered for its name, the registered signature and the parameters
(hall.sms.providers). Any other class is named by its dotted path: with ``send(mobile, text)``
it gets the words, with ``send_template(mobile, name, params)`` the template. Production
refuses the first two (settings).

Sending is the Celery task :func:`send`: a provider that is busy or down is tried again after
2, 4, 8, 16 and 32 seconds; one that refuses the message (a template not approved, a wrong
key) is logged and not tried again.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hall.core.clients import client_network
from hall.core.errors import HallError
from hall.jobs.engine import app
from hall.sms import templates
from hall.sms.models import SmsCode, SmsMessage, SmsThrottle
from hall.sms.providers import PROVIDERS, Provider, SmsProviderBusy, SmsProviderRefused

logger = logging.getLogger("hall.sms")
MAX_ATTEMPTS = 5


class SmsError(HallError):
    """A code that cannot be sent or does not match: the message says why."""

    code = "sms"


class Backend(Protocol):
    """A backend that sends text: the template rendered in the hall's words."""

    def send(self, mobile: str, text: str) -> None: ...


@runtime_checkable
class TemplateBackend(Protocol):
    """A backend that sends the template itself: its name and parameters (the providers)."""

    def send_template(self, mobile: str, name: str, params: Mapping[str, str]) -> None: ...


class OutboxBackend:
    """Development and tests: the message is kept in the database, nothing is sent."""

    def send(self, mobile: str, text: str) -> None:
        SmsMessage.objects.create(mobile=mobile, text=text)


class ConsoleBackend:
    def send(self, mobile: str, text: str) -> None:
        logger.warning("SMS to %s: %s", mobile, text)


class HttpBackend:
    """An SMS gateway that takes ``{"mobile": ..., "text": ...}`` as JSON with a bearer token
    (a provider's HTTP API, or the company's own gateway in front of several). A gateway that
    does not answer 2xx within the timeout is an error: the caller's job is retried."""

    TIMEOUT_SECONDS = 10

    def send(self, mobile: str, text: str) -> None:
        body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            settings.SMS_URL, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Authorization": f"Bearer {settings.SMS_TOKEN}"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=self.TIMEOUT_SECONDS) as answer:
            if not 200 <= answer.status < 300:
                raise OSError(f"SMS gateway answered {answer.status}")


_TEXT_BACKENDS: dict[str, type[Backend]] = {
    "outbox": OutboxBackend, "console": ConsoleBackend, "http": HttpBackend,
}  # fmt: skip


def backend() -> Backend | TemplateBackend:
    """The configured backend, built now (the settings may change under the tests)."""
    name = settings.SMS_BACKEND
    if name in _TEXT_BACKENDS:
        return _TEXT_BACKENDS[name]()
    built: Backend | TemplateBackend = import_string(PROVIDERS.get(name, name))()
    return built


def backend_check() -> None:
    """At start (SmsConfig.ready): the backend can be built — a provider's SDK is installed —
    and a provider has a template code for every message the hall sends, so that a missing
    one stops the start instead of failing a message later."""
    try:
        chosen = backend()
    except ImportError as error:
        raise ImproperlyConfigured(
            f"HALL_SMS_BACKEND={settings.SMS_BACKEND}: install tiaoma[sms] "
            f"({error.name} is missing)"
        ) from error
    if not isinstance(chosen, Provider):
        return
    problems = []
    if missing := templates.unconfigured(settings.SMS_TEMPLATES):
        problems.append(f"HALL_SMS_TEMPLATES has no template code for {', '.join(missing)}")
    if unknown := templates.unknown(settings.SMS_TEMPLATES):
        problems.append(f"HALL_SMS_TEMPLATES names templates the hall does not send: "
                        f"{', '.join(unknown)}")  # fmt: skip
    if problems:
        raise ImproperlyConfigured(
            f"HALL_SMS_BACKEND={settings.SMS_BACKEND}: "
            + "; ".join(problems)
            + " (each as name=CODE, comma-separated)"
        )


@dataclass(frozen=True)
class Message:
    """One message as it goes to the workers: the template, its parameters, and its words in
    the language of the request that sent it (for the backends that send text)."""

    template: str
    params: dict[str, str]
    text: str


def compose(name: str, params: Mapping[str, object]) -> Message:
    """The message ``name`` with ``params`` (checked against the template now, in the caller)."""
    chosen = templates.template(name)
    values = chosen.values(params)
    return Message(name, values, chosen.render(values))


def render(name: str, /, **params: object) -> str:
    """The words of template ``name``, as a text backend would send them."""
    return compose(name, params).text


def _digest(mobile: str, purpose: str, code: str) -> str:
    return salted_hmac(f"hall.sms.{purpose}.{mobile}", code).hexdigest()


def send_code(
    *,
    mobile: str,
    purpose: SmsCode.Purpose,
    client_address: str | None,
    deliver: bool = True,
    params: Mapping[str, object] | None = None,
) -> None:
    """Make a new code for ``mobile`` and send it after the transaction commits, as the
    template ``code_<purpose>``.

    ``deliver=False`` goes through every limit but sends nothing (a password reset for a
    number without an account must look the same as one with). ``params`` are the template's
    other parameters: what the code would do ("account 139****0000 is joining company X"), so
    that a code asked for by somebody else is recognised and not passed on.
    """
    now = timezone.now()
    with transaction.atomic():
        _claim_gap(mobile, now)
        _check_counts(mobile, client_address, now)
        code = f"{secrets.randbelow(10**6):06d}"
        SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        SmsCode.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=_digest(mobile, purpose, code),
            client_address=client_address,
            client_network=client_network(client_address) if client_address else "",
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_SECONDS),
        )
        if deliver:
            message = compose(f"code_{purpose}", {**(params or {}), "code": code})
            transaction.on_commit(lambda: _hand_over(mobile, message))


def _claim_gap(mobile: str, now: datetime) -> None:
    """One send per number per gap, race-free: the throttle row is claimed by a conditional
    update (or created, where a concurrent creation loses on the unique number)."""
    gap = timedelta(seconds=settings.SMS_LIMITS["gap_seconds"])
    claimed = SmsThrottle.objects.filter(mobile=mobile, last_sent_at__lte=now - gap).update(
        last_sent_at=now
    )
    if claimed:
        return
    if not SmsThrottle.objects.filter(mobile=mobile).exists():
        try:
            with transaction.atomic():
                SmsThrottle.objects.create(mobile=mobile, last_sent_at=now)
            return
        except IntegrityError:
            pass
    raise SmsError(
        _("发送过于频繁：同一手机号每 %(seconds)d 秒只能获取一次验证码")
        % {"seconds": settings.SMS_LIMITS["gap_seconds"]}
    )


def _check_counts(mobile: str, client_address: str | None, now: datetime) -> None:
    limits = settings.SMS_LIMITS
    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    by_mobile = SmsCode.objects.filter(mobile=mobile)
    if (
        by_mobile.filter(created_at__gt=hour).count() >= limits["per_mobile_hour"]
        or by_mobile.filter(created_at__gt=day).count() >= limits["per_mobile_day"]
    ):
        raise SmsError(_("该手机号今天获取验证码的次数已达上限，请稍后再试"))
    if client_address:
        by_address = SmsCode.objects.filter(client_network=client_network(client_address))
        if (
            by_address.filter(created_at__gt=hour).count() >= limits["per_address_hour"]
            or by_address.filter(created_at__gt=day).count() >= limits["per_address_day"]
        ):
            raise SmsError(_("获取验证码过于频繁，请稍后再试"))


def verify_code(*, mobile: str, purpose: SmsCode.Purpose, code: str) -> None:
    """Use the latest live code of ``mobile`` for ``purpose``, or raise :class:`SmsError`.

    A wrong guess counts against the code, and after five the code dies: the count is
    committed before the error is raised.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-id")
            .first()
        )
        matched = row is not None and constant_time_compare(
            row.code_hash, _digest(mobile, purpose, (code or "").strip())
        )
        if row is not None:
            row.attempts += 0 if matched else 1
            if matched or row.attempts >= MAX_ATTEMPTS:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
    if not matched:
        raise SmsError(_("短信验证码错误或已过期"))


def notify(mobile: str, template: str, /, **params: object) -> None:
    """Send template ``template`` with ``params`` to ``mobile`` once the current transaction
    commits (nothing if it fails)."""
    if mobile:
        message = compose(template, params)
        transaction.on_commit(lambda: _hand_over(mobile, message))


#: A provider that fails for the moment is tried again after 2, 4, 8 ... seconds, this many times.
SEND_RETRIES = 5


@app.task(name="hall.sms.send", bind=True, max_retries=SEND_RETRIES)
def send(task: Any, mobile: str, text: str, template: str = "",
         params: dict[str, str] | None = None) -> None:  # fmt: skip
    """The task that sends one message through the configured backend. (A message queued
    before templates came has only its text.)"""
    message = Message(template, params or {}, text)
    try:
        deliver(mobile, message)
    except (OSError, SmsProviderBusy) as error:
        tries = task.request.retries + 1
        if tries > SEND_RETRIES:
            logger.error("SMS %s to %s… not sent after %d tries: %s", template or "text",
                         mobile[:3], tries, error)  # fmt: skip
            raise
        pause = 2**tries
        logger.warning("SMS %s to %s… not sent (%s): try %d in %d s", template or "text",
                       mobile[:3], error, tries + 1, pause)  # fmt: skip
        raise task.retry(exc=error, countdown=pause) from error
    except SmsProviderRefused as error:
        # Sending it again would be refused again: the operator must act on the provider's
        # code, which this logs.
        logger.error("SMS %s to %s… refused, not retried: %s", template or "text", mobile[:3],
                     error)  # fmt: skip
        raise


def deliver(mobile: str, message: Message) -> None:
    """Send ``message`` now: a provider gets the template, a text backend the words."""
    chosen = backend()
    if isinstance(chosen, TemplateBackend):
        if not message.template:
            raise SmsProviderRefused(provider=settings.SMS_BACKEND, provider_code="no_template",
                                     detail="a message queued as text only")  # fmt: skip
        chosen.send_template(mobile, message.template, message.params)
    else:
        chosen.send(mobile, message.text)


def _hand_over(mobile: str, message: Message) -> None:
    """Give the message to the workers; if the broker cannot take it, send it from here (a
    code someone waits for must not wait for the broker). Neither way does a provider's
    failure reach the person who asked: it is logged."""
    try:
        send.apply_async((mobile, message.text),
                         {"template": message.template, "params": message.params})  # fmt: skip
    except Exception as error:  # the broker is down: this process sends it itself
        logger.warning("SMS to %s sent without the broker (%s)", mobile[:3], error)
        try:
            deliver(mobile, message)
        except Exception:
            logger.exception("SMS to %s not sent", mobile[:3])


def codes_clear(today: date) -> None:
    """The codes older than two days: no limit counts them and none can be used."""
    SmsCode.objects.filter(created_at__lt=timezone.now() - timedelta(days=2)).delete()
