from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "hall.fees"
    verbose_name = _("收费标准")
