"""The number bank's and the product data's forms. :class:`ProductForm` is the one judge of
product data: the hall's pages, the bulk import and the API all pass through it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from hall.applications.uploads import UploadError, clean_image, read_image
from hall.core.typed import DigitsField, IntegerDigitsField, refuse_unprintable
from hall.members.models import Member
from hall.products import bank, gpc
from hall.products.models import Product
from hall.products.services import EDITABLE


def prefix_choices(member: Member) -> list[tuple[str, str]]:
    return [(p.prefix, f"{p.prefix}（{p.get_kind_display()}）")
            for p in member.prefixes.filter(retired_on__isnull=True)]  # fmt: skip


class AllocateForm(forms.Form):
    company_prefix = forms.ChoiceField(label=_("厂商识别代码"))
    item = IntegerDigitsField(label=_("指定商品项目代码（不填则分配下一个可用编码）"),
                              required=False, min_value=0)  # fmt: skip
    count = IntegerDigitsField(label=_("数量（一次分配多个编码）"), required=False, min_value=1,
                               max_value=bank.MAX_BATCH, initial=1)  # fmt: skip
    name = forms.CharField(label=_("产品名称"), max_length=200, required=False,
                           validators=[refuse_unprintable])  # fmt: skip

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company_prefix"].choices = prefix_choices(member)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") is not None and (data.get("count") or 1) > 1:
            raise forms.ValidationError(_("指定项目代码时一次只能分配一个编码"))
        return data


class Ean8Form(forms.Form):
    number = forms.ChoiceField(label=_("缩短码"))
    name = forms.CharField(label=_("产品名称"), max_length=200, required=False,
                           validators=[refuse_unprintable])  # fmt: skip

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.number, f"{c.number} {c.product}") for c in bank.unused_ean8(member)]
        self.fields["number"].choices = choices  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("指示符"), choices=[(str(d), str(d)) for d in range(1, 9)]
    )
    quantity = IntegerDigitsField(label=_("所含数量"), min_value=1, max_value=1_000_000)
    level = forms.ChoiceField(label=_("包装层级"), choices=[
        c for c in Product.Level.choices if c[0] != Product.Level.EACH])  # fmt: skip

    def __init__(self, *args: Any, level: str = Product.Level.EACH, **kwargs: Any) -> None:
        """A package of a product at ``level`` is of a higher level (a case's: a pallet)."""
        super().__init__(*args, **kwargs)
        rank = bank.LEVEL_RANK.get(level, 0)
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            c for c in Product.Level.choices if bank.LEVEL_RANK[c[0]] > rank
        ]


def gpc_field() -> DigitsField:
    return DigitsField(
        label=_("GPC 细块代码"), regex=r"^10[0-9]{6}$", required=False,
        error_messages={"invalid": _("GPC 细块代码为 10 开头的 8 位数字，例如 10000025")},
        widget=forms.TextInput(attrs={"list": "gpc-bricks", "inputmode": "numeric"}),
    )  # fmt: skip


def check_gpc(code: str) -> None:
    """Once GS1's GPC is loaded, a brick code it does not hold is refused."""
    try:
        gpc.refuse_unknown(code)
    except gpc.GpcError as error:
        raise forms.ValidationError(str(error)) from error


