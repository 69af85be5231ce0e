"""The daily reconciliation: orders against notifications and gateway queries, mismatches
listed, CSV for the accountants, center staff only."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.payments.gateways import GATEWAYS, Incoming, SandboxGateway
from hall.payments.models import Order, ReconciliationRun, SandboxPayment
from hall.payments.notifications import receive
from hall.payments.orders import order_for, order_started
from hall.payments.reconciliation import reconcile, run_csv

pytestmark = pytest.mark.django_db(transaction=True)
SANDBOX = GATEWAYS["sandbox"]
assert isinstance(SANDBOX, SandboxGateway)


def _order(member: Member, user: User) -> Order:
    application = Application.objects.create(
        kind="renewal", member=member, applicant=user, branch=member.branch, status="payment"
    )
    order = order_for(application)
    order_started(order, "sandbox")
    return order


def _pay(order: Order) -> dict[str, str]:
    params = SANDBOX.pay(order, "支付宝支付", succeeded=True)
    receive("sandbox", Incoming(b"", {}, params))
    return params


def _problems(run: ReconciliationRun) -> dict[str, str]:
    return {line["order"]: line["problem"] for line in run.lines}


@pytest.fixture
def center(db: None) -> User:
    return User.objects.create_user("13900000090", "x", role=User.Role.CENTER)


def test_a_clean_day_has_no_mismatch(member: Member, member_user: User) -> None:
    order = _order(member, member_user)
    _pay(order)
    run = reconcile(timezone.localdate())
    assert run.mismatches == 0
    (line,) = run.lines
    assert (line["order"], line["notified"], line["problem"]) == (order.number, "已入账", "")
    assert "已付 1280.00 元" in line["gateway_says"]
    assert run.totals == {"paid_orders": 1, "paid": "1280.00", "refunded": "0.00",
                          "stray_payments": 0}  # fmt: skip


def test_mismatches_are_listed(member: Member, member_user: User, other_member: Member,
                               other_user: User) -> None:  # fmt: skip
    credited_but_unknown = _order(member, member_user)
    _pay(credited_but_unknown)
    SandboxPayment.objects.filter(order_number=credited_but_unknown.number).delete()
    taken_but_not_credited = _order(other_member, other_user)
    SANDBOX.pay(taken_but_not_credited, "微信支付", succeeded=True)  # notification lost
    forged = dict(SANDBOX.pay(taken_but_not_credited, "微信支付", succeeded=False), sign="0")
    receive("sandbox", Incoming(b"", {}, forged))
    run = reconcile(timezone.localdate())
    problems = _problems(run)
    assert problems[credited_but_unknown.number] == "本系统已入账，网关查无此付款"
    assert problems[taken_but_not_credited.number].startswith("网关已收款（SBX")
    assert run.mismatches == 2
    assert [item["outcome"] for item in run.refused] == ["签名无效"]


def test_an_unfinished_refund_is_a_mismatch(member: Member, member_user: User,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from hall.payments.refunds import refund

    order = _order(member, member_user)
    _pay(order)
    monkeypatch.delitem(GATEWAYS, "sandbox")
    refund(order_id=order.pk, amount_fen=100, reason="部分退回")
    assert _problems(reconcile(timezone.localdate()))[order.number] == "渠道未配置，无法查询"
    monkeypatch.setitem(GATEWAYS, "sandbox", SANDBOX)
    assert _problems(reconcile(timezone.localdate()))[order.number] == "退款未完成"


def test_the_csv_and_the_page_are_the_centers(
    member: Member, member_user: User, center: User
) -> None:
    order = _order(member, member_user)
    _pay(order)
    today = timezone.localdate().isoformat()
    client = Client()
    client.force_login(member_user)
    assert client.get("/payments/reconciliation/").status_code == 404
    assert client.get(f"/payments/reconciliation/{today}.csv").status_code == 404
    client.force_login(center)
    page = client.get(f"/payments/reconciliation/?day={today}")
    assert order.number in page.content.decode()
    response = client.get(f"/payments/reconciliation/{today}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "订单号"
    assert rows[1][0] == order.number
    assert client.get("/payments/reconciliation/2026-13-01.csv").status_code == 404
    assert (
        "日期格式"
        in client.get("/payments/reconciliation/?day=nonsense", follow=True).content.decode()
    )
    future = client.get("/payments/reconciliation/?day=2999-01-01", follow=True).content.decode()
    assert "未来" in future
    assert client.post("/payments/reconciliation/", {"day": today}).status_code == 302


def test_csv_cells_are_never_formulas(member: Member, member_user: User) -> None:
    receive("sandbox", Incoming(b"", {}, {"out_trade_no": "=HYPERLINK(1)", "sign": "x"}))
    run = reconcile(timezone.localdate())
    text = run_csv(run).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    del member, member_user
