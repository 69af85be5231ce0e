"""Step 3 (seed 000 §2.3): the order, the payer's choice of bank or wallet, the sandbox
gateway's page, and the notification endpoint gateways call."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.applications.workflow import ALLOWED_TRANSITIONS, WorkflowError, visible_to
from hall.core import limits
from hall.core.clients import client_address
from hall.core.errors import RateLimited
from hall.core.pdf import pdf_response
from hall.core.qrcodes import qr_svg
from hall.core.spreadsheets import CONTENT_TYPES as TABLE_TYPES
from hall.core.spreadsheets import write_table
from hall.core.typed import typed
from hall.fees.money import fen_to_yuan
from hall.payments import billing as bills
from hall.payments import notifications
from hall.payments.gateways import (
    GATEWAYS,
    GatewayError,
    Incoming,
    SandboxGateway,
    gateway_for_method,
    offered_methods,
)
from hall.payments.invoices import invoice_pdf
from hall.payments.models import Invoice, Order, ReconciliationRun, Refund
from hall.payments.orders import order_for, order_started, transfer_confirm
from hall.payments.reconciliation import channel_name, reconcile, run_csv, shown
from hall.payments.refunds import transfer_refund_paid


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _order(request: HttpRequest, number: str) -> Order:
    """An order of an application the user may see, else 404."""
    order = Order.objects.filter(number=number).select_related("application").first()
    if order is None or not visible_to(_user(request)).filter(pk=order.application_id).exists():
        raise Http404
    return order


@login_required
@require_POST
def pay(request: HttpRequest, application_id: int) -> HttpResponse:
    application = visible_to(_user(request)).filter(pk=application_id).first()
    if application is None or _user(request).role != User.Role.MEMBER:
        raise Http404
    require_member_role(_user(request))  # a read-only account looks at its orders only
    try:
        order = order_for(application)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", application_id)
    return redirect("payments:order", order.number)


@login_required
@require_POST
def transfer_received(request: HttpRequest, application_id: int) -> HttpResponse:
    """A reviewer has seen the transfer arrive: its order is paid (the workflow's
    ``payment_received``, which only a reviewer who sees the application may give)."""
    application = visible_to(_user(request)).filter(pk=application_id).first()
    if (
        application is None
        or _user(request).role not in ALLOWED_TRANSITIONS["payment_received"].roles
    ):
        raise Http404
    order = transfer_confirm(application=application, reviewer=_user(request))
    messages.success(request, _("已确认收到订单 %(number)s 的汇款（%(amount)s 元）")
                     % {"number": order.number, "amount": order.amount_yuan})  # fmt: skip
    return redirect("applications:detail", application_id)


@login_required
@require_GET
def order_page(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(request, number)
    banks, wallets = offered_methods()
    return render(request, "payments/order.html",
                  {"order": order, "banks": banks, "wallets": wallets})  # fmt: skip


@login_required
@require_POST
def start(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(request, number)
    require_member_role(_user(request))
    if order.status != Order.Status.PENDING:
        messages.error(
            request, _("订单状态为“%(status)s”，不能付款") % {"status": order.get_status_display()}
        )
        return redirect("applications:detail", order.application_id)
    method = request.POST.get("method", "")
    gateway = gateway_for_method(method)
    if gateway is None:
        messages.error(request, _("请选择付款银行或支付方式"))
        return redirect("payments:order", number)
    try:
        start = gateway.start(order)
    except GatewayError:
        messages.error(request, _("支付渠道暂时无法连接，请稍后再试或改用其他方式"))
        return redirect("payments:order", number)
    order_started(order, gateway.name)
    request.session[f"hall.pay.{number}"] = method
    if start.redirect:
        return redirect(start.redirect)
    return render(
        request,
        "payments/handover.html",
        {"order": order, "start": start, "qr_svg": qr_svg(start.qr_text)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sandbox(request: HttpRequest, number: str) -> HttpResponse:
    """The sandbox gateway's own page: succeed, fail or abandon, as a payer can."""
    gateway = GATEWAYS.get("sandbox")
    if not isinstance(gateway, SandboxGateway):
        raise Http404  # a hall taking real money has no sandbox
    order = _order(request, number)
    method = request.session.get(f"hall.pay.{number}", "支付宝支付")
    if request.method == "POST":
        require_member_role(_user(request))  # a read-only account pays nothing, here neither
        choice = request.POST.get("outcome")
        if choice == "abandon" or choice not in ("succeed", "fail"):
            return redirect("payments:order", number)
        gateway.post(gateway.pay(order, method, succeeded=choice == "succeed"))
        order.refresh_from_db()
        if order.status == Order.Status.PAID:
            messages.success(request, _("付款成功：订单 %(number)s 已付 %(amount)s 元")
                             % {"number": order.number, "amount": order.amount_yuan})  # fmt: skip
            return redirect("applications:detail", order.application_id)
        messages.error(request, _("付款未成功，订单仍可支付"))
        return redirect("payments:order", number)
    return render(request, "payments/sandbox.html", {"order": order, "method": method})


