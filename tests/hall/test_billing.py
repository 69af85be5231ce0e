"""The member's billing page (issue 23): every order, invoice and refund of its own member, for
any of its accounts' roles; the totals per year as the database has the money; bad filters
said, never a server error; the export of the filtered list, bounded; the page's queries as few
for a thousand orders as for three."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from itertools import count

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.core.spreadsheets import read_rows
from hall.members.models import Member
from hall.payments import billing
from hall.payments.models import Invoice, Order, Refund, StrayPayment
from tests.hall.windows import start_early_in_a_window

pytestmark = pytest.mark.django_db
URL = "/payments/billing/"
EXPORT = "/payments/billing/export/"
_serial = count(1)


def _at(year: int, month: int, day: int = 15, hour: int = 10) -> datetime:
    """A moment in the hall's time zone (the totals count years there)."""
    return timezone.make_aware(datetime(year, month, day, hour))


def _application(member: Member, user: User) -> Application:
    return Application.objects.create(kind="renewal", status="approved", member=member,
                                      applicant=user, branch=member.branch)  # fmt: skip


def _order(application: Application, fen: int, at: datetime, *, status: str = "paid",
           method: str = "支付宝支付") -> Order:  # fmt: skip
    """An order as the payment services leave it: a paid one has its time and its invoice."""
    n = next(_serial)
    paid = status in ("paid", "refunded")
    order = Order.objects.create(
        number=f"{at:%Y%m}3301{n:010d}", application=application, amount_fen=fen,
        status=status, method=method if paid else "", gateway="sandbox" if paid else "",
        provider_transaction=f"T{n:012d}" if paid else None, created_at=at,
        closes_at=at + timedelta(minutes=30), paid_at=at + timedelta(minutes=5) if paid else None,
    )  # fmt: skip
    if paid:
        Invoice.objects.create(order=order, number=f"TM{at:%Y}{n:08d}", title="杭州示例有限公司",
                               taxpayer_number="91330106MA27XK5Q0X", item="系统成员费用",
                               amount_fen=fen, issued_at=order.paid_at)  # fmt: skip
    return order


def _refund(order: Order, fen: int, at: datetime, *, done: datetime | None,
            transaction: str | None = None) -> Refund:  # fmt: skip
    return Refund.objects.create(
        order=order, number=f"R{at:%Y%m%d}{next(_serial):012d}",
        transaction=transaction if transaction is not None else order.provider_transaction or "",
        amount_fen=fen, reason="申请已撤回", via="sandbox",
        status=Refund.Status.SUCCEEDED if done else Refund.Status.REQUESTED,
        created_at=at, done_at=done,
    )  # fmt: skip


@pytest.fixture
def ledger(member: Member, member_user: User) -> dict[str, Order]:
    """Two years of the member's money: paid orders, a refund paid back across the new year, a
    refund still on its way, a stray payment refunded, an order unpaid and one closed."""
    application = _application(member, member_user)
    orders = {
        "paid_2025": _order(application, 128000, _at(2025, 3)),
        "refunded_2025": _order(application, 80000, _at(2025, 12, 31, 20), status="refunded"),
        "paid_2026": _order(application, 128000, _at(2026, 2), method="transfer"),
        "refunding_2026": _order(application, 30000, _at(2026, 4), status="refunded"),
        "partly_2026": _order(application, 50000, _at(2026, 5)),
        "closed_2026": _order(application, 128000, _at(2026, 6), status="closed"),
        "pending_2026": _order(application, 128000, _at(2026, 7), status="pending"),
    }
    # Refunded in the new year: the money came back in 2026, so it counts there.
    _refund(orders["refunded_2025"], 80000, _at(2025, 12, 31, 21), done=_at(2026, 1, 2))
    _refund(orders["refunding_2026"], 30000, _at(2026, 4, 20), done=None)
    _refund(orders["partly_2026"], 20000, _at(2026, 5, 20), done=_at(2026, 5, 21))
    # Money that came for the closed order: kept as a stray payment and given back in full.
    StrayPayment.objects.create(order=orders["closed_2026"], gateway="sandbox",
                                transaction="STRAY0001", amount_fen=128000,
                                received_at=_at(2026, 6, 20))  # fmt: skip
    _refund(orders["closed_2026"], 128000, _at(2026, 6, 20), done=_at(2026, 6, 21),
            transaction="STRAY0001")  # fmt: skip
    return orders


