"""Rate limits for the public query and the API: so many requests a minute per client address
and per API key, counted in the cache (Redis at scale, shared by every app server) in fixed
one-minute windows. Reasonable use never meets a captcha; a flood gets 429 and a retry time.

With the cache away (Redis down) the limits fail open: the query and the API keep answering,
uncounted, and a warning is logged once a minute until the cache is back."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hall.core.clients import client_address, client_network
from hall.core.errors import RateLimited

WINDOW_SECONDS = 60
logger = logging.getLogger("hall.limits")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


@dataclass(frozen=True)
class Charge:
    """A request's count against a bucket in this minute's window, before it is counted."""

    key: str
    limit: int
    cost: int
    retry_after: int

    def verdict(self, used: int) -> Verdict:
        return Verdict(used <= self.limit, self.limit, max(0, self.limit - used), self.retry_after)


def charge(bucket: str, limit: int, cost: int = 1) -> Charge:
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    return Charge(f"rate:{bucket}:{window}", limit, cost,
                  int((window + 1) * WINDOW_SECONDS - now) + 1)  # fmt: skip


def spend(bucket: str, limit: int, cost: int = 1) -> Verdict:
    """Count ``cost`` requests against ``bucket``; refused once the minute's ``limit`` is spent."""
    return settle(charge(bucket, limit, cost))


def settle(owed: Charge) -> Verdict:
    """Count a charge now (one round trip to Redis)."""
    try:
        used = _counted(owed)
    except Exception as error:  # the cache's client errors (django-redis: ConnectionInterrupted)
        return unavailable(owed, error)
    return owed.verdict(used)


def unavailable(owed: Charge, error: Exception) -> Verdict:
    """A refused limit would refuse everyone: let requests through, and say so (once a minute)."""
    now = time.time()
    if now - _last_warning[0] >= WINDOW_SECONDS:
        _last_warning[0] = now
        logger.warning("rate limits are not counted: the cache is unavailable (%s)", error)
    return Verdict(True, owed.limit, owed.limit, owed.retry_after)


_last_warning = [0.0]


def redis_client() -> Any | None:
    """The raw Redis client of the cache (django-redis), or None for another cache."""
    if not hasattr(cache, "client") or not hasattr(cache.client, "get_client"):
        return None
    return cache.client.get_client(write=True)


def counted_by(owed: Charge) -> tuple[str, int, int]:
    """What counts a charge in Redis, for a caller that sends it with commands of its own
    (the lookup's one script): INCRBY the key by the cost, then EXPIRE it after the window
    unless it has a time to live already. The count it returns goes to
    :meth:`Charge.verdict`."""
    return cache.make_key(owed.key), owed.cost, WINDOW_SECONDS + 5


def queue(pipeline: Any, owed: Charge) -> None:
    """Add the charge's count to a Redis pipeline (:func:`counted_by`'s two commands)."""
    key, cost, seconds = counted_by(owed)
    pipeline.incrby(key, cost)
    pipeline.expire(key, seconds, nx=True)


def _counted(owed: Charge) -> int:
    """The window's count after adding the charge: one round trip to Redis; through the cache's
    own calls for another cache (development's per-process one)."""
    client = redis_client()
    if client is not None:
        pipeline = client.pipeline(transaction=False)
        queue(pipeline, owed)
        return int(pipeline.execute()[0])
    try:
        return cache.incr(owed.key, owed.cost)
    except ValueError:  # the window's first request: no key yet
        pass
    if cache.add(owed.key, owed.cost, WINDOW_SECONDS + 5):
        return owed.cost
    try:
        return cache.incr(owed.key, owed.cost)  # another request made the key first
    except ValueError:  # ... and it expired at once
        cache.set(owed.key, owed.cost, WINDOW_SECONDS + 5)
        return owed.cost


def refusal(verdict: Verdict) -> RateLimited:
    """The refusal of a request over its limit, saying the limit and when to try again."""
    return RateLimited(
        _("请求过于频繁：每分钟最多 %(limit)d 次") % {"limit": verdict.limit},
        details={"limit": verdict.limit, "retry_after": verdict.retry_after},
    )


def address_charge(request: HttpRequest, cost: int = 1, *, bucket: str = "address",
                   limit: int | None = None) -> Charge:  # fmt: skip
    """The real client's (hall.core.clients) charge: the public query's by default."""
    address = client_network(client_address(request) or "unknown")
    per_minute = settings.RATE_LIMITS["address_per_minute"] if limit is None else limit
    return charge(f"{bucket}:{address}", per_minute, cost)


def for_address(request: HttpRequest, cost: int = 1, *, bucket: str = "address",
                limit: int | None = None) -> Verdict:  # fmt: skip
    """The real client's requests a minute: the public query's by default."""
    return settle(address_charge(request, cost, bucket=bucket, limit=limit))


def for_key(key_id: int, limit: int, cost: int = 1) -> Verdict:
    return spend(f"key:{key_id}", limit, cost)


def key_limit() -> int:
    return int(settings.RATE_LIMITS["key_per_minute"])
