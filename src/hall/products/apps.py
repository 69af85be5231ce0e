from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "hall.products"
    verbose_name = _("产品与编码")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.jobs import queue  # noqa: PLC0415
        from hall.products import tasks  # noqa: PLC0415

        queue.register("products_import", tasks.products_import)
