"""Printing companies (印刷企业) and what seed 002 art. 21-22 asks of them: a check of the
customer's 系统成员证书 (or filing document) recorded with a copy of what was checked, kept two
years; and print jobs that rest on such a check, with the proof's grading attached.

A printing company is not a member: it holds no prefix and files no applications. Its accounts
are the hall's users with the role ``printer``, each tied to one company by :class:`Printer`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.members.models import Member, validate_uscc


class PrintingCompany(models.Model):
    """A printing company as it filed itself; it records checks once the center approved it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已核准")
        REJECTED = "rejected", _("未通过")
        #: Approved once, stopped by the center (the reason says why) until reinstated.
        SUSPENDED = "suspended", _("已暂停")

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    licence = models.FileField(_("营业执照"), upload_to="printers/licences/%Y/")
    contact = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    filed_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    #: Why the center did not approve it, or suspended it (shown to the company).
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("印刷企业")
        verbose_name_plural = _("印刷企业")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED


class CompanyEvent(models.Model):
    """The history of a printing company's status: who filed, approved or refused it, and why."""

    company = models.ForeignKey(PrintingCompany, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class Printer(models.Model):
    """An account of a printing company (one company per account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="printer"
    )
    company = models.ForeignKey(PrintingCompany, on_delete=models.CASCADE, related_name="accounts")

    class Meta:
        verbose_name = _("印刷企业账号")
        verbose_name_plural = _("印刷企业账号")


class CertificateCheck(models.Model):
    """One check of a customer's certificate or filing document (seed 002 art. 21): what was
    entered, what the hall answered, and the copies kept (the customer's scan, if given, and
    the hall's rendered answer). Kept two years after its last print job
    (:mod:`hall.printers.retention`)."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("证书编号")
        TOKEN = "token", _("证书二维码")
        FILING = "filing", _("备案文件")

    class Result(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已注销或作废")
        UNKNOWN = "unknown", _("查无此证")

    company = models.ForeignKey(PrintingCompany, on_delete=models.PROTECT, related_name="checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查验人"),
    )
    checked_at = models.DateTimeField(_("查验时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("查验方式"), max_length=12, choices=Kind.choices)
    entered = models.CharField(_("录入的编号"), max_length=300)
    entered_company = models.CharField(_("录入的企业名称"), max_length=200, blank=True)
    result = models.CharField(_("查验结果"), max_length=10, choices=Result.choices)
    message = models.CharField(_("查验说明"), max_length=300)
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("系统成员"),
    )
    # What the hall said at the time (the member's record may change later).
    member_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    certificate_number = models.CharField(_("物编注字"), max_length=30, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    #: The company prefixes (or, for a foreign-code filing, the GTINs) the check covers.
    prefixes = models.JSONField(_("厂商识别代码"), default=list, blank=True)
    gtins = models.JSONField(_("备案的商品条码"), default=list, blank=True)
    scan = models.FileField(_("证书复印件"), upload_to="printers/scans/%Y/", blank=True)
    snapshot = models.FileField(_("查验结果存档"), upload_to="printers/copies/%Y/")

    class Meta:
        verbose_name = _("证书查验记录")
        verbose_name_plural = _("证书查验记录")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["company", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.entered[:40]} {self.get_result_display()}"


class PrintJob(models.Model):
    """A print job of GTINs for a customer, resting on a valid check of its certificate, with
    the magnification, the substrate and the proof's grading (ISO/IEC 15416, GB/T 18348)."""

    class Substrate(models.TextChoices):
        PAPER = "paper", _("纸张")
        CORRUGATED = "corrugated", _("瓦楞纸板")
        LABEL = "label", _("不干胶标签")
        FILM = "film", _("塑料薄膜")
        METAL = "metal", _("金属")
        GLASS = "glass", _("玻璃")
        OTHER = "other", _("其他")

    company = models.ForeignKey(PrintingCompany, on_delete=models.PROTECT, related_name="jobs")
    check_record = models.ForeignKey(
        CertificateCheck,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("证书查验记录"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now, db_index=True)
    gtins = models.JSONField(_("商品条码"))
    magnification = models.DecimalField(_("放大系数"), max_digits=3, decimal_places=2)
    substrate = models.CharField(_("承印材料"), max_length=12, choices=Substrate.choices)
    quantity = models.PositiveIntegerField(_("印数"), null=True, blank=True)
    proof = models.FileField(_("样张"), upload_to="printers/proofs/%Y/", blank=True)
    proof_report = models.FileField(_("检测报告"), upload_to="printers/proofs/%Y/", blank=True)
    proof_result = models.CharField(_("检测结果"), max_length=20, blank=True)
    proof_letter = models.CharField(_("等级"), max_length=1, blank=True)
    proof_decoded = models.CharField(_("译码结果"), max_length=100, blank=True)
    proof_passed = models.BooleanField(_("样张合格"), null=True)

    class Meta:
        verbose_name = _("印刷业务记录")
        verbose_name_plural = _("印刷业务记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(magnification__gte="0.80", magnification__lte="2.00"),
                name="print_job_magnification_in_gb12904_range",
            ),
        ]
