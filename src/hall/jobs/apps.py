from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "hall.jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import queue, registry, retention  # noqa: PLC0415

        #: Jobs the broker could not take, or whose worker died unseen, go out again.
        registry.register("jobs_requeue", queue.jobs_requeue, every_minutes=1)
        registry.register("jobs_clear", retention.jobs_clear, daily_at=4)
        registry.register("task_runs_clear", retention.task_runs_clear, daily_at=4)
