"""One error format everywhere in the API: what Django answers by itself under ``/api/`` (an
unknown path, a method the endpoint does not take) becomes the API's JSON error too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

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


def json_error(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    """The API's one error shape, for the API's own errors and for Django's answers alike."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
