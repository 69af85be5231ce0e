"""The API's refusals: a :class:`~hall.core.errors.HallError` answered by the hall's one
:func:`~hall.core.errors.respond`, and what ninja and Django refuse made into one first, so
that every error the API gives has the same body ``{"error": {"code", "message",
"details"}}``."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hall.core.errors import HallError, TooLarge, Unauthorised, respond
from hall.lookup import batch


def answer(request: HttpRequest, error: HallError) -> HttpResponse:
    """The error's body and status; a rate limit's answer says when to try again."""
    response = respond(request, error)
    if error.status == 429 and isinstance(error.details, dict) and "retry_after" in error.details:
        response["Retry-After"] = str(error.details["retry_after"])
    return response


def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    details = [{"loc": list(e.get("loc", [])), "message": str(e.get("msg", ""))}
               for e in error.errors]  # fmt: skip
    return answer(request, HallError(_("请求参数有误"), code="invalid_request", details=details))


def _unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    refused = Unauthorised(_("缺少有效的 API 密钥（X-API-Key）"))
    return answer(request, refused)


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """ninja's own refusals, in the hall's words: its messages are English for programmers
    ("Cannot parse request body", with Python's exception in DEBUG)."""
    words = {400: _("请求内容无法解析：应为 JSON"), 403: _("无权访问")}
    message = words.get(error.status_code, _("请求有误"))
    return answer(request, HallError(message, code="http_error", status=error.status_code))


def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = batch.MAX_PER_REQUEST
    message = _("请求过大：每次最多核验 %(limit)d 个编码") % {"limit": limit}
    return answer(request, TooLarge(message, details={"limit": limit}))


def install(api: NinjaAPI) -> None:
    """The handlers of ``api``: the hall's errors as they are, ninja's and Django's made one."""
    api.exception_handler(HallError)(answer)
    api.exception_handler(ValidationError)(_invalid)
    api.exception_handler(AuthenticationError)(_unauthorised)
    api.exception_handler(HttpError)(_http_error)
    api.exception_handler(RequestDataTooBig)(_too_big)
