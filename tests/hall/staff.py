"""Staff accounts' second factor in the tests (hall.accounts.twofactor): each staff account
has a confirmed authenticator (a TOTP device made here), and its current code is computed as
the app on a phone would."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.models import User


def authenticator(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def totp_code(user: User) -> str:
    """The code the user's app shows now. A code is good once, so a test that logs the same
    account in again within its 30 s forgets the last use, as if the next step had come."""
    device = authenticator(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Client, user: User) -> None:
    """What passing the second factor leaves in the session (after ``force_login``)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()
