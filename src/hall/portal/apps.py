from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "hall.portal"
    verbose_name = _("用户中心")

    def ready(self) -> None:
        # The deploy checks that read the database (the demo's accounts) register on import.
        from hall.portal import checks  # noqa: F401, PLC0415
