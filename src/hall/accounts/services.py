"""The user center's transitions, one function each; views only call these.

Each check that fails raises :class:`AccountError` with a message for the user (Chinese, or
English when the page is in English). Nothing is written until every check has passed, and
what is written is written in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts import security
from hall.accounts.backends import BY_CARD, BY_MOBILE, find_user
from hall.accounts.mobile import InvalidMobile, normalise
from hall.accounts.models import SecurityEvent, User
from hall.core.clients import client_network
from hall.core.errors import HallError
from hall.members.facts import mask_mobile
from hall.sms import services as sms

Kind = SecurityEvent.Kind


class AccountError(HallError):
    """A refusal the user reads: the message says what is wrong."""

    code = "account"


def check_new_password(password: str, confirm: str, user: User | None = None) -> None:
    if password != confirm:
        raise AccountError(_("两次输入的密码不一致"))
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from error


def require_unused_mobile(mobile: str) -> None:
    if User.objects.filter(mobile=mobile).exists():
        raise AccountError(_("该手机号已注册"))


def user_register(*, request: HttpRequest, mobile: str, password: str, confirm: str) -> User:
    """Step 2 of registration: the verified mobile gets an account."""
    check_new_password(password, confirm)
    try:
        with transaction.atomic():
            user = User.objects.create_user(mobile, password)
    except IntegrityError:  # registered a moment ago by another request
        raise AccountError(_("该手机号已注册")) from None
    security.record(Kind.REGISTERED, request=request, user=user)
    return user


def _address_blocked(request: HttpRequest) -> bool:
    limits = settings.LOGIN_LIMITS
    since = timezone.now() - timedelta(minutes=limits["lock_minutes"])
    failures = SecurityEvent.objects.filter(
        kind=Kind.LOGIN_FAILED,
        created_at__gt=since,
        client_network=client_network(security.client_address(request) or ""),
    )
    return failures.count() >= limits["per_address"]


#: The refusal of a wrong identifier or password: the page adds seed 000's "注册并激活账号".
LOGIN_FAILED = "login_failed"


def user_login(*, request: HttpRequest, identifier: str, password: str,
               method: str = BY_MOBILE) -> User:  # fmt: skip
    """Log in by mobile or by GDS card number, as ``method`` says; lock the account after
    repeated failures."""
    if _address_blocked(request):
        raise AccountError(_("登录失败次数过多，请稍后再试"))
    user = find_user(identifier, method)
    if user is not None:
        _refuse_while_locked(user)
    else:  # a name without an account locks alike: the answer never tells the two apart
        _refuse_until(_name_locked_until(_login_name(identifier, method)))
    authenticated = authenticate(request, username=identifier, password=password, method=method)
    if authenticated is None:
        _count_failure(request, user, identifier, method)
        raise AccountError(_("账号或密码错误"), code=LOGIN_FAILED)
    assert isinstance(authenticated, User)
    User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
    login(request, authenticated)
    security.record(Kind.LOGIN, request=request, user=authenticated)
    return authenticated


def _refuse_while_locked(user: User) -> None:
    _refuse_until(user.locked_until)


def _refuse_until(locked_until: datetime | None) -> None:
    now = timezone.now()
    if locked_until and locked_until > now:
        minutes = int((locked_until - now).total_seconds() // 60) + 1
        raise AccountError(
            _("账号已锁定，请 %(minutes)d 分钟后再试，或通过“忘记密码”重设密码")
            % {"minutes": minutes}
        )


def _login_name(identifier: str, method: str = BY_MOBILE) -> str:
    """A name tried at the login, as an account would be found by it: a card number marked
    ``#`` (the same digits tried as a mobile lock apart, so that locking one by the other's
    failures tells nothing of which has an account)."""
    if method == BY_CARD:
        return "#" + identifier.strip()[:19]
    try:
        return normalise(identifier)
    except InvalidMobile:
        return identifier.strip()[:20]


def _name_lock(name: str) -> SecurityEvent | None:
    """The latest lock of a login name that has no account (kept in the audit log)."""
    locks = SecurityEvent.objects.filter(kind=Kind.LOCKED, user=None, mobile=name)
    return locks.order_by("-created_at").first()


def _name_locked_until(name: str) -> datetime | None:
    lock = _name_lock(name)
    minutes = settings.LOGIN_LIMITS["lock_minutes"]
    return lock.created_at + timedelta(minutes=minutes) if lock is not None else None


def _count_name_failure(request: HttpRequest, name: str) -> None:
    """As an account's failures in a row lock it, so do a name's: every failure since the
    name's last lock (a name without an account never logs in)."""
    security.record(Kind.LOGIN_FAILED, request=request, mobile=name)
    lock = _name_lock(name)
    failures = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED, user=None, mobile=name)
    if lock is not None:
        failures = failures.filter(created_at__gt=lock.created_at)
    if failures.count() >= settings.LOGIN_LIMITS["failures"]:
        security.record(Kind.LOCKED, request=request, mobile=name)


