from django.contrib import admin

from hall.fees.models import FeeSchedule


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin[FeeSchedule]):
    list_display = ["company_type", "effective_from", "joining_fen", "joining_with_ean8_fen",
                    "yearly_fen", "note"]  # fmt: skip
    list_filter = ["company_type"]