@login_required
@require_GET
def invoice(request: HttpRequest, number: str) -> HttpResponse:
    """The invoice record of a paid order, as PDF."""
    order = _order(request, number)
    record = Invoice.objects.filter(order=order).first()
    if record is None:
        raise Http404
    return pdf_response(
        request,
        lambda: invoice_pdf(record),
        back="applications:detail",
        back_args=(order.application_id,),
    )


@csrf_exempt  # gateways sign their notifications; they cannot send our CSRF token
@require_POST
def notify(request: HttpRequest, gateway: str) -> HttpResponse:
    client = client_address(request) or "unknown"
    wait = notifications.refused_too_often(client)
    if wait is not None:  # unread: its body is neither parsed nor written down
        refused = HttpResponse(_("请求过于频繁，请稍后再试"), status=429,
                               content_type="text/plain; charset=utf-8")  # fmt: skip
        refused["Retry-After"] = str(wait)
        return refused
    answer = notifications.receive(gateway, _incoming(request), client=client)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


def _incoming(request: HttpRequest) -> Incoming:
    """The notification as it came: form fields, or a JSON object's top-level text fields."""
    body = request.body  # first: the form is then parsed from it, and it stays readable
    params: dict[str, str] = {}
    if request.content_type == "application/json":
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = {}
        if isinstance(data, dict) and all(not isinstance(v, dict | list) for v in data.values()):
            params = {str(k): str(v) for k, v in data.items()}
    else:
        params = request.POST.dict()
    headers = {name.lower(): value for name, value in request.headers.items()}
    return Incoming(body=body, headers=headers, params=params)


def _finance(request: HttpRequest) -> User:
    """The coding center's staff (and administrators); anyone else sees nothing here."""
    user = _user(request)
    if user.role not in (User.Role.CENTER, User.Role.ADMIN):
        raise Http404
    return user


def _day(text: str | None) -> date:
    """The day asked for (yesterday if none); a malformed one is a message, not an error."""
    if not text:
        return timezone.localdate() - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def reconciliation(request: HttpRequest) -> HttpResponse:

    _finance(request)
    text = request.POST.get("day") or request.GET.get("day")
    try:
        day = _day(text)
    except Http404:
        messages.error(request, _("日期格式应为 YYYY-MM-DD"))
        day = _day(None)
    if day > timezone.localdate():
        messages.error(request, _("不能对未来的日期对账"))
        day = timezone.localdate()
    run = ReconciliationRun.objects.filter(day=day).first()
    if run is None or request.method == "POST":
        run = reconcile(day)
        if request.method == "POST":
            return redirect(f"{reverse('payments:reconciliation')}?day={day.isoformat()}")
    requested = Refund.objects.filter(status=Refund.Status.REQUESTED).select_related("order")
    waiting = [(refund, channel_name(refund.via)) for refund in requested]
    lines, refused = shown(run)
    return render(request, "payments/reconciliation.html",
                  {"run": run, "lines": lines, "refused": refused, "day": day,
                   "waiting": waiting})  # fmt: skip


