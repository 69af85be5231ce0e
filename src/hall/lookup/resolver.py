"""GS1 Digital Link resolution (GS1 Digital Link standard: URI syntax 1.4 and the conformant
resolver's linkset, RFC 9264): ``/01/{gtin}`` with optional ``/22``, ``/10`` and ``/21``
qualifiers, at this hall's own address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from hall.core.errors import HallError
from hall.core.reasons import reason
from tiaoma import digital_link
from tiaoma.errors import TiaomaError

GS1 = "https://gs1.org/voc/"


class ResolverError(HallError):
    """A link the resolver cannot follow; ``code`` says why (the library's code for a bad
    number, or ``unsupported_key``)."""

    code = "unresolvable"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": str(self)}


@dataclass(frozen=True)
class Link:
    gtin: str
    batch: str | None
    serial: str | None
    element_string: str


def parse_request(request: HttpRequest) -> Link:
    """The request's path as a GS1 Digital Link URI, validated (check digit, AI formats,
    qualifier order) by the numbers library."""
    uri = request.build_absolute_uri(request.path)
    try:
        link = digital_link.parse(uri)
    except TiaomaError as error:
        raise ResolverError(reason(error), code=error.code) from error
    if link.primary_key.ai != "01":
        raise ResolverError(_("本解析器只解析 GTIN（AI 01）"), code="unsupported_key")
    qualifiers = {element.ai: element.value for element in link.qualifiers}
    return Link(link.primary_key.value, qualifiers.get("10"), qualifiers.get("21"),
                link.element_string())  # fmt: skip


def wants_json(request: HttpRequest) -> bool:
    """``linkType=all``, or an Accept header that prefers JSON to HTML."""
    return wants_json_by(request.META.get("QUERY_STRING", ""), request.headers.get("Accept", ""))


def wants_json_by(query_string: str, accept: str) -> bool:
    """:func:`wants_json` from the query string and the Accept header as they came (the lean
    path decides on them before Django makes a request)."""
    if QueryDict(query_string).get("linkType") == "all":
        return True
    json_at = min((accept.find(t) for t in ("application/json", "application/linkset+json")
                   if t in accept), default=-1)  # fmt: skip
    return json_at >= 0 and ("text/html" not in accept or json_at < accept.find("text/html"))


def linkset(request: HttpRequest, link: Link, answer: dict[str, Any]) -> dict[str, Any]:
    """The links this resolver knows for the GTIN: the product page (default and pip) and
    the master data as JSON."""
    page = request.build_absolute_uri(reverse("lookup:gtin") + "?q=" + quote(link.gtin))
    data = request.build_absolute_uri(f"/api/v1/gtins/{link.gtin}")
    product = answer.get("product") or {}
    title = product.get("name") or answer.get("message", "")
    html = {"href": page, "title": title, "type": "text/html", "hreflang": ["zh", "en"]}
    entry: dict[str, Any] = {
        "anchor": request.build_absolute_uri(request.path),
        "itemDescription": title,
        f"{GS1}defaultLink": [html],
        f"{GS1}pip": [html],
        f"{GS1}masterData": [{"href": data, "title": title, "type": "application/json"}],
    }
    return {"linkset": [entry], "elementString": link.element_string}
