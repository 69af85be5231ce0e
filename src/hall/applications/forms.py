"""Step 1 of the renewal (seed 000 §2.1) and the reviewers' action form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hall.accounts.forms import MobileField, captcha_field
from hall.core.reasons import reason
from hall.core.typed import DigitsField, IntegerDigitsField, refuse_unprintable
from hall.fees.taxpayer import InvalidTaxpayer, taxpayer_number
from hall.members.models import BranchOffice, Member
from tiaoma import gtin, uscc
from tiaoma.errors import TiaomaError


def clean_taxpayer_number(value: str) -> str:
    """The payments' rule, as a form field's error."""
    try:
        return taxpayer_number(value)
    except InvalidTaxpayer as error:
        raise forms.ValidationError(str(error)) from error


class ApplicationForm(forms.Form):
    """A kind's step-1 form: ``application_data`` is what the application keeps.

    ``SECTIONS`` heads the page's sections (by the field each starts at); ``FULL_LABELS`` names
    the fields whose label only makes sense inside their section, for the reviewer's page."""

    SECTIONS: dict[str, Any] = {}
    FULL_LABELS: dict[str, Any] = {}

    @property
    def first_section(self) -> str | None:
        """Where the member's codes and the fee are shown: before the first section, or before
        the first field when the form has none."""
        names = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        return next(iter(self.SECTIONS), names[0] if names else None)

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def application_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


#: Seed 000 §2.1's 是否收信: 是 or 否, kept as a boolean.
YES_NO = [("True", _("是")), ("False", _("否"))]