@login_required
@require_GET
def reconciliation_csv(request: HttpRequest, day: str) -> HttpResponse:

    _finance(request)
    run = ReconciliationRun.objects.filter(day=_day(day)).first()
    if run is None:
        raise Http404
    response = HttpResponse(run_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reconciliation-{run.day}.csv"'
    return response


@login_required
@require_POST
def refund_paid(request: HttpRequest, refund_id: int) -> HttpResponse:
    """The center paid a transfer's refund back by bank and records the bank's reference."""
    _finance(request)
    try:
        paid = transfer_refund_paid(refund_id=refund_id,
                                    reference=request.POST.get("reference", ""))  # fmt: skip
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已记录退款 %(number)s 的汇款（%(amount)s 元，流水号 "
                                    "%(reference)s），状态为“已退款”")
                         % {"number": paid.number, "amount": paid.amount_yuan,
                            "reference": paid.reference})  # fmt: skip
    return redirect("payments:reconciliation")


# A member's billing (issue 23): every order, invoice and refund, read-only for every role.

#: The rows of one page of a billing list (the totals cover every year).
BILLING_ROWS = 50
#: Exports a member's account may make a minute (each reads up to EXPORT_ROWS rows).
EXPORTS_PER_MINUTE = 10


def _billing_user(request: HttpRequest) -> User | HttpResponse:
    """A member's account, any role (the page only looks); the center's staff are sent to
    their reconciliation, other staff find no such page."""
    user = _user(request)
    if user.role == User.Role.MEMBER:
        return user
    if user.role in (User.Role.CENTER, User.Role.ADMIN):
        return redirect("payments:reconciliation")
    raise Http404


