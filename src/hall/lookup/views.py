"""The public query pages (no login) and the GS1 Digital Link resolver.

Asked again and again, they say when nothing changed (hall.core.httpcache): the pages, which
carry the visitor's CSRF token, are the browser's own and answer 304 while unchanged; the
resolver's linksets and the products' pictures may be kept by any cache, which asks again
before each use (no answer older than the last change).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from hall.core import httpcache, limits
from hall.core.errors import json_error
from hall.core.replicas import reading
from hall.lookup import resolver, services
from hall.members.certificates import certificate_from
from hall.products.models import Product

View = Callable[..., HttpResponseBase]
#: A photo of a barcode: phones take 12-megapixel pictures of 3-6 MB.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
#: Photos read a minute per client address, on top of the query's own limit: reading one
#: may cost seconds of CPU (zxing-cpp on a crafted 16-million-pixel image: 9 s).
PHOTOS_PER_MINUTE = 10


def rate_limited(view: View) -> View:
    """Refuse a client address that has spent its minute's requests, with a 429 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        verdict = limits.for_address(request)
        if not verdict.allowed:
            return _limited(request, verdict)
        return view(request, *args, **kwargs)

    return wrapper


def _limited(request: HttpRequest, verdict: limits.Verdict) -> HttpResponse:
    response: HttpResponse
    if request.path_info.startswith("/01/") and resolver.wants_json(request):  # a machine's
        refused = limits.refusal(verdict)
        response = json_error(429, refused.code, refused.message, refused.details)
    else:
        response = render(request, "lookup/limited.html", {"verdict": verdict}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def revalidated(view: View) -> View:
    """A page the browser keeps but asks about each time: 304 while it is unchanged."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return httpcache.page(request, view(request, *args, **kwargs))

    return wrapper


@require_GET
@revalidated
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "lookup/index.html", {"kinds": _register_kinds()})


def _register_kinds() -> list[tuple[str, str]]:
    return [(str(kind.value), str(kind.label)) for kind in services.register_kinds()]


def _answer_page(request: HttpRequest, lookup: Callable[[str], dict[str, Any]],
                 template: str) -> HttpResponse:  # fmt: skip
    """The ``q`` looked up; a malformed one answers 400 with the reason on the page."""
    query = request.GET.get("q", "").strip()
    answer = lookup(query) if query else None
    status = 400 if answer and not answer["well_formed"] else 200
    return render(request, template, {"answer": answer, "query": query}, status=status)


@require_GET
@revalidated
@rate_limited
def gtin_page(request: HttpRequest) -> HttpResponse:
    return _answer_page(request, services.lookup_gtin, "lookup/gtin.html")


@require_GET
@revalidated
@rate_limited
def prefix_page(request: HttpRequest) -> HttpResponse:
    return _answer_page(request, services.lookup_prefix, "lookup/prefix.html")


@require_GET
@revalidated
@rate_limited
def certificate_page(request: HttpRequest, number: str = "") -> HttpResponse:
    number = request.GET.get("number", number).strip()
    company = request.GET.get("company", "").strip()
    answer = services.check_certificate(number, company) if number and company else None
    context = {"answer": answer, "number": number, "company": company}
    return render(request, "lookup/certificate.html", context)


@require_GET
@revalidated
@rate_limited
def signed_certificate_page(request: HttpRequest, token: str) -> HttpResponse:
    """Where a certificate's QR code leads: genuine or not, valid or not, and whose, at once."""
    try:
        signed = certificate_from(token)
    except signing.BadSignature:
        answer = services.forged_certificate()
    else:
        answer = services.check_signed_certificate(signed.number, signed.edition)
    return render(request, "lookup/certificate_signed.html", {"answer": answer})


@require_GET
@revalidated
@rate_limited
def companies_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = services.search_members(query) if query else []
    context = {"members": found, "query": query, "too_short": bool(query) and len(query) < 2}
    return render(request, "lookup/companies.html", context)


@require_GET
@revalidated
@rate_limited
def register_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    context = {"entries": services.register(kind), "kind": kind, "kinds": _register_kinds()}
    return render(request, "lookup/register.html", context)


@require_http_methods(["GET", "POST"])
@rate_limited
def photo_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        verdict = limits.for_address(request, bucket="photo", limit=PHOTOS_PER_MINUTE)
        if not verdict.allowed:
            return _limited(request, verdict)
        upload = request.FILES.get("photo")
        data = upload.read(MAX_PHOTO_BYTES + 1) if upload else b""
        try:
            size = max(upload.size or 0, len(data)) if upload else 0
            context["answers"] = services.lookup_photo(data, limit=MAX_PHOTO_BYTES, size=size)
        except services.PhotoError as error:
            context["error"], status = str(error), 400
    return render(request, "lookup/photo.html", context, status=status)


@require_GET
def product_image(request: HttpRequest, gtin: str) -> HttpResponseBase:
    """A filed product's picture (drafts are not public). A new picture is a new file name
    (the storage never overwrites), so the name is its ETag: a 304 opens no file."""
    product = (Product.objects.using(reading())
               .filter(gtin=gtin.zfill(14)[-14:], superseded=False,
                       status__in=services.PUBLIC_STATUSES).first())  # fmt: skip
    if product is None or not product.image:
        raise Http404
    etag = httpcache.digest(product.image.name)
    if (answer := httpcache.unchanged(request, httpcache.PUBLIC_FILE, etag)) is not None:
        return answer
    response = FileResponse(product.image.open("rb"), content_type="image/png")
    return httpcache.cached(request, response, httpcache.PUBLIC_FILE, etag)


@require_GET
@rate_limited
def resolve(request: HttpRequest, path: str) -> HttpResponseBase:
    """GS1 Digital Link: ``/01/{gtin}[/10/{batch}][/21/{serial}]``: the product page for a
    browser, the linkset (linkType=all) as JSON for a machine (content negotiation)."""
    try:
        link = resolver.parse_request(request)
    except resolver.ResolverError as error:
        return _resolver_answer(request, {"error": error.as_dict()}, status=400)
    answer = services.lookup_gtin(link.gtin)
    linkset = resolver.linkset(request, link, answer)
    if answer["product"] is None and not answer["registered"]:
        return _resolver_answer(request, {"error": {"code": "not_registered",
                                                    "message": answer["message"]}},
                                status=404, link=link, answer=answer)  # fmt: skip
    return _resolver_answer(request, linkset, link=link, answer=answer)


def _resolver_answer(request: HttpRequest, body: dict[str, Any], *, status: int = 200,
                     link: resolver.Link | None = None,
                     answer: dict[str, Any] | None = None) -> HttpResponseBase:  # fmt: skip
    response: HttpResponse
    wants_json = resolver.wants_json(request)
    if wants_json:
        content_type = "application/linkset+json" if "linkset" in body else "application/json"
        response = JsonResponse(body, status=status, content_type=content_type,
                                json_dumps_params={"ensure_ascii": False})  # fmt: skip
    else:
        context = {"answer": answer, "link": link, "error": body.get("error"),
                   "query": link.gtin if link else ""}  # fmt: skip
        response = render(request, "lookup/gtin.html", context, status=status)
    response["Vary"] = "Accept"
    if "linkset" in body:
        response["Link"] = f'<{request.build_absolute_uri()}>; rel="owl:sameAs"'
    if wants_json:
        return httpcache.cached(request, response, httpcache.PUBLIC)
    return httpcache.page(request, response)
