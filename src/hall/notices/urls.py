from django.urls import path

from hall.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/open/", views.notice_open, name="open"),
    path("<int:notice_id>/read/", views.notice_mark_read, name="read"),
    path("read-all/", views.notices_mark_all_read, name="read_all"),
    path("settings/", views.settings_page, name="settings"),
    path("email/", views.email_submit, name="email"),
    path("email/remove/", views.email_forget, name="email_remove"),
    path("email/confirm/<str:token>/", views.email_confirm_page, name="confirm"),
]
