"""The pre-filled renewal registration form (续展登记表, seed 000 §2.2) as an A4 PDF, its
Chinese text drawn as outlines (``hall.core.cjk``): the member prints it, stamps it, uploads it."""

from __future__ import annotations

from django.utils import timezone

from hall.applications.fees import renewal_fee_fen
from hall.applications.models import Application
from hall.core.cjk import text_operators, text_width
from tiaoma.render.vector import POINTS_PER_MM, pdf_document

A4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
#: The form's rows: label and the key of the application's data (or a member attribute).
ROWS = [
    ("档案索引号", "archive_index"),
    ("续展类型", "renewal_type"),
    ("法定代表人", "legal_representative"),
    ("法定代表人电话", "legal_representative_phone"),
    ("法定代表人手机", "mobile"),
    ("联系人", "contact"),
    ("长途区号", "area_code"),
    ("联系人电话", "contact_phone"),
    ("联系人手机", "contact_mobile"),
    ("传真", "fax"),
    ("电子邮件地址", "email"),
    ("是否收信", "receive_mail"),
    ("企业网站", "website"),
    ("条码使用数量", "barcodes_in_use"),
    ("发票抬头", "invoice_title"),
    ("纳税人识别号", "taxpayer_number"),
    ("税务注册地址", "tax_address"),
    ("开户行", "tax_bank"),
    ("账号", "tax_account"),
    ("税务注册电话", "tax_phone"),
]
RENEWAL_TYPES = {"by_name": "按企业名称续展", "by_code": "按码续展"}


def _value(application: Application, key: str) -> str:
    value = application.data.get(key)
    if key == "renewal_type":
        return RENEWAL_TYPES.get(str(value), "")
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value in (None, "") else str(value)


def renewal_form_pdf(application: Application) -> bytes:
    """One A4 page: the member's data as filled in step 1, ruled, with room for the seal."""
    member = application.member
    assert member is not None  # a renewal always has its member
    width, height = A4
    title = "系统成员续展登记表"
    parts = [text_operators(title, (width - text_width(title, 22)) / 2, height - 80, 22)]
    rows = [
        ("企业名称", member.name),
        ("厂商识别代码", "、".join(p.prefix for p in member.prefixes.all())),
        ("有效期至", str(member.valid_until)),
        ("续展费用", f"{renewal_fee_fen(member) // 100} 元"),
    ]
    rows += [(label, _value(application, key)) for label, key in ROWS]
    top, line = height - 120, 26
    parts.append("0.3 w 0 G")
    for index, (label, value) in enumerate(rows):
        y = top - index * line
        parts.append(f"60 {y - line:.2f} {width - 120:.2f} {line} re S")
        parts.append(f"190 {y - line:.2f} m 190 {y:.2f} l S")
        parts.append(text_operators(label, 68, y - 17, 11))
        parts.append(text_operators(value, 198, y - 17, 11))
    bottom = top - len(rows) * line
    parts.append(text_operators("企业（盖章）：", 68, bottom - 50, 12))
    filled_on = application.data.get("filled_on") or timezone.localdate().isoformat()
    parts.append(text_operators(f"企业填表时间：{filled_on}", width - 270, bottom - 50, 12))
    return pdf_document([(width, height, "\n".join(parts))])
