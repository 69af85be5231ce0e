"""An invoice record and its PDF for each paid order (Chinese drawn as outlines, ``hall.core.cjk``).

The record is the hall's; a VAT fapiao comes from the tax authority's own system, so the PDF is
titled a payment receipt and says so."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from hall.applications.descriptors import descriptor
from hall.core.cjk import text_operators, text_width
from hall.fees.money import fen_to_yuan
from hall.fees.taxpayer import InvalidTaxpayer, invoice_title, taxpayer_number
from hall.members.numbering import next_in_sequence
from hall.payments.models import Invoice, Order
from tiaoma.render.vector import POINTS_PER_MM, pdf_document


def invoice_issue(order: Order) -> Invoice:
    """The order's invoice, made once from the application's invoice data."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    application = order.application
    data = application.data
    title = data.get("invoice_title") or data.get("name") or application.company_name
    number = data.get("taxpayer_number") or data.get("uscc") or ""
    try:
        title, number = invoice_title(str(title)), taxpayer_number(str(number))
    except InvalidTaxpayer:  # paid all the same: the reviewer corrects the record
        title, number = str(title)[:200], str(number)[:20]
    year = timezone.localdate().year
    return Invoice.objects.create(
        order=order, number=f"TM{year}{next_in_sequence(f'invoice-{year}'):08d}", title=title,
        taxpayer_number=number, item=descriptor(application.kind).invoice_item or "系统成员费用",
        amount_fen=order.amount_fen,
    )  # fmt: skip


def invoice_pdf(invoice: Invoice) -> bytes:
    width, height = 210 * POINTS_PER_MM, 140 * POINTS_PER_MM
    title = "缴费凭证（发票信息）"
    parts = [text_operators(title, (width - text_width(title, 20)) / 2, height - 50, 20)]
    rows = [("票据号", invoice.number), ("订单号", invoice.order.number),
            ("发票抬头", invoice.title), ("纳税人识别号", invoice.taxpayer_number),
            ("项目", invoice.item), ("金额", f"{fen_to_yuan(invoice.amount_fen)} 元"),
            ("开具时间", f"{timezone.localtime(invoice.issued_at):%Y-%m-%d %H:%M}"),
            ("开具单位", settings.HALL_NAME)]  # fmt: skip
    y = height - 95
    for label, value in rows:
        parts.append(text_operators(f"{label}：", 60, y, 12))
        parts.append(text_operators(value, 170, y, 12))
        y -= 24
    note = "增值税发票由税务系统开具；本凭证记录发票信息与缴费金额。"
    parts.append(text_operators(note, 60, 30, 9))
    return pdf_document([(width, height, "\n".join(parts))])
