from django.urls import path

from hall.lookup import views

app_name = "lookup"
urlpatterns = [
    path("", views.index, name="index"),
    path("gtin/", views.gtin_page, name="gtin"),
    path("prefix/", views.prefix_page, name="prefix"),
    path("certificate/", views.certificate_page, name="certificate"),
    path("companies/", views.companies_page, name="companies"),
    path("register/", views.register_page, name="register"),
    path("photo/", views.photo_page, name="photo"),
    path("image/<str:gtin>", views.product_image, name="image"),
]
