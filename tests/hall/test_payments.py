"""Orders and notifications: every case a payment provider's notification can be, and money
credited exactly once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.fees.models import FeeSchedule
from hall.members.models import Member
from hall.payments.gateways import GATEWAYS, Incoming, SandboxGateway
from hall.payments.models import Notification, Order, SandboxPayment
from hall.payments.notifications import receive
from hall.payments.orders import order_for
from tests.hall.steps import add_licence

pytestmark = pytest.mark.django_db(transaction=True)
SANDBOX = GATEWAYS["sandbox"]
assert isinstance(SANDBOX, SandboxGateway)


@pytest.fixture
def order(member_user: User, member: Member) -> Order:
    application = Application.objects.create(
        kind="renewal", member=member, applicant=member_user, branch=member.branch, status="payment"
    )
    return order_for(application)


def _deliver(params: dict[str, str]) -> tuple[int, str]:
    """Post a sandbox notification as the notify view hands it on."""
    answer = receive("sandbox", Incoming(b"", {}, params))
    return answer.status, answer.body


def _notification(order: Order, **changes: str) -> dict[str, str]:
    params = SANDBOX.pay(order, "支付宝支付", succeeded=changes.pop("succeeded", "1") == "1")
    params.update(changes)
    if "sign" not in changes:
        params["sign"] = SANDBOX.sign(params)
    return params


def test_the_order(order: Order, member: Member) -> None:
    assert len(order.number) == 20
    assert order.number[6:10] == "3301"  # province 33, branch 01
    assert order.number[:6] == timezone.localtime().strftime("%Y%m")
    assert order.amount_fen == 2 * 640 * 100  # two years of the schedule in force
    assert order_for(order.application) == order  # one payable order at a time


def test_a_valid_notification_credits_and_moves_the_application(order: Order) -> None:
    assert _deliver(_notification(order)) == (200, "success")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.application.status == Application.Status.BRANCH_REVIEW
    assert order.application.events.get().actor.role == User.Role.SYSTEM  # type: ignore[union-attr]


def test_a_duplicate_answers_success_and_changes_nothing(order: Order) -> None:
    params = _notification(order)
    _deliver(params)
    paid_at = Order.objects.get(pk=order.pk).paid_at
    assert _deliver(params) == (200, "success")
    assert Order.objects.get(pk=order.pk).paid_at == paid_at
    assert Notification.objects.filter(outcome="duplicate").count() == 1


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"sign": "0" * 64}, "forged signature"),
        ({"total_fen": "1"}, "amount or currency mismatch"),  # tampered, re-signed: still wrong
        ({"currency": "USD"}, "amount or currency mismatch"),
        ({"out_trade_no": "20261133019999999999"}, "unknown order"),
        ({"timestamp": str(int(time.time()) - 3600)}, "replayed: too old"),
        ({"total_fen": "-128000"}, "amount or currency mismatch"),
    ],
)
def test_refused_notifications_change_nothing(
    order: Order, changes: dict[str, str], outcome: str
) -> None:
    status, _ = _deliver(_notification(order, **changes))
    assert status == 400
    assert Notification.objects.get().outcome == outcome
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_a_tampered_amount_without_resigning_is_forged(order: Order) -> None:
    params = _notification(order)
    params["total_fen"] = "1"
    assert _deliver(params)[0] == 400
    assert Notification.objects.get().outcome == "forged signature"


def test_a_failed_payment_leaves_the_order_payable(order: Order) -> None:
    assert _deliver(_notification(order, succeeded="0")) == (200, "success")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order_for(order.application) == order


def test_after_closing_nothing_is_credited(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert _deliver(_notification(order)) == (200, "success")
    order.refresh_from_db()
    assert order.status == Order.Status.CLOSED
    assert order.application.status == Application.Status.PAYMENT
    assert Notification.objects.get().outcome == "late or again (closed): refunded"
    refund = order.refunds.get()  # the money goes back the way it came, in full
    assert (refund.status, refund.via, refund.amount_fen) == (
        "succeeded",
        "sandbox",
        order.amount_fen,
    )
    fresh = order_for(order.application)  # a new payable order
    assert fresh.number != order.number


def test_money_for_a_withdrawn_application_is_refunded_not_credited(
    order: Order, member_user: User
) -> None:
    """The payer withdraws the application while at the gateway, then pays: the withdrawal
    closed the order, so the payment is kept once and refunded in full, the notification is
    answered, and the settlement job that asks the gateway about it again changes nothing."""
    from hall.applications.workflow import application_transition
    from hall.payments.orders import order_started
    from hall.payments.settlement import orders_settle

    application = order.application
    order_started(order, "sandbox")
    application_transition(application_id=application.pk, action="withdraw",
                           actor=member_user, version=application.version)  # fmt: skip
    order.refresh_from_db()
    assert order.status == Order.Status.CLOSED
    assert _deliver(_notification(order)) == (200, "success")
    assert Notification.objects.get().outcome == "late or again (closed): refunded"
    assert order.refunds.get().amount_fen == order.amount_fen
    assert orders_settle(timezone.now()) == []
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert order.refunds.count() == 1


def test_unknown_gateways_and_malformed_bodies(order: Order) -> None:
    assert receive("paypal", Incoming(b"", {}, {})).status == 404
    params = {"sign": SANDBOX.sign({"x": "1"}), "x": "1"}
    assert _deliver(params)[0] == 400


def test_fee_schedules_are_data(member: Member, order: Order) -> None:
    assert FeeSchedule.objects.filter(company_type="single").count() == 4
    FeeSchedule.objects.create(
        company_type="single",
        effective_from=timezone.localdate(),
        joining_fen=90000,
        joining_with_ean8_fen=130000,
        yearly_fen=70000,
    )
    Order.objects.filter(pk=order.pk).update(status="closed")
    Application.objects.filter(pk=order.application_id).update(status="approved")
    application = Application.objects.create(
        kind="renewal",
        member=member,
        status="payment",
        applicant=order.application.applicant,
        branch=member.branch,
    )
    assert order_for(application).amount_fen == 140000


def test_twenty_concurrent_duplicates_credit_once(order: Order) -> None:
    params = _notification(order)
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(20)

    def deliver() -> None:
        try:
            start.wait()
            answers.append(_deliver(dict(params)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(200, "success")] * 20
    outcomes = sorted(Notification.objects.values_list("outcome", flat=True))
    assert outcomes == ["credited"] + ["duplicate"] * 19
    order.refresh_from_db()
    assert order.application.events.filter(action="payment_received").count() == 1


def test_a_lost_notification_still_settles(order: Order) -> None:
    from hall.payments.orders import order_started
    from hall.payments.settlement import orders_settle

    order_started(order, "sandbox")
    SANDBOX.pay(order, "微信支付", succeeded=True)  # the gateway took the money; no notification
    assert orders_settle(timezone.now()) == [order.number]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert orders_settle(timezone.now()) == []


def test_a_reviewer_confirming_a_transfer_pays_the_order(order: Order, member: Member) -> None:
    from django.test import Client

    reviewer = User.objects.create_user(
        "13900000060", "x", role=User.Role.BRANCH, branch=member.branch
    )
    client = Client()
    client.force_login(reviewer)
    application = order.application
    client.post(f"/payments/applications/{application.pk}/transfer-received/")
    order.refresh_from_db()
    assert (order.status, order.method) == (Order.Status.PAID, "transfer")
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW
    assert application.events.get().actor == reviewer


def test_a_paid_order_has_its_invoice(order: Order, member: Member) -> None:
    from hall.payments.models import Invoice

    _deliver(_notification(order))
    record = Invoice.objects.get(order=order)
    assert record.number.startswith("TM")
    assert record.amount_fen == order.amount_fen
    assert record.item == "系统成员续展费"


@pytest.mark.parametrize(
    ("value", "message"),
    [("91110000600037341A", "校验不通过"), ("12345", "旧税号"), ("", "旧税号")],
)
def test_taxpayer_numbers(value: str, message: str) -> None:
    from hall.fees.taxpayer import InvalidTaxpayer, invoice_title, taxpayer_number

    with pytest.raises(InvalidTaxpayer, match=message):
        taxpayer_number(value)
    assert taxpayer_number("110108123456789") == "110108123456789"  # an older 15-character one
    with pytest.raises(InvalidTaxpayer, match="发票抬头"):
        invoice_title("x")


def test_refunds_never_exceed_what_was_paid(order: Order) -> None:
    from hall.applications.workflow import WorkflowError
    from hall.payments.refunds import refund, refundable_fen

    with pytest.raises(WorkflowError, match="不能退款"):
        refund(order_id=order.pk, amount_fen=100, reason="x")  # not paid yet
    _deliver(_notification(order))
    order.refresh_from_db()
    with pytest.raises(WorkflowError, match=r"不超过可退金额 1280\.00 元"):
        refund(order_id=order.pk, amount_fen=order.amount_fen + 1, reason="x")
    with pytest.raises(WorkflowError, match="大于 0"):
        refund(order_id=order.pk, amount_fen=0, reason="x")
    refund(order_id=order.pk, amount_fen=28000, reason="部分退款")
    assert refundable_fen(order) == order.amount_fen - 28000
    refund(order_id=order.pk, amount_fen=refundable_fen(order), reason="余款")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_a_rejected_application_is_refunded(order: Order, member: Member) -> None:
    from hall.applications.workflow import application_transition

    _deliver(_notification(order))
    branch = User.objects.create_user(
        "13900000070", "x", role=User.Role.BRANCH, branch=member.branch
    )
    center = User.objects.create_user("13900000071", "x", role=User.Role.CENTER)
    application = Application.objects.get(pk=order.application_id)
    add_licence(application)
    application = application_transition(
        application_id=application.pk,
        action="branch_approve",
        actor=branch,
        version=application.version,
    )
    application_transition(
        application_id=application.pk,
        action="center_reject",
        actor=center,
        version=application.version,
        reason="材料不符",
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunds.get().amount_fen == order.amount_fen


def test_the_invoice_pdf_is_the_members_own(
    order: Order, member_user: User, other_user: User
) -> None:
    from pathlib import Path

    from django.conf import settings
    from django.test import Client

    _deliver(_notification(order))
    client = Client()
    client.force_login(other_user)
    assert client.get(f"/payments/orders/{order.number}/invoice.pdf").status_code == 404
    client.force_login(member_user)
    if Path(settings.CJK_FONT).exists():
        response = client.get(f"/payments/orders/{order.number}/invoice.pdf")
        assert response.content.startswith(b"%PDF")


def test_a_second_payment_is_refunded_once(order: Order) -> None:
    from hall.payments.models import SandboxRefund, StrayPayment

    assert _deliver(_notification(order)) == (200, "success")
    second = _notification(order)  # the payer paid again, in another tab
    assert _deliver(second) == (200, "success")
    assert _deliver(second) == (200, "success")  # and the gateway said so twice
    outcomes = list(Notification.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["credited", "late or again (paid): refunded", "duplicate"]
    stray = StrayPayment.objects.get()
    assert stray.transaction == second["trade_no"]
    assert SandboxRefund.objects.get().transaction == second["trade_no"]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the first payment stands
    assert order.application.events.filter(action="payment_received").count() == 1


def test_a_refund_the_gateway_cannot_take_is_retried(
    order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hall.payments.refunds import refund, refunds_send

    _deliver(_notification(order))
    monkeypatch.delitem(GATEWAYS, "sandbox")  # the gateway is down
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    made.refresh_from_db()
    assert (made.status, made.attempts) == ("requested", 1)
    assert "not configured" in made.last_error
    monkeypatch.setitem(GATEWAYS, "sandbox", SANDBOX)  # back again
    assert refunds_send() == [made.number]
    made.refresh_from_db()
    assert (made.status, made.attempts, made.last_error) == ("succeeded", 2, "")
    assert refunds_send() == []


def test_the_sandbox_refuses_a_refund_above_its_payment(order: Order) -> None:
    from hall.payments.gateways import GatewayError
    from hall.payments.models import Refund

    params = _notification(order)
    _deliver(params)
    too_much = Refund(order=order, number="RX1", transaction=params["trade_no"],
                      amount_fen=order.amount_fen + 1, reason="x", via="sandbox")  # fmt: skip
    with pytest.raises(GatewayError, match="above"):
        SANDBOX.refund(too_much)
    unknown = Refund(order=order, number="RX2", transaction="SBXNONE", amount_fen=1,
                     reason="x", via="sandbox")  # fmt: skip
    with pytest.raises(GatewayError, match="no payment"):
        SANDBOX.refund(unknown)


def test_a_transfer_refund_is_paid_back_by_the_center(order: Order, member: Member) -> None:
    from hall.applications.workflow import WorkflowError
    from hall.payments.orders import transfer_confirm
    from hall.payments.refunds import refund, transfer_refund_paid

    reviewer = User.objects.create_user("13900000061", "x", role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    transfer_confirm(application=order.application, reviewer=reviewer)
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    made.refresh_from_db()
    assert (made.via, made.status) == ("transfer", "requested")  # waits for the bank
    with pytest.raises(WorkflowError, match="银行流水号"):
        transfer_refund_paid(refund_id=made.pk, reference="  ")
    done = transfer_refund_paid(refund_id=made.pk, reference="BOC20261121001")
    assert (done.status, done.reference) == ("succeeded", "BOC20261121001")
    with pytest.raises(WorkflowError, match="不是待付"):
        transfer_refund_paid(refund_id=made.pk, reference="again")


def test_a_paid_order_cannot_be_paid_again(order: Order, member_user: User) -> None:
    from django.test import Client

    _deliver(_notification(order))
    client = Client()
    client.force_login(member_user)
    page = client.post(f"/payments/orders/{order.number}/start/", {"method": "工商银行"},
                       follow=True)  # fmt: skip
    assert "订单状态为“已付款”，不能付款" in page.content.decode()
    assert SandboxPayment.objects.filter(order_number=order.number).count() == 1


def test_a_fee_paid_does_not_cover_step_one_changed_after_it(
    member_user: User, member: Member
) -> None:
    """Renewed by name and paid; then step 1 asks to renew two codes (twice the fee): the
    branch cannot pass it on the old payment, and it can once step 1 is back as paid for."""
    from hall.applications.workflow import WorkflowError, application_transition
    from tests.hall.steps import fulfil

    branch = User.objects.create_user("13900000010", "x", role=User.Role.BRANCH,
                                      branch=member.branch)  # fmt: skip
    application = Application.objects.create(
        kind="renewal", member=member, applicant=member_user, branch=member.branch,
        status="branch_review",
    )  # fmt: skip
    fulfil(application)
    paid_for = dict(application.data)
    application.data = {**paid_for, "renewal_type": "by_code", "codes": ["69212345", "69212346"]}
    application.save(update_fields=["data"])
    with pytest.raises(WorkflowError) as refused:
        application_transition(application_id=application.pk, action="branch_approve",
                               actor=branch, version=application.version)  # fmt: skip
    assert refused.value.code == "fee_changed"
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW
    Application.objects.filter(pk=application.pk).update(data=paid_for)
    moved = application_transition(application_id=application.pk, action="branch_approve",
                                   actor=branch, version=application.version)  # fmt: skip
    assert moved.status == Application.Status.CENTER_REVIEW
