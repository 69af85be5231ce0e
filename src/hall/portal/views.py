"""The user center: where a signed-in member or reviewer starts, with what each may do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hall.applications.kinds import MEMBER_KINDS


@login_required
@require_GET
def center(request: HttpRequest) -> HttpResponse:
    kinds = [(kind.value, kind.label) for kind in MEMBER_KINDS]
    context = {"member": getattr(request.user, "member", None), "member_kinds": kinds}
    return render(request, "portal/center.html", context)
