from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "hall.jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from hall.jobs import registry  # noqa: F401, PLC0415 - registers the tasks
