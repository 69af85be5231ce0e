"""The user center's pages (seed 000 §1, §3): thin views over ``forms`` and ``services``."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts import captcha, membership, security, services, twofactor
from hall.accounts.forms import (
    ActivateForm,
    ActivationCodeForm,
    ChangeMobileForm,
    ChangePasswordForm,
    EnrolForm,
    InviteForm,
    LoginForm,
    MobileCodeForm,
    PasswordForm,
    SecondFactorForm,
)
from hall.accounts.models import MemberRole, SecurityEvent, User
from hall.core import limits, metrics
from hall.core.pdf import pdf_response
from hall.core.qrcodes import qr_svg
from hall.members.certificates import certificate_pdf
from hall.members.facts import mask_mobile
from hall.members.models import BranchOffice, Member
from hall.sms import services as sms
from hall.sms.models import SmsCode

#: How long a verified mobile may wait for step 2 of a flow.
FLOW_SECONDS = 600
#: The session's note of the member step 1 of activation found.
ACTIVATION_KEY = "hall.activation"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _valid_with_captcha(request: HttpRequest, form: Form) -> bool:
    """The form's fields, then its captcha (used up either way, so each try needs a new one)."""
    if not form.is_valid():
        return False
    if not captcha.check(request, form.cleaned_data["captcha"]):
        form.add_error("captcha", _("验证码错误，请重新输入"))
        return False
    return True


@require_GET
@never_cache
def captcha_image(request: HttpRequest) -> HttpResponse:
    """A new captcha, so many a minute per client (drawing one costs a few milliseconds)."""
    verdict = limits.for_address(request, bucket="captcha", limit=captcha.CAPTCHAS_PER_MINUTE)
    if not verdict.allowed:
        response = HttpResponse(_("请求过于频繁，请稍后再试"), status=429,
                                content_type="text/plain; charset=utf-8")  # fmt: skip
        response["Retry-After"] = str(verdict.retry_after)
        return response
    response = HttpResponse(content_type="image/png")
    response.content = captcha.new_captcha(response)
    return response


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    failed = False
    if request.method == "POST" and _valid_with_captcha(request, form):
        data = form.cleaned_data
        try:
            user = services.user_login(request=request, identifier=data["identifier"],
                                       password=data["password"],
                                       method=data["method"])  # fmt: skip
            return redirect(_next(request) or _home(user))
        except services.AccountError as error:
            metrics.LOGINS_REFUSED.inc()
            form.add_error(None, str(error))
            failed = error.code == services.LOGIN_FAILED
    context = {"form": form, "next": _next(request), "failed": failed}
    return render(request, "accounts/login.html", context)


def _home(user: User) -> str:
    """Where an account lands: a printing company's on its own page (hall.printers), named by
    its URL, for accounts sits below printers and imports nothing of it."""
    return "printers:home" if user.role == User.Role.PRINTER else "portal:center"


