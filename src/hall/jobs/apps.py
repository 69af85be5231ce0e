from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "hall.jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import queue, registry  # noqa: PLC0415

        #: Jobs the broker could not take, or whose worker died unseen, go out again.
        registry.register("jobs_requeue", queue.jobs_requeue, every_minutes=1)
