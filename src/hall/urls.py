"""The hall's URLs: the user center, Django admin for staff, the language switch."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from hall.accounts import views as account_views
from hall.api.v1 import api, gtin_lookup_route
from hall.lookup import views as lookup_views
from hall.portal import guide, health, metrics

# Staff log in through the hall's login (captcha, lockout, audit, second factor), not Django's.
admin.site.login = account_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    # The busiest routes first: a URL is matched against the patterns in order.
    # The API's busiest path, served without ninja's per-request work (hall.api.v1).
    path("api/v1/gtins/<str:gtin>", gtin_lookup_route, name="gtin_lookup"),
    # GS1 Digital Link: /01/{gtin} with its qualifiers, at the hall's own address.
    re_path(r"^(?P<path>01/.+)$", lookup_views.resolve, name="resolve"),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus's scrape: loopback or the scraper's token only, a 404 to anyone else.
    path("metrics", metrics.metrics, name="metrics"),
    path("", RedirectView.as_view(pattern_name="portal:center", permanent=False)),
    path("accounts/center/", include("hall.portal.urls")),
    path("accounts/", include("hall.accounts.urls")),
    path("applications/", include("hall.applications.urls")),
    path("payments/", include("hall.payments.urls")),
    path("products/", include("hall.products.urls")),
    path("printers/", include("hall.printers.urls")),
    path("notices/", include("hall.notices.urls")),
    path("query/", include("hall.lookup.urls")),
    path("help/", guide.help_page, name="help"),
    # The certificate's QR code points here (hall.members.certificates.verification_url).
    path("verify/t/<str:token>", lookup_views.signed_certificate_page, name="verify_signed"),
    path("verify/<str:number>", lookup_views.certificate_page, name="verify_certificate"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.TEST_HOOKS:  # tests read captchas here; production settings refuse TEST_HOOKS
    urlpatterns.append(path("__test__/captcha", account_views.test_captcha_answer))

handler400 = "hall.core.errors.bad_request"
handler403 = "hall.core.errors.permission_denied"
handler404 = "hall.core.errors.page_not_found"
handler500 = "hall.core.errors.server_error"
