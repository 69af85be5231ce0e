from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """A daily task's run for one day: the unique pair makes each day's job run once only."""

    name = models.CharField(_("任务"), max_length=50)
    day = models.DateField(_("日期"))
    #: The run's time of day for tasks that run every few minutes; empty for daily ones.
    slot = models.CharField(_("时段"), max_length=5, blank=True, default="")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        constraints = [
            models.UniqueConstraint(fields=["name", "day", "slot"], name="one_run_per_slot"),
        ]