@pytest.fixture
def strangers(other_member: Member, other_user: User) -> Order:
    """Another member's paid and refunded order: never on the first member's page."""
    order = _order(_application(other_member, other_user), 99900, _at(2026, 3), status="refunded")
    _refund(order, 99900, _at(2026, 3, 2), done=_at(2026, 3, 3))
    return order


@pytest.fixture
def payer(client: Client, member_user: User) -> Client:
    client.force_login(member_user)
    return client


def _page(client: Client, query: str = "") -> str:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response
    return response.content.decode()


def _cell(page: str, row_id: str, name: str) -> str:
    row = page.split(f'id="{row_id}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'class="{name}">([^<]*)<', row)
    assert found is not None, row
    return found.group(1)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}" if fen >= 0 else f"-{-fen // 100}.{-fen % 100:02d}"


def _expected_totals(member: Member) -> dict[int, tuple[int, int, int]]:
    """Paid, refunded and refunding per year, added up row by row from the database (the page
    sums them with GROUP BY: two ways to the same numbers)."""
    years: dict[int, list[int]] = {}
    local = timezone.localtime
    orders = Order.objects.filter(application__member=member)
    for order in orders.filter(paid_at__isnull=False):
        years.setdefault(local(order.paid_at).year, [0, 0, 0])[0] += order.amount_fen
    for stray in StrayPayment.objects.filter(order__in=orders):
        years.setdefault(local(stray.received_at).year, [0, 0, 0])[0] += stray.amount_fen
    for refund in Refund.objects.filter(order__in=orders):
        if refund.status == Refund.Status.SUCCEEDED:
            years.setdefault(local(refund.done_at).year, [0, 0, 0])[1] += refund.amount_fen
        else:
            years.setdefault(local(refund.created_at).year, [0, 0, 0])[2] += refund.amount_fen
    return {year: (p, r, w) for year, (p, r, w) in years.items()}


def test_the_totals_per_year_are_the_databases(
    payer: Client, member: Member, ledger: dict[str, Order], strangers: Order
) -> None:
    page = _page(payer)
    expected = _expected_totals(member)
    assert set(expected) == {2025, 2026}
    for year, (paid, refunded, refunding) in expected.items():
        assert _cell(page, f"total-{year}", "paid") == _yuan(paid)
        assert _cell(page, f"total-{year}", "refunded") == _yuan(refunded)
        assert _cell(page, f"total-{year}", "refunding") == _yuan(refunding)
        assert _cell(page, f"total-{year}", "net") == _yuan(paid - refunded)
    # By hand, so that a wrong rule in both sums cannot pass: 2025 paid 1280 + 800 (the refund
    # of the 800 came back on 2 January 2026); 2026 paid 1280 + 300 + 500 + the stray 1280,
    # refunded 800 + 200 + 1280, with 300 still on its way.
    assert expected[2025] == (208000, 0, 0)
    assert expected[2026] == (336000, 228000, 30000)
    assert _cell(page, "total-2025", "net") == "2080.00"
    assert _cell(page, "total-2026", "net") == "1080.00"


def test_a_year_refunded_more_than_paid_has_a_negative_net(
    payer: Client, member: Member, member_user: User
) -> None:
    order = _order(_application(member, member_user), 50000, _at(2025, 12, 30), status="refunded")
    _refund(order, 50000, _at(2025, 12, 31), done=_at(2026, 1, 3))
    page = _page(payer)
    assert _cell(page, "total-2026", "net") == "-500.00"
    assert _cell(page, "total-2025", "net") == "500.00"


def test_every_order_invoice_and_refund_of_the_member_and_none_of_another(
    payer: Client, member: Member, ledger: dict[str, Order], strangers: Order
) -> None:
    orders, invoices, refunds = (_page(payer, f"tab={tab}") for tab in billing.TABS)
    for order in Order.objects.filter(application__member=member):
        assert f'id="order-{order.number}"' in orders
    for invoice in Invoice.objects.filter(order__application__member=member):
        assert f'id="invoice-{invoice.number}"' in invoices
        assert f"/payments/orders/{invoice.order.number}/invoice.pdf" in invoices
    for refund in Refund.objects.filter(order__application__member=member):
        assert f'id="refund-{refund.number}"' in refunds
    stranger_refund = strangers.refunds.get()
    for page in (orders, invoices, refunds):
        assert strangers.number not in page
        assert strangers.invoice.number not in page
        assert stranger_refund.number not in page
        assert str(strangers.application_id) not in re.findall(r"/applications/(\d+)/", page)
    assert orders.count('id="order-') == 7
    assert invoices.count('id="invoice-') == 5
    assert refunds.count('id="refund-') == 4


def test_the_rows_say_what_the_order_pages_say(payer: Client, ledger: dict[str, Order]) -> None:
    page = _page(payer)
    for order in ledger.values():
        assert _cell(page, f"order-{order.number}", "status") == order.get_status_display()
    assert _cell(page, f"order-{ledger['refunding_2026'].number}", "status") == "退款中"
    transfer = page.split(f'id="order-{ledger["paid_2026"].number}"', 1)[1].split("</tr>")[0]
    assert "汇款" in transfer
    invoices = _page(payer, "tab=invoices")
    assert _cell(invoices, f"invoice-{ledger['refunded_2025'].invoice.number}",
                 "status") == "订单已退款"  # fmt: skip
    assert _cell(invoices, f"invoice-{ledger['paid_2025'].invoice.number}", "status") == "有效"


def test_an_invoice_link_opens_the_invoice(payer: Client, ledger: dict[str, Order]) -> None:
    page = _page(payer, "tab=invoices")
    link = re.search(r'href="(/payments/orders/\d+/invoice\.pdf)"', page)
    assert link is not None
    response = payer.get(link.group(1))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    # The year of the order (its creation), whatever the year of its money.
    ("year=2025", ["paid_2025", "refunded_2025"], ["paid_2026", "pending_2026"]),
    ("status=refunded", ["refunded_2025", "refunding_2026"], ["paid_2025", "closed_2026"]),
    ("year=2026&status=paid", ["paid_2026", "partly_2026"], ["paid_2025", "refunding_2026"]),
    ("year=2026&status=pending", ["pending_2026"], ["paid_2026"]),
])  # fmt: skip
def test_the_filters_narrow_the_list(
    payer: Client, ledger: dict[str, Order], query: str, shown: list[str], hidden: list[str]
) -> None:
    page = _page(payer, query)
    for name in shown:
        assert f'id="order-{ledger[name].number}"' in page
    for name in hidden:
        assert f'id="order-{ledger[name].number}"' not in page
    assert 'class="notice warning filter-refused"' not in page


