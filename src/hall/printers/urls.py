from django.urls import path

from hall.printers import views

app_name = "printers"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("checks/", views.check_new, name="check_new"),
    path("checks/export", views.checks_export, name="export"),
    path("checks/<int:check_id>/", views.check_detail, name="check"),
    path("checks/<int:check_id>/<str:which>", views.check_file, name="check_file"),
    path("jobs/new/", views.job_new, name="job_new"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/proof/", views.job_proof, name="job_proof"),
    path("jobs/<int:job_id>/<str:which>", views.job_file, name="job_file"),
    path("staff/", views.staff_companies, name="staff"),
    path("staff/<int:company_id>/decide/", views.staff_decide, name="staff_decide"),
    path("licence/<int:company_id>", views.licence, name="licence"),
]
