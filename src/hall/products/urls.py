from django.urls import path

from hall.products import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("allocate/", views.allocate, name="allocate"),
    path("ean8/", views.ean8_assign, name="ean8"),
    path("bulk/", views.bulk_change, name="bulk"),
    path("gpc/", views.gpc_bricks, name="gpc"),
    path("labels.pdf", views.labels, name="labels"),
    path("reservations/", views.reservations, name="reservations"),
    path("reservations/<int:reservation_id>/release/", views.reservation_release, name="release"),
    path("import/", views.import_view, name="import"),
    path("import/template.<str:kind>", views.import_template, name="template"),
    path("import/<int:job_id>/", views.job_detail, name="job"),
    path("import/<int:job_id>/errors/", views.job_errors, name="job_errors"),
    path("export/", views.export_view, name="export"),
    path("keys/", views.api_keys, name="keys"),
    path("keys/<int:key_id>/revoke/", views.api_key_revoke, name="key_revoke"),
    path("<int:product_id>/", views.detail, name="detail"),
    path("<int:product_id>/image/", views.image, name="image"),
    path("<int:product_id>/act/", views.act, name="act"),
    path("<int:product_id>/case/", views.case_new, name="case"),
    path("<int:product_id>/clone/", views.clone, name="clone"),
    path("<int:product_id>/artwork/", views.artwork, name="artwork"),
    path("<int:product_id>/proof/", views.proof, name="proof"),
    path("<int:product_id>/proof/<int:proof_id>/", views.proof_report, name="proof_report"),
]
