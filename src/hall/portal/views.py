"""The user center: where a signed-in member or reviewer starts, with what each may do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hall.accounts.models import User
from hall.applications.descriptors import GENERIC_START, FiledBy, kinds
from hall.applications.models import Application, ApplicationEvent
from hall.applications.workflow import visible_to
from hall.core.errors import NotFound
from hall.notices.models import Notice
from hall.portal import activity, overview

Status = Application.Status
#: Once at one of these an application is done with: the center lists the others.
CLOSED = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)
#: The most open applications the center lists (a member has one per kind at most).
SHOWN = 50
#: The latest notices a member's home shows (all of them: /notices/).
RECENT_NOTICES = 5


@login_required
@require_GET
def center(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    filed = kinds(filed_by=FiledBy.MEMBER, starts_at=GENERIC_START)
    applications = _open_applications(user)
    context = {"member": user.member,
               "member_kinds": [(kind.value, kind.label) for kind in filed],
               "open_applications": applications,
               "returned": _returned(applications),
               **_home(user)}  # fmt: skip
    return render(request, "portal/center.html", context)


def _home(user: User) -> dict[str, object]:
    """The overview each kind of account lands on: its member's numbers, its branch's queue,
    or the whole country's."""
    today = timezone.localdate()
    if user.role == User.Role.MEMBER and user.member is not None:
        recent = Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")
        return {"home": overview.member_overview(user.member, today),
                "recent_notices": list(recent[:RECENT_NOTICES])}  # fmt: skip
    if user.role == User.Role.BRANCH:
        return {"queue": overview.queue_overview(user.branch, today)}
    if user.role in (User.Role.CENTER, User.Role.ADMIN):
        return {"nationwide": overview.center_overview(today)}
    return {}


def _open_applications(user: User) -> list[Application]:
    """The applicant's side of the applications still open (reviewers have their queue)."""
    if user.role != User.Role.MEMBER:
        return []
    found = visible_to(user).exclude(status__in=CLOSED).select_related("branch")
    return list(found.order_by("-id")[:SHOWN])


def _returned(applications: list[Application]) -> list[tuple[Application, ApplicationEvent]]:
    """Each returned application with the return that sent it back (its latest), for the
    member to read before anything else."""
    returned = {a.pk: a for a in applications if a.status == Status.RETURNED}
    returns = ApplicationEvent.objects.filter(
        application_id__in=returned, new_status=Status.RETURNED
    ).order_by("-at", "-id")
    latest: dict[int, ApplicationEvent] = {}
    for event in returns:
        latest.setdefault(event.application_id, event)
    return [(returned[pk], latest[pk]) for pk in returned if pk in latest]


@login_required
@require_GET
def activity_log(request: HttpRequest) -> HttpResponse:
    """The member's activity log, newest first, a page at a time; ``before`` (the last row's
    moment) continues it, ``source`` keeps to one kind of activity."""
    user = request.user
    assert isinstance(user, User)
    if user.member is None:
        raise NotFound(_("活动记录属于企业：请先激活账号"))
    source = request.GET.get("source", "")
    refused = []
    if source and source not in activity.SOURCES:
        refused.append(_("没有“%(source)s”这类记录：已显示全部") % {"source": source[:20]})
        source = ""
    before = activity.Cursor.parse(request.GET.get("before", ""))
    if before is None and request.GET.get("before"):
        refused.append(_("“更早”的位置无效：已从最新的记录开始显示"))
    entries = activity.activity(user.member, user, before=before, source=source)
    older = entries[-1].cursor.token if len(entries) == activity.PAGE_ROWS else ""
    return render(request, "portal/activity.html", {
        "entries": entries, "sources": activity.SOURCES, "source": source, "older": older,
        "refused": refused, "newest": before is None,
    })  # fmt: skip
