"""Applications and their history; the center's working-day calendar; the prefix pools.

An application's status moves only through ``hall.applications.workflow`` (one table of
allowed transitions); every move writes an :class:`ApplicationEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.members.models import BranchOffice, Member


class Application(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("注册")
        RENEWAL = "renewal", _("续展")
        CHANGE = "change", _("变更")
        CANCELLATION = "cancellation", _("注销")
        REISSUE = "reissue", _("证书补办")
        EAN8 = "ean8", _("缩短码申请")
        UPC = "upc", _("UPC申请")
        FOREIGN_FILING = "foreign_filing", _("境外码备案")
        GROUP_AUTHORISATION = "group_authorisation", _("集团授权备案")
        #: An account asks to join a member whose contact mobile is no longer its own.
        ACTIVATION = "activation", _("账号激活")
        #: A member's account whose login mobile is gone asks for a new one.
        MOBILE_CHANGE = "mobile_change", _("更换登录手机")

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        MATERIALS = "materials", _("待上传资料")
        PAYMENT = "payment", _("待付款")
        BRANCH_REVIEW = "branch_review", _("分支机构初审")
        RETURNED = "returned", _("退回修改")
        CENTER_REVIEW = "center_review", _("编码中心审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")

    kind = models.CharField(_("业务类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("系统成员"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请人"),
    )
    branch = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("分支机构"),
    )
    #: What the member filled in: the form's fields, kept as submitted (each kind its own).
    data = models.JSONField(_("申请内容"), default=dict, blank=True)
    #: Bumped by every transition: a form posted with an older version is stale.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    branch_due = models.DateField(_("初审期限"), null=True, blank=True)
    #: All materials merged into one multi-page TIFF, for the archive.
    archive = models.FileField(_("归档文件"), upload_to="archive/%Y/", blank=True)

    class Meta:
        verbose_name = _("业务申请")
        verbose_name_plural = _("业务申请")
        ordering = ["-id"]
        constraints = [
            # One open application of a kind per member at a time (double submission); the
            # requests about an account are its own, so a stranger's cannot block the member's.
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=~models.Q(status__in=["approved", "rejected", "withdrawn"])
                & ~models.Q(kind__in=["activation", "mobile_change"]),
                name="one_open_application_per_member_and_kind",
            ),
            models.UniqueConstraint(
                fields=["applicant", "kind"],
                condition=models.Q(kind__in=["activation", "mobile_change"])
                & ~models.Q(status__in=["approved", "rejected", "withdrawn"]),
                name="one_open_account_request_per_applicant",
            ),
            # A company registering has no member yet: one open registration per applicant.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(kind="registration")
                & ~models.Q(status__in=["approved", "rejected", "withdrawn"]),
                name="one_open_registration_per_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def company_name(self) -> str:
        """The member's name, or the registering company's from the form."""
        return self.member.name if self.member else str(self.data.get("name", ""))


class ApplicationEvent(models.Model):
    """One transition: who, when, from which status to which, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=30)
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    @property
    def new_status_label(self) -> str:
        return str(Application.Status(self.new_status).label)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["id"]


class CalendarYear(models.Model):
    """A year whose official schedule the center has: without one, Monday-Friday is assumed."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100)

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the Monday-Friday rule: a weekday holiday or a weekend make-up day."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("日历软件包")
        NOTICE = "notice", _("国务院通知")
        STAFF = "staff", _("工作人员录入")

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True)
    #: Where the day came from: a day staff entered (the admin's default) is never overwritten
    #: by the yearly update (hall.applications.workdays).
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices,
                              default=Source.STAFF)  # fmt: skip

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.note}"


class Material(models.Model):
    """An uploaded document of an application, cleaned (``uploads.clean_image``)."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("营业执照")
        REMITTANCE = "remittance", _("汇款证明")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("资料类型"), max_length=20, choices=Kind.choices)
    image = models.FileField(_("图片"), upload_to="materials/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申请资料")
        verbose_name_plural = _("申请资料")
        ordering = ["id"]
