"""Notices: what the hall told an account (the notification center), the account's choice of
channels and language, and the confirmation mails sent (counted against floods)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.notices.events import EVENTS, event


class Notice(models.Model):
    """One thing the hall told ``recipient``: its event and the words' parameters (drawn in the
    reader's language), the page of what it is about, and when it was read.

    ``key`` makes a notice once only where the teller may run twice (a daily reminder, a job
    a second worker finishes); blank: no such guard."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notices", verbose_name=_("接收账号"))  # fmt: skip
    event = models.CharField(_("事件"), max_length=30)
    params = models.JSONField(_("参数"), default=dict)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号通知")
        verbose_name_plural = _("账号通知")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                    name="one_notice_per_recipient_key"),
            models.CheckConstraint(condition=models.Q(link="") | models.Q(link__startswith="/"),
                                   name="notice_link_is_a_path"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.words[0]

    @property
    def body(self) -> str:
        return self.words[1]

    @property
    def words(self) -> tuple[str, str]:
        """Title and body in the active language (an event since removed shows its name)."""
        if self.event not in EVENTS:
            return self.event, ""
        return event(self.event).render(self.params)

    @property
    def reason(self) -> str:
        return str(self.params.get("reason", ""))


class Preference(models.Model):
    """An account's choices: the language of its SMS and e-mail, and the channels it turned
    off, as ``event:channel`` (nothing stored: every channel on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="notice_preference")  # fmt: skip
    language = models.CharField(_("通知语言"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)  # fmt: skip
    muted = models.JSONField(_("已关闭的通知方式"), default=list, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def wants(self, event_name: str, channel: str) -> bool:
        return f"{event_name}:{channel}" not in self.muted


class EmailConfirmation(models.Model):
    """A confirmation mail sent: counted per address and per account, so that nobody can make
    the hall mail a stranger again and again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")  # fmt: skip
    address = models.EmailField(db_index=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("邮箱验证邮件")
        verbose_name_plural = _("邮箱验证邮件")
