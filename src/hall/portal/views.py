"""The user center: where a signed-in member or reviewer starts, with what each may do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hall.applications.descriptors import GENERIC_START, FiledBy, kinds


@login_required
@require_GET
def center(request: HttpRequest) -> HttpResponse:
    filed = kinds(filed_by=FiledBy.MEMBER, starts_at=GENERIC_START)
    context = {"member": getattr(request.user, "member", None),
               "member_kinds": [(kind.value, kind.label) for kind in filed]}  # fmt: skip
    return render(request, "portal/center.html", context)