def test_a_year_of_unpaid_orders_only_may_be_chosen(
    payer: Client, member: Member, member_user: User, ledger: dict[str, Order]
) -> None:
    closed = _order(_application(member, member_user), 1000, _at(2023, 5), status="closed")
    page = _page(payer, "year=2023")
    assert f'id="order-{closed.number}"' in page
    assert page.count('id="order-') == 1
    assert 'id="total-2023"' not in page  # no money moved that year
    assert "年份“2022”无效：请选择 2023 至" in _page(payer, "year=2022")


def test_the_other_lists_filter_by_their_own_status_and_year(
    payer: Client, ledger: dict[str, Order]
) -> None:
    waiting = _page(payer, "tab=refunds&status=requested")
    assert waiting.count('id="refund-') == 1
    assert ledger["refunding_2026"].refunds.get().number in waiting
    void = _page(payer, "tab=invoices&status=refunded")
    assert void.count('id="invoice-') == 2
    of_2025 = _page(payer, "tab=invoices&year=2025")
    assert of_2025.count('id="invoice-') == 2


@pytest.mark.parametrize(("query", "message"), [
    ("year=abc", "年份“abc”无效"),
    ("year=1999", "年份“1999”无效：请选择 2025 至"),
    ("year=99999999999999999999999", "年份“99999999999999999999”无效"),
    ("status=nonsense", "状态“nonsense”无效，已显示全部状态"),
    ("tab=invoices&status=pending", "状态“pending”无效"),  # an order's status, not an invoice's
    ("tab=ledger", "没有“ledger”这一栏，已显示订单"),
    ("page=abc", "页码“abc”无效，已显示第 1 页"),
    ("page=0", "没有第 0 页（共 1 页），已显示第 1 页"),
    ("page=-3", "没有第 -3 页（共 1 页），已显示第 1 页"),
    ("page=999", "没有第 999 页（共 1 页），已显示第 1 页"),
    ("page=1e400", "页码“1e400”无效"),
    ("page=" + "9" * 5000, "页码“99999999999999999999”无效"),
    ("year=%3Cscript%3E", "年份“&lt;script&gt;”无效"),  # quoted back, escaped
])  # fmt: skip
def test_a_nonsense_filter_is_said_and_the_list_shown_unfiltered(
    payer: Client, ledger: dict[str, Order], query: str, message: str
) -> None:
    page = _page(payer, query)
    assert message in page
    assert 'id="orders"' in page or 'id="invoices"' in page
    assert "<script>" not in page.split('id="main"', 1)[1]