class RenewalForm(ApplicationForm):
    """Seed 000 §2.1 field for field, labelled as the seed labels them; ``FULL_LABELS`` names the
    fields whose seed label repeats (电话, 手机) where they are read out of their section."""

    renewal_type = forms.ChoiceField(label=_("续展类型"), widget=forms.RadioSelect, choices=[
        ("by_code", _("按码续展")), ("by_name", _("按企业名称续展"))])  # fmt: skip
    codes = forms.MultipleChoiceField(label=_("按码续展的代码"), required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, validators=[refuse_unprintable]
    )
    legal_representative_phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    mobile = MobileField(label=_("手机"))
    contact = forms.CharField(label=_("联系人"), max_length=50, validators=[refuse_unprintable])
    area_code = DigitsField(
        label=_("长途区号"),
        regex=r"^0[0-9]{2,3}$",
        max_length=4,
        error_messages={"invalid": _("长途区号应为 0 开头的 3-4 位数字，如 0571")},
    )
    contact_phone = DigitsField(
        label=_("电话"),
        keep_hyphens=True,
        regex=r"^[0-9]{7,8}(-[0-9]{1,6})?$",
        max_length=20,
        error_messages={
            "invalid": _("电话应为 7-8 位数字（不含长途区号），可带分机号，如 88888888-123")
        },
    )
    contact_mobile = MobileField(label=_("手机"))
    fax = forms.CharField(label=_("传真"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮件地址"), required=False)
    receive_mail = forms.TypedChoiceField(label=_("是否收信"), choices=YES_NO, initial="True",
                                          coerce=lambda value: value == "True",
                                          widget=forms.RadioSelect)  # fmt: skip
    website = forms.CharField(label=_("企业网站"), max_length=200, required=False)
    barcodes_in_use = IntegerDigitsField(label=_("条码使用数量"), min_value=0, max_value=10**6,
                                         required=False)  # fmt: skip
    invoice_title = forms.CharField(
        label=_("发票抬头"), max_length=200, validators=[refuse_unprintable]
    )
    taxpayer_number = forms.CharField(label=_("纳税人识别号"), max_length=25)
    tax_address = forms.CharField(label=_("税务注册地址"), max_length=200, required=False)
    tax_bank = forms.CharField(label=_("开户行"), max_length=100, required=False)
    tax_account = forms.CharField(label=_("账号"), max_length=40, required=False)
    tax_phone = forms.CharField(label=_("税务注册电话"), max_length=30, required=False)
    filled_on = forms.DateField(label=_("企业填表时间"),
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    #: The sections of the page (seed 000 §2.1): each starts at its first field.
    SECTIONS = {"legal_representative": _("联系人信息"), "invoice_title": _("发票信息")}
    FULL_LABELS = {
        "legal_representative_phone": _("法定代表人电话"), "mobile": _("法定代表人手机"),
        "contact_phone": _("联系人电话"), "contact_mobile": _("联系人手机"),
    }  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefixes = self.member.prefixes.filter(retired_on__isnull=True) if self.member else []
        codes = self.fields["codes"]
        assert isinstance(codes, forms.MultipleChoiceField)
        codes.choices = [(p.prefix, f"{p.prefix}（{p.get_kind_display()}）") for p in prefixes]

    def clean_taxpayer_number(self) -> str:
        return clean_taxpayer_number(self.cleaned_data["taxpayer_number"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("renewal_type") == "by_code" and not data.get("codes"):
            self.add_error("codes", _("按码续展请选择要续展的代码"))
        if data.get("renewal_type") == "by_name":
            data["codes"] = []
        return data

    def application_data(self) -> dict[str, Any]:
        data = super().application_data()
        if data.get("filled_on"):
            data["filled_on"] = data["filled_on"].isoformat()
        return data


class MaterialForm(forms.Form):
    image = forms.FileField(label=_("图片"), allow_empty_file=False)
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionForm(forms.Form):
    action = forms.CharField(max_length=30)
    upc_prefix = DigitsField(
        regex=r"^[0-9]{6,11}$",
        required=False,
        error_messages={"invalid": _("UPC 厂商识别代码应为 6-11 位数字")},
    )
    reason = forms.CharField(label=_("原因"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    #: Set by the confirmation page of an act that cannot be taken back.
    confirmed = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegistrationForm(ApplicationForm):
    """The registration form's data (注册登记表, domain.md §3.1)."""

    name = forms.CharField(label=_("企业名称"), max_length=200, validators=[refuse_unprintable])
    name_en = forms.CharField(
        label=_("英文名称"), max_length=200, validators=[refuse_unprintable], required=False
    )
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=25)
    company_type = forms.ChoiceField(label=_("企业类型"), choices=Member.CompanyType.choices)
    registered_address = forms.CharField(label=_("注册地址"), max_length=200)
    office_address = forms.CharField(label=_("办公地址"), max_length=200, required=False)
    postcode = DigitsField(
        label=_("邮编"),
        regex=r"^[0-9]{6}$",
        required=False,
        error_messages={"invalid": _("邮编应为 6 位数字")},
    )
    registered_capital = forms.CharField(label=_("注册资本"), max_length=50, required=False)
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, validators=[refuse_unprintable]
    )
    legal_representative_phone = forms.CharField(label=_("法定代表人电话"), max_length=30,
                                                 required=False)  # fmt: skip
    contact = forms.CharField(label=_("联系人"), max_length=50, validators=[refuse_unprintable])
    contact_phone = forms.CharField(label=_("联系人电话"), max_length=30, required=False)
    mobile = MobileField(label=_("手机"))
    fax = forms.CharField(label=_("传真"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    website = forms.CharField(label=_("网址"), max_length=200, required=False)
    economic_type_code = DigitsField(
        label=_("经济类型代码（GB/T 12402）"),
        regex=r"^[0-9]{3}$",
        required=False,
        error_messages={"invalid": _("应为 3 位数字")},
    )
    industry_code = DigitsField(
        label=_("行业代码（GB/T 4754）"),
        regex=r"^[A-T]?[0-9]{2,4}$",
        required=False,
        error_messages={"invalid": _("行业代码格式不正确")},
    )
    division_code = DigitsField(
        label=_("行政区划代码（GB/T 2260）"),
        regex=r"^[0-9]{6}$",
        required=False,
        error_messages={"invalid": _("应为 6 位数字")},
    )
    estimated_products = IntegerDigitsField(label=_("预计编码产品数"), min_value=1,
                                            max_value=10**6, required=False)  # fmt: skip
    branch = forms.ModelChoiceField(
        label=_("分支机构"), queryset=BranchOffice.objects.all(), to_field_name="code"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_uscc(self) -> str:
        code = self.cleaned_data["uscc"]
        try:
            code = uscc.validate(code)
        except TiaomaError as error:
            raise forms.ValidationError(reason(error)) from error
        if Member.objects.filter(uscc=code).exclude(status=Member.Status.CANCELLED).exists():
            raise forms.ValidationError(_("该统一社会信用代码的企业已是系统成员，请用证书激活账号"))
        return code

    def application_data(self) -> dict[str, Any]:
        return {**super().application_data(), "branch": self.cleaned_data["branch"].code}


class ChangeForm(ApplicationForm):
    """The member's data as it is to be; empty fields stay as they are."""

    name = forms.CharField(
        label=_("企业名称"), max_length=200, validators=[refuse_unprintable], required=False
    )
    name_en = forms.CharField(
        label=_("英文名称"), max_length=200, validators=[refuse_unprintable], required=False
    )
    registered_address = forms.CharField(label=_("注册地址"), max_length=200, required=False)
    office_address = forms.CharField(label=_("办公地址"), max_length=200, required=False)
    postcode = DigitsField(
        label=_("邮编"),
        regex=r"^[0-9]{6}$",
        required=False,
        error_messages={"invalid": _("邮编应为 6 位数字")},
    )
    registered_capital = forms.CharField(label=_("注册资本"), max_length=50, required=False)
    legal_representative = forms.CharField(
        label=_("法定代表人"), max_length=50, validators=[refuse_unprintable], required=False
    )
    legal_representative_phone = forms.CharField(label=_("法定代表人电话"), max_length=30,
                                                 required=False)  # fmt: skip
    contact = forms.CharField(
        label=_("联系人"), max_length=50, validators=[refuse_unprintable], required=False
    )
    contact_phone = forms.CharField(label=_("联系人电话"), max_length=30, required=False)
    mobile = MobileField(label=_("手机"), required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    reason = forms.CharField(label=_("变更原因"), max_length=500, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in self.fields if name not in ("reason", "version")):
            raise forms.ValidationError(_("请填写要变更的内容"))
        return data


class ReasonForm(ApplicationForm):
    """Cancellation and reissue: why."""

    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


#: GB 12904 / domain.md §2.3: an EAN-13 symbol at magnification 1.00 is 37.29 x 26.26 mm.
EAN13_AREA_CM2 = 3.729 * 2.626


class Ean8Form(ApplicationForm):
    """An EAN-8 only where an EAN-13 would not fit (domain.md §2.3): the answers are checked."""

    product = forms.CharField(label=_("产品名称"), max_length=200, validators=[refuse_unprintable])
    largest_face_cm2 = forms.FloatField(label=_("包装最大面面积（cm²）"), min_value=0.1,
                                        max_value=10_000)  # fmt: skip
    printable_area_cm2 = forms.FloatField(label=_("可印刷面积（cm²）"), min_value=0.1,
                                          max_value=10_000)  # fmt: skip
    cylinder_diameter_cm = forms.FloatField(
        label=_("圆柱形包装直径（cm，非圆柱形不填）"), min_value=0.1, max_value=1000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        face, printable = data.get("largest_face_cm2"), data.get("printable_area_cm2")
        diameter = data.get("cylinder_diameter_cm")
        if face is None or printable is None:
            return data
        allowed = (face / 4 < EAN13_AREA_CM2 or printable / 8 < EAN13_AREA_CM2 or face < 40
                   or printable < 80 or (diameter is not None and diameter < 3))  # fmt: skip
        if not allowed:
            raise forms.ValidationError(_(
                "不符合缩短码申请条件：EAN-13 条码未超过最大面的 1/4 或可印刷面积的 1/8，"
                "最大面不小于 40 cm²（可印刷面积不小于 80 cm²），也不是直径小于 3 cm 的圆柱形包装"
            ))  # fmt: skip
        return data


class UpcForm(ApplicationForm):
    reason = forms.CharField(label=_("申请理由（出口北美、客户要求）"), max_length=500,
                             widget=forms.Textarea)  # fmt: skip
    customer = forms.CharField(label=_("北美客户"), max_length=200, validators=[refuse_unprintable])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ForeignFilingForm(ApplicationForm):
    gtin = forms.CharField(label=_("境外注册的商品条码"), max_length=20)
    brand = forms.CharField(label=_("品牌"), max_length=100, validators=[refuse_unprintable])
    product = forms.CharField(label=_("产品名称"), max_length=200, validators=[refuse_unprintable])
    owner = forms.CharField(
        label=_("境外厂商识别代码持有者"), max_length=200, validators=[refuse_unprintable]
    )
    authorisation = forms.CharField(label=_("授权情况"), max_length=500, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_gtin(self) -> str:
        try:
            number = gtin.parse(self.cleaned_data["gtin"])
        except TiaomaError as error:
            raise forms.ValidationError(reason(error)) from error
        if number.is_china:  # an EAN-8 and a GTIN-14 too, read by the library
            raise forms.ValidationError(
                _("这是 GS1 中国分配的商品条码（前缀 680-681、690-699），无需境外码备案")
            )
        return number.value


class GroupAuthorisationForm(ApplicationForm):
    group_name = forms.CharField(label=_("集团公司名称"), max_length=200)
    group_certificate = forms.CharField(label=_("集团系统成员证书号（物编注字）"), max_length=30)
    prefixes = forms.CharField(label=_("授权使用的厂商识别代码"), max_length=200)
    until = forms.DateField(label=_("授权期限至"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def application_data(self) -> dict[str, Any]:
        return {**super().application_data(), "until": self.cleaned_data["until"].isoformat()}


class ActivationRequestForm(ApplicationForm):
    """An account asks its member's branch to let it act for the member (issue 19): who the
    person is, and why the contact mobile cannot receive the code. The business licence follows
    in step 2."""

    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=50)
    reason = forms.CharField(label=_("申请原因（如联系手机已停用）"), max_length=500,
                             widget=forms.Textarea)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MobileChangeForm(ApplicationForm):
    """A member's account whose login mobile is gone asks its branch for a new one."""

    new_mobile = MobileField(label=_("新手机号"))
    reason = forms.CharField(label=_("申请原因（如原手机号已停用）"), max_length=500,
                             widget=forms.Textarea)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MobileChangeRequestForm(MobileChangeForm):
    """The page's form: the new number's code too (checked, not kept)."""

    sms_code = forms.CharField(label=_("短信验证码"), max_length=8, required=False)
    captcha = captcha_field()

    def application_data(self) -> dict[str, Any]:
        return {k: v for k, v in super().application_data().items()
                if k not in ("sms_code", "captcha")}  # fmt: skip
