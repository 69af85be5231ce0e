"""Text messages: the codes sent to prove a number, the throttle on sending them, and the
development outbox. Below the members and the accounts: every app may send a message."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SmsCode(models.Model):
    """A 6-digit code sent by SMS, kept only as a hash; valid 5 minutes, used once."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        RESET = "reset", _("找回密码")
        CHANGE_MOBILE = "change_mobile", _("修改手机")
        CHANGE_MOBILE_OLD = "change_mobile_old", _("修改手机（原号码）")
        ACTIVATE = "activate", _("激活")
        SECOND_FACTOR = "second_factor", _("绑定身份验证器")

    mobile = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    client_address = models.GenericIPAddressField(null=True, db_index=True)
    #: What the per-client limits count (hall.core.clients.client_network): the address, an
    #: IPv6 client's /64.
    client_network = models.CharField(max_length=43, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")


class SmsMessage(models.Model):
    """The development outbox: every message the ``outbox`` backend would have sent."""

    mobile = models.CharField(max_length=11, db_index=True)
    text = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("短信（开发发件箱）")
        verbose_name_plural = _("短信（开发发件箱）")
        ordering = ["-id"]


class SmsThrottle(models.Model):
    """When a number was last sent a code: claimed atomically, one send per gap."""

    mobile = models.CharField(max_length=11, unique=True)
    last_sent_at = models.DateTimeField()
