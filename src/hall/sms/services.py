"""SMS through one service with backends: 6-digit codes, stored as keyed hashes, valid five
minutes, used once, at most one send per 60 s per number and bounded per hour and day per
number and per client address (``settings.SMS_LIMITS``).

Backends: ``outbox`` records each message in the database (development and tests), ``console``
logs it, ``http`` posts it to an SMS gateway's JSON endpoint (``HALL_SMS_URL``, bearer
``HALL_SMS_TOKEN``), and a provider is any class with ``send(mobile, text)`` named by its dotted
path. Production refuses the first two (settings).
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.request
from datetime import date, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hall.core.errors import HallError
from hall.jobs.engine import app
from hall.sms.models import SmsCode, SmsMessage, SmsThrottle

logger = logging.getLogger("hall.sms")
MAX_ATTEMPTS = 5


class SmsError(HallError):
    """A code that cannot be sent or does not match: the message says why."""

    code = "sms"


class Backend(Protocol):
    def send(self, mobile: str, text: str) -> None: ...


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


def backend() -> Backend:
    name = settings.SMS_BACKEND
    known: dict[str, type[Backend]] = {
        "outbox": OutboxBackend, "console": ConsoleBackend, "http": HttpBackend,
    }  # fmt: skip
    cls = known.get(name) or import_string(name)
    return cls()


def _digest(mobile: str, purpose: str, code: str) -> str:
    return salted_hmac(f"hall.sms.{purpose}.{mobile}", code).hexdigest()


def send_code(
    *,
    mobile: str,
    purpose: SmsCode.Purpose,
    client_address: str | None,
    deliver: bool = True,
    doing: str = "",
) -> None:
    """Make a new code for ``mobile`` and send it after the transaction commits.

    ``deliver=False`` goes through every limit but sends nothing (a password reset for a
    number without an account must look the same as one with). ``doing`` tells the number's
    owner what the code would do ("account 139****0000 is joining company X"), so that a code
    asked for by somebody else is recognised and not passed on.
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
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_SECONDS),
        )
        if deliver:
            text = _code_text(code, doing)
            transaction.on_commit(lambda: _hand_over(mobile, text))


def _code_text(code: str, doing: str) -> str:
    values = {"hall": settings.HALL_NAME, "code": code, "doing": doing,
              "minutes": settings.SMS_CODE_SECONDS // 60}  # fmt: skip
    if doing:
        return (
            _(
                "【%(hall)s】%(doing)s，验证码 %(code)s，%(minutes)d 分钟内有效。"
                "如非本人操作，请勿将验证码告诉任何人。"
            )
            % values
        )
    return (
        _("【%(hall)s】您的验证码是 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请忽略本短信。")
        % values
    )


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
        by_address = SmsCode.objects.filter(client_address=client_address)
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


def notify(mobile: str, text: str) -> None:
    """Send ``text`` to ``mobile`` once the current transaction commits (nothing if it fails)."""
    if mobile:
        transaction.on_commit(lambda: _hand_over(mobile, text))


#: A provider that fails is tried again after 2, 4, 8 ... seconds, this many times.
SEND_RETRIES = 5


@app.task(name="hall.sms.send", autoretry_for=(OSError,), retry_backoff=2,
          max_retries=SEND_RETRIES)  # fmt: skip
def send(mobile: str, text: str) -> None:
    """The task that sends one message through the configured backend."""
    backend().send(mobile, text)


def _hand_over(mobile: str, text: str) -> None:
    """Give the message to the workers; if the broker cannot take it, send it from here (a
    code someone waits for must not wait for the broker). Neither way does a provider's
    failure reach the person who asked: it is logged."""
    try:
        send.apply_async((mobile, text))
    except Exception as error:  # the broker is down: this process sends it itself
        logger.warning("SMS to %s sent without the broker (%s)", mobile[:3], error)
        try:
            backend().send(mobile, text)
        except Exception:
            logger.exception("SMS to %s not sent", mobile[:3])


def codes_clear(today: date) -> None:
    """The codes older than two days: no limit counts them and none can be used."""
    SmsCode.objects.filter(created_at__lt=timezone.now() - timedelta(days=2)).delete()
