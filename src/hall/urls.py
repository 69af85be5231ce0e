"""The hall's URLs: the user center, Django admin for staff, the language switch."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from hall.accounts import views as account_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:center", permanent=False)),
    path("accounts/", include("hall.accounts.urls")),
    path("applications/", include("hall.applications.urls")),
    path("payments/", include("hall.payments.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.TEST_HOOKS:  # tests read captchas here; production settings refuse TEST_HOOKS
    urlpatterns.append(path("__test__/captcha", account_views.test_captcha_answer))