class BillingFilter(forms.Form):
    """The year (of the member's years with orders) and the status (of the tab's list)."""

    year = forms.TypedChoiceField(label=gettext_lazy("年份"), required=False, coerce=int,
                                  empty_value=None)  # fmt: skip
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)

    def __init__(self, data: QueryDict, *, tab: str, years: range) -> None:
        super().__init__(data)
        everything = ("", _("全部"))
        self.fields["year"].choices = [everything, *((str(y), str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["status"].choices = [everything, *bills.STATUSES[tab]]  # type: ignore[attr-defined]
        self.years = years

    def filters(self) -> tuple[bills.Filters, list[str]]:
        """The filters that passed, and a message for each that did not (then not applied)."""
        self.is_valid()
        refused = []
        if "year" in self.errors:
            asked = _shown(self.data.get("year"))
            refused.append(_("年份“%(value)s”无效：请选择 %(first)d 至 %(last)d 年之间的年份，"
                             "已显示全部年份")
                           % {"value": asked, "first": min(self.years),
                              "last": max(self.years)})  # fmt: skip
        if "status" in self.errors:
            refused.append(_("状态“%(value)s”无效，已显示全部状态")
                           % {"value": _shown(self.data.get("status"))})  # fmt: skip
        chosen = self.cleaned_data
        return bills.Filters(chosen.get("year"), chosen.get("status") or None), refused


def _shown(value: object) -> str:
    """A value as typed into the address, short and without control characters, to quote back."""
    return typed(str(value or ""))[:20]


def _tab(request: HttpRequest, refused: list[str]) -> str:
    tab = request.GET.get("tab") or "orders"
    if tab not in bills.TABS:
        refused.append(_("没有“%(value)s”这一栏，已显示订单") % {"value": _shown(tab)})
        return "orders"
    return tab


def _billing_page(request: HttpRequest, rows: QuerySet[Any], refused: list[str]) -> Page[Any]:
    """The page asked for; a page that is no number or out of range is said, and the nearest
    page shown instead (never a server error, never an empty page that looks like no data)."""
    paginator = Paginator(rows, BILLING_ROWS)
    asked = request.GET.get("page") or "1"
    try:
        number = int(asked)
    except ValueError:
        refused.append(_("页码“%(value)s”无效，已显示第 1 页") % {"value": _shown(asked)})
        return paginator.page(1)
    if not 1 <= number <= paginator.num_pages:
        shown = 1 if number < 1 else paginator.num_pages
        refused.append(_("没有第 %(value)s 页（共 %(total)d 页），已显示第 %(shown)d 页")
                       % {"value": _shown(asked), "total": paginator.num_pages,
                          "shown": shown})  # fmt: skip
        return paginator.page(shown)
    return paginator.page(number)


def _query(request: HttpRequest, **changes: str) -> str:
    """The page's query string with ``changes`` (an empty value drops the parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return query.urlencode()


def _billing_filters(
    request: HttpRequest, first_year: int
) -> tuple[str, BillingFilter, bills.Filters, list[str]]:
    """The tab, the filter form, the filters that passed, and a message for each that did not."""
    refused: list[str] = []
    tab = _tab(request, refused)
    years = range(timezone.localdate().year, first_year - 1, -1)
    form = BillingFilter(request.GET, tab=tab, years=years)
    filters, wrong = form.filters()
    return tab, form, filters, refused + wrong


@login_required
@require_GET
def billing(request: HttpRequest) -> HttpResponse:
    """The member's orders, invoices and refunds, a tab each, and the money per year."""
    user = _billing_user(request)
    if isinstance(user, HttpResponse):
        return user
    money = bills.summary(user)
    tab, form, filters, refused = _billing_filters(request, money.first_year)
    page = _billing_page(request, bills.ROWS[tab](user, filters), refused)
    years = money.years
    links = {name: _query(request, page=str(page.number + step))
             for name, step in (("previous", -1), ("next", 1))
             if 1 <= page.number + step <= page.paginator.num_pages}  # fmt: skip
    context = {"tab": tab, "tab_label": bills.TABS[tab], "form": form, "page": page,
               "refused": refused, "pages": links,
               "rows": _billing_rows(tab, page), "years": [(t, t.yuan()) for t in years],
               "total": bills.grand_total(years),
               "tabs": [(name, label, _query(request, tab=name, status="", page=""))
                        for name, label in bills.TABS.items()],
               "export": _query(request, page=""), "export_limit": bills.EXPORT_ROWS}  # fmt: skip
    return render(request, "payments/billing.html", context)


def _billing_rows(tab: str, page: Page[Any]) -> list[dict[str, Any]]:
    """Each row of the page with what the template shows of it beside it."""
    if tab == "orders":
        orders = list(page)
        bills.mark_refunding(orders)
        return [{"order": o, "status": bills.order_status(o), "method": bills.method_name(o)}
                for o in orders]  # fmt: skip
    if tab == "invoices":
        return [{"invoice": i, "status": bills.invoice_status(i),
                 "amount": fen_to_yuan(i.amount_fen)} for i in page]  # fmt: skip
    return [{"refund": r} for r in page]


@login_required
@require_GET
def billing_export(request: HttpRequest) -> HttpResponse:
    """The filtered list of the tab as CSV or Excel, at most ``EXPORT_ROWS`` rows: a longer
    list is refused with the count, to be narrowed by year or status."""
    user = _billing_user(request)
    if isinstance(user, HttpResponse):
        return user
    kind = request.GET.get("format", "xlsx")
    tab, _form, filters, refused = _billing_filters(request, bills.first_year(user))
    back = redirect(f"{reverse('payments:billing')}?{_query(request, format='')}")
    if refused:  # the page says what is wrong with the filters: nothing half-filtered is sent
        return back
    if kind not in TABLE_TYPES:
        messages.error(request, _("导出格式应为 xlsx 或 csv"))
        return back
    rows = bills.ROWS[tab](user, filters)
    count = rows.count()
    if count > bills.EXPORT_ROWS:
        too_many = {"count": count, "limit": bills.EXPORT_ROWS}
        messages.error(request, _("共 %(count)d 行，超过每次导出 %(limit)d 行的上限：请按年份或"
                                  "状态筛选后再导出") % too_many)  # fmt: skip
        return back
    if not limits.spend(f"billing-export:{user.pk}", EXPORTS_PER_MINUTE).allowed:
        raise RateLimited(_("导出过于频繁，请稍后再试"))
    table = write_table(kind, bills.HEADERS[tab], bills.export_rows(tab, rows))
    response = HttpResponse(table, content_type=TABLE_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="billing-{tab}.{kind}"'
    return response
