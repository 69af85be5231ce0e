from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "hall.notices"
    verbose_name = _("通知")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs.engine import app  # noqa: PLC0415
        from hall.members import lifecycle  # noqa: PLC0415
        from hall.notices import reminders  # noqa: PLC0415

        # A worker knows the mail task (hall.notices.services) from its start.
        if "hall.notices.services" not in app.conf.imports:
            app.conf.imports = (*app.conf.imports, "hall.notices.services")

        # The membership calendar (below this app) finds the reminders due; the accounts of
        # the member hear of them here, in the hall, by SMS and by e-mail.
        if reminders.renewal_due not in lifecycle.REMINDED:
            lifecycle.REMINDED.append(reminders.renewal_due)
