"""The lean path: the busiest public routes served by Django with only the middleware they use.

A GTIN looked up through the API (``GET /api/v1/gtins/{gtin}``), the Digital Link resolver's
JSON (``/01/...`` asked for JSON) and the batch check (``POST /api/v1/verify``) are asked for
by machines, anonymously or with an API key in a header: no session, no login, no CSRF token,
no flash message. Through the full stack they spent about 40 % of their time in middleware
that does nothing for them. This handler answers them with the same URLs, views and
middleware classes as ``settings.MIDDLEWARE``, in the same order, less those in
:data:`SKIPPED`: so the language choice, the security headers, the request id, the metrics,
the body limits, the host check and the error body have one source each, the full stack's.
Everything else goes to the full stack.

The busiest of them, a GTIN's lookup by its plain digits whose answer is a 200, is answered
below Django's handler (the *quick path*, three times less CPU than the lean middleware for a
kept answer): the same request object, host check, language choice, proxy rule, rate limit,
request id, Sentry scope, metrics and request signals, the same answer (hall.lookup.services),
and the headers the full stack gave the last 200 of the same language and scheme, learned
from it: until one is learned, and for anything but a 200 (an error, a refusal, a
conditional request, a key, a body), the request goes to Django, with the answer already made
handed to the view (``HANDED_OVER``) so that nothing is looked up or counted twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name
from django.core.signals import request_finished, request_started, setting_changed
from django.dispatch import receiver
from django.urls import resolve, set_script_prefix
from django.utils import translation
from django.utils.http import quote_etag

from hall.api.lookups import HANDED_OVER
from hall.core import limits
from hall.core.clients import drop_untrusted_proxy_headers
from hall.core.httpcache import digest
from hall.core.metrics import STARTED, answered
from hall.core.middleware import chosen_language
from hall.core.observability import begin_request, request_scope
from hall.lookup import services
from hall.lookup.resolver import wants_json_by

__all__ = ["SKIPPED", "LeanHandler", "forget", "is_lean"]

#: The middleware the lean routes do without, and why.
SKIPPED = {
    # Their static files are whitenoise's; the lean routes are none.
    "whitenoise.middleware.WhiteNoiseMiddleware": "no static file",
    # A machine's lookup carries no session cookie that means anything to it: the API key
    # travels in a header, the language cookie is read by ChosenLanguageMiddleware.
    "django.contrib.sessions.middleware.SessionMiddleware": "no session",
    "django.middleware.csrf.CsrfViewMiddleware": "csrf_exempt views: no cookie authenticates",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "no login",
    "django_otp.middleware.OTPMiddleware": "no login",
    "django.contrib.messages.middleware.MessageMiddleware": "no page to show a message on",
    "hall.accounts.middleware.StaffGuard": "no staff session",
}

#: The lean routes' paths: a GTIN's lookup and the batch check of the API.
_GTIN, _VERIFY = "/api/v1/gtins/", "/api/v1/verify"


def is_lean(environ: dict[str, Any]) -> bool:
    """Is this request one of the lean routes' (decided on the WSGI environ, before Django
    makes a request of it)?"""
    method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
    if method in ("GET", "HEAD"):
        if path.startswith(_GTIN):
            return True
        if not path.startswith("/01/"):
            return False
        try:
            return wants_json_by(environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))
        except SuspiciousOperation:  # too many fields: the full stack's 400 answers it
            return False
    return method == "POST" and path == _VERIFY


def lean_middleware() -> list[str]:
    return [name for name in settings.MIDDLEWARE if name not in SKIPPED]


@contextmanager
def _middleware(names: list[str]) -> Iterator[None]:
    """Django's own loading of ``names`` (its loop reads settings.MIDDLEWARE): once, when
    the application is made, before any request."""
    full = settings.MIDDLEWARE
    settings.MIDDLEWARE = names
    try:
        yield
    finally:
        settings.MIDDLEWARE = full


class LeanHandler(WSGIHandler):
    """Django's WSGI handler with :func:`lean_middleware`, in front of the full one."""

    def __init__(self, full: Callable[..., Iterable[bytes]]) -> None:
        self.full = full
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        with _middleware(lean_middleware()):
            super().load_middleware(is_async)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not is_lean(environ):
            return self.full(environ, start_response)
        if (gtin := _quick_gtin(environ)) is not None:
            return self._quick(environ, start_response, gtin)
        return super().__call__(environ, start_response)

    def _quick(self, environ: dict[str, Any], start_response: Any, gtin: str) -> Any:
        started = environ[STARTED] = time.perf_counter()  # a handed-over one is timed from now
        request = WSGIRequest(environ)
        drop_untrusted_proxy_headers(request)
        try:
            request.get_host()
        except SuspiciousOperation:  # a host not allowed: Django's own 400
            return super().__call__(environ, start_response)
        variant = (chosen_language(request), request.is_secure())
        if (learned := _learned.get(variant)) is None:
            return super().__call__(environ, _learning(variant, start_response))
        set_script_prefix(get_script_name(environ))
        request_started.send(sender=self.__class__, environ=environ)
        try:
            with request_scope():
                request_id = begin_request(request)  # its log records carry it from now
                handed = _answered(request, gtin, variant[0])
                if isinstance(handed, tuple) and handed[0] == services.OK:
                    body = handed[1]
                    headers = _filled(learned, {"etag": quote_etag(digest(body)),
                                                "content-length": str(len(body)),
                                                "x-request-id": request_id})  # fmt: skip
                    answered(_route_of(request), 200, started)
                    start_response("200 OK", headers)
                    return [body]
        finally:  # this request ends here; a handed-over one begins again in Django's handler
            request_finished.send(sender=self.__class__)
        environ[HANDED_OVER] = handed
        return super().__call__(environ, start_response)


