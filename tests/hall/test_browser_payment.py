"""The demo member pays its renewal in the sandbox gateway, in a real browser: a failed payment
leaves the order payable; a successful one moves the application to the branch's review
(through the gateway's signed notification to the hall). Screenshots: payment-*.png."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from hall.payments.models import Notification, Order
from tests.hall.browser import both_sizes, log_in, shot, text

pytestmark = pytest.mark.django_db(transaction=True)


@both_sizes
def test_pay_the_renewal_in_the_sandbox(
    page: object, live_server: object, settings: object, tmp_path: Path
) -> None:
    settings.HALL_PUBLIC_URL = str(live_server)  # type: ignore[attr-defined]
    call_command("demo", stdout=io.StringIO())
    log_in(page, "13800000001", "Member2026demo")
    page.click("#renew")  # type: ignore[attr-defined]
    for selector, value in {
        "#id_mobile": "13800000001",
        "#id_area_code": "0571",
        "#id_contact_phone": "88888888",
        "#id_contact_mobile": "13800000001",
    }.items():
        page.fill(selector, value)  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    scan = tmp_path / "licence.png"
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(scan)
    page.set_input_files("#upload-licence", str(scan))  # type: ignore[attr-defined]
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    page.click("#action-materials_done")  # type: ignore[attr-defined]
    page.click("#pay-online")  # type: ignore[attr-defined]
    assert "订单提交成功，请尽快付款！" in text(page)
    number = page.inner_text("#order-number")  # type: ignore[attr-defined]
    assert len(number) == 20
    assert "1280.00 元" in text(page)
    shot(page, "payment-1-order")
    page.check("input[value='工商银行']")  # type: ignore[attr-defined]
    page.click("#go-pay")  # type: ignore[attr-defined]
    shot(page, "payment-2-sandbox")
    page.click("#fail")  # type: ignore[attr-defined]
    assert "付款未成功" in text(page)
    assert Order.objects.get(number=number).status == Order.Status.PENDING
    page.check("input[value='支付宝支付']")  # type: ignore[attr-defined]
    page.click("#go-pay")  # type: ignore[attr-defined]
    page.click("#succeed")  # type: ignore[attr-defined]
    assert "付款成功" in text(page)
    assert "分支机构初审" in text(page)
    shot(page, "payment-3-paid")
    assert Order.objects.get(number=number).status == Order.Status.PAID
    assert set(Notification.objects.values_list("outcome", flat=True)) == {
        "payment failed",
        "credited",
    }
    # The center's finance staff reconcile the day: the order, its notification, the gateway.
    page.click("text=退出")  # type: ignore[attr-defined]
    log_in(page, "13800000003", "Center2026demo")
    page.click("text=对账")  # type: ignore[attr-defined]
    page.fill("#day", timezone.localdate().isoformat())  # type: ignore[attr-defined]
    page.click("text=查看")  # type: ignore[attr-defined]
    assert number in page.inner_text("#lines")  # type: ignore[attr-defined]
    assert page.inner_text("#mismatches") == "0"  # type: ignore[attr-defined]
    shot(page, "payment-4-reconciliation")
