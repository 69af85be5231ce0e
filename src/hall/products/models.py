"""The number bank and product data (编码备案 / 产品信息通报, domain.md §2.4).

One row per GTIN a member gives out: the number and the product it identifies. The database
holds the invariants: a GTIN belongs to one live product only (a product superseded under the
legacy reuse rule keeps its row and its history), a GTIN is 14 digits (GTIN-8/12/13 padded
with zeros, as in AI (01)), and a case's GTIN-14 names the product it contains.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hall.core.changes import AnnouncedModel, AnnouncedQuerySet, announce_instances
from hall.members.facts import mask_mobile
from hall.members.models import CompanyPrefix, Ean8Code, Member


class Product(AnnouncedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_USE = "in_use", _("使用中")
        DISCONTINUED = "discontinued", _("已停用")

    class Kind(models.TextChoices):
        GTIN13 = "gtin13", "GTIN-13"
        GTIN12 = "gtin12", "GTIN-12 (UPC-A)"
        GTIN8 = "gtin8", _("GTIN-8（缩短码）")
        GTIN14 = "gtin14", _("GTIN-14（箱码）")

    class Level(models.TextChoices):
        EACH = "each", _("零售单元")
        INNER = "inner", _("内包装")
        CASE = "case", _("箱")
        PALLET = "pallet", _("托盘")

    class Unit(models.TextChoices):
        # The legal units of quantity on packaged goods (定量包装商品) and common counts.
        MG = "mg", "mg"
        G = "g", "g"
        KG = "kg", "kg"
        ML = "mL", "mL"
        L = "L", "L"
        MM = "mm", "mm"
        CM = "cm", "cm"
        M = "m", "m"
        M2 = "m2", "m²"
        PIECE = "piece", _("个/件")
        SHEET = "sheet", _("片/张")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="products", verbose_name=_("系统成员")
    )
    prefix = models.ForeignKey(
        CompanyPrefix,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("厂商识别代码"),
    )
    ean8 = models.OneToOneField(
        Ean8Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="product_record",
        verbose_name=_("缩短码"),
    )
    gtin = models.CharField(_("商品条码（14位）"), max_length=14)
    kind = models.CharField(_("编码类型"), max_length=6, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    name = models.CharField(_("产品名称"), max_length=200, blank=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    brand = models.CharField(_("品牌"), max_length=100, blank=True)
    brand_en = models.CharField(_("英文品牌"), max_length=100, blank=True)
    specification = models.CharField(_("规格型号"), max_length=200, blank=True)
    net_content = models.DecimalField(
        _("净含量"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    net_content_unit = models.CharField(
        _("净含量单位"), max_length=6, choices=Unit.choices, blank=True
    )
    gpc_brick = models.CharField(_("GPC 细块代码"), max_length=8, blank=True)
    classification = models.CharField(
        _("全国产品分类代码（GB/T 7635.1）"), max_length=8, blank=True
    )
    level = models.CharField(_("包装层级"), max_length=6, choices=Level.choices, default=Level.EACH)
    contains = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packages",
        verbose_name=_("所含产品"),
    )
    quantity = models.PositiveIntegerField(_("所含数量"), default=1)
    image = models.ImageField(_("产品图片"), upload_to="products/%Y/", blank=True)
    market_date = models.DateField(_("上市日期"), null=True, blank=True)
    description = models.TextField(_("描述"), blank=True)
    created_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    discontinued_on = models.DateField(_("停用日期"), null=True, blank=True)
    #: Set on a discontinued product whose GTIN was given again under the legacy rule.
    superseded = models.BooleanField(_("编码已重新分配"), default=False)
    version = models.PositiveIntegerField(default=1)

    #: Writes announced (hall.core.changes): the public query's answers show them.
    objects = AnnouncedQuerySet.as_manager()

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["gtin"]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin"],
                condition=models.Q(superseded=False),
                name="one_live_product_per_gtin",
            ),
            models.CheckConstraint(
                condition=models.Q(gtin__regex=r"^[0-9]{14}$"), name="gtin_is_14_digits"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quantity_at_least_1"),
            models.CheckConstraint(
                condition=~models.Q(kind="gtin14") | models.Q(contains__isnull=False),
                name="case_names_its_contents",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="product_member_status"),
            # The product search's filters and sort keys (hall.products.search), each led by
            # the member so that a member's page reads its own rows only.
            models.Index(fields=["member", "gtin"], name="product_member_gtin"),
            models.Index(fields=["member", "created_at"], name="product_member_created"),
            models.Index(fields=["member", "updated_at"], name="product_member_updated"),
            models.Index(fields=["member", "gpc_brick"], name="product_member_gpc"),
            models.Index(fields=["member", "level"], name="product_member_level"),
        ]

    def __str__(self) -> str:
        return f"{self.display_gtin} {self.name}".strip()

    @property
    def display_gtin(self) -> str:
        return display_gtin(self.gtin, self.kind)


LENGTHS = {"gtin8": 8, "gtin12": 12, "gtin13": 13, "gtin14": 14}


def display_gtin(number: str, kind: str) -> str:
    """The GTIN-14 ``number`` as printed for its kind: 8, 12, 13 or 14 digits."""
    return number[-LENGTHS[kind] :]


class ProductEvent(models.Model):
    """One change to a product: what it was before, by whom, when (the history of changes)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    #: The API key a program acted with (``actor`` is then empty): the history names the key,
    #: not a user who did nothing.
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="product_events", verbose_name=_("API 密钥"),
    )  # fmt: skip
    action = models.CharField(max_length=20)
    #: The changed fields' values before the change: {"name": "旧名称", ...}.
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("产品变更记录")
        verbose_name_plural = _("产品变更记录")
        ordering = ["id"]

    def acted_by(self) -> str:
        """Who acted, as the history shows it: the user, or the API key by its name and prefix
        ("" for the hall itself, e.g. a GTIN superseded under the legacy rule)."""
        if self.api_key is not None:
            return gettext("API 密钥 %(key)s") % {"key": self.api_key}
        if self.actor is None:
            return ""
        if self.actor.role == self.actor.Role.SYSTEM:  # its name is kept in Chinese
            return str(self.actor.Role.SYSTEM.label)
        # A clerk without a name is shown by a masked number: the history reaches API keys.
        return self.actor.name or mask_mobile(self.actor.mobile)


