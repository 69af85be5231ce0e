from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "hall.sms"
    verbose_name = _("短信")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import registry  # noqa: PLC0415
        from hall.sms import services  # noqa: PLC0415

        #: Codes go once no limit counts them (a day's) and no one can use them.
        registry.register("sms_codes_clear", services.codes_clear, daily_at=4)
        # A provider without its SDK or without a template code for every message stops the
        # start, naming what is missing, rather than fail a message later.
        services.backend_check()
