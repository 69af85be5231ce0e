"""Request bodies bounded per route (issue 19): a body larger than its route takes is refused
with 413 before anything reads a byte of it.

Django reads a body only through the first ``CONTENT_LENGTH`` bytes of ``wsgi.input``
(``WSGIRequest``'s ``LimitedStream``), so the declared length is the most it will ever read or
spool: a length above the route's limit is refused here, before the multipart parser writes an
upload to the temporary directory. A body sent without a length (``Transfer-Encoding:
chunked``) reads as empty under WSGI; it is refused with 411 rather than handed to a view as an
empty form (a payment notification would be written down as a refused one). The hall is served
by WSGI (granian, runserver): Django's ASGI handler reads a whole body before any middleware,
so an ASGI entry point would need its server to bound bodies.

The limits are ``settings.BODY_LIMITS`` by the URL's view name; every other route takes
``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's 2.5 MB).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from hall.core.errors import json_error
from hall.core.sizes import size_text


class BodyLimits:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length is None:
            return _refused(request, 411, "length_required",
                            _("请求须注明内容长度（Content-Length）"))  # fmt: skip
        if length > smallest_limit():  # most requests (GETs, forms) stop at this comparison
            limit = route_limit(request.path_info)
            if length > limit:
                message = _too_large(length, limit, takes_file=limit != default_limit())
                return _refused(request, 413, "body_too_large", message, limit)
        return self.get_response(request)


#: What settings.BODY_LIMITS gives an upload's form beside the file's own limit.
FORM_ALLOWANCE = 2**20


def _too_large(length: int, limit: int, *, takes_file: bool) -> str:
    """The refusal, with the file's own limit where the route takes a file (a route of
    settings.BODY_LIMITS: its body limit less the form's allowance), so that it never seems to
    contradict the page's "2 MB"."""
    sizes = {"size": size_text(length), "limit": size_text(limit)}
    if takes_file and limit > 2 * FORM_ALLOWANCE:
        sizes["file_limit"] = size_text(limit - FORM_ALLOWANCE)
        return _("请求内容过大：此处最多接受 %(limit)s（此次 %(size)s；其中的文件以 %(file_limit)s "
                 "为限）") % sizes  # fmt: skip
    return _("请求内容过大：此处最多接受 %(limit)s（此次 %(size)s）") % sizes


def declared_length(request: HttpRequest) -> int | None:
    """The body's declared length; 0 for none (or one Django would read as none); None for a
    body that comes without a length."""
    text = str(request.META.get("CONTENT_LENGTH") or "")
    if not text:
        return None if request.META.get("HTTP_TRANSFER_ENCODING") else 0
    try:
        return max(0, int(text))
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot read


def smallest_limit() -> int:
    return min([default_limit(), *settings.BODY_LIMITS.values()])


def default_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440)


def route_limit(path: str) -> int:
    """The limit of the route ``path`` resolves to; the default for any other path."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        return default_limit()
    return int(settings.BODY_LIMITS.get(name, default_limit()))


def _refused(request: HttpRequest, status: int, code: str, message: str,
             limit: int | None = None) -> HttpResponse:  # fmt: skip
    if request.path.startswith("/api/"):
        return json_error(status, code, message, {"limit_bytes": limit} if limit else None)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
