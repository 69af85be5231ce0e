from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskRun(models.Model):
    """A periodic task's run for one slot (a day, or a time of day): the unique triple makes
    each slot's run happen once however many beats hand it out; a failed run is retried."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    name = models.CharField(_("任务"), max_length=50)
    day = models.DateField(_("日期"))
    #: The run's time of day for tasks that run every few minutes; empty for daily ones.
    slot = models.CharField(_("时段"), max_length=5, blank=True, default="")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.RUNNING)  # fmt: skip
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        constraints = [
            models.UniqueConstraint(fields=["name", "day", "slot"], name="one_run_per_slot"),
        ]


class Job(models.Model):
    """A piece of background work someone waits for (a bulk import, a batch verification): its
    input, its progress and its result, so that a page can show how far it has come."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    name = models.CharField(_("任务"), max_length=50)
    #: Who may see it: "member:12", "key:3", or empty for staff.
    owner = models.CharField(_("所属"), max_length=50, db_index=True)
    arguments = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)  # fmt: skip
    total = models.PositiveBigIntegerField(_("总数"), default=0)
    done = models.PositiveBigIntegerField(_("已处理"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    input = models.FileField(_("输入文件"), upload_to="jobs/%Y/", blank=True)
    output = models.FileField(_("结果文件"), upload_to="jobs/%Y/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    #: How many times a worker has started it (a worker that dies leaves it to another).
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    #: Written every few seconds while a worker runs it: a job whose heartbeat stops is
    #: taken over by another worker.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    #: The run that has the job now (a fresh token each time a worker starts it): a run that
    #: was cancelled, requeued or taken over writes nothing more.
    runner = models.CharField(max_length=32, blank=True, default="")
    #: Where the run is: the worker's host and process id, for the operator on call.
    worker = models.CharField(_("工作进程"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class JobStep(models.Model):
    """A step of a job that is committed for good (a chunk of an import): written in the
    same transaction as the step's own rows, so that a run taking the job over after its
    worker died starts after the last one and writes each row once."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField()
    #: What the step found that the job's result needs at the end (counts, refused lines).
    outcome = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="one_row_per_job_step"),
        ]