def test_the_messages_are_in_english_for_an_english_reader(
    payer: Client, ledger: dict[str, Order]
) -> None:
    payer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _page(payer, "year=1999&status=x&page=y")
    assert "The year “1999” is not valid: choose a year from 2025 to" in page
    assert "The status “x” is not valid. Showing every status" in page
    assert "The page “y” is not a page number. Showing page 1" in page
    assert "Totals per year" in page


@pytest.mark.parametrize("role", ["admin", "clerk", "readonly"])
def test_every_role_of_the_members_accounts_sees_it(
    client: Client, member: Member, ledger: dict[str, Order], role: str
) -> None:
    user = User.objects.create_user(f"1390000010{len(role)}", "x", member=member,
                                    member_role=role)  # fmt: skip
    client.force_login(user)
    page = _page(client)
    assert f'id="order-{ledger["paid_2025"].number}"' in page
    assert 'id="menu-billing"' in page
    assert client.get(f"{EXPORT}?format=csv").status_code == 200


def test_the_other_member_sees_only_its_own(
    client: Client, other_user: User, ledger: dict[str, Order], strangers: Order
) -> None:
    client.force_login(other_user)
    page = _page(client)
    assert f'id="order-{strangers.number}"' in page
    for order in ledger.values():
        assert order.number not in page
    exported = client.get(f"{EXPORT}?format=csv&tab=refunds").content.decode("utf-8-sig")
    assert exported.count("\n") == 2  # the header and the stranger's own refund
    # The first member's invoice by its order number, typed into the address: not found.
    number = ledger["paid_2025"].number
    assert client.get(f"/payments/orders/{number}/invoice.pdf").status_code == 404
    assert client.get(f"/payments/orders/{strangers.number}/invoice.pdf").status_code == 200


def test_an_account_not_yet_a_members_sees_its_registrations_orders_only(
    client: Client, fresh_user: User, member: Member, ledger: dict[str, Order]
) -> None:
    branch = member.branch
    registration = Application.objects.create(kind="registration", status="payment",
                                              applicant=fresh_user, branch=branch)  # fmt: skip
    own = _order(registration, 100000, _at(2026, 8), status="pending")
    client.force_login(fresh_user)
    page = _page(client)
    assert f'id="order-{own.number}"' in page
    assert page.count('id="order-') == 1


def test_staff_and_strangers_are_kept_out(client: Client, member: Member) -> None:
    assert client.get(URL).status_code == 302
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert client.get(EXPORT)["Location"].startswith("/accounts/login/")
    center = User.objects.create_user("13900000071", "x", role=User.Role.CENTER)
    client.force_login(center)
    assert client.get(URL)["Location"] == "/payments/reconciliation/"
    assert 'id="menu-billing"' not in client.get("/").content.decode()
    branch = User.objects.create_user("13900000072", "x", role=User.Role.BRANCH,
                                      branch=member.branch)  # fmt: skip
    client.force_login(branch)
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_the_page_is_read_only(payer: Client) -> None:
    assert payer.post(URL).status_code == 405
    assert payer.post(EXPORT).status_code == 405


def _csv(client: Client, query: str) -> list[list[str]]:
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_is_the_filtered_list(payer: Client, ledger: dict[str, Order]) -> None:
    rows = _csv(payer, "format=csv&year=2026&status=paid")
    assert rows[0][:2] == ["订单号 / Order number", "申请编号 / Application"]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {ledger["paid_2026"].number, ledger["partly_2026"].number}
    paid = by_number[ledger["paid_2026"].number]
    assert paid[2:6] == ["续展", "1280.00", "汇款", "已付款"]
    assert paid[8] == ledger["paid_2026"].invoice.number
    refunds = _csv(payer, "format=csv&tab=refunds")
    assert len(refunds) == 1 + 4
    assert {row[4] for row in refunds[1:]} == {"已退款", "退款中"}
    assert sum(int(row[2].replace(".", "")) for row in refunds[1:]) == sum(
        Refund.objects.filter(order__in=ledger.values()).values_list("amount_fen", flat=True)
    )


