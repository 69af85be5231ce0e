"""Rate limits for the public query and the API: so many requests a minute per client address
and per API key, counted in the cache (Redis at scale, shared by every app server) in fixed
one-minute windows. Reasonable use never meets a captcha; a flood gets 429 and a retry time.

With the cache away (Redis down) the limits fail open: the query and the API keep answering,
uncounted, and a warning is logged once a minute until the cache is back."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from hall.core.clients import client_address

WINDOW_SECONDS = 60
logger = logging.getLogger("hall.limits")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def spend(bucket: str, limit: int, cost: int = 1) -> Verdict:
    """Count ``cost`` requests against ``bucket``; refused once the minute's ``limit`` is spent."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"rate:{bucket}:{window}"
    retry = int((window + 1) * WINDOW_SECONDS - now) + 1
    try:
        used = _counted(key, cost)
    except Exception as error:  # the cache's client errors (django-redis: ConnectionInterrupted)
        _warn_unavailable(now, error)
        return Verdict(True, limit, limit, retry)
    return Verdict(used <= limit, limit, max(0, limit - used), retry)


_last_warning = [0.0]


def _warn_unavailable(now: float, error: Exception) -> None:
    """A refused limit would refuse everyone: let requests through, and say so (once a minute)."""
    if now - _last_warning[0] >= WINDOW_SECONDS:
        _last_warning[0] = now
        logger.warning("rate limits are not counted: the cache is unavailable (%s)", error)


def _counted(key: str, cost: int) -> int:
    """The window's count after adding ``cost``: one call to the cache (a round trip to Redis)
    for every request but the window's first."""
    try:
        return cache.incr(key, cost)
    except ValueError:  # the window's first request: no key yet
        pass
    if cache.add(key, cost, WINDOW_SECONDS + 5):
        return cost
    try:
        return cache.incr(key, cost)  # another request made the key first
    except ValueError:  # ... and it expired at once
        cache.set(key, cost, WINDOW_SECONDS + 5)
        return cost


def for_address(request: HttpRequest, cost: int = 1, *, bucket: str = "address",
                limit: int | None = None) -> Verdict:  # fmt: skip
    """The real client's (hall.core.clients) requests a minute: the public query's by default."""
    address = client_address(request) or "unknown"
    per_minute = settings.RATE_LIMITS["address_per_minute"] if limit is None else limit
    return spend(f"{bucket}:{address}", per_minute, cost)


def for_key(key_id: int, limit: int, cost: int = 1) -> Verdict:
    return spend(f"key:{key_id}", limit, cost)


def key_limit() -> int:
    return int(settings.RATE_LIMITS["key_per_minute"])
