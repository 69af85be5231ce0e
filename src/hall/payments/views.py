"""Step 3 (seed 000 §2.3): the order, the payer's choice of bank or wallet, the sandbox
gateway's page, and the notification endpoint gateways call."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.applications.workflow import ALLOWED_TRANSITIONS, WorkflowError, visible_to
from hall.core.clients import client_address
from hall.core.pdf import pdf_response
from hall.core.qrcodes import qr_svg
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
