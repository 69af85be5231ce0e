from django.urls import path

from hall.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("renewal/", views.renewal_start, name="renewal_start"),
    path("registration/", views.registration_new, name="registration"),
    path("new/<str:kind>/", views.application_new, name="new"),
    path("activation/", views.activation_request, name="activation_request"),
    path("mobile-change/", views.mobile_change_request, name="mobile_change_request"),
    path("review/", views.review_queue, name="queue"),
    path("<int:application_id>/", views.detail, name="detail"),
    path("<int:application_id>/fill/", views.fill, name="fill"),
    path("<int:application_id>/renewal-form.pdf", views.renewal_form, name="renewal_form"),
    path("<int:application_id>/upload/<str:kind>/", views.upload, name="upload"),
    path("<int:application_id>/act/", views.act, name="act"),
    path("<int:application_id>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:application_id>/materials/<int:material_id>/", views.material, name="material"),
    path(
        "<int:application_id>/materials/<int:material_id>/remove/",
        views.material_remove,
        name="material_remove",
    ),
]
