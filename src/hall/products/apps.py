from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "hall.products"
    verbose_name = "产品与编码"