class NumberBank(models.Model):
    """A prefix's counter: the next item reference to try when a member asks for the next free
    GTIN. Every item reference below it was looked at; chosen ones above it are skipped."""

    prefix = models.OneToOneField(CompanyPrefix, on_delete=models.PROTECT, related_name="bank")
    next_item = models.PositiveBigIntegerField(default=1)


class Reservation(models.Model):
    """A range of item references a member keeps for a product line: the next free GTIN skips
    it; the member takes numbers from it by choosing them."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reservations")
    prefix = models.ForeignKey(
        CompanyPrefix, on_delete=models.PROTECT, related_name="reservations",
        verbose_name=_("厂商识别代码"),
    )  # fmt: skip
    first = models.PositiveBigIntegerField(_("起始项目代码"))
    last = models.PositiveBigIntegerField(_("结束项目代码"))
    note = models.CharField(_("用途"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("预留号段")
        verbose_name_plural = _("预留号段")
        ordering = ["prefix", "first"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last__gte=models.F("first")),
                name="reservation_ends_after_it_starts",
            ),
        ]


class ProofCheck(models.Model):
    """A print proof graded for a product (ISO/IEC 15416, GB/T 18348): the image, the result
    and the report, kept with the product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="proofs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    image = models.FileField(_("样张"), upload_to="proofs/%Y/")
    report = models.FileField(_("检测报告"), upload_to="proofs/%Y/")
    result = models.CharField(_("检测结果"), max_length=20)  # e.g. 3.6/06/670
    grade = models.DecimalField(_("符号等级"), max_digits=2, decimal_places=1)
    letter = models.CharField(_("等级"), max_length=1)
    passed = models.BooleanField(_("合格（GB/T 18348，1.5 级以上）"))
    decoded = models.CharField(_("译码结果"), max_length=100, blank=True)
    matches = models.BooleanField(_("与产品编码一致"))
    details = models.JSONField(_("检测数据"), default=dict)
    at = models.DateTimeField(_("检测时间"), default=timezone.now)

    class Meta:
        verbose_name = _("印刷样张检测")
        verbose_name_plural = _("印刷样张检测")
        ordering = ["-id"]


class GpcBrick(models.Model):
    """A brick of GS1's Global Product Classification, with the class, family and segment it
    sits in, as loaded from GS1's published file (``python -m hall gpc_import``). The hall
    ships none: until staff load the file, any 8-digit brick code starting 10 is taken."""

    code = models.CharField(_("GPC 细块代码"), max_length=8, primary_key=True)
    title = models.CharField(_("细块名称"), max_length=300)
    definition = models.TextField(_("定义"), blank=True)
    class_code = models.CharField(max_length=8)
    class_title = models.CharField(_("类别"), max_length=300)
    family_code = models.CharField(max_length=8)
    family_title = models.CharField(_("大类"), max_length=300)
    segment_code = models.CharField(max_length=8)
    segment_title = models.CharField(_("门类"), max_length=300)
    #: The file's own language and date (``<schema languageCode="EN" dateUtc="...">``).
    language = models.CharField(max_length=10, blank=True)
    published = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("GPC 细块")
        verbose_name_plural = _("GPC 细块")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


announce_instances(Product)
