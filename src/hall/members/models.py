"""Branch offices, member companies and their company prefixes (domain.md §3.1).

The database holds the invariants: a company prefix, a certificate number, an archive index
number and a unified social credit code each belong to one member only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hall.core.changes import AnnouncedModel, AnnouncedQuerySet, announce_instances
from hall.core.reasons import reason
from tiaoma import uscc
from tiaoma.errors import TiaomaError


def validate_uscc(value: str) -> None:
    """A model field validator: the GB 32100 check, with the library's bilingual message."""
    try:
        uscc.validate(value)
    except TiaomaError as error:
        message = _("统一社会信用代码无效：%(reason)s")
        raise ValidationError(message, params={"reason": reason(error)}, code="uscc") from error


class BranchOffice(AnnouncedModel):
    """A branch of the coding center (分支机构), e.g. 浙江分中心 3301: its region's members apply
    through it, and the hall shows them its address, phones and the center's bank account."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    region = models.CharField(_("地区"), max_length=50)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)
    email = models.EmailField(_("工作邮箱"), blank=True)
    #: [{"area": "杭州地区", "person": "胡老师", "phone": "0571-85786900"}, ...]
    contacts = models.JSONField(_("联系方式"), default=list, blank=True)
    bank_account_name = models.CharField(_("开户名称"), max_length=100, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)

    #: Writes announced (hall.core.changes): the public query's answers show them.
    objects = AnnouncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分支机构")
        verbose_name_plural = _("分支机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Member(AnnouncedModel):
    """A member company (系统成员) with the registration form's data and its certificate."""

    class CompanyType(models.TextChoices):
        SINGLE = "single", _("单一企业")
        GROUP = "group", _("集团企业")
        IMPORT_EXPORT = "import_export", _("进出口企业")

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已注销")

    name = models.CharField(_("企业名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    company_type = models.CharField(
        _("企业类型"), max_length=20, choices=CompanyType.choices, default=CompanyType.SINGLE
    )
    registered_address = models.CharField(_("注册地址"), max_length=200)
    office_address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=6, blank=True)
    registered_capital = models.CharField(_("注册资本"), max_length=50, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    legal_representative_phone = models.CharField(_("法定代表人电话"), max_length=30, blank=True)
    contact = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系人电话"), max_length=30, blank=True)
    mobile = models.CharField(_("手机"), max_length=11, blank=True)
    fax = models.CharField(_("传真"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    economic_type_code = models.CharField(_("经济类型代码（GB/T 12402）"), max_length=3, blank=True)
    industry_code = models.CharField(_("行业代码（GB/T 4754）"), max_length=5, blank=True)
    division_code = models.CharField(_("行政区划代码（GB/T 2260）"), max_length=6, blank=True)
    estimated_products = models.PositiveIntegerField(_("预计编码产品数"), null=True, blank=True)
    certificate_number = models.CharField(_("物编注字"), max_length=30, unique=True)
    archive_index = models.CharField(_("档案索引号"), max_length=20, unique=True)
    gds_card = models.CharField(_("GDS卡号"), max_length=20, unique=True, null=True, blank=True)
    branch = models.ForeignKey(
        BranchOffice, on_delete=models.PROTECT, related_name="members", verbose_name=_("分支机构")
    )
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    #: Raised by each reissue (补办): the certificate printed says which edition it is.
    certificate_edition = models.PositiveSmallIntegerField(_("证书版次"), default=1)

    #: Writes announced (hall.core.changes): the public query's answers show them.
    objects = AnnouncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("系统成员")
        verbose_name_plural = _("系统成员")
        ordering = ["certificate_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="member_validity_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"


class CompanyPrefix(AnnouncedModel):
    """A company prefix (厂商识别代码) held by a member: EAN (69x...) or UPC."""

    class Kind(models.TextChoices):
        EAN = "ean", _("EAN码")
        UPC = "upc", _("UPC码")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="prefixes", verbose_name=_("系统成员")
    )
    prefix = models.CharField(_("厂商识别代码"), max_length=12, unique=True)
    kind = models.CharField(_("类型"), max_length=3, choices=Kind.choices, default=Kind.EAN)
    allocated_on = models.DateField(_("分配日期"))
    #: Set when the membership ends: the prefix is never given to anyone else.
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)
    #: A code renewed on its own (按码续展: a merged company's codes keep their own dates);
    #: empty while the code follows its member's validity.
    valid_until = models.DateField(_("单独续展的有效期至"), null=True, blank=True)

    #: Writes announced (hall.core.changes): the public query's answers show them.
    objects = AnnouncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("厂商识别代码")
        verbose_name_plural = _("厂商识别代码")
        ordering = ["prefix"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(prefix__regex=r"^[0-9]{6,12}$"), name="prefix_is_6_to_12_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.prefix


class PrefixPool(models.Model):
    """A block the center allocates company prefixes from, e.g. 8-digit prefixes in 692."""

    block = models.CharField(_("前缀段"), max_length=11)
    length = models.PositiveSmallIntegerField(_("厂商识别代码长度"))
    kind = models.CharField(
        _("类型"), max_length=3, choices=CompanyPrefix.Kind.choices, default=CompanyPrefix.Kind.EAN
    )
    #: The next number to try after the block (every number below it was looked at).
    next_number = models.PositiveBigIntegerField(_("下一个候选号"), default=0)

    class Meta:
        verbose_name = _("厂商识别代码池")
        verbose_name_plural = _("厂商识别代码池")
        constraints = [
            models.UniqueConstraint(fields=["block", "length"], name="one_pool_per_block_length"),
        ]

    def __str__(self) -> str:
        return f"{self.block}… ({self.length})"


class Sequence(models.Model):
    """A counter handed out under a row lock: certificate numbers, archive index numbers."""

    name = models.CharField(max_length=30, unique=True)
    value = models.PositiveBigIntegerField(default=0)


class Notice(models.Model):
    """A message to a member shown in the hall (and sent by SMS): renewal reminders and the like.

    ``key`` makes each notice once only: the daily job may run twice without repeating itself.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=60)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="one_notice_per_key"),
        ]


class MemberVersion(models.Model):
    """A member's data before a change (变更) was approved: the version history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="versions")
    data = models.JSONField(_("变更前"))
    changed = models.JSONField(_("变更内容"))
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-id"]


class Ean8Code(AnnouncedModel):
    """An EAN-8 (缩短码) the center allocated one by one to a member's product."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ean8_codes")
    number = models.CharField(_("缩短码"), max_length=8, unique=True)
    product = models.CharField(_("产品"), max_length=200)
    allocated_on = models.DateField(_("分配日期"))

    #: Writes announced (hall.core.changes): the public query's answers show them.
    objects = AnnouncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("缩短码")
        verbose_name_plural = _("缩短码")


class Filing(models.Model):
    """A filed record: a foreign code used by a domestic producer (境外码备案), or a group
    subsidiary's authorisation to use the group's codes (集团授权备案)."""

    class Kind(models.TextChoices):
        FOREIGN_CODE = "foreign_code", _("境外码备案")
        GROUP_AUTHORISATION = "group_authorisation", _("集团授权备案")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    data = models.JSONField(_("备案内容"))
    filed_on = models.DateField(_("备案日期"))

    class Meta:
        verbose_name = _("备案")
        verbose_name_plural = _("备案")


announce_instances(BranchOffice, Member, CompanyPrefix, Ean8Code)
