"""Fee schedules: a schedule in force is what fees were charged by, so its amounts are read-only
and it is never deleted; the center adds a schedule with a new effective date instead. One
still to come may be corrected or removed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hall.fees.models import FeeSchedule
from hall.fees.money import fen_to_yuan

AMOUNTS = ["company_type", "effective_from", "joining_fen", "joining_with_ean8_fen", "yearly_fen"]


def _in_force(schedule: FeeSchedule | None) -> bool:
    return schedule is not None and schedule.effective_from <= timezone.localdate()


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin[FeeSchedule]):
    list_display = ["company_type", "effective_from", "joining_yuan", "joining_with_ean8_yuan",
                    "yearly_yuan", "note"]  # fmt: skip
    list_filter = ["company_type"]
    date_hierarchy = "effective_from"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return AMOUNTS if _in_force(obj) else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and not _in_force(obj)

    @admin.display(description=gettext_lazy("入网费（元）"), ordering="joining_fen")
    def joining_yuan(self, schedule: FeeSchedule) -> str:
        return fen_to_yuan(schedule.joining_fen)

    @admin.display(description=gettext_lazy("含缩短码的入网费（元）"),
                   ordering="joining_with_ean8_fen")  # fmt: skip
    def joining_with_ean8_yuan(self, schedule: FeeSchedule) -> str:
        return fen_to_yuan(schedule.joining_with_ean8_fen)

    @admin.display(description=gettext_lazy("年度维护费（元）"), ordering="yearly_fen")
    def yearly_yuan(self, schedule: FeeSchedule) -> str:
        return fen_to_yuan(schedule.yearly_fen)
