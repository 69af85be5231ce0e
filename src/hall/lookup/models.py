"""API keys: a member's programs (or a retailer's) call the JSON API with one. Only the key's
SHA-256 digest is kept; the key itself is shown once, when it is made."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.members.models import Member


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
