from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LookupConfig(AppConfig):
    name = "hall.lookup"
    verbose_name = _("条码查询")

    def ready(self) -> None:
        from hall.jobs import queue  # noqa: PLC0415 - apps load before their modules may
        from hall.lookup import tasks, watching  # noqa: PLC0415

        watching.watch()
        post_migrate.connect(watching.migrated, sender=self, dispatch_uid="lookup-migrated")
        queue.register("verify_file", tasks.verify_file_job)
