"""The printing company's forms: field checks only; the rules live in the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hall.core.typed import DigitsField, IntegerDigitsField, refuse_unprintable
from hall.members.models import validate_uscc
from hall.printers.models import CertificateCheck, PrintJob
from tiaoma import uscc

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200, validators=[refuse_unprintable])
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    licence = forms.FileField(label=_("营业执照（图片或 PDF，2 MB 以内）"))
    contact = forms.CharField(label=_("联系人"), max_length=50, validators=[refuse_unprintable])
    contact_phone = DigitsField(
        r"^((0[0-9]{2,3}-?)?[0-9]{7,8}(-[0-9]{1,6})?|1[3-9][0-9]{9})$",
        keep_hyphens=True,
        label=_("联系电话"),
        max_length=30,
        error_messages={"invalid": _("请输入有效的电话号码，如 0571-88888888 或手机号")},
    )
    address = forms.CharField(
        label=_("地址"), max_length=200, required=False, validators=[refuse_unprintable]
    )

    def clean_uscc(self) -> str:
        code = uscc.compact(self.cleaned_data["uscc"])
        validate_uscc(code)
        return code


class CheckForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("查验方式"),
        choices=CertificateCheck.Kind.choices,
        initial=CertificateCheck.Kind.CERTIFICATE,
        widget=forms.RadioSelect,
    )
    entered = forms.CharField(
        label=_("证书编号 / 二维码内容 / 备案文件编号"),
        max_length=300,
        help_text=_(
            "证书编号如“物编注字第100001号”；扫码枪扫描证书二维码会录入其网址；备案文件编号为备案业务的编号"
        ),
    )
    company_name = forms.CharField(
        label=_("委托人企业名称"),
        max_length=200,
        required=False,
        help_text=_("按证书编号或备案文件查验时必填"),
    )
    scan = forms.FileField(
        label=_("证书复印件（扫描件或照片，图片或 PDF，2 MB 以内，可选）"), required=False
    )


class JobForm(forms.Form):
    check_id = forms.TypedChoiceField(label=_("证书查验记录"), coerce=int)
    gtins = forms.CharField(
        label=_("商品条码（每行一个）"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    magnification = forms.CharField(label=_("放大系数（0.80-2.00）"), max_length=10, initial="1.00")
    substrate = forms.ChoiceField(label=_("承印材料"), choices=PrintJob.Substrate.choices)
    quantity = IntegerDigitsField(label=_("印数"), min_value=1, max_value=10**9, required=False)

    def __init__(self, *args: Any, checks: list[CertificateCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["check_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                check.pk,
                f"{check.member_name} · {check.certificate_number} · {check.checked_at:%Y-%m-%d}",
            )
            for check in checks
        ]


class ProofForm(forms.Form):
    image = forms.FileField(label=_("印刷样张图片"))
    dpi = IntegerDigitsField(
        label=_("扫描分辨率（dpi）"), min_value=100, max_value=4800, required=False
    )


class ExportForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=_DATE)
    end = forms.DateField(label=_("结束日期"), widget=_DATE)
    format = forms.ChoiceField(
        label=_("格式"),
        choices=[("xlsx", "Excel"), ("csv", "CSV"), ("zip", _("ZIP（含存档文件）"))],
    )

    @staticmethod
    def initial_range(today: date) -> dict[str, Any]:
        return {"start": today - timedelta(days=30), "end": today, "format": "xlsx"}


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("approved", _("核准")), ("rejected", _("不予核准")), ("suspended", _("暂停"))]
    )
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)