def test_the_excel_export_reads_back(payer: Client, ledger: dict[str, Order]) -> None:
    response = payer.get(f"{EXPORT}?tab=invoices&format=xlsx")
    assert response.status_code == 200
    rows = list(read_rows(response.content))
    assert rows[0][0] == "票据号 / Invoice number"
    assert {row[0] for row in rows[1:]} == set(
        Invoice.objects.filter(order__in=ledger.values()).values_list("number", flat=True)
    )


def test_an_export_too_long_is_refused_with_its_count(
    payer: Client, ledger: dict[str, Order], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(billing, "EXPORT_ROWS", 3)
    response = payer.get(f"{EXPORT}?format=csv", follow=True)
    assert (
        "共 7 行，超过每次导出 3 行的上限：请按年份或状态筛选后再导出" in response.content.decode()
    )
    assert response.redirect_chain[-1][0] == f"{URL}?"
    assert _csv(payer, "format=csv&year=2025")[1:] != []  # narrowed, it goes


def test_an_export_with_a_bad_format_or_filter_sends_nothing(
    payer: Client, ledger: dict[str, Order]
) -> None:
    response = payer.get(f"{EXPORT}?format=pdf", follow=True)
    assert "导出格式应为 xlsx 或 csv" in response.content.decode()
    response = payer.get(f"{EXPORT}?format=csv&year=1900", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "年份“1900”无效" in response.content.decode()


def test_exports_are_limited_per_minute(payer: Client, ledger: dict[str, Order]) -> None:
    from hall.payments.views import EXPORTS_PER_MINUTE

    start_early_in_a_window()
    for _ in range(EXPORTS_PER_MINUTE):
        assert payer.get(f"{EXPORT}?format=csv").status_code == 200
    refused = payer.get(f"{EXPORT}?format=csv")
    assert refused.status_code == 429
    assert "导出过于频繁" in refused.content.decode()


def _many_orders(member: Member, user: User, n: int) -> None:
    """``n`` orders more, a third of them refunded (half of those still refunding), in bulk."""
    application = _application(member, user)
    start = next(_serial) * 100_000
    at = _at(2026, 1)
    orders = Order.objects.bulk_create(
        Order(number=f"202601{start + i:014d}", application=application, amount_fen=1000 + i,
              status="refunded" if i % 3 == 0 else "paid", method="支付宝支付", gateway="sandbox",
              created_at=at, closes_at=at, paid_at=at)
        for i in range(n)
    )  # fmt: skip
    Invoice.objects.bulk_create(
        Invoice(order=o, number=f"TM{start + i:014d}", title="示例", taxpayer_number="1",
                item="系统成员费用", amount_fen=o.amount_fen)
        for i, o in enumerate(orders)
    )  # fmt: skip
    Refund.objects.bulk_create(
        Refund(order=o, number=f"R{start + i:014d}", amount_fen=o.amount_fen, reason="撤回",
               via="sandbox", status="succeeded" if i % 2 else "requested",
               done_at=at if i % 2 else None)
        for i, o in enumerate(o for o in orders if o.status == "refunded")
    )  # fmt: skip


def _queries(client: Client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{URL}?{query}").status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("tab", list(billing.TABS))
def test_the_page_asks_as_few_queries_for_a_thousand_orders_as_for_a_few(
    payer: Client, member: Member, ledger: dict[str, Order], tab: str,
    django_assert_max_num_queries: object,
) -> None:  # fmt: skip
    few = _queries(payer, f"tab={tab}")
    _many_orders(member, ledger["paid_2025"].application.applicant, 1200)
    assert _queries(payer, f"tab={tab}") == few
    assert _queries(payer, f"tab={tab}&page=3&year=2026") == few
    # The session, the account, three totals (the first year with the paid), the count, the
    # page's rows and which of them are still refunding, and what the hall's frame asks on
    # every page (the member's name, unread notifications).
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        payer.get(f"{URL}?tab={tab}&page=2")