def _next(request: HttpRequest) -> str:
    """Where to go after logging in: a path of the hall's own, never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())  # fmt: skip
    return target if safe and target.startswith("/") else ""


@never_cache
def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Django admin's own login is replaced by the hall's: the same captcha, lockout and audit,
    then the second factor (issue 19: 30 wrong passwords in 4.3 s went unnoticed there)."""
    target = _next(request) or "/admin/"
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """A staff account's second step: enrol an authenticator app, or enter its code."""
    user = _user(request)
    if not twofactor.needs_second_factor(user):
        return redirect("portal:center")
    enrolling = twofactor.confirmed_device(user) is None
    sending = enrolling and request.POST.get("action") == "send"
    form = (EnrolForm if enrolling else SecondFactorForm)(None if sending else request.POST or None)
    if request.method == "POST" and sending:
        try:
            twofactor.enrolment_code_send(request=request, user=user)
            messages.success(request, _("验证码已发送至 %(mobile)s，5 分钟内有效")
                             % {"mobile": mask_mobile(user.mobile)})  # fmt: skip
        except sms.SmsError as error:
            messages.error(request, str(error))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if enrolling:
                codes = twofactor.enrolment_confirm(request=request, user=user, code=data["code"],
                                                    sms_code=data["sms_code"])  # fmt: skip
                return render(request, "accounts/recovery_codes.html",
                              {"codes": codes, "next": _next(request)})  # fmt: skip
            twofactor.second_factor_verify(request=request, user=user, code=data["code"])
            return redirect(_next(request) or "portal:center")
        except (services.AccountError, sms.SmsError) as error:
            form.add_error(None, str(error))
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _next(request)}
    if enrolling:
        device = twofactor.enrolment_device(request, user)
        context |= {"secret": base64.b32encode(device.bin_key).decode(),
                    "qr_svg": qr_svg(device.config_url)}  # fmt: skip
    return render(request, "accounts/second_factor.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        security.record(SecurityEvent.Kind.LOGOUT, request=request, user=_user(request))
    logout(request)
    return redirect("accounts:login")


# --- The three-step flows: 1 mobile + SMS code, 2 password, 3 done ---------------------------

_FLOWS: dict[str, dict[str, Any]] = {
    "register": {
        "purpose": SmsCode.Purpose.REGISTER,
        "title": gettext_noop("用户注册"),
        "steps": (gettext_noop("验证手机"), gettext_noop("设置密码"), gettext_noop("注册成功")),
    },
    "reset": {
        "purpose": SmsCode.Purpose.RESET,
        "title": gettext_noop("找回密码"),
        "steps": (gettext_noop("验证手机"), gettext_noop("设置密码"), gettext_noop("重置成功")),
    },
    "change_mobile": {
        "purpose": SmsCode.Purpose.CHANGE_MOBILE,
        "title": gettext_noop("重置手机号"),
        "steps": (gettext_noop("重置手机"), gettext_noop("设置密码"), gettext_noop("重置成功")),
    },
}


def _flow_context(name: str, step: int, **extra: Any) -> dict[str, Any]:
    flow = _FLOWS[name]
    steps = [_(label) for label in flow["steps"]]
    return {"flow": name, "title": _(flow["title"]), "steps": steps, "step": step, **extra}


def _verified_mobile(request: HttpRequest, name: str) -> str | None:
    state = request.session.get(f"hall.flow.{name}")
    if not state or time.time() - state["at"] > FLOW_SECONDS:
        return None
    return str(state["mobile"])


def _send_or_verify(
    request: HttpRequest, name: str, mobile: str, code: str, deliver: bool = True
) -> bool:
    """Handle step 1's two buttons; True once the code is verified."""
    purpose = _FLOWS[name]["purpose"]
    if request.POST.get("action") == "send":
        sms.send_code(
            mobile=mobile,
            purpose=purpose,
            deliver=deliver,
            client_address=security.client_address(request),
        )
        messages.success(request, _("验证码已发送至 %(mobile)s，5 分钟内有效") % {"mobile": mobile})
        return False
    sms.verify_code(mobile=mobile, purpose=purpose, code=code)
    request.session[f"hall.flow.{name}"] = {"mobile": mobile, "at": time.time()}
    return True


def _public_step(request: HttpRequest, name: str, form: MobileCodeForm, deliver: bool) -> bool:
    """Step 1 of a flow anyone may start: a code is sent only for a solved image captcha (seed
    000 §3.1: 手机号, 验证码, then the SMS), so that no script sends SMS by the thousand."""
    if request.POST.get("action") == "send" and not captcha.check(
        request, form.cleaned_data["captcha"]
    ):
        form.add_error("captcha", _("图形验证码错误，请重新输入后再获取短信验证码"))
        return False
    mobile, code = form.cleaned_data["mobile"], form.cleaned_data["sms_code"]
    return _send_or_verify(request, name, mobile, code, deliver)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = MobileCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        # A number with an account goes through the same steps, so the page tells a stranger
        # nothing; its owner gets a reminder instead of a code, and no code can pass.
        known = User.objects.filter(mobile=mobile).exists()
        try:
            if _public_step(request, "register", form, deliver=not known):
                return redirect("accounts:register_password")
            if known and not form.errors:
                sms.notify(mobile, "register_known")
        except (services.AccountError, sms.SmsError) as error:
            form.add_error(None, str(error))
    return render(request, "accounts/flow_mobile.html", _flow_context("register", 1, form=form))


def _password_step(
    request: HttpRequest, name: str, back: str, finish: Callable[[str, dict[str, str]], None]
) -> HttpResponse:
    """Step 2 of a flow: a new password for the mobile step 1 verified, then step 3."""
    mobile = _verified_mobile(request, name)
    if mobile is None:
        return redirect(back)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finish(mobile, form.cleaned_data)
            del request.session[f"hall.flow.{name}"]
            return render(request, "accounts/flow_done.html", _flow_context(name, 3))
        except services.AccountError as error:
            form.add_error(None, str(error))
    context = _flow_context(name, 2, form=form, mobile=mobile)
    return render(request, "accounts/flow_password.html", context)


@require_http_methods(["GET", "POST"])
def register_password(request: HttpRequest) -> HttpResponse:
    def finish(mobile: str, data: dict[str, str]) -> None:
        services.user_register(request=request, mobile=mobile, **data)

    return _password_step(request, "register", "accounts:register", finish)


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    form = MobileCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        known = User.objects.filter(mobile=mobile).exists()
        try:  # an unknown number goes through the same steps: no hint whether it has an account
            if _public_step(request, "reset", form, deliver=known):
                return redirect("accounts:reset_password")
        except sms.SmsError as error:
            form.add_error(None, str(error))
    return render(request, "accounts/flow_mobile.html", _flow_context("reset", 1, form=form))


@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    def finish(mobile: str, data: dict[str, str]) -> None:
        services.password_reset(request=request, mobile=mobile, **data)

    return _password_step(request, "reset", "accounts:reset", finish)


@login_required
@require_http_methods(["GET", "POST"])
def change_mobile(request: HttpRequest) -> HttpResponse:
    """Step 1: the current password, a code to the old number and a code to the new one."""
    user = _user(request)
    form = ChangeMobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if _change_mobile_step(request, user, form.cleaned_data):
                return redirect("accounts:change_mobile_password")
        except (services.AccountError, sms.SmsError) as error:
            form.add_error(None, str(error))
    context = _flow_context("change_mobile", 1, form=form, old_mobile=user.mobile)
    return render(request, "accounts/change_mobile.html", context)


def _change_mobile_step(request: HttpRequest, user: User, data: dict[str, str]) -> bool:
    """One of step 1's three buttons; True once everything is proven."""
    address, action = security.client_address(request), request.POST.get("action")
    purposes = SmsCode.Purpose
    if action == "send_old":
        sms.send_code(
            mobile=user.mobile, purpose=purposes.CHANGE_MOBILE_OLD, client_address=address
        )
        messages.success(request, _("验证码已发送至原手机号 %(mobile)s，5 分钟内有效")
                         % {"mobile": mask_mobile(user.mobile)})  # fmt: skip
        return False
    new_mobile = data["new_mobile"]
    if not new_mobile:
        raise services.AccountError(_("请输入新手机号"))
    if action == "send":  # a number with an account is answered alike, and gets no code
        if not captcha.check(request, data["captcha"]):  # a code to any number: not scripted
            raise services.AccountError(_("图形验证码错误，请重新输入后再获取短信验证码"))
        taken = User.objects.filter(mobile=new_mobile).exists()
        return _send_or_verify(request, "change_mobile", new_mobile, "", deliver=not taken)
    services.check_current_password(request=request, user=user,
                                    password=data["current_password"])  # fmt: skip
    sms.verify_code(mobile=user.mobile, purpose=purposes.CHANGE_MOBILE_OLD, code=data["old_code"])
    return _send_or_verify(request, "change_mobile", new_mobile, data["sms_code"])


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """A new password needs the current one; every other session ends."""
    user = _user(request)
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(request=request, user=user, **form.cleaned_data)
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, _("密码已修改，其他设备上的登录已退出"))
            return redirect("portal:center")
        except services.AccountError as error:
            form.add_error(None, str(error))
    return render(request, "accounts/change_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def change_mobile_password(request: HttpRequest) -> HttpResponse:
    user = _user(request)

    def finish(mobile: str, data: dict[str, str]) -> None:
        services.user_change_mobile(request=request, user=user, new_mobile=mobile, **data)
        update_session_auth_hash(request, user)  # stay logged in under the new number

    return _password_step(request, "change_mobile", "accounts:change_mobile", finish)


# --- The user center -----------------------------------------------------------------------


#: How long the member step 1 of activation found waits for its code.
ACTIVATION_SECONDS = 900


@login_required
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Step 1 of activation (seed 000 §1.3): the certificate number and the company's name find
    the member; control is proven in step 2. Invitations to the account's number are here too."""
    user = _user(request)
    if user.member_id is not None:
        return redirect("portal:center")
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and _valid_with_captcha(request, form):
        data = form.cleaned_data
        try:
            member = membership.member_find(request=request, user=user,
                                            certificate_number=data["certificate_number"],
                                            company_name=data["company_name"])  # fmt: skip
            request.session[ACTIVATION_KEY] = {"member": member.pk, "at": time.time()}
            return redirect("accounts:activate_code")
        except services.AccountError as error:
            form.add_error(None, str(error))
    context = {"form": form, "invitations": membership.invitations_for(user)}
    return render(request, "accounts/activate.html", context)


def activation_member(request: HttpRequest) -> Member | None:
    """The member step 1 of activation found for this session, while it is fresh."""
    state = request.session.get(ACTIVATION_KEY)
    if not state or time.time() - state["at"] > ACTIVATION_SECONDS:
        return None
    return Member.objects.filter(pk=state["member"]).first()


@login_required
@require_http_methods(["GET", "POST"])
def activate_code(request: HttpRequest) -> HttpResponse:
    """Step 2: a code to the contact mobile the center holds for the member (shown masked)."""
    user, member = _user(request), activation_member(request)
    if member is None or user.member_id is not None:
        return redirect("accounts:activate")
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "send":
                sent_to = membership.activation_code_send(request=request, user=user,
                                                          member=member)  # fmt: skip
                messages.success(request, _("验证码已发送至企业联系手机 %(mobile)s，5 分钟内有效")
                                 % {"mobile": sent_to})  # fmt: skip
                return redirect("accounts:activate_code")
            membership.activation_by_code(request=request, user=user, member=member,
                                          code=form.cleaned_data["sms_code"])  # fmt: skip
            del request.session[ACTIVATION_KEY]
            messages.success(request, _("激活成功：%(name)s") % {"name": member.name})
            return redirect("portal:center")
        except (services.AccountError, sms.SmsError) as error:
            form.add_error(None, str(error))
    context = {"form": form, "member": member, "contact": mask_mobile(member.mobile or ""),
               "has_contact": bool(member.mobile)}  # fmt: skip
    return render(request, "accounts/activate_code.html", context)


@login_required
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        member = membership.invitation_accept(request=request, user=_user(request),
                                              invitation_id=invitation_id)  # fmt: skip
        messages.success(request, _("已加入：%(name)s") % {"name": member.name})
        return redirect("portal:center")
    except services.AccountError as error:
        messages.error(request, str(error))
        return redirect("accounts:activate")


@login_required
@require_http_methods(["GET", "POST"])
def member_users(request: HttpRequest) -> HttpResponse:
    """The member's accounts and open invitations; its administrator invites and removes."""
    user = _user(request)
    if user.member is None:
        raise Http404
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = form.cleaned_data["role"] or MemberRole.CLERK
            membership.invitation_send(request=request, admin=user,
                                       mobile=form.cleaned_data["mobile"], role=role)  # fmt: skip
            messages.success(request, _("邀请已发送"))
            return redirect("accounts:member_users")
        except services.AccountError as error:
            form.add_error(None, str(error))
    member = user.member
    context = {"form": form, "accounts": member.users.order_by("member_role", "id"),
               "roles": MemberRole.choices,
               "invitations": member.invitations.filter(accepted_at__isnull=True,
                                                        revoked_at__isnull=True),
               "is_admin": user.member_admin}  # fmt: skip
    return render(request, "accounts/member_users.html", context)


@login_required
@require_POST
def member_user_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    """An account leaves the member: confirmed first (it logs out at once and must be invited
    again to come back)."""
    if request.POST.get("confirmed") != "on" and _user(request).member_admin:  # others: refused
        account = User.objects.filter(pk=user_id, member=_user(request).member).first()
        if account is None or account.member_id is None:
            raise Http404
        return render(request, "accounts/confirm_remove.html", {"account": account})
    try:
        membership.member_user_remove(request=request, admin=_user(request), user_id=user_id)
        messages.success(request, _("已移出该账号"))
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect("accounts:member_users")


@login_required
@require_POST
def member_user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    """The administrator changes an account's role (the last administrator keeps its own)."""
    role = request.POST.get("role", "")
    account = membership.member_role_change(request=request, admin=_user(request),
                                            user_id=user_id, role=role)  # fmt: skip
    told = {"account": account.mobile, "role": account.get_member_role_display()}
    messages.success(request, _("已将 %(account)s 的角色改为“%(role)s”") % told)
    return redirect("accounts:member_users")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        membership.invitation_revoke(request=request, admin=_user(request),
                                     invitation_id=invitation_id)  # fmt: skip
        messages.success(request, _("邀请已撤销"))
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect("accounts:member_users")


@login_required
@require_GET
def other_information(request: HttpRequest) -> HttpResponse:
    """Seed 000 §4: the member's branch office, its phones and the center's bank account."""
    member = _user(request).member
    branches = [member.branch] if member else list(BranchOffice.objects.all())
    return render(request, "accounts/other.html", {"branches": branches})


@login_required
@require_GET
def certificate(request: HttpRequest) -> HttpResponse:
    """The signed-in member's certificate as PDF."""
    member = _user(request).member
    if member is None:
        raise Http404
    return pdf_response(request, lambda: certificate_pdf(member), back="portal:center")


# --- Test-only hooks (only routed when settings.TEST_HOOKS, refused in production) ----------


@require_GET
def test_captcha_answer(request: HttpRequest) -> JsonResponse:
    if not settings.TEST_HOOKS:  # pragma: no cover - never routed then
        raise Http404
    return JsonResponse({"answer": captcha.test_answer(request)})
