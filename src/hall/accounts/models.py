"""Users (identified by a mainland mobile number), SMS codes, the SMS outbox and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hall.members.models import BranchOffice, Member


class UserManager(BaseUserManager["User"]):
    def create_user(self, mobile: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(mobile=mobile, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(mobile, password, **fields)


class MemberRole(models.TextChoices):
    """What a member's account may do for it (issue 23; the rule is in hall.accounts.roles)."""

    ADMIN = "admin", _("管理员")
    CLERK = "clerk", _("经办人")
    READ_ONLY = "readonly", _("只读")


class User(AbstractBaseUser, PermissionsMixin):
    """An account of the hall: its login name is the mobile number."""

    class Role(models.TextChoices):
        MEMBER = "member", _("系统成员用户")
        BRANCH = "branch", _("分支机构审核员")
        CENTER = "center", _("编码中心审核员")
        ADMIN = "admin", _("管理员")
        PRINTER = "printer", _("印刷企业用户")  # a printing company's account (seed 002 art. 21-22)
        SYSTEM = "system", _("系统")  # the hall itself, acting on a gateway's word

    mobile = models.CharField(_("手机号"), max_length=11, unique=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    #: Where e-mail notices go once the account has confirmed it (hall.notices); blank: none.
    email = models.EmailField(_("电子邮箱"), blank=True)
    email_confirmed = models.BooleanField(_("邮箱已验证"), default=False)
    gds_card = models.CharField(_("GDS卡号"), max_length=20, unique=True, null=True, blank=True)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("系统成员"),
    )
    branch = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewers",
        verbose_name=_("分支机构"),
    )
    is_active = models.BooleanField(_("可用"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    activated_at = models.DateTimeField(_("激活时间"), null=True, blank=True)
    #: The account's role in its member: the administrator invites, changes roles and removes
    #: accounts; a clerk does the business; a read-only account only looks. The first account
    #: of a member becomes its administrator (hall.accounts.membership).
    member_role = models.CharField(_("企业角色"), max_length=10, choices=MemberRole.choices,
                                   default=MemberRole.CLERK)  # fmt: skip
    #: Raised to log the account out everywhere (see :meth:`get_session_auth_hash`).
    session_epoch = models.PositiveIntegerField(default=0)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="branch") | models.Q(branch__isnull=False),
                name="branch_reviewer_has_a_branch",
            ),
        ]

    def __str__(self) -> str:
        if self.role == self.Role.SYSTEM:  # the hall itself: named in the reader's language
            return str(self.Role.SYSTEM.label)
        return self.name or self.mobile

    def get_session_auth_hash(self) -> str:
        """Sessions die with the password, the login mobile, or a new :attr:`session_epoch`
        (an account removed from its member): every session but the one that made the change
        (``update_session_auth_hash``) is logged out. Django's own covers the password only."""
        return self._session_hash(str(settings.SECRET_KEY))

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for key in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(str(key))

    def _session_hash(self, secret: str) -> str:
        state = f"{self.password}|{self.mobile}|{self.session_epoch}"
        return salted_hmac(
            "hall.accounts.session", state, secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def member_admin(self) -> bool:
        """The member's administrator (see :attr:`member_role`)."""
        return self.member_id is not None and self.member_role == MemberRole.ADMIN

    @property
    def may_act(self) -> bool:
        """Whether the pages offer this account the buttons that change things (the rule, and
        the services' refusal, are :mod:`hall.accounts.roles`)."""
        from hall.accounts.roles import may  # noqa: PLC0415 - roles imports this module

        return may(self)

    @property
    def is_activated(self) -> bool:
        """Bound to a member company: only then may it do member business."""
        return self.member_id is not None

    @property
    def display_name(self) -> str:
        return self.name or (self.member.name if self.member else self.mobile)


class SecurityEvent(models.Model):
    """The audit log of security events."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("注册")
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED = "locked", _("账号锁定")
        LOGOUT = "logout", _("退出")
        PASSWORD_RESET = "password_reset", _("重置密码")
        MOBILE_CHANGED = "mobile_changed", _("修改手机")
        ACTIVATED = "activated", _("激活")
        ACTIVATION_FAILED = "activation_failed", _("激活失败")
        ACTIVATION_CODE_SENT = "activation_code", _("发送激活验证码")
        INVITED = "invited", _("邀请加入")
        INVITATION_REVOKED = "invitation_revoked", _("撤销邀请")
        #: An invitation refused because the number is another member's account.
        INVITATION_REFUSED = "invitation_refused", _("邀请被拒（已是其他企业的账号）")
        REMOVED = "removed", _("移出企业")
        ROLE_CHANGED = "role_changed", _("变更企业角色")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        SECOND_FACTOR = "second_factor", _("动态验证码通过")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("动态验证码错误")
        SECOND_FACTOR_ENROLLED = "second_factor_enrol", _("绑定动态验证码")
        RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码")
        IDLE_LOGOUT = "idle_logout", _("闲置退出")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    client_address = models.GenericIPAddressField(null=True, db_index=True)
    #: What the per-client limits count (hall.core.clients.client_network): the address, an
    #: IPv6 client's /64.
    client_network = models.CharField(max_length=43, blank=True, db_index=True)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-id"]


class Invitation(models.Model):
    """A member's administrator asks a mobile number to join the member as a further account.

    The invited number accepts once it has an account of its own (registering proves the
    number by SMS): it then acts for the member. Good for :data:`DAYS` days, used once.
    """

    DAYS = 7

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    mobile = models.CharField(_("手机号"), max_length=11, db_index=True)
    role = models.CharField(_("企业角色"), max_length=10, choices=MemberRole.choices,
                            default=MemberRole.CLERK)  # fmt: skip
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "mobile"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_member_and_mobile",
            ),
        ]

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    #: A retailer's key has no member: it raises the lookup limits only.
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="api_keys", verbose_name=_("系统成员"))  # fmt: skip
    name = models.CharField(_("名称"), max_length=100)
    #: Who made it: a member's account removed from the member takes its keys with it.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("创建人"))  # fmt: skip
    prefix = models.CharField(_("密钥前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    per_minute = models.PositiveIntegerField(_("每分钟请求数"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name: str, member: Member | None = None,
              created_by: Any = None) -> tuple[ApiKey, str]:  # fmt: skip
        """A new key and its secret text (shown once)."""
        secret = "tm_" + secrets.token_urlsafe(30)
        key = cls.objects.create(member=member, name=name, prefix=secret[:10],
                                 digest=digest(secret), created_by=created_by)  # fmt: skip
        return key, secret


def revoke_keys_of(user: Any) -> None:
    """The account left its member (hall.accounts.membership): the keys it made stop working."""
    ApiKey.objects.filter(created_by=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
