from django.contrib import admin

from hall.applications.models import Application, ApplicationEvent, CalendarDay, CalendarYear


class EventInline(admin.TabularInline[ApplicationEvent, Application]):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "old_status", "new_status", "reason"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ["id", "kind", "member", "branch", "status", "branch_due"]
    list_filter = ["kind", "status", "branch"]
    search_fields = ["member__name", "member__certificate_number"]
    readonly_fields = ["status", "version"]
    inlines = [EventInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["day", "is_workday", "note"]
    list_filter = ["is_workday"]


admin.site.register(CalendarYear)
