from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "hall.products"
    verbose_name = "产品与编码"

    def ready(self) -> None:
        from hall.products import tasks  # noqa: F401, PLC0415 - registers the background jobs
