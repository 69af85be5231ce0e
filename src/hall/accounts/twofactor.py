"""The second factor of staff accounts (issue 19): reviewers who approve prefixes and money,
the center's staff and administrators log in with their password and then a TOTP code from an
authenticator app (django-otp's TOTP device), or one of ten recovery codes, each good once
(its static device). Members log in with their password as the seed describes.

The first time, a staff account enrols: a secret made for this session alone, shown as a QR
code and as text, confirmed by one of its codes and by an SMS code sent to the account's own
mobile (the password alone must not let anyone bind an app of theirs); the recovery codes are
shown then, once, and the mobile is told. django-otp marks the session verified; the
hall's :class:`~hall.accounts.middleware.StaffGuard` lets an unverified staff session reach
nothing but these pages.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts import security
from hall.accounts.models import SecurityEvent, User
from hall.accounts.services import AccountError
from hall.sms import services as sms
from hall.sms.models import SmsCode

Kind = SecurityEvent.Kind
STAFF_ROLES = {User.Role.BRANCH, User.Role.CENTER, User.Role.ADMIN}
RECOVERY_CODES = 10
RECOVERY_LENGTH = 8  # django-otp's static tokens: five random bytes in base 32


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Whether the account reviews, approves or administers: then a password is not enough."""
    if not isinstance(user, User):
        return False
    return user.role in STAFF_ROLES or user.is_staff or user.is_superuser


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


ENROL_KEY = "hall.enrol_device"


def enrolment_device(request: HttpRequest, user: User) -> TOTPDevice:
    """The unconfirmed device this session enrols with: another session with the same
    password sees another secret, and cannot confirm this one."""
    device_id = request.session.get(ENROL_KEY)
    found = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if found is not None:
        return found
    device = TOTPDevice.objects.create(user=user, name="hall", confirmed=False)
    request.session[ENROL_KEY] = device.pk
    return device


def enrolment_code_send(*, request: HttpRequest, user: User) -> None:
    sms.send_code(mobile=user.mobile, purpose=SmsCode.Purpose.SECOND_FACTOR,
                  client_address=security.client_address(request))  # fmt: skip


def enrolment_confirm(*, request: HttpRequest, user: User, code: str,
                      sms_code: str) -> list[str]:  # fmt: skip
    """The SMS code proves the account's mobile, the app's code that it has this session's
    secret: the device is confirmed (every other one goes), the session verified, and ten new
    recovery codes made; they are returned to be shown once."""
    device = enrolment_device(request, user)
    _not_throttled(device)
    sms.verify_code(mobile=user.mobile, purpose=SmsCode.Purpose.SECOND_FACTOR, code=sms_code)
    if not device.verify_token(_digits(code)):
        security.record(Kind.SECOND_FACTOR_FAILED, request=request, user=user, detail="enrol")
        raise AccountError(_("动态验证码不正确，请核对手机时间后重试"))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        security.record(Kind.SECOND_FACTOR_ENROLLED, request=request, user=user)
        sms.notify(user.mobile, "second_factor_enrolled")
    _verified(request, device)
    return codes


def _verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """The session passed its second factor, under a new key: a session id planted before the
    password cannot ride on the code typed after it."""
    otp_login(request, device)
    request.session.cycle_key()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> None:
    """A code from the app, or a recovery code (used up): the session is verified. Wrong codes
    slow the device down (django-otp's throttling) and are audited."""
    text = code.strip()
    if len(text) != RECOVERY_LENGTH:  # the app's six digits, not a recovery code
        totp = confirmed_device(user)
        if totp is not None:
            _not_throttled(totp)
        if totp is not None and totp.verify_token(_digits(text)):
            _verified(request, totp)
            security.record(Kind.SECOND_FACTOR, request=request, user=user)
            return
    else:
        recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if recovery is not None and recovery.verify_token(text.lower()):
            _verified(request, recovery)
            security.record(Kind.RECOVERY_CODE_USED, request=request, user=user)
            return
    security.record(Kind.SECOND_FACTOR_FAILED, request=request, user=user)
    raise AccountError(_("动态验证码或恢复码不正确"))


def _not_throttled(device: TOTPDevice) -> None:
    """After a wrong code each try waits twice as long as the last (django-otp's throttle):
    say so, rather than call a right code wrong."""
    allowed, facts = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int((facts["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise AccountError(_("尝试过于频繁，请 %(seconds)d 秒后再试") % {"seconds": wait})


def _digits(code: str) -> str:
    return "".join(c for c in code if c.isdigit())[:8]