def _answered(request: WSGIRequest, gtin: str, language: str) -> tuple[int, bytes] | Exception:
    """The lookup's answer, or what it raised (the view raises it again, and the full stack
    answers it)."""
    try:
        with translation.override(language):
            return services.gtin_answer(gtin, limits.address_charge(request))
    except Exception as error:
        return error


#: A GTIN's lookup the quick path takes: its plain digits (the lengths the answers keep).
_QUICK = re.compile(r"/api/v1/gtins/([0-9]{8}|[0-9]{12,14})")
#: What may make the answer other than a plain 200 of the address's limit: a condition (304,
#: 412), an API key (its own limit), a body (411, 413).
_HANDED = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
           "HTTP_IF_UNMODIFIED_SINCE", "HTTP_X_API_KEY", "HTTP_TRANSFER_ENCODING")  # fmt: skip
#: The headers made for each answer; the others are learned, for each language and scheme
#: (what the full stack's headers for a 200 of this route depend on: the host only decides
#: whether there is an answer, which Django's own check says for each request).
_PER_ANSWER = ("etag", "content-length", "x-request-id")
Variant = tuple[str, bool]
#: The full stack's headers of a 200, by kind of request; None for those made per answer.
_learned: dict[Variant, list[tuple[str, str | None]]] = {}
_route: list[str] = []


def _quick_gtin(environ: dict[str, Any]) -> str | None:
    """The GTIN of a lookup the quick path may answer, else None."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return None
    found = _QUICK.fullmatch(environ.get("PATH_INFO", ""))
    if (found is None or environ.get("CONTENT_LENGTH") not in (None, "", "0")
            or any(name in environ for name in _HANDED)
            # Django's CommonMiddleware answers by the user agent or the host (a redirect).
            or settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW):  # fmt: skip
        return None
    return found.group(1)


def _learning(variant: Variant, start_response: Any) -> Any:
    """``start_response`` that learns the headers of the full stack's 200 for ``variant``."""

    def learn(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        if status == "200 OK" and all(name.lower() != "set-cookie" for name, _ in headers):
            _learned[variant] = [(name, None if name.lower() in _PER_ANSWER else value)
                                 for name, value in headers]  # fmt: skip
        return start_response(status, headers, *exc_info)

    return learn


def _filled(learned: list[tuple[str, str | None]], made: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, made[name.lower()] if value is None else value) for name, value in learned]


def _route_of(request: WSGIRequest) -> str:
    """The view name the metrics give the GTIN lookup (found once: it is one route)."""
    if not _route:
        _route.append(resolve(request.path_info).view_name)
    return _route[0]


@receiver(setting_changed)
def forget(**kwargs: Any) -> None:
    """The learned headers forgotten: other settings (the tests') may give others."""
    _learned.clear()
