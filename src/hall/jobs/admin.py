"""Staff see every background job and periodic run, cancel a job that should not go on and
run a failed or cancelled one again (hall.jobs.queue does both)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.jobs import queue
from hall.jobs.models import Job, TaskRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ["id", "name", "owner", "status", "done", "total", "attempts", "worker",
                    "created_at", "finished_at"]  # fmt: skip
    list_filter = ["status", "name"]
    search_fields = ["owner"]
    readonly_fields = [field.name for field in Job._meta.fields]
    actions = ["cancel", "requeue"]

    @admin.action(description=gettext_lazy("取消所选任务"))
    def cancel(self, request: HttpRequest, chosen: QuerySet[Job]) -> None:
        stopped = sum(queue.job_cancel(job.pk) for job in chosen)
        messages.success(request, _("已取消 %(count)d 个任务") % {"count": stopped})

    @admin.action(description=gettext_lazy("重新运行所选任务"))
    def requeue(self, request: HttpRequest, chosen: QuerySet[Job]) -> None:
        again = sum(queue.job_requeue(job.pk) for job in chosen)
        messages.success(request, _("已重新排队 %(count)d 个任务") % {"count": again})


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin[TaskRun]):
    list_display = ["name", "day", "slot", "status", "attempts", "started_at", "finished_at"]
    list_filter = ["status", "name"]
    readonly_fields = [field.name for field in TaskRun._meta.fields]
