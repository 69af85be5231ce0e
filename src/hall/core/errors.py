"""One error tree for the hall, and the one place that answers it.

Every refusal a service gives is a :class:`HallError`: a stable ``code`` for programs, the HTTP
``status`` it means, a message (Chinese, or English with the language switch: services write
it with ``gettext``, so it is in the request's language) and optional ``details`` for the
API. :func:`respond` turns one into the API's ``{"error": {...}}`` body or into the page's
message; :class:`HallErrors` calls it for every view, ninja's handler for every endpoint. No
view needs to catch a service error to keep it from becoming a server error, and no status
is chosen by reading a message.

>>> error = Conflict("已被他人修改，请刷新后重试", code="stale_edit")
>>> error.status, error.code, str(error)
(409, 'stale_edit', '已被他人修改，请刷新后重试')
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hall.core.observability import request_id

__all__ = [
    "Conflict",
    "Forbidden",
    "HallError",
    "HallErrors",
    "NotFound",
    "RateLimited",
    "TooLarge",
    "Unauthorised",
    "Unavailable",
    "is_api",
    "json_error",
    "respond",
]

logger = logging.getLogger(__name__)


class HallError(Exception):
    """A refusal: what was asked cannot be done, and the message says why.

    Subclasses fix ``code`` and ``status``; a raise may narrow the code (``code=``) where one
    class covers several causes that programs tell apart.
    """

    code: ClassVar[str] = "refused"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 details: Any = None) -> None:  # fmt: skip
        super().__init__(message)
        self.message = str(message)
        self.details = details
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance narrows its class's code
        if status is not None:
            self.status = status  # type: ignore[misc]

    def __str__(self) -> str:
        return self.message


class Unauthorised(HallError):
    """No credentials, or credentials that are not (or no longer) good."""

    code = "unauthorised"
    status = 401


class NotFound(HallError):
    """What was named does not exist, or is not the asker's to see (the same answer for both)."""

    code = "not_found"
    status = 404


class Forbidden(HallError):
    """The asker is known but may not do this."""

    code = "forbidden"
    status = 403


class Conflict(HallError):
    """The state has moved on (a stale edit, a number taken, a step already done)."""

    code = "conflict"
    status = 409


class TooLarge(HallError):
    code = "too_large"
    status = 413


class RateLimited(HallError):
    code = "rate_limited"
    status = 429


class Unavailable(HallError):
    """Something the hall depends on is missing or down (a fee schedule, a font, a provider);
    the asker did nothing wrong and may try again later."""

    code = "unavailable"
    status = 503


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    """The API's one error shape, for the hall's errors and for Django's answers alike."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def respond(request: HttpRequest, error: HallError) -> HttpResponse:
    """The answer to a refusal: the API's JSON error; on a page, back to the page the form
    was posted from with the message shown, or the refusal page with the error's status."""
    # A refusal is the hall working; a 5xx one (a service unavailable) is the operator's news.
    level = logging.WARNING if error.status >= 500 else logging.INFO
    logger.log(level, "refused %s %s: %s %s", request.method, request.path, error.code, error)
    if is_api(request):
        return json_error(error.status, error.code, error.message, error.details)
    back = _referring_page(request)
    if request.method == "POST" and back and hasattr(request, "_messages"):
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    return error_page(request, error.status, error.message)


def _referring_page(request: HttpRequest) -> str | None:
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 this very page may be answering
        return None
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    return referer


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """The hall's own page for a refusal or an HTTP error, in the hall's look."""
    titles = {400: _("请求有误"), 403: _("无权访问"), 404: _("页面不存在"),
              409: _("无法办理"), 413: _("内容过大"), 429: _("请求过于频繁"),
              500: _("服务器出错"), 503: _("暂时无法办理")}  # fmt: skip
    context = {
        "status": status,
        "title": titles.get(status, _("无法办理")),
        "message": message,
        "back": _referring_page(request),
        # What a member quotes to support for a server error: the log has it beside the trace.
        "reference": request_id() if status >= 500 else None,
    }
    return render(request, "error.html", context, status=status)


class HallErrors:
    """Middleware: a :class:`HallError` that leaves a view is answered by :func:`respond`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, HallError):
            return respond(request, exception)
        return None


# Django's handlers for the errors no view answers (urls.py names them).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 400, _("请求无法处理，请返回后重试"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 403, _("您没有访问此页面的权限"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 404, _("您访问的页面不存在或已移除"))


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("服务器出错，已记录；请稍后重试。如一再出现，请联系客服")
    try:
        return error_page(request, 500, message)
    except Exception:  # the page itself failed (the database is down): a page without it
        logger.exception("the error page could not be drawn")
        return HttpResponse(f"<!doctype html><title>500</title><p>{message}</p>", status=500)