class BulkEditForm(forms.Form):
    """The values a bulk edit sets on every product chosen; a field left empty is not changed."""

    brand = forms.CharField(label=_("品牌"), max_length=100, required=False,
                            validators=[refuse_unprintable])  # fmt: skip
    brand_en = forms.CharField(label=_("英文品牌"), max_length=100, required=False,
                               validators=[refuse_unprintable])  # fmt: skip
    gpc_brick = gpc_field()
    classification = DigitsField(
        label=_("全国产品分类代码（GB/T 7635.1）"), regex=r"^[0-9]{2,8}$", required=False,
        error_messages={"invalid": _("全国产品分类代码为 2 至 8 位数字")},
    )  # fmt: skip

    def clean_gpc_brick(self) -> str:
        code = str(self.cleaned_data.get("gpc_brick") or "")
        check_gpc(code)
        return code

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class ReserveForm(forms.Form):
    company_prefix = forms.ChoiceField(label=_("厂商识别代码"))
    first = IntegerDigitsField(label=_("起始项目代码"), min_value=0)
    last = IntegerDigitsField(label=_("结束项目代码"), min_value=0)
    note = forms.CharField(label=_("用途"), max_length=200, required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company_prefix"].choices = prefix_choices(member)  # type: ignore[attr-defined]


def _check_together(data: dict[str, Any]) -> None:
    if (data.get("net_content") is None) != (not data.get("net_content_unit")):
        raise forms.ValidationError(_("净含量与其单位应同时填写"))


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    """The product data a member files (产品信息通报)."""

    gpc_brick = gpc_field()
    classification = DigitsField(
        label=_("全国产品分类代码（GB/T 7635.1）"), regex=r"^[0-9]{2,8}$", required=False,
        error_messages={"invalid": _("全国产品分类代码为 2 至 8 位数字")},
    )  # fmt: skip
    net_content = forms.DecimalField(label=_("净含量"), required=False, max_digits=12,
                                     decimal_places=3, min_value=Decimal("0.001"))  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A file field, not Django's image field: the picture is judged once, by clean_image (the
    # hall's upload rules and words), not first by Django's own check, which said "not an
    # image" of a picture over 2 MB and let a TIFF through only for clean_image to refuse it.
    image = forms.FileField(
        label=_("产品图片"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )  # fmt: skip

    class Meta:
        model = Product
        fields = EDITABLE
        widgets = {"market_date": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not upload or not hasattr(upload, "read") or getattr(upload, "_committed", False):
            return upload
        try:
            cleaned = clean_image(read_image(upload))
        except UploadError as error:
            raise forms.ValidationError(str(error)) from error
        return SimpleUploadedFile("product.png", cleaned.png, content_type="image/png")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_together(data)
        return data

    def clean_gpc_brick(self) -> str:
        code = str(self.cleaned_data.get("gpc_brick") or "")
        check_gpc(code)
        return code

    @classmethod
    def clean_row(
        cls, values: dict[str, str], *, check_bricks: bool = True
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """One imported row judged by the same fields and rules as the page, without building
        a form per row (a form's construction cost more than the rest of an import). An import
        checks its rows' GPC bricks a chunk at a time (``check_bricks=False``), not a query per
        row."""
        cleaned: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for name, field in cls.base_fields.items():
            if name in ("image", "version"):
                continue
            try:
                cleaned[name] = field.clean(values.get(name, ""))
                if name == "gpc_brick" and check_bricks:
                    check_gpc(cleaned[name])
            except forms.ValidationError as error:
                errors[name] = [str(m) for m in error.messages]
        if not errors:
            try:
                _check_together(cleaned)
            except forms.ValidationError as error:
                errors["__all__"] = [str(m) for m in error.messages]
        return cleaned, errors

    def product_data(self) -> dict[str, Any]:
        """The changed editable fields, as the services take them."""
        return {k: v for k, v in self.cleaned_data.items() if k in EDITABLE
                and not (k == "image" and not v)}  # fmt: skip


#: The product's names, printed on labels and shown by the public query: no emoji, no control
#: characters (a validator of the form's fields, so that the page, the import and the API
#: refuse them alike).
NAMES = ("name", "name_en", "brand", "brand_en")
for _name in NAMES:
    ProductForm.base_fields[_name].validators.append(refuse_unprintable)


class ArtworkForm(forms.Form):
    symbol = forms.ChoiceField(label=_("条码"), initial="linear", required=False, choices=[
        ("linear", _("一维条码（EAN/UPC/ITF-14）")), ("qr", _("GS1 数字链接二维码（QR）")),
        ("hanxin", _("GS1 数字链接汉信码")), ("datamatrix", _("GS1 DataMatrix"))])  # fmt: skip
    format = forms.ChoiceField(label=_("格式"), choices=[
        ("svg", "SVG"), ("pdf", "PDF"), ("eps", "EPS"), ("png", "PNG")], initial="svg")  # fmt: skip
    magnification = forms.DecimalField(label=_("放大系数"), min_value=Decimal("0.80"),
                                       max_value=Decimal("2.00"), decimal_places=2,
                                       initial=Decimal("1.00"))  # fmt: skip
    dpi = IntegerDigitsField(label=_("PNG 分辨率（dpi）"), min_value=72, max_value=2400,
                             required=False, initial=600)  # fmt: skip


class LabelsForm(forms.Form):
    products = forms.ModelMultipleChoiceField(queryset=Product.objects.none())
    magnification = forms.DecimalField(min_value=Decimal("0.80"), max_value=Decimal("2.00"),
                                       decimal_places=2, initial=Decimal("1.00"))  # fmt: skip

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products  # type: ignore[attr-defined]


class ProofForm(forms.Form):
    image = forms.FileField(label=_("印刷样张图片"))
    dpi = IntegerDigitsField(label=_("扫描分辨率（dpi）"), min_value=100, max_value=4800,
                             required=False)  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))
