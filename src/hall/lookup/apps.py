from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "hall.lookup"
    verbose_name = "条码查询"
