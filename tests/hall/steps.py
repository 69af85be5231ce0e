"""What an application needs before the workflow lets it on (hall.applications.guards): step 1
as its kind's form accepts it, the business licence, the fee paid. Tests that drive the
workflow directly fulfil these as a member's pages would have."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from hall.applications.fees import application_fee_fen
from hall.applications.models import Application, Material
from hall.payments.models import Order
from tests.hall.conftest import make_uscc, scan_png

Kind = Application.Kind

#: Step 1 as each kind's form accepts it.
VALID_DATA: dict[str, dict[str, Any]] = {
    Kind.RENEWAL: {"renewal_type": "by_name", "codes": [], "legal_representative": "法人",
                   "mobile": "13900000001", "contact": "联系人", "area_code": "0571",
                   "contact_phone": "85786900", "contact_mobile": "13900000001",
                   "invoice_title": "杭州示例食品有限公司", "receive_mail": "True",
                   "taxpayer_number": make_uscc("91330106MA27XK5Q0"),
                   "filled_on": "2026-12-01"},
    Kind.REGISTRATION: {"name": "新注册有限公司", "uscc": make_uscc("91330106MA27XK9Q0"),
                        "company_type": "single", "registered_address": "杭州",
                        "legal_representative": "法人", "contact": "联系人",
                        "mobile": "13900000005", "branch": "3301"},
    Kind.CHANGE: {"name": "杭州示例食品股份有限公司", "reason": "更名"},
    Kind.CANCELLATION: {"reason": "停产"},
    Kind.REISSUE: {"reason": "遗失"},
    Kind.EAN8: {"product": "口香糖", "largest_face_cm2": 12.0, "printable_area_cm2": 10.0},
    Kind.UPC: {"reason": "出口北美", "customer": "Example Inc."},
    Kind.FOREIGN_FILING: {"gtin": "4006381333931", "brand": "Stabilo", "product": "笔",
                          "owner": "Schwan-Stabilo", "authorisation": "授权生产"},
    Kind.GROUP_AUTHORISATION: {"group_name": "集团", "group_certificate": "物编注字第1号",
                               "prefixes": "69212345", "until": "2030-01-01"},
    Kind.ACTIVATION: {"applicant_name": "张三", "position": "经理", "reason": "联系手机已停用"},
    Kind.MOBILE_CHANGE: {"new_mobile": "13600000009", "reason": "原手机号已停用"},
}  # fmt: skip


def add_licence(application: Application) -> None:
    licence = Material(application=application, kind=Material.Kind.LICENCE)
    licence.image.save("licence.png", ContentFile(scan_png().read()), save=True)


def pay(application: Application) -> None:
    """A paid order of the application's fee, as the gateway's notification or a confirmed
    transfer leaves it."""
    now = timezone.now()
    Order.objects.create(number=f"{now:%Y%m}0000{application.pk:010d}", application=application,
                         amount_fen=application_fee_fen(application) or 100,
                         status=Order.Status.PAID, paid_at=now, closes_at=now)  # fmt: skip


def fulfil(application: Application, **data: Any) -> Application:
    """Step 1 filled in validly (``data`` on top), the licence uploaded, the fee paid."""
    application.data = {**application.data, **VALID_DATA[application.kind], **data}
    application.save(update_fields=["data"])
    add_licence(application)
    if application.kind in (Kind.REGISTRATION, Kind.RENEWAL):
        pay(application)
    return application
