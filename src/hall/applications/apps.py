from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "hall.applications"
    verbose_name = _("业务申请")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.applications import (  # noqa: PLC0415
            catalogue,
            descriptors,
            guards,
            services,
            tasks,
            workflow,
        )
        from hall.jobs import queue  # noqa: PLC0415

        descriptors.register(*catalogue.CATALOGUE)
        for action, action_guards in guards.ACTION_GUARDS.items():
            workflow.GUARDS[action].extend(action_guards)
        queue.register(services.ARCHIVE_JOB, tasks.applications_archive)
