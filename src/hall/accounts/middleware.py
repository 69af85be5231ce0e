"""Staff sessions (issue 19): a second factor before anything else, and a shorter idle time.

A reviewer's or the center's session that has not passed its TOTP code (hall.accounts.twofactor)
reaches only the second-factor pages and logging out; one left idle longer than
``settings.STAFF_IDLE_SECONDS`` is logged out at its next request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hall.accounts import security
from hall.accounts.models import SecurityEvent, User
from hall.accounts.twofactor import needs_second_factor

SEEN_KEY = "hall.staff_seen"
#: What an unverified staff session may reach.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/captcha.png", "/static/",
                 "/i18n/", "/__test__/")  # fmt: skip


class StaffGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not needs_second_factor(user):
            return self.get_response(request)
        if self._idle(request):
            security.record(SecurityEvent.Kind.IDLE_LOGOUT, request=request, user=user)
            logout(request)
            messages.info(request, _("长时间未操作，已自动退出，请重新登录"))
            return _redirect("accounts:login", request)
        request.session[SEEN_KEY] = int(time.time())
        # django-otp's middleware gave the user is_verified(): a device passed in this session.
        verified = bool(user.is_verified())  # type: ignore[attr-defined]
        if verified or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        return _redirect("accounts:second_factor", request)

    @staticmethod
    def _idle(request: HttpRequest) -> bool:
        seen = request.session.get(SEEN_KEY)
        return seen is not None and time.time() - seen > settings.STAFF_IDLE_SECONDS


def _redirect(name: str, request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
