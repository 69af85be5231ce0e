from django.urls import path

from hall.payments import views

app_name = "payments"
urlpatterns = [
    path("applications/<int:application_id>/pay/", views.pay, name="pay"),
    path(
        "applications/<int:application_id>/transfer-received/",
        views.transfer_received,
        name="transfer_received",
    ),
    path("orders/<str:number>/", views.order_page, name="order"),
    path("orders/<str:number>/start/", views.start, name="start"),
    path("orders/<str:number>/invoice.pdf", views.invoice, name="invoice"),
    path("sandbox/<str:number>/", views.sandbox, name="sandbox"),
    path("notify/<str:gateway>/", views.notify, name="notify"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/<str:day>.csv", views.reconciliation_csv, name="reconciliation_csv"),
    path("refunds/<int:refund_id>/paid/", views.refund_paid, name="refund_paid"),
    path("billing/", views.billing, name="billing"),
    path("billing/export/", views.billing_export, name="billing_export"),
]
