from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hall.accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.accounts import security  # noqa: PLC0415
        from hall.jobs import registry  # noqa: PLC0415

        #: Django keeps expired sessions until asked.
        registry.register("sessions_clear", security.sessions_clear, daily_at=4)
