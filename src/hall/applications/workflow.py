"""Every application moves through one table of allowed transitions (conventions.md 10).

:func:`application_transition` opens a transaction, locks the application, checks that the
actor may see it (a member its own, a branch reviewer its region, the center all: anything else
is "not found", so that nothing leaks), that the form was not stale, that the action is allowed
from the current status and for the actor's role, that a return or rejection has a reason, and
every guard of the action (:data:`GUARDS`: step 1's fields valid, the documents present, the
fee paid, ...), so that a hand-made post cannot skip what the action's page would have refused;
then it moves the status, writes the history row and applies what approval means.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.applications.descriptors import FiledBy, descriptor
from hall.applications.models import Application, ApplicationEvent
from hall.applications.workdays import add_working_days
from hall.core.errors import Conflict
from hall.notices import services as notices
from hall.sms import templates as sms_templates

Status = Application.Status
Role = User.Role

#: Working days the branch has for its preliminary review (domain.md §3).
BRANCH_REVIEW_DAYS = 5


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


def _t(sources: set[str], target: str, roles: set[str], needs_reason: bool = False) -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles), needs_reason)


ALLOWED_TRANSITIONS: dict[str, Transition] = {
    "submit": _t({Status.DRAFT}, Status.MATERIALS, {Role.MEMBER}),
    "materials_done": _t({Status.MATERIALS}, Status.PAYMENT, {Role.MEMBER}),
    # Kinds without a fee go from their materials straight to the branch.
    "materials_done_free": _t({Status.MATERIALS}, Status.BRANCH_REVIEW, {Role.MEMBER}),
    "payment_received": _t({Status.PAYMENT}, Status.BRANCH_REVIEW,
                           {Role.BRANCH, Role.CENTER, Role.SYSTEM}),
    "branch_approve": _t({Status.BRANCH_REVIEW}, Status.CENTER_REVIEW, {Role.BRANCH}),
    # Kinds the branch decides alone (an account's activation) end at its approval.
    "branch_grant": _t({Status.BRANCH_REVIEW}, Status.APPROVED, {Role.BRANCH}),
    "branch_return": _t({Status.BRANCH_REVIEW}, Status.RETURNED, {Role.BRANCH}, True),
    "resubmit": _t({Status.RETURNED}, Status.BRANCH_REVIEW, {Role.MEMBER}),
    "center_approve": _t({Status.CENTER_REVIEW}, Status.APPROVED, {Role.CENTER}),
    "center_return": _t({Status.CENTER_REVIEW}, Status.RETURNED, {Role.CENTER}, True),
    "center_reject": _t({Status.CENTER_REVIEW}, Status.REJECTED, {Role.CENTER}, True),
    "withdraw": _t({Status.DRAFT, Status.MATERIALS, Status.PAYMENT, Status.RETURNED},
                   Status.WITHDRAWN, {Role.MEMBER}),
}  # fmt: skip


class WorkflowError(Conflict):
    """A refused action; the message says why (never whether a hidden application exists)."""

    code = "workflow"


class NotFound(WorkflowError):
    """The same answer for an application that does not exist and one the actor may not see."""

    code = "not_found"
    status = 404

    def __init__(self) -> None:
        super().__init__(_("申请不存在"))


def visible_to(actor: User) -> QuerySet[Application]:
    """The applications ``actor`` may see."""
    everything = Application.objects.all()
    if actor.role in (Role.CENTER, Role.ADMIN, Role.SYSTEM):
        return everything
    if actor.role == Role.BRANCH:
        return everything.filter(branch_id=actor.branch_id)
    if actor.member_id is not None:
        return everything.filter(member_id=actor.member_id)
    # Not yet a member's account: its own registration, or its request to join a member.
    own = Q(member__isnull=True) | Q(kind=Application.Kind.ACTIVATION)
    return everything.filter(own, applicant=actor)


#: What must hold before an action, beyond its status and the actor's role: each guard raises
#: :class:`WorkflowError` saying what is missing. Filled in by the modules that know (the
#: applications' own in ``guards``, the paid order by the payments).
Guard = Callable[[Application, User], None]
GUARDS: dict[str, list[Guard]] = defaultdict(list)
#: What a rejection or withdrawal sets going (the payments' refunds).
ON_CLOSED: list[Callable[[Application], None]] = []


def application_transition(*, application_id: int, action: str, actor: User, version: int,
                           reason: str = "", today: date | None = None,
                           data: dict[str, Any] | None = None) -> Application:  # fmt: skip
    """Apply ``action`` by ``actor`` to the application, as the table allows; ``data`` is what
    the reviewer adds (the UPC prefix the center assigns)."""
    rule = ALLOWED_TRANSITIONS.get(action)
    if rule is None:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    today = today or timezone.localdate()
    with transaction.atomic():
        application = visible_to(actor).select_for_update().filter(pk=application_id).first()
        if application is None or actor.role not in rule.roles:
            raise NotFound
        for_member(application, actor)
        _check(application, rule, action, version, reason)
        for guard in GUARDS[action]:
            guard(application, actor)
        old = application.status
        application.data = {**application.data, **(data or {})}
        application.status = rule.target
        application.version += 1
        if rule.target == Status.BRANCH_REVIEW:
            application.submitted_at = timezone.now()
            application.branch_due = add_working_days(today, BRANCH_REVIEW_DAYS).day
        application.save()
        ApplicationEvent.objects.create(application=application, actor=actor, action=action,
                                        old_status=old, new_status=rule.target,
                                        reason=reason.strip())  # fmt: skip
        if rule.target == Status.APPROVED:
            descriptor(application.kind).approve(application, today)
        if rule.target in (Status.REJECTED, Status.WITHDRAWN):
            for closed in ON_CLOSED:
                closed(application)
        _notify(application, reason)
    return application


def for_member(application: Application, actor: User) -> None:
    """A read-only account of the member changes nothing of its applications (issue 23); a
    request about the account itself (a new login mobile) stays its own to file."""
    if descriptor(application.kind).filed_by != FiledBy.ACCOUNT:
        require_member_role(actor)


def _notify(application: Application, reason: str) -> None:
    """The applicant hears of the statuses its kind's descriptor names (seed 000: "submit ->
    an SMS confirms") through hall.notices: in the hall, by e-mail, and by the SMS template
    with the kind's words for them (hall.sms.templates), or its ``_reason`` twin when the
    reviewer gave a reason."""
    text = descriptor(application.kind).text(application.status)
    if text is None:
        return
    member = application.member
    known = {
        "kind": application.get_kind_display(), "number": application.pk,
        "status": application.get_status_display(), "reason": reason.strip()[:200],
        "certificate": member.certificate_number if member else "",
    }  # fmt: skip
    template = sms_templates.by_text(text)
    if known["reason"]:
        template = sms_templates.template(f"{template.name}_reason")
    # The notice keeps the kind's and the status's msgids: drawn in its reader's language.
    words = {"kind": notices.msgid(Application.Kind(application.kind).label),
             "status": notices.msgid(Status(application.status).label),
             "number": application.pk}  # fmt: skip
    # A request about an account is its own to hear of; the member's business, whoever
    # still acts for the member (hall.notices.who_hears).
    own = descriptor(application.kind).filed_by == FiledBy.ACCOUNT
    notices.tell_all(
        [application.applicant]
        if own
        else notices.who_hears(application.applicant, application.member),
        event_name=NOTICE_EVENTS.get(application.status, "application"),
        params={**words, "reason": known["reason"]},
        link=reverse("applications:detail", args=[application.pk]),
        sms_message=notices.Sms(template.name, {name: known[name] for name in template.params}),
    )


#: The statuses with an event of their own (the others are "application": a status update).
NOTICE_EVENTS: dict[str, str] = {Status.APPROVED: "approved", Status.RETURNED: "returned",
                                  Status.REJECTED: "rejected"}  # fmt: skip


def _check(application: Application, rule: Transition, action: str, version: int,
           reason: str) -> None:  # fmt: skip
    if version != application.version:
        raise WorkflowError(_("申请已被更新，请刷新页面后重试"), code="stale_edit")
    if application.status not in rule.sources:
        raise WorkflowError(_("申请当前状态为“%(status)s”，不能执行此操作")
                            % {"status": application.get_status_display()})  # fmt: skip
    if rule.needs_reason and not reason.strip():
        raise WorkflowError(_("请填写退回或不批准的原因"))
