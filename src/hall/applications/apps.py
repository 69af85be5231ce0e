from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "hall.applications"
    verbose_name = _("业务申请")

    def ready(self) -> None:
        from hall.applications import (  # noqa: F401, PLC0415 - approvals, guards, the job
            account_requests,
            guards,
            kinds,
            registration,
            renewal,
            tasks,
        )
