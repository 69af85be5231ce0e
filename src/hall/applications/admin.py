"""Applications with their history and materials; the working-day calendar.

An application's status, kind and parties move only through the workflow (one table of
transitions, each writing a history row): read-only here, as its history and its materials
are. Staff may correct what was filled in, or move it to another branch. Nothing is deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from hall.applications.models import (
    Application,
    ApplicationEvent,
    CalendarDay,
    CalendarYear,
    Material,
)
from hall.core.admin import KeptAdmin, ReadOnlyInline


class EventInline(ReadOnlyInline[ApplicationEvent]):
    model = ApplicationEvent
    fields = readonly_fields = ("at", "actor", "action", "old_status", "new_status", "reason")


class MaterialInline(ReadOnlyInline[Material]):
    model = Material
    fields = readonly_fields = ("kind", "original_name", "image", "uploaded_at")


@admin.register(Application)
class ApplicationAdmin(KeptAdmin[Application]):
    list_display = ["id", "kind", "company_name", "branch", "status", "submitted_at",
                    "branch_due"]  # fmt: skip
    list_filter = ["kind", "status", "branch"]
    search_fields = ["member__name", "member__certificate_number", "applicant__mobile"]
    list_select_related = ["member", "branch"]
    readonly_fields = ["kind", "status", "version", "member", "applicant", "created_at",
                       "submitted_at", "archive"]  # fmt: skip
    inlines = [MaterialInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # filed by members on the hall's pages


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["day", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source"]
