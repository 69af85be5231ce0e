"""The public lookups (商品条码查询): a GTIN, a company prefix, a certificate, the members by
name and the published register. No key needed; a key raises the limit.

Their answers are public: any cache may keep a 200 but must ask again before using it, and a
client that sends the ETag it holds gets 304 (hall.core.httpcache); the answers are never
older than the last change (hall.lookup.answers).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from ninja import P, PathEx, QueryEx, Router
from ninja.decorators import decorate_view

from hall.api.errors import answer
from hall.api.keys import spend
from hall.api.schemas import (
    CertificateCheck,
    CompaniesOut,
    GtinAnswer,
    PrefixAnswer,
    RegisterOut,
    refusals,
)
from hall.core import limits
from hall.core.errors import HallError, NotFound
from hall.core.httpcache import public
from hall.lookup import services

router = Router(tags=["lookup"])

# The parameters, described, with examples that find the sample member of the tests and docs.
Gtin = PathEx[str, P(description="A GTIN of 8, 12, 13 or 14 digits.", example="6921234500019")]
Prefix = PathEx[str, P(description="A company prefix, 6 to 12 digits.", example="69212345")]
Certificate = QueryEx[str, P(description="The certificate number (系统成员证书编号), whole or "
                             "its digits.", example="物编注字第100001号")]  # fmt: skip
CompanyName = QueryEx[str, P(description="The company's name as on the certificate.",
                             example="杭州示例食品有限公司")]  # fmt: skip
NamePart = QueryEx[str, P(description="Part of a member's name, two characters at least.",
                          example="杭州示例")]  # fmt: skip
KINDS = ", ".join(services.register_kinds())  # the URLs load once the kinds are registered
#: What the OpenAPI description says of every lookup's caching (hall.core.httpcache).
NOT_MODIFIED = ("Not Modified: the answer is still the one whose ETag was sent in "
                "If-None-Match. Every 200 carries its ETag and Cache-Control: public, no-cache "
                "(a cache asks again before each use: an answer is never older than the last "
                "change).")  # fmt: skip
CACHED = {"responses": {304: {"description": NOT_MODIFIED}}}
RegisterKind = QueryEx[str, P(description=f"One kind of business only (all if not given): "
                              f"{KINDS}.", example="renewal")]  # fmt: skip


@router.get("/gtins/{gtin}", response={200: GtinAnswer, **refusals(400, 401, 404, 429)},
            openapi_extra=CACHED)  # fmt: skip
@decorate_view(public)
def gtin_lookup(request: HttpRequest, gtin: Gtin) -> HttpResponse:
    """Is the GTIN well formed, who issued its prefix, which member holds it, which product."""
    status, body = _gtin_answer(request, gtin)
    if status == services.OK:  # the busiest path: GtinAnswer describes it, unchecked
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    raise refused(json.loads(body))


#: The WSGI environ's key under which the lean path hands over the answer (or the exception)
#: it got for this request's GTIN, already counted against the limit (hall.api.lean). No
#: header can name it: a client's headers are ``HTTP_`` keys.
HANDED_OVER = "hall.lookup.answered"


def _gtin_answer(request: HttpRequest, gtin: str) -> tuple[int, bytes]:
    handed = request.META.get(HANDED_OVER)
    if isinstance(handed, BaseException):
        raise handed
    if handed is not None:
        answered: tuple[int, bytes] = handed
        return answered
    if request.headers.get("X-API-Key"):
        spend(request)  # the key's own limit, once the key is found
        return services.gtin_answer(gtin)
    # The address's limit, counted with the answer's tokens: one round trip to Redis.
    return services.gtin_answer(gtin, limits.address_charge(request))


def refused(found: dict[str, Any]) -> HallError:
    """The refusal of a GTIN that is malformed (the library's reason) or not registered (what
    its prefix says)."""
    if not found["well_formed"]:
        error = found["error"]
        return HallError(error["message"], code=error["code"])
    return NotFound(found["message"], code="not_registered",
                    details={"structure": found["structure"]})  # fmt: skip


@csrf_exempt  # as the API's own routes: no cookie authenticates it, and it changes nothing
@require_GET
@public
def gtin_lookup_route(request: HttpRequest, gtin: str) -> HttpResponse:
    """The route Django serves for :func:`gtin_lookup` (hall.urls, ahead of the API's own):
    the same function and errors without ninja's per-request work, which the busiest path of
    the API does not need (a path parameter that is any text, no key required, its answer
    already JSON). ninja still describes it in the OpenAPI document."""
    try:
        return gtin_lookup(request, gtin)
    except HallError as error:
        return answer(request, error)


@router.get("/prefixes/{prefix}", response={200: PrefixAnswer, **refusals(400, 401, 404, 429)},
            openapi_extra=CACHED)  # fmt: skip
@decorate_view(public)
def prefix_lookup(request: HttpRequest, prefix: Prefix) -> Any:
    """The member that holds a company prefix."""
    spend(request)
    found = services.lookup_prefix(prefix)
    if not found["well_formed"]:
        raise HallError(found["error"]["message"], code=found["error"]["code"])
    if not found["registered"]:
        raise NotFound(_("未注册：此厂商识别代码不在本系统的注册记录中"), code="not_registered")
    return found


@router.get("/certificates/check", response={200: CertificateCheck, **refusals(400, 401, 429)},
            openapi_extra=CACHED)  # fmt: skip
@decorate_view(public)
def certificate_check(request: HttpRequest, number: Certificate,
                      company: CompanyName) -> Any:  # fmt: skip
    """Is the certificate genuine and valid? The number and the company's name must match."""
    spend(request)
    return services.check_certificate(number, company)


@router.get("/companies", response={200: CompaniesOut, **refusals(400, 401, 429)},
            openapi_extra=CACHED)  # fmt: skip
@decorate_view(public)
def companies(request: HttpRequest, q: NamePart) -> Any:
    """Members whose name contains ``q`` (two characters at least)."""
    spend(request)
    if len(q.strip()) < 2:
        raise HallError(_("请至少输入两个字"), code="query_too_short")
    return {"results": services.search_members(q)}


@router.get("/register", response={200: RegisterOut, **refusals(400, 401, 429)},
            openapi_extra=CACHED)  # fmt: skip
@decorate_view(public)
def register(request: HttpRequest, kind: RegisterKind = "") -> Any:
    """The published register of approved business, newest first; ``kind`` one of them."""
    spend(request)
    if kind and kind not in services.register_kinds():
        known = [str(value) for value in services.register_kinds()]
        message = _("没有这种业务类型：%(kind)s（可选：%(kinds)s）")
        raise HallError(message % {"kind": kind[:40], "kinds": ", ".join(known)},
                        code="unknown_kind", details={"kinds": known})  # fmt: skip
    return {"results": services.register(kind)}
