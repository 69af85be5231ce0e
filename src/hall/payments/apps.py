from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "hall.payments"
    verbose_name = _("缴费")

    def ready(self) -> None:
        from hall.payments import orders, refunds  # noqa: F401, PLC0415 - guards, refunds
