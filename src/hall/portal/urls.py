from django.urls import path

from hall.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.center, name="center"),
    path("activity/", views.activity_log, name="activity"),
]