def _count_failure(request: HttpRequest, user: User | None, identifier: str,
                   method: str = BY_MOBILE) -> None:  # fmt: skip
    if user is None:
        _count_name_failure(request, _login_name(identifier, method))
        return
    security.record(Kind.LOGIN_FAILED, request=request, user=user, mobile=identifier[:20])
    limits = settings.LOGIN_LIMITS
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= limits["failures"]:
        until = timezone.now() + timedelta(minutes=limits["lock_minutes"])
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
        security.record(Kind.LOCKED, request=request, user=user)


def password_reset(*, request: HttpRequest, mobile: str, password: str, confirm: str) -> None:
    """Step 2 of "forgot password": a new password for the verified mobile."""
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        raise AccountError(_("短信验证码错误或已过期"))
    check_new_password(password, confirm, user)
    with transaction.atomic():
        user.set_password(password)
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_logins", "locked_until"])
    security.record(Kind.PASSWORD_RESET, request=request, user=user)


def check_current_password(*, request: HttpRequest, user: User, password: str) -> None:
    """The account's own password, asked before a change of mobile or password; a wrong one
    counts as a failed login (five lock the account)."""
    _refuse_while_locked(user)
    if not user.check_password(password or ""):
        _count_failure(request, user, user.mobile)
        user.refresh_from_db(fields=["locked_until"])
        if user.locked_until is not None:  # the fifth wrong guess: this session ends too
            logout(request)
        raise AccountError(_("当前密码不正确"))


def user_change_password(
    *, request: HttpRequest, user: User, current_password: str, password: str, confirm: str
) -> None:
    """A new password, given the current one; every other session ends (the session hash
    follows the password), and the account's mobile is told."""
    check_current_password(request=request, user=user, password=current_password)
    check_new_password(password, confirm, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        security.record(Kind.PASSWORD_CHANGED, request=request, user=user)
        sms.notify(user.mobile, "password_changed")


def user_change_mobile(
    *, request: HttpRequest, user: User, new_mobile: str, password: str, confirm: str
) -> None:
    """Step 2 of the change of mobile: the verified new number becomes the login name. The old
    number is told, and every other session ends (the session hash follows the mobile)."""
    check_new_password(password, confirm, user)
    old = user.mobile
    try:
        with transaction.atomic():
            user.mobile = new_mobile
            user.set_password(password)
            user.save(update_fields=["mobile", "password"])
    except IntegrityError:
        user.mobile = old
        raise AccountError(_("该手机号已被其他账号使用")) from None
    security.record(
        Kind.MOBILE_CHANGED, request=request, user=user, detail=f"{old} -> {new_mobile}"
    )
    with transaction.atomic():  # sent when it commits
        sms.notify(old, "mobile_changed", mobile=mask_mobile(new_mobile))
