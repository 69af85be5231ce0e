"""The member's applications (the renewal wizard, seed 000 §2) and the reviewers' back office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts import captcha
from hall.accounts.models import User
from hall.accounts.roles import may
from hall.accounts.services import AccountError, require_unused_mobile
from hall.accounts.views import activation_member
from hall.applications import account_requests, kinds, registration, renewal, services
from hall.applications.descriptors import GENERIC_START, FiledBy, descriptor
from hall.applications.fees import NoSchedule, application_fee_fen, renewal_fee_fen
from hall.applications.forms import (
    ActionForm,
    ActivationRequestForm,
    MaterialForm,
    MobileChangeRequestForm,
    RegistrationForm,
)
from hall.applications.guards import kind_has
from hall.applications.kinds import CHANGEABLE
from hall.applications.models import Application, ApplicationEvent, Material
from hall.applications.progress import progress_step, progress_steps
from hall.applications.uploads import UploadError, read_image
from hall.applications.workdays import calendar_warning
from hall.applications.workflow import (
    ALLOWED_TRANSITIONS,
    NotFound,
    WorkflowError,
    application_transition,
    visible_to,
)
from hall.core.clients import client_address
from hall.core.pdf import pdf_response
from hall.members.certificates import certificate_pdf
from hall.members.models import BranchOffice
from hall.sms.models import SmsCode
from hall.sms.services import SmsError, send_code, verify_code

Status = Application.Status
#: The statuses waiting for each reviewer role: a branch confirms transfers and reviews first.
WAITING_FOR: dict[str, list[str]] = {
    User.Role.BRANCH: [Status.PAYMENT, Status.BRANCH_REVIEW],
    User.Role.CENTER: [Status.CENTER_REVIEW],
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _get(request: HttpRequest, application_id: int) -> Application:
    application = visible_to(_user(request)).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    returned = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), new_status=Status.RETURNED
    ).exclude(reason="")
    applications = (
        visible_to(_user(request))
        .select_related("member", "branch")
        .annotate(
            return_reason=Case(
                When(status=Status.RETURNED,
                     then=Subquery(returned.order_by("-at", "-id").values("reason")[:1])),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .order_by("-id")[:200]
    )  # fmt: skip
    return render(request, "applications/list.html", {"applications": applications})


@login_required
@require_POST
def renewal_start(request: HttpRequest) -> HttpResponse:
    try:
        application = renewal.renewal_start(user=_user(request))
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("portal:center")
    return redirect("applications:fill", application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def registration_new(request: HttpRequest) -> HttpResponse:
    """A company applies to become a member (注册): its data, then the same steps as a renewal."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = registration.registration_submit(
                user=_user(request), data=form.application_data()
            )
            return redirect("applications:detail", application.pk)
        except WorkflowError as error:
            form.add_error(None, str(error))
    context = {"form": form, "steps": progress_steps(Application.Kind.REGISTRATION), "step": 1,
               "title": _("注册")}  # fmt: skip
    return render(request, "applications/fill.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A member's change, cancellation, reissue, EAN-8, UPC or filing: its form, then the steps."""
    described = descriptor(kind) if kind in Application.Kind.values else None
    if described is None or (described.filed_by, described.starts_at) != (
        FiledBy.MEMBER,
        GENERIC_START,
    ):
        raise Http404
    form = described.form(request.POST or None, member=_user(request).member)
    if request.method == "POST" and form.is_valid():
        try:
            application = kinds.application_start(
                user=_user(request), kind=kind, data=form.application_data()
            )
            return redirect("applications:detail", application.pk)
        except WorkflowError as error:
            form.add_error(None, str(error))
    context = {"form": form, "steps": progress_steps(kind), "step": 1, "title": described.label}
    return render(request, described.template, context)


@login_required
@require_http_methods(["GET", "POST"])
def activation_request(request: HttpRequest) -> HttpResponse:
    """An account asks the branch to let it act for the member step 1 of activation found."""
    member = activation_member(request)
    if member is None:
        return redirect("accounts:activate")
    form = ActivationRequestForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            application = account_requests.activation_request_start(
                user=_user(request), member=member, data=form.application_data()
            )
            return redirect("applications:detail", application.pk)
        except WorkflowError as error:
            form.add_error(None, str(error))
    context = {"form": form, "steps": progress_steps(Application.Kind.ACTIVATION), "step": 1,
               "title": _("激活申请：%(company)s") % {"company": member.name}}  # fmt: skip
    return render(request, "applications/fill.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mobile_change_request(request: HttpRequest) -> HttpResponse:
    """A member's account whose login mobile is gone: the new number proven by its code, then a
    request with the business licence for the branch to approve."""
    user = _user(request)
    if user.member is None:
        raise Http404
    form = MobileChangeRequestForm(request.POST or None, member=user.member)
    if request.method == "POST" and form.is_valid():
        try:
            application = _mobile_change_step(request, user, form)
            if application is not None:
                return redirect("applications:detail", application.pk)
        except (AccountError, SmsError, WorkflowError) as error:
            form.add_error(None, str(error))
    context = {"form": form, "steps": progress_steps(Application.Kind.MOBILE_CHANGE), "step": 1,
               "title": Application.Kind.MOBILE_CHANGE.label}  # fmt: skip
    return render(request, "applications/mobile_change.html", context)


def _mobile_change_step(request: HttpRequest, user: User,
                        form: MobileChangeRequestForm) -> Application | None:  # fmt: skip
    """Send the new number its code, or with the code verified make the request."""
    mobile, purpose = form.cleaned_data["new_mobile"], SmsCode.Purpose.CHANGE_MOBILE
    if request.POST.get("action") == "send":  # a number with an account gets no code, alike
        if not captcha.check(request, form.cleaned_data["captcha"]):
            raise AccountError(_("图形验证码错误，请重新输入后再获取短信验证码"))
        taken = User.objects.filter(mobile=mobile).exists()
        send_code(mobile=mobile, purpose=purpose, client_address=client_address(request),
                  deliver=not taken)  # fmt: skip
        messages.success(request, _("验证码已发送至 %(mobile)s，5 分钟内有效") % {"mobile": mobile})
        return None
    verify_code(mobile=mobile, purpose=purpose, code=form.cleaned_data["sms_code"])
    require_unused_mobile(mobile)  # registered since its code was sent
    return account_requests.mobile_change_request_start(user=user, data=form.application_data())


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _get(request, application_id)
    form_class = descriptor(application.kind).form
    initial = {**application.data, "version": application.version}
    form = form_class(request.POST or None, initial=initial, member=application.member)
    for name in descriptor(application.kind).pinned & set(form.fields):
        form.fields[name].disabled = True  # as submitted (the branch reviewing it, a mobile proven)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_fill(application_id=application.pk, user=_user(request),
                                      data=form.application_data(),
                                      version=form.cleaned_data["version"])  # fmt: skip
            return redirect("applications:detail", application.pk)
        except WorkflowError as error:
            form.add_error(None, str(error))
    context = _context(application, _user(request), form=form)
    return render(request, descriptor(application.kind).template, context)


@login_required
@require_POST
def upload(request: HttpRequest, application_id: int, kind: str) -> HttpResponse:
    """A document uploaded, or (``replaces``) uploaded in place of one: a refused file leaves
    the earlier ones as they were."""
    application = _get(request, application_id)
    if kind not in Material.Kind.values:
        raise Http404
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        replaces = form.cleaned_data["replaces"]
        try:
            services.material_add(
                application_id=application.pk,
                user=_user(request),
                kind=kind,
                name=upload.name,
                data=read_image(upload),
                replaces=replaces,
            )
            label = Material.Kind(kind).label
            done = _("%(kind)s已替换") if replaces else _("%(kind)s已上传")
            messages.success(request, done % {"kind": label})
        except NotFound:
            raise Http404 from None
        except (UploadError, WorkflowError) as error:
            messages.error(request, str(error))
    elif "image" in form.errors:
        messages.error(request, _("请选择要上传的图片"))
    else:  # the page's own hidden fields: a page from before a change, or one made by hand
        messages.error(request, _("页面已过期，请刷新后重试"))
    return redirect("applications:detail", application.pk)


@login_required
@require_POST
def material_remove(request: HttpRequest, application_id: int, material_id: int) -> HttpResponse:
    application = _get(request, application_id)
    try:
        services.material_remove(application_id=application.pk, user=_user(request),
                                 material_id=material_id)  # fmt: skip
        messages.success(request, _("资料已删除"))
    except NotFound:
        raise Http404 from None
    except WorkflowError as error:
        messages.error(request, str(error))
    return redirect("applications:detail", application.pk)


#: The acts that cannot be taken back: each is confirmed on a page that says what follows.
FINAL_ACTS = {
    "withdraw": gettext_noop(
        "撤回后，本申请即办结，不能恢复；如需办理，须重新申请。已支付的费用将退回。"
    ),
    "center_reject": gettext_noop(
        "不予批准后，本申请即办结，申请人不能再修改或重新提交；已支付的费用将退回。"
    ),
    "center_approve": gettext_noop(
        "审核通过后立即生效（注册分配厂商识别代码并发放证书，续展延长有效期，变更写入系统成员信息，注销终止系统成员资格），不能撤销。"
    ),
    "branch_grant": gettext_noop("审核通过后立即生效，不能撤销。"),
}
#: A cancellation's submission is final for the member too.
FINAL_SUBMISSIONS = {
    Application.Kind.CANCELLATION: gettext_noop(
        "提交注销申请后，经审核通过，系统成员资格即终止，厂商识别代码停止使用，不能恢复。"
    ),
}
#: What the actor is told once an act has moved the application to each status.
DONE_AT = {
    Status.PAYMENT: gettext_noop("资料已提交。请网上支付，或汇款后上传汇款证明"),
    Status.BRANCH_REVIEW: gettext_noop("已提交，等待分支机构初审"),
    Status.CENTER_REVIEW: gettext_noop("已提交编码中心审核"),
    Status.RETURNED: gettext_noop("已退回申请人修改，退回原因已通知申请人"),
    Status.APPROVED: gettext_noop("审核通过，已生效"),
    Status.REJECTED: gettext_noop("已不予批准，申请已办结"),
    Status.WITHDRAWN: gettext_noop("申请已撤回"),
}


def _final_warning(action: str, application: Application) -> str | None:
    """What the confirmation page says before an act that cannot be taken back, or None."""
    if action == "materials_done":
        text = FINAL_SUBMISSIONS.get(Application.Kind(application.kind))
        return _(text) if text else None
    return _(FINAL_ACTS[action]) if action in FINAL_ACTS else None


@login_required
@require_POST
def act(request: HttpRequest, application_id: int) -> HttpResponse:
    """An act on the application; one that cannot be taken back is first confirmed (a page
    that repeats the form with ``confirmed``, so that a slip of the finger changes nothing)."""
    application = _get(request, application_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect("applications:detail", application.pk)
    data = form.cleaned_data
    warning = _final_warning(data["action"], application)
    if warning and not data["confirmed"]:
        label = ACTION_LABELS.get(data["action"], "")
        return render(request, "applications/confirm.html",
                      {"application": application, "data": data, "warning": warning,
                       "label": _(label) if label else data["action"]})  # fmt: skip
    try:
        if data["action"] == "materials_done":
            done = services.materials_done(application_id=application.pk, user=_user(request),
                                           version=data["version"])  # fmt: skip
        else:
            extra = {"upc_prefix": data["upc_prefix"]} if data["upc_prefix"] else None
            done = application_transition(application_id=application.pk, action=data["action"],
                                          actor=_user(request), version=data["version"],
                                          reason=data["reason"], data=extra)  # fmt: skip
        said = DONE_AT.get(Status(done.status))
        messages.success(request, _(said) if said else done.get_status_display())
    except NotFound:
        raise Http404 from None
    except WorkflowError as error:
        messages.error(request, str(error))
    return redirect("applications:detail", application.pk)


@login_required
@require_GET
def detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _get(request, application_id)
    return render(request, "applications/detail.html", _context(application, _user(request)))


@login_required
@require_GET
def material(request: HttpRequest, application_id: int, material_id: int) -> FileResponse:
    application = _get(request, application_id)
    found = application.materials.filter(pk=material_id).first()
    if found is None:
        raise Http404
    return FileResponse(found.image.open("rb"), content_type="image/png")


@login_required
@require_GET
def renewal_form(request: HttpRequest, application_id: int) -> HttpResponse:
    """The kind's pre-filled paper form (the renewal's registration form), to print, stamp
    and upload (step 2)."""
    application = _get(request, application_id)
    printed = descriptor(application.kind).printed_form
    if printed is None:
        raise Http404
    return pdf_response(request, lambda: printed(application),
                        back="applications:detail", back_args=(application.pk,),
                        filename=f"{application.kind}-{application.pk}.pdf")  # fmt: skip


@login_required
@require_GET
def certificate(request: HttpRequest, application_id: int) -> HttpResponse:
    """The certificate an approved registration, renewal, change or reissue issued."""
    application = _get(request, application_id)
    kind = descriptor(application.kind).certificate
    member = application.member
    if not kind or application.status != Status.APPROVED or member is None:
        raise Http404
    return pdf_response(
        request,
        lambda: certificate_pdf(member, kind),
        back="applications:detail",
        back_args=(application.pk,),
    )


class QueueFilter(forms.Form):
    """The queue's filters, from the GET parameters: a value outside a field's choices is
    dropped with a message (hand-edited URLs and stale bookmarks), never a 500."""

    kind = forms.ChoiceField(
        label=gettext_lazy("业务类型"),
        required=False,
        choices=[("", gettext_lazy("全部")), *Application.Kind.choices],
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("分支机构"),
        required=False,
        to_field_name="code",
        queryset=BranchOffice.objects.all(),
        empty_label=gettext_lazy("全部"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("待我审核")), *Status.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("仅看已超期"), required=False)

    def __init__(self, data: Any, *, center: bool) -> None:
        super().__init__(data)
        if not center:  # a branch sees its own region only: no choice to offer
            del self.fields["branch"]

    def valid_values(self) -> tuple[dict[str, Any], list[str]]:
        """The values that passed, and a message for each parameter that did not."""
        self.is_valid()
        refused = [_("筛选条件“%(label)s”的值无效，已忽略") % {"label": self.fields[name].label}
                   for name in self.errors if name in self.fields]  # fmt: skip
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}, refused


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """What waits for the reviewer, due date first: filtered by kind, branch (the center),
    status and overdue, with the count of each status under the other filters."""
    user = _user(request)
    waiting = WAITING_FOR.get(user.role)
    if waiting is None:
        raise Http404
    center = user.role in (User.Role.CENTER, User.Role.ADMIN)
    form = QueueFilter(request.GET, center=center)
    chosen, refused = form.valid_values()
    today = timezone.localdate()
    scope = _queue_scope(visible_to(user), chosen)
    queue = _queue_rows(scope, chosen, waiting, today)
    page = Paginator(queue.select_related("member", "branch"), QUEUE_ROWS).get_page(
        request.GET.get("page")
    )
    context = {"queue": page, "page": page, "today": today, "form": form, "refused": refused,
               "center": center, "counts": _status_counts(request, scope, today),
               "shown": page.paginator.count, "pages": _page_links(request, page),
               "calendar_warning": calendar_warning(today) if center else None}  # fmt: skip
    return render(request, "applications/queue.html", context)


#: The rows of one page of the queue (the counts cover them all).
QUEUE_ROWS = 100


def _page_links(request: HttpRequest, page: Page[Application]) -> dict[str, str]:
    """The previous and next pages' queries, the filters kept."""
    links = {}
    for name, number in (("previous", page.number - 1), ("next", page.number + 1)):
        if 1 <= number <= page.paginator.num_pages:
            query = request.GET.copy()
            query["page"] = str(number)
            links[name] = query.urlencode()
    return links


def _queue_scope(visible: QuerySet[Application], chosen: dict[str, Any]) -> QuerySet[Application]:
    """The applications under the kind and branch filters, whatever their status."""
    if "kind" in chosen:
        visible = visible.filter(kind=chosen["kind"])
    if "branch" in chosen:
        visible = visible.filter(branch=chosen["branch"])
    return visible


def _queue_rows(scope: QuerySet[Application], chosen: dict[str, Any], waiting: list[str],
                today: date) -> QuerySet[Application]:  # fmt: skip
    """The status filter (by default what waits for the reviewer's role) and overdue (a branch's
    review past its due date, which the center may want to see too); the earliest due first."""
    if "status" in chosen:
        scope = scope.filter(status=chosen["status"])
    elif not chosen.get("overdue"):
        scope = scope.filter(status__in=waiting)
    if chosen.get("overdue"):
        scope = scope.filter(status=Status.BRANCH_REVIEW, branch_due__lt=today)
    return scope.order_by(F("branch_due").asc(nulls_last=True), "id")


def _status_counts(request: HttpRequest, scope: QuerySet[Application],
                   today: date) -> list[dict[str, Any]]:  # fmt: skip
    """How many applications stand at each status, and how many branch reviews are overdue,
    each a link to the queue filtered by it (the other filters kept)."""
    found = dict(scope.order_by().values_list("status").annotate(n=Count("id")))
    counts = [_count_link(request, status.value, str(status.label), found[status.value],
                          status=status.value)
              for status in Status if found.get(status.value)]  # fmt: skip
    late = scope.filter(status=Status.BRANCH_REVIEW, branch_due__lt=today).count()
    if late:
        counts.append(_count_link(request, "overdue", _("已超期"), late, overdue="on"))
    return counts


def _count_link(request: HttpRequest, name: str, label: str, count: int,
                **filters: str) -> dict[str, Any]:  # fmt: skip
    query = request.GET.copy()
    for key in ("status", "overdue", "page"):
        query.pop(key, None)
    query.update(filters)
    return {"name": name, "label": label, "count": count, "query": query.urlencode()}


#: What each action's button says.
ACTION_LABELS = {
    "materials_done": gettext_noop("资料上传完成，下一步"),
    "payment_received": gettext_noop("确认已收到汇款"),
    "branch_approve": gettext_noop("初审通过"),
    "branch_return": gettext_noop("退回修改"),
    "resubmit": gettext_noop("修改完成，重新提交"),
    "branch_grant": gettext_noop("审核通过"),
    "center_approve": gettext_noop("审核通过"),
    "center_return": gettext_noop("退回修改"),
    "center_reject": gettext_noop("不予批准"),
    "withdraw": gettext_noop("撤回申请"),
}


def _offered(name: str, application: Application) -> bool:
    """The actions of the application's kind; "materials_done" is the page's one step-2 button
    (services.materials_done takes the kind's own action, with or without payment)."""
    return name == "materials_done" or kind_has(name, application)


def _context(application: Application, user: User, **extra: Any) -> dict[str, Any]:
    # A read-only account sees all of it but is offered no button (issue 23).
    acting = may(user) or descriptor(application.kind).filed_by == FiledBy.ACCOUNT
    actions = [(name, _(ACTION_LABELS[name]), rule.needs_reason)
               for name, rule in ALLOWED_TRANSITIONS.items()
               if acting and name in ACTION_LABELS and application.status in rule.sources
               and user.role in rule.roles and _offered(name, application)]  # fmt: skip
    return {
        "application": application, "steps": progress_steps(application.kind),
        "title": application.get_kind_display(),
        "step": progress_step(application), "actions": actions,
        "events": application.events.select_related("actor").order_by("-at", "-id"),
        "reason_on_top": _reason_on_top(application), **_payment(application),
        "materials": application.materials.all(), **_fees(application),
        "active_prefixes": application.member.prefixes.filter(retired_on__isnull=True)
        if application.member else [],
        "is_member": user.role == User.Role.MEMBER,
        "member_acts": user.role == User.Role.MEMBER and acting,
        "has_certificate": application.status == Status.APPROVED
        and bool(descriptor(application.kind).certificate),
        "has_printed_form": descriptor(application.kind).printed_form is not None,
        "upload_slots": _upload_slots(application), "stage": _stage(application),
        "content": _content(application), "checks": _checks(application),
        "uploadable": application.status in services.UPLOADABLE,
        "editable": services.data_editable(application),
        "removable": application.status in services.REMOVABLE,
        "paid_kind": descriptor(application.kind).paid, **extra,
    }  # fmt: skip


#: The breadcrumb's second part at each status (seed 000: 续展 > 信息录入 / 资料上传 / 在线支付).
STAGES = {Status.DRAFT: gettext_noop("信息录入"), Status.RETURNED: gettext_noop("信息录入"),
          Status.MATERIALS: gettext_noop("资料上传"), Status.PAYMENT: gettext_noop("在线支付"),
          Status.BRANCH_REVIEW: gettext_noop("等待审核"),
          Status.CENTER_REVIEW: gettext_noop("等待审核")}  # fmt: skip
#: Seed 000 §2.2's 样图查看: a sample of each document, as the member should scan it.
SAMPLES: dict[str, str] = {
    Material.Kind.LICENCE: "applications/samples/licence.png",
    Material.Kind.REMITTANCE: "applications/samples/remittance.png",
}


#: The slots' labels where seed 000 §2.2 words them otherwise than the material's kind.
SLOT_LABELS: dict[str, Any] = {Material.Kind.LICENCE: gettext_lazy("企业营业执照")}


def _stage(application: Application) -> str:
    stage = STAGES.get(Status(application.status))
    return _(stage) if stage else ""


@dataclass(frozen=True)
class UploadSlot:
    """One document the member may upload now, with what is uploaded of it."""

    kind: str
    label: str
    required: bool
    sample: str
    materials: list[Material]


def _upload_slots(application: Application) -> list[UploadSlot]:
    wanted = descriptor(application.kind).documents
    materials = list(application.materials.all())
    return [UploadSlot(kind, str(SLOT_LABELS.get(kind, Material.Kind(kind).label)),
                       kind in wanted, SAMPLES[kind],
                       [m for m in materials if m.kind == kind])
            for kind in services.upload_kinds(application)]  # fmt: skip


@dataclass(frozen=True)
class Filed:
    """One field of what the applicant filed, as its form labels it; for a change, ``old`` is
    the member's value before it (``None``: the field is not a change of the member's data)."""

    label: str
    value: str
    old: str | None = None

    @property
    def changes(self) -> bool:
        return self.old is not None and self.old != self.value


def _content(application: Application) -> list[Filed]:
    """What the applicant filled in, under its kind's form's labels and in its choices' words,
    for the reviewer to read (and the member to check); a change's rows carry the old values."""
    form = descriptor(application.kind).form(member=application.member)
    before = _before_change(application)
    rows = [Filed(str(form.FULL_LABELS.get(name, field.label)),
                  _shown(field, application.data.get(name)),
                  None if before is None or name not in CHANGEABLE
                  else _shown(field, before.get(name)))
            for name, field in form.fields.items()
            if not field.widget.is_hidden and _filled(application.data.get(name))]  # fmt: skip
    if application.data.get("upc_prefix"):  # what the center assigned on approving
        rows.append(Filed(_("分配的 UPC 厂商识别代码"), str(application.data["upc_prefix"])))
    return rows


def _filled(value: object) -> bool:
    return value not in (None, "", [])


def _shown(field: forms.Field, value: object) -> str:
    """A stored value as its field offers it: a choice by its label, yes/no for a box."""
    if isinstance(field, forms.BooleanField):
        return _("是") if value else _("否")
    if not _filled(value):
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        found = (
            field.queryset.filter(**{key: value}).first() if field.queryset is not None else None
        )
        return str(found) if found is not None else str(value)
    values = value if isinstance(value, list) else [value]
    if isinstance(field, forms.ChoiceField):
        # The stubs allow a callable or a Choices class; a bound form has resolved them to pairs.
        labels = {str(key): str(label) for key, label in field.choices}  # type: ignore[union-attr, misc]
        values = [labels.get(str(item), str(item)) for item in values]
    return "、".join(map(str, values))


def _before_change(application: Application) -> dict[str, Any] | None:
    """A change's member data as it was before: the member's record until the change is
    approved; after, the version its approval wrote (hall.applications.kinds.approve_change)."""
    member = application.member
    if application.kind != Application.Kind.CHANGE or member is None:
        return None
    current = {name: getattr(member, name) for name in CHANGEABLE}
    if application.status != Status.APPROVED:
        return current
    approval = application.events.filter(new_status=Status.APPROVED).first()
    version = (member.versions.filter(changed_at__gte=approval.at).order_by("id").first()
               if approval is not None else None)  # fmt: skip
    # A field the approval left alone was already the filed value (so is "unchanged").
    changed = version.data if version is not None else {}
    return {name: changed.get(name, application.data.get(name, current[name]))
            for name in CHANGEABLE}  # fmt: skip


def _reason_on_top(application: Application) -> ApplicationEvent | None:
    """Why a returned or rejected application stands where it is: its latest such move."""
    if application.status not in (Status.RETURNED, Status.REJECTED):
        return None
    return (application.events.filter(new_status=application.status).exclude(reason="")
            .select_related("actor").order_by("-at", "-id").first())  # fmt: skip


def _payment(application: Application) -> dict[str, Any]:
    """The payment as the reviewer must see it before approving: a free kind needs none;
    otherwise the latest order, and whether it was paid online or a transfer was confirmed.
    (The order's statuses are the payments' own: this layer reads them by value.)"""
    if not descriptor(application.kind).paid:
        return {"payment_state": _("该业务免费，无需缴费"), "payment_ok": True, "order": None}
    order = application.orders.order_by("-id").first()
    if order is None:
        return {"payment_state": _("尚未下单"), "payment_ok": False, "order": None}
    if order.status == "paid":
        state = _("已确认收到汇款") if order.method == "transfer" else _("已网上支付")
    else:
        state = order.get_status_display()
    return {"payment_state": state, "payment_ok": order.status == "paid", "order": order}


def _checks(application: Application) -> list[tuple[str, bool]]:
    """What the workflow's guards will want, as the reviewer should see it before acting."""
    licence = application.materials.filter(kind=Material.Kind.LICENCE).exists()
    checks = [(_("营业执照已上传"), licence)]
    if descriptor(application.kind).paid:
        paid = application.orders.filter(status="paid").exists()
        checks.append((_("费用已缴清"), paid))
    return checks


def _fees(application: Application) -> dict[str, Any]:
    """The fee as the page shows it; with no schedule in force the page says so, and the
    order (which needs the amount) is refused until the center enters one."""
    try:
        fee = application_fee_fen(application)
        each = (renewal_fee_fen(application.member)
                if application.kind == Application.Kind.RENEWAL and application.member
                else None)  # fmt: skip
    except NoSchedule as missing:
        return {"fee": None, "fee_each": None, "fee_missing": str(missing)}
    return {"fee": fee, "fee_each": each, "fee_missing": ""}
