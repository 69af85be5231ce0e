"""The hall's own middleware.

ChosenLanguageMiddleware: Simplified Chinese unless the visitor chose English with the
language switch. Django's LocaleMiddleware would follow the browser's Accept-Language and show
an English browser English pages; the hall is Chinese first, so only the switch's cookie counts
(and every answer varies on ``Cookie``).

RefuseNul: a request with a NUL character is bad input, answered 400 before any view.

ContentSecurityPolicy: django-csp's header, built once instead of for every answer.

ApiErrors: what Django answers by itself under ``/api/`` (an unknown path, a method the
endpoint does not take) becomes the API's JSON error too.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from hall.core.errors import json_error


def chosen_language(request: HttpRequest) -> str:
    """The language of the request's words: the switch's cookie's, else the hall's own."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return (
        chosen if any(chosen == code for code, _ in settings.LANGUAGES) else settings.LANGUAGE_CODE
    )


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        with translation.override(language):  # this request only, not the thread after it
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
        # The words follow the cookie: whoever keeps a copy keeps one per cookie.
        if "Vary" in response:
            patch_vary_headers(response, ("Cookie",))
        else:
            response["Vary"] = "Cookie"
        return response


class RefuseNul:
    """A request that carries a NUL character in its path, its query string or a JSON body is
    refused with 400 before any view sees it: no name, number or text of the hall holds one,
    and PostgreSQL refuses to store or compare such text (a server error, not an answer).
    Uploaded files may hold any byte and are not looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _holds_nul(request):
            return self.get_response(request)
        message = _("请求中含有无效的 NUL 字符")
        if request.path.startswith("/api/"):
            return json_error(400, "invalid_request", message)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    ):
        return True
    if request.content_type != "application/json":
        return False
    try:
        return b"\\u0000" in request.body  # JSON writes a NUL as \u0000
    except RequestDataTooBig:  # the view answers that one, with its limit
        return False


CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 500: "server_error"}


class ApiErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not request.path.startswith("/api/") or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):  # fmt: skip
            return response
        code = CODES.get(response.status_code, f"http_{response.status_code}")
        messages = {404: _("没有这个接口"), 405: _("此接口不接受 %(method)s 请求")
                    % {"method": request.method}}  # fmt: skip
        replaced = json_error(response.status_code, code,
                               messages.get(response.status_code, code))  # fmt: skip
        if "Allow" in response:
            replaced["Allow"] = response["Allow"]
        return replaced


#: What a view may set on its answer to have a policy of its own (django-csp's decorators).
_OWN_POLICY = ("_csp_exempt", "_csp_exempt_ro", "_csp_config", "_csp_config_ro", "_csp_update",
               "_csp_update_ro", "_csp_replace", "_csp_replace_ro")  # fmt: skip
_plain_policy: dict[str, list[tuple[str, str]]] = {}


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, its header built once: the hall uses no nonce and no view's
    own policy, so every answer carries the same header, which django-csp would build afresh
    for each (a fifth of a cached lookup's time). An answer with a nonce, a view's own policy,
    a path the settings exclude, or a debug page is left to django-csp."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if self._own(request, response):
            return super().process_response(request, response)
        for name, value in self._plain():
            if name not in response:
                response[name] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _own(request: HttpRequest, response: HttpResponseBase) -> bool:
        excluded = any((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                       for name in ("CONTENT_SECURITY_POLICY",
                                    "CONTENT_SECURITY_POLICY_REPORT_ONLY"))  # fmt: skip
        return (excluded or getattr(request, "_csp_nonce", None) is not None
                or any(hasattr(response, name) for name in _OWN_POLICY)
                or (settings.DEBUG and response.status_code in (404, 500)))  # fmt: skip

    def _plain(self) -> list[tuple[str, str]]:
        """The headers django-csp writes on an answer of no view's own policy, built once
        (again after the settings change)."""
        if "headers" not in _plain_policy:
            request, stub = HttpRequest(), HttpResponse()
            request.path_info = "/"
            super().process_response(request, stub)
            _plain_policy["headers"] = [(name, stub[name]) for name in (HEADER, HEADER_REPORT_ONLY)
                                        if name in stub]  # fmt: skip
        return _plain_policy["headers"]


@receiver(setting_changed)
def _policy_changed(setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _plain_policy.clear()
