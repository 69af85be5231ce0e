from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "hall.lookup"
    verbose_name = "条码查询"

    def ready(self) -> None:
        from hall.accounts.membership import ON_REMOVED  # noqa: PLC0415
        from hall.lookup import tasks  # noqa: F401, PLC0415 - registers the background job
        from hall.lookup.models import revoke_keys_of  # noqa: PLC0415

        ON_REMOVED.append(revoke_keys_of)
