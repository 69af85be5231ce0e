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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler

from hall.lookup.resolver import wants_json_by

__all__ = ["SKIPPED", "LeanHandler", "is_lean"]

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
        if is_lean(environ):
            return super().__call__(environ, start_response)
        return self.full(environ, start_response)
