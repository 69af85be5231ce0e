"""The notification center and the account's notification settings.

Every page is the signed-in account's own: a notice of another account is "not found", and
an e-mail confirmation link works only for the account it was sent for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts.models import User
from hall.core.clients import client_address
from hall.notices import services
from hall.notices.events import EVENTS
from hall.notices.forms import EmailForm, PreferenceForm, field_name
from hall.notices.models import Notice

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The account's notices, unread first, newest first within each, a page at a time."""
    user = _user(request)
    notices = Notice.objects.filter(recipient=user).order_by(
        F("read_at").asc(nulls_first=True), "-id"
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {
        "page": page, "unread": services.unread_count(user),
    })  # fmt: skip


@login_required
@require_POST
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Read the notice and go to what it is about."""
    notice = services.notice_read(user=_user(request), notice_id=notice_id)
    return redirect(notice.link or "notices:list")


@login_required
@require_POST
def notice_mark_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    services.notice_read(user=_user(request), notice_id=notice_id)
    return redirect("notices:list")


@login_required
@require_POST
def notices_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notices_read_all(user=_user(request))
    messages.success(request, _("已将 %(count)d 条通知标为已读") % {"count": count})
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Which channels for which events, the language, and the e-mail address."""
    user = _user(request)
    preference = services.preference_of(user)
    form = PreferenceForm(request.POST or None, preference=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=user, language=form.cleaned_data["language"],
                                 wanted=form.wanted())  # fmt: skip
        messages.success(request, _("通知设置已保存"))
        return redirect("notices:settings")
    rows = [(each, [(channel, form[field_name(name, channel)]) for channel in each.channels])
            for name, each in EVENTS.items()]  # fmt: skip
    return render(request, "notices/settings.html", {
        "form": form, "rows": rows, "email_form": EmailForm(initial={"email": user.email}),
    })  # fmt: skip


@login_required
@require_POST
def email_submit(request: HttpRequest) -> HttpResponse:
    """Set the address and mail it the confirmation link (within the limits)."""
    form = EmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请输入有效的电子邮箱地址"))
        return redirect("notices:settings")
    services.email_set(user=_user(request), address=form.cleaned_data["email"],
                       client=client_address(request) or "unknown")  # fmt: skip
    messages.success(request, _("验证邮件已发送，请在 24 小时内打开邮件中的链接完成验证"))
    return redirect("notices:settings")


@login_required
@require_POST
def email_forget(request: HttpRequest) -> HttpResponse:
    services.email_remove(user=_user(request))
    messages.success(request, _("已删除电子邮箱，不再发送邮件通知"))
    return redirect("notices:settings")


@login_required
@require_http_methods(["GET", "POST"])
def email_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail: a page with one button (a mail scanner that follows the link
    confirms nothing), which confirms the address for the signed-in account."""
    if request.method == "POST":
        services.email_confirm(user=_user(request), token=token)
        messages.success(request, _("电子邮箱已验证，今后的通知将同时发送到该邮箱"))
        return redirect("notices:settings")
    return render(request, "notices/confirm.html", {"email": _user(request).email})
