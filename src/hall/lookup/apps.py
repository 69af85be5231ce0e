from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "hall.lookup"
    verbose_name = "条码查询"

    def ready(self) -> None:
        from hall.lookup import tasks  # noqa: F401, PLC0415 - registers the background job
