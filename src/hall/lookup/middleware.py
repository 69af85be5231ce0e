"""One error format everywhere in the API: what Django answers by itself under ``/api/`` (an
unknown path, a method the endpoint does not take) becomes the API's JSON error too; a request
that carries a NUL character (which no name, number or text of the hall may hold, and which
PostgreSQL refuses to store or compare) is refused with it before any endpoint sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 500: "server_error"}


class ApiErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _holds_nul(request):
            return _json_error(400, "invalid_request", _("请求中含有无效的 NUL 字符"))
        response = self.get_response(request)
        if (not request.path.startswith("/api/") or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):  # fmt: skip
            return response
        code = CODES.get(response.status_code, f"http_{response.status_code}")
        messages = {404: _("没有这个接口"), 405: _("此接口不接受 %(method)s 请求")
                    % {"method": request.method}}  # fmt: skip
        replaced = _json_error(response.status_code, code,
                               messages.get(response.status_code, code))  # fmt: skip
        if "Allow" in response:
            replaced["Allow"] = response["Allow"]
        return replaced


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "details": None}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _holds_nul(request: HttpRequest) -> bool:
    """A NUL in the query string or in a JSON body (where it is written \\u0000; uploaded
    files may hold any byte and are not looked at)."""
    if any("\x00" in key or any("\x00" in value for value in values)
           for key, values in request.GET.lists()):  # fmt: skip
        return True
    if request.content_type != "application/json":
        return False
    try:
        return b"\\u0000" in request.body
    except RequestDataTooBig:  # the endpoint answers that one, with its limit
        return False
