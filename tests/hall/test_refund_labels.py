""" "已退款" only once the money is back: an order whose refund is decided reads "退款中" on the
member's order and application pages (and on the staff's) until its gateway has taken the
refund, or, for a bank transfer, until the center has recorded paying it back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.payments.gateways import GATEWAYS, Incoming, SandboxGateway
from hall.payments.models import Order, Refund
from hall.payments.notifications import receive
from hall.payments.orders import order_for, transfer_confirm
from hall.payments.refunds import refund, refunds_send, transfer_refund_paid
from tests.hall.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
SANDBOX = GATEWAYS["sandbox"]


@pytest.fixture
def order(member_user: User, member: Member) -> Order:
    application = Application.objects.create(
        kind="renewal", member=member, applicant=member_user, branch=member.branch, status="payment"
    )
    return order_for(application)


@pytest.fixture
def payer(client: Client, member_user: User) -> Client:
    log_in(client, member_user.mobile)
    return client


def _paid_online(order: Order) -> None:
    sandbox = GATEWAYS["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    params = sandbox.pay(order, "支付宝支付", succeeded=True)
    params["sign"] = sandbox.sign(params)
    assert receive("sandbox", Incoming(b"", {}, params)).status == 200


def _shown(payer: Client, order: Order) -> tuple[str, str]:
    """The order's status on the member's order page, and the application page's payment row."""
    page = payer.get(f"/payments/orders/{order.number}/").content.decode()
    status = page.split('id="order-status">', 1)[1].split("<", 1)[0]
    return status, payer.get(f"/applications/{order.application_id}/").content.decode()


def test_a_refund_the_gateway_has_not_taken_reads_in_progress(
    order: Order, payer: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _paid_online(order)
    monkeypatch.delitem(GATEWAYS, "sandbox")  # the gateway is down: the refund cannot go out
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    made.refresh_from_db()
    order.refresh_from_db()
    assert (order.status, made.status) == (Order.Status.REFUNDED, Refund.Status.REQUESTED)
    status, application = _shown(payer, order)
    assert status == "退款中"
    assert "退款中" in application
    assert "已退款" not in application
    assert made.get_status_display() == "退款中"
    monkeypatch.setitem(GATEWAYS, "sandbox", SANDBOX)  # back: the periodic job sends it
    assert refunds_send() == [made.number]
    status, application = _shown(payer, order)
    assert status == "已退款"
    assert "已退款" in application
    assert "退款中" not in application


def test_a_transfer_refund_reads_in_progress_until_the_center_pays_it(
    order: Order, payer: Client, member: Member
) -> None:
    reviewer = User.objects.create_user("13900000062", "x", role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    transfer_confirm(application=order.application, reviewer=reviewer)
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    assert _shown(payer, order)[0] == "退款中"  # decided, but no bank has paid anything
    transfer_refund_paid(refund_id=made.pk, reference="BOC20261206001")
    assert _shown(payer, order)[0] == "已退款"


def test_the_label_in_english(order: Order, payer: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    _paid_online(order)
    monkeypatch.delitem(GATEWAYS, "sandbox")
    refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    payer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _shown(payer, order)[0] == "Refund in progress"
