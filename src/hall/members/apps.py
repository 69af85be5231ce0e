from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "hall.members"
    verbose_name = _("系统成员")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import registry  # noqa: PLC0415
        from hall.members import lifecycle  # noqa: PLC0415

        #: Reminders, expiries and cancellations of the day.
        registry.register("membership_calendar", lifecycle.membership_calendar, daily_at=2)
