"""The member's billing page in a real browser, at a desk's size and a phone's: a read-only
colleague of the member opens 账单 from the menu and finds the renewal paid online, its invoice
(the PDF opens) and the refund of a withdrawn application, the totals of the year, and a
filter. Screenshots: billing-*.png."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.payments.gateways import GATEWAYS, Incoming, SandboxGateway
from hall.payments.models import Order, Refund
from hall.payments.notifications import receive
from hall.payments.orders import order_for
from hall.payments.refunds import refund
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_online(application: Application) -> Order:
    """The application's order, paid through the sandbox gateway's signed notification (the
    order is credited and its invoice issued, as for a payer)."""
    order = order_for(application)
    sandbox = GATEWAYS["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    params = sandbox.pay(order, "支付宝支付", succeeded=True)
    params["sign"] = sandbox.sign(params)
    assert receive("sandbox", Incoming(b"", {}, params)).status == 200
    order.refresh_from_db()
    return order


def _renewal(member: Member, user: User) -> Application:
    return Application.objects.create(kind="renewal", member=member, applicant=user,
                                      branch=member.branch, status="payment")  # fmt: skip


@pytest.fixture
def money(member: Member, member_user: User) -> tuple[Order, Order, Refund]:
    """A renewal paid (then approved), and a second renewal paid and refunded in full."""
    paid = _paid_online(_renewal(member, member_user))
    Application.objects.filter(pk=paid.application_id).update(status="approved")
    refunded = _paid_online(_renewal(member, member_user))
    made = refund(order_id=refunded.pk, amount_fen=refunded.amount_fen, reason="申请已撤回")
    made.refresh_from_db()  # sent to the sandbox gateway once the refund committed
    assert made.status == Refund.Status.SUCCEEDED
    refunded.refresh_from_db()
    return paid, refunded, made


@both_sizes
def test_a_read_only_colleague_reads_the_members_billing(
    page: object, member: Member, money: tuple[Order, Order, Refund]
) -> None:
    paid, refunded, made = money
    User.objects.create_user("13900000055", PASSWORD, member=member, member_role="readonly")
    log_in(page, "13900000055", PASSWORD)
    page.click("#menu-billing")  # type: ignore[attr-defined]
    year = timezone.localdate().year
    assert page.inner_text(f"#total-{year} .paid") == "2560.00"  # type: ignore[attr-defined]
    assert page.inner_text(f"#total-{year} .refunded") == "1280.00"  # type: ignore[attr-defined]
    assert page.inner_text(f"#total-{year} .net") == "1280.00"  # type: ignore[attr-defined]
    orders = page.inner_text("#orders")  # type: ignore[attr-defined]
    assert paid.number in orders
    assert refunded.number in orders
    assert page.inner_text(f"#order-{refunded.number} .status") == "已退款"  # type: ignore[attr-defined]
    shot(page, "billing-1-orders")

    page.click("#tab-invoices")  # type: ignore[attr-defined]
    invoices = page.inner_text("#invoices")  # type: ignore[attr-defined]
    assert paid.invoice.number in invoices
    assert refunded.invoice.number in invoices
    assert page.inner_text(f"#invoice-{refunded.invoice.number} .status") == "订单已退款"  # type: ignore[attr-defined]
    shot(page, "billing-2-invoices")
    pdf = page.request.get(f"/payments/orders/{paid.number}/invoice.pdf")  # type: ignore[attr-defined]
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")

    page.click("#tab-refunds")  # type: ignore[attr-defined]
    row = page.inner_text(f"#refund-{made.number}")  # type: ignore[attr-defined]
    assert "1280.00" in row
    assert "申请已撤回" in row
    assert "已退款" in row
    shot(page, "billing-3-refunds")

    page.click("#tab-orders")  # type: ignore[attr-defined]
    page.select_option("#id_status", "refunded")  # type: ignore[attr-defined]
    page.click("#filter")  # type: ignore[attr-defined]
    orders = page.inner_text("#orders")  # type: ignore[attr-defined]
    assert refunded.number in orders
    assert paid.number not in orders
    page.goto("/payments/billing/?year=1999&page=x")  # type: ignore[attr-defined]
    assert "年份“1999”无效" in text(page)
    assert "页码“x”无效，已显示第 1 页" in text(page)
    shot(page, "billing-4-bad-filter")
