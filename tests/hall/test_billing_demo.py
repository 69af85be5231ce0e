"""The demo's money (hall.payments.demo): the demo member's billing page has a row in each of
its lists, and a second run doubles nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from hall.accounts.models import User
from hall.payments import demo
from hall.payments.models import Invoice, Order, Refund

pytestmark = pytest.mark.django_db


def test_the_demo_members_billing_has_an_order_an_invoice_and_a_refund(client: Client) -> None:
    call_command("demo", stdout=io.StringIO())
    lines = [*demo.seed(io.StringIO()), *demo.seed(io.StringIO())]
    assert lines[0] == lines[1]
    assert "/payments/billing/" in lines[0]
    member = User.objects.get(mobile=demo.MOBILE).member
    orders = Order.objects.filter(application__member=member)
    assert orders.count() == 2
    assert Invoice.objects.filter(order__in=orders).count() == 2
    refund = Refund.objects.get(order__in=orders)
    assert refund.amount_fen == orders.get(status=Order.Status.REFUNDED).amount_fen
    client.force_login(User.objects.get(mobile=demo.MOBILE))
    for tab, rows in (("orders", 2), ("invoices", 2), ("refunds", 1)):
        page = client.get(f"/payments/billing/?tab={tab}").content.decode()
        assert page.count(f'id="{tab[:-1]}-') == rows, tab
