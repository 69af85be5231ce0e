"""Caching headers for answers asked for again and again: an ``ETag`` with conditional GET
(``If-None-Match`` answered 304 Not Modified, no body), and a ``Cache-Control`` that says who
may keep a copy.

- :data:`PUBLIC`: the public query's JSON answers, the resolver's linksets and filed products'
  pictures. Any cache (a CDN, nginx, the client's) may keep a 200 but must ask again before
  each use (``no-cache``): the query's answers are never older than the last change
  (hall.lookup.answers), and a copy kept for minutes would be; asking again with its ETag
  costs a 304 without a body. Errors and refusals (400, 404, 429) are never kept, nor an
  answer that sets a cookie. Answers in words vary on ``Cookie``: the language is the
  visitor's cookie (hall.core.middleware).
- :data:`PRIVATE`: a member's own files (barcode artwork): the member's browser only, which may
  keep them an hour, varying on ``Cookie`` so that the next person at the same browser asks.
- :data:`REVALIDATED`: the query's HTML pages, which carry the visitor's CSRF token (the
  language switch is a form) and renew its cookie: no shared cache may keep them, and the
  browser asks each time, getting a 304 while the page it has is still the page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

__all__ = ["PRIVATE", "PUBLIC", "PUBLIC_FILE", "REVALIDATED", "Policy", "cached",
           "digest", "page", "page_etag", "public", "unchanged"]  # fmt: skip

#: How long a member's browser keeps the member's artwork without asking.
PRIVATE_SECONDS = 3600


@dataclass(frozen=True)
class Policy:
    """Who may keep a copy and for how long (``patch_cache_control``'s directives), and the
    request headers the answer varies on."""

    directives: dict[str, Any] = field(default_factory=dict)
    vary: tuple[str, ...] = ()

    @property
    def shared(self) -> bool:
        return bool(self.directives.get("public"))

    @property
    def cache_control(self) -> str:
        """The directives as ``patch_cache_control`` writes them."""
        words = (name.replace("_", "-") + ("" if value is True else f"={value}")
                 for name, value in self.directives.items())  # fmt: skip
        return ", ".join(words)


PUBLIC = Policy({"public": True, "no_cache": True}, ("Cookie",))
#: A public file that holds no words: the same for every language.
PUBLIC_FILE = Policy({"public": True, "no_cache": True})
PRIVATE = Policy({"private": True, "max_age": PRIVATE_SECONDS}, ("Cookie",))
REVALIDATED = Policy({"private": True, "no_cache": True}, ("Cookie",))


def digest(*parts: object) -> str:
    """An ETag's value: a hash of what the answer is made from (bytes as they are, anything
    else as its text)."""
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update(part if isinstance(part, bytes) else str(part).encode())
        hashed.update(b"\x1f")
    return hashed.hexdigest()


#: The request headers that make a GET conditional.
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
               "HTTP_IF_UNMODIFIED_SINCE")  # fmt: skip


def _headed(response: HttpResponseBase, policy: Policy, etag: str) -> None:
    # The busiest answers (a GTIN looked up) carry neither header yet: written at once, not
    # parsed and merged by Django's patch_* functions (17 µs an answer with its ETag, not 27).
    if "Cache-Control" in response:
        patch_cache_control(response, **policy.directives)
    else:
        response["Cache-Control"] = policy.cache_control
    if policy.vary and "Vary" in response:
        patch_vary_headers(response, policy.vary)
    elif policy.vary:
        response["Vary"] = ", ".join(policy.vary)
    response["ETag"] = quote_etag(etag)


def _conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A 304 (or a 412) for a conditional request the answer meets, else the answer."""
    if not any(name in request.META for name in _CONDITIONS):
        return response
    # Django reads only the answer's status and headers (its stubs want an HttpResponse).
    conditional = get_conditional_response(request, etag=response["ETag"],
                                           response=cast(HttpResponse, response))  # fmt: skip
    return response if conditional is None else conditional


def unchanged(request: HttpRequest, policy: Policy, etag: str) -> HttpResponseBase | None:
    """A 304 with the policy's headers when the client holds ``etag`` (asked before the answer
    is made: a file not read, artwork not drawn); None when the answer must be made."""
    stub = HttpResponse()
    _headed(stub, policy, etag)
    answer = _conditional(request, stub)
    return None if answer is stub else answer


def cached(request: HttpRequest, response: HttpResponseBase, policy: Policy,
           etag: str | None = None) -> HttpResponseBase:  # fmt: skip
    """``response`` with the policy's headers and its ETag (``etag``, else its content's hash),
    or a 304 when the client holds that ETag. Only a 200 is kept; a shared cache never gets an
    answer that sets a cookie (it becomes the browser's alone)."""
    if response.status_code != 200:
        return response
    if policy.shared and response.cookies:
        policy = Policy({"private": True, "no_cache": True}, policy.vary)
    if etag is None:
        if response.streaming or not isinstance(response, HttpResponse):
            raise ValueError("a streamed answer needs its ETag given")
        etag = digest(response.content)
    _headed(response, policy, etag)
    return _conditional(request, response)


#: The CSRF token in a page's forms: masked afresh for each page, from the same secret.
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def page_etag(request: HttpRequest, response: HttpResponse) -> str:
    """A page's ETag: its content without the CSRF tokens' masks, and the CSRF secret they are
    masked from, so that a page kept by the browser is only reused while its forms work."""
    content = _CSRF_INPUT.sub(b"", response.content)
    return digest(content, request.META.get("CSRF_COOKIE", ""))


def page(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A page of the public query (:data:`REVALIDATED`, :func:`page_etag`): 304 while the
    browser's copy is the page."""
    if response.status_code != 200 or not isinstance(response, HttpResponse):
        return response
    return cached(request, response, REVALIDATED, page_etag(request, response))


def public(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view (or, through ninja's ``decorate_view``, an API operation) whose 200 answers any
    cache may keep (:data:`PUBLIC`), with their ETag and 304."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return cached(request, view(request, *args, **kwargs), PUBLIC)

    return wrapper
