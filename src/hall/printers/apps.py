from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintersConfig(AppConfig):
    name = "hall.printers"
    verbose_name = _("印刷企业")
