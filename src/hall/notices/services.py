"""The one way the hall tells an account something: :func:`notify`.

A notice is written in the hall (the notification center, in the caller's transaction: a
transition that fails tells nobody), sent by SMS through hall.sms when its event has an SMS
template and the account has not turned SMS off, and mailed to the account's address once that
address is confirmed and the account has not turned e-mail off. SMS and e-mail go after the
transaction commits, in the recipient's language (``Preference.language``).

Mail goes through the Celery task :func:`send_mail_task` (Django's e-mail API and backend,
``settings.EMAIL_BACKEND``): a mail server that is busy or down is tried again after 2, 4, 8,
16 and 32 seconds, as hall.sms does; with the broker down the caller's process sends it.

An address is confirmed by a signed link (:func:`email_set`, :func:`email_confirm`): it lasts
``CONFIRM_SECONDS``, names the account and the address, and dies once the account's address
has changed or been confirmed. Confirmation mails are bounded per minute (hall.core.limits)
and per day (counted in the database) for each account and each address.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hall.accounts.models import MemberRole, User
from hall.core import limits
from hall.core.errors import Conflict, HallError, NotFound, RateLimited
from hall.jobs.engine import app
from hall.members.models import Member
from hall.notices.events import EMAIL, EVENTS, SMS, event
from hall.notices.models import EmailConfirmation, Notice, Preference
from hall.sms import services as sms

logger = logging.getLogger("hall.notices")

#: A confirmation link lasts a day.
CONFIRM_SECONDS = 24 * 3600
#: Confirmation mails: one a minute per account and per address, five a day per address and
#: ten a day per account.
CONFIRM_LIMITS = {"per_minute": 1, "per_address_day": 5, "per_account_day": 10}
_SALT = "hall.notices.email"


class NoticeError(HallError):
    """An address that cannot be set or confirmed: the message says why."""

    code = "notice"


@dataclass(frozen=True)
class Sms:
    """The SMS of a notice: a template of hall.sms.templates and its parameters."""

    template: str
    params: Mapping[str, object]


def notify(*, recipient: User, event_name: str, params: Mapping[str, object], link: str = "",
           key: str = "", sms_message: Sms | None = None) -> Notice | None:  # fmt: skip
    """Tell ``recipient`` of ``event_name``: the notice in the hall, and by the channels the
    account wants. ``link`` is the page of what it is about (a path); ``key`` makes it once
    only (None when that key was told already: nothing is sent again). An event with an SMS
    template needs ``sms_message``."""
    chosen = event(event_name)
    stored = chosen.check(params)
    if chosen.sms != (sms_message is not None):
        raise ValueError(f"notice {event_name}: an SMS is {'needed' if chosen.sms else 'unknown'}")
    notice = _write(recipient, event_name, stored, link, key)
    if notice is None:
        return None
    preference = preference_of(recipient)
    with translation.override(preference.language):
        if sms_message is not None and preference.wants(event_name, SMS):
            sms.notify(recipient.mobile, sms_message.template, **sms_message.params)
        if recipient.email and recipient.email_confirmed and preference.wants(event_name, EMAIL):
            _queue_mail(recipient.email, *_notice_mail(notice))
    return notice


def msgid(label: object) -> str:
    """The Chinese msgid of a lazily translated label (a choice's): what a notice stores, so
    that each reader sees it in its own language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _write(recipient: User, event_name: str, params: dict[str, str], link: str,
           key: str) -> Notice | None:  # fmt: skip
    # A path of the hall only: not "//host", not "/\\host", and no control character (a
    # browser drops tabs and newlines from a URL, so "/\t/host" would become "//host").
    if link and (not link.startswith("/") or link[1:2] in ("/", "\\")
                 or any(ord(char) < 0x20 or ord(char) == 0x7F for char in link)):  # fmt: skip
        raise ValueError(f"a notice's link is a path of the hall, not {link!r}")
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            return Notice.objects.create(recipient=recipient, event=event_name, params=params,
                                         link=link, key=key)  # fmt: skip
    except IntegrityError:
        if key and Notice.objects.filter(recipient=recipient, key=key).exists():
            return None
        raise


def preference_of(user: User) -> Preference:
    """The account's choices (every channel on, the hall's language, until it chooses)."""
    found = Preference.objects.filter(user=user).first()
    return found or Preference(user=user)


def tell_all(users: Iterable[User], **notice: Any) -> list[Notice]:
    """:func:`notify` each of ``users`` that is active (each once), the notices written."""
    told = []
    for user in {each.pk: each for each in users if each.is_active}.values():
        if (written := notify(recipient=user, **notice)) is not None:
            told.append(written)
    return told


def who_hears(applicant: User, member: Member | None) -> list[User]:
    """Who hears of an application's news: its applicant while it still acts for the member
    (or, before there is one, for itself); once it left or was disabled, the member's active
    administrators: a former clerk gets no more amounts, orders or reviewers' reasons."""
    if applicant.is_active and (member is None or applicant.member_id == member.pk):
        return [applicant]
    if member is None:
        return []
    return list(member.users.filter(is_active=True, member_role=MemberRole.ADMIN))


# --- The notification center --------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notice_read(*, user: User, notice_id: int) -> Notice:
    """Mark the account's own notice read (another's is not found); its first reading counts."""
    notice = Notice.objects.filter(recipient=user, pk=notice_id).first()
    if notice is None:
        raise NotFound(_("通知不存在"))
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice


def notices_read_all(*, user: User) -> int:
    """Mark every unread notice of the account read; how many were."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_save(*, user: User, language: str, wanted: set[str]) -> Preference:
    """Keep the account's language and its channels: ``wanted`` are the ``event:channel``
    pairs it keeps on; every other pair an event offers is turned off."""
    if language not in dict(settings.LANGUAGES):
        raise NoticeError(_("不支持的语言"))
    offered = {f"{name}:{channel}" for name, each in EVENTS.items() for channel in each.channels}
    muted = sorted(offered - wanted)
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"language": language, "muted": muted}
    )
    return preference


# --- E-mail addresses -----------------------------------------------------------------------


def email_set(*, user: User, address: str, client: str) -> None:
    """Give the account ``address``, unconfirmed (no notice goes there until it is), and mail
    it the confirmation link — within the limits, or nothing changes."""
    address = _valid_address(address)
    if address == user.email.lower() and user.email_confirmed:
        raise NoticeError(_("该邮箱已验证，无需再次验证"), code="email_confirmed")
    _check_limits(user, address, client)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(email=address, email_confirmed=False)
        user.email, user.email_confirmed = address, False
        confirmations_clear()
        EmailConfirmation.objects.create(user=user, address=address)
        with translation.override(preference_of(user).language):
            subject, body = _confirmation_mail(user, address)
        _queue_mail(address, subject, body)


def email_remove(*, user: User) -> None:
    """No more e-mail: the address is forgotten (a link sent for it dies with it)."""
    User.objects.filter(pk=user.pk).update(email="", email_confirmed=False)
    user.email, user.email_confirmed = "", False


def _valid_address(address: str) -> str:
    address = (address or "").strip().lower()
    try:
        if len(address) > 254:
            raise ValidationError("too long")
        EmailValidator()(address)
    except ValidationError:
        raise NoticeError(_("请输入有效的电子邮箱地址"), code="email_invalid") from None
    return address


def _check_limits(user: User, address: str, client: str) -> None:
    """A few mails a day per address and per account (counted in the database, so they hold
    with the cache away), and one a minute per account and per address (five per client): a
    stranger's address cannot be flooded from any number of accounts, nor an account flood
    many."""
    day = timezone.now() - timedelta(days=1)
    sent = EmailConfirmation.objects.filter(sent_at__gt=day)
    if (
        sent.filter(address=address).count() >= CONFIRM_LIMITS["per_address_day"]
        or sent.filter(user=user).count() >= CONFIRM_LIMITS["per_account_day"]
    ):
        raise RateLimited(_("今天发送验证邮件的次数已达上限，请明天再试"))
    per_minute = CONFIRM_LIMITS["per_minute"]
    buckets = {f"email:user:{user.pk}": per_minute, f"email:to:{address}": per_minute,
               f"email:client:{client}": 5 * per_minute}  # fmt: skip
    for bucket, limit in buckets.items():
        if not limits.spend(bucket, limit).allowed:
            raise RateLimited(_("发送过于频繁，请一分钟后再试"))


def confirmations_clear() -> int:
    """Forget the confirmation mails older than two days, which no limit counts any more (each
    new one clears them: the table holds about a day's); how many went."""
    deleted, _kinds = EmailConfirmation.objects.filter(
        sent_at__lt=timezone.now() - timedelta(days=2)
    ).delete()
    return deleted


def confirmation_token(user: User, address: str) -> str:
    return signing.dumps({"user": user.pk, "email": address}, salt=_SALT)


def email_confirm(*, user: User, token: str) -> None:
    """Confirm the account's address with the link's ``token``: it must be signed by the hall,
    young enough, this account's, and for the address the account has now, unconfirmed."""
    try:
        claim = signing.loads(token, salt=_SALT, max_age=CONFIRM_SECONDS)
    except signing.SignatureExpired:
        raise NoticeError(_("验证链接已过期，请重新发送验证邮件"), code="link_expired") from None
    except signing.BadSignature:
        raise NoticeError(_("验证链接无效"), code="link_invalid") from None
    if not isinstance(claim, dict) or claim.get("user") != user.pk:
        raise NoticeError(_("验证链接无效"), code="link_invalid")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.email != claim.get("email"):
            raise Conflict(_("该链接对应的邮箱已不是您账号的邮箱"), code="link_stale")
        if locked.email_confirmed:
            raise Conflict(_("该邮箱已验证"), code="email_confirmed")
        User.objects.filter(pk=user.pk).update(email_confirmed=True)
    user.email_confirmed = True


# --- Mail -----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.HALL_PUBLIC_URL.rstrip("/") + path


def _notice_mail(notice: Notice) -> tuple[str, str]:
    """The subject and text of a notice's mail, in the active language."""
    title, body = notice.words
    context = {"hall_name": settings.HALL_NAME, "title": title, "body": body,
               "reason": notice.reason, "link": _absolute(notice.link) if notice.link else "",
               "settings_link": _absolute(reverse("notices:settings"))}  # fmt: skip
    text = render_to_string("notices/mail_notice.txt", context)
    return f"【{settings.HALL_NAME}】{title}", text


def _confirmation_mail(user: User, address: str) -> tuple[str, str]:
    link = _absolute(reverse("notices:confirm", args=[confirmation_token(user, address)]))
    context = {"hall_name": settings.HALL_NAME, "account": user.mobile[:3] + "****"
               + user.mobile[-4:], "link": link, "hours": CONFIRM_SECONDS // 3600}  # fmt: skip
    text = render_to_string("notices/mail_confirm.txt", context)
    return f"【{settings.HALL_NAME}】" + _("请验证您的电子邮箱"), text


def _queue_mail(address: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: _hand_over(address, subject, body))


#: A mail server that fails for the moment is tried again after 2, 4, 8 ... seconds, this often.
SEND_RETRIES = 5


@app.task(name="hall.notices.send_mail", bind=True, max_retries=SEND_RETRIES)
def send_mail_task(task: Any, address: str, subject: str, body: str) -> None:
    """The task that sends one mail through the configured backend."""
    try:
        deliver(address, subject, body)
    except (OSError, smtplib.SMTPException) as error:
        tries = task.request.retries + 1
        if isinstance(error, smtplib.SMTPRecipientsRefused) or tries > SEND_RETRIES:
            # A refused address stays refused: logged, not tried again.
            logger.error("mail to %s… not sent after %d tries: %s", address[:3], tries, error)
            raise
        logger.warning("mail to %s… not sent (%s): try %d in %d s", address[:3], error,
                       tries + 1, 2**tries)  # fmt: skip
        raise task.retry(exc=error, countdown=2**tries) from error


def deliver(address: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()


def _hand_over(address: str, subject: str, body: str) -> None:
    """Give the mail to the workers; with the broker away, send it from here (logged, never
    the asker's failure)."""
    try:
        send_mail_task.apply_async((address, subject, body))
    except Exception as error:  # the broker is down: this process sends it itself
        logger.warning("mail to %s… sent without the broker (%s)", address[:3], error)
        try:
            deliver(address, subject, body)
        except Exception:
            logger.exception("mail to %s… not sent", address[:3])
