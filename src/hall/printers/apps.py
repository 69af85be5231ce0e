from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintersConfig(AppConfig):
    name = "hall.printers"
    verbose_name = _("印刷企业")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import registry  # noqa: PLC0415
        from hall.printers import retention  # noqa: PLC0415

        #: Seed 002 art. 21: checks and their copies are kept two years, then go.
        registry.register("printer_records_clear", retention.printer_records_clear, daily_at=4)
