"""WSGI applications that show what this machine allows a Python lookup, served like the hall
and driven by the same load: one only answers; one answers with the peer's own query
(pgbench's single-row select by a random id, prepared, on one connection per thread) and
nothing of the hall (on the hall's DATABASE_URL): no Python lookup that asks the database can
beat it; one answers after a single GET from Redis (the hall's HALL_CACHE_URL, through
redis-py as the hall's cache does): no cached answer that is checked against Redis on every
lookup, as an answer never older than the last change must be, can beat it; one makes that
Redis call and runs the hall's own lookup statement: no lookup that counts its client against
a shared rate limit and then asks the database (a miss) can beat it."""

from __future__ import annotations

import json
import os
import random
import threading
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
import redis

from tiaoma import checksum

#: About the size of a real lookup's answer.
BODY = b'{"query": "06930000000017", "registered": true, "padding": "' + b"x" * 1500 + b'"}'
HEADERS = [("Content-Type", "application/json")]
StartResponse = Callable[..., Any]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(BODY)))])
    return [BODY]


_local = threading.local()
_HIGHEST = int(os.environ.get("TIAOMA_BENCH_PRODUCTS", "10000000"))
#: The generated products' numbering (bench/hall.py's FIRST_PREFIX and PER_PREFIX).
_FIRST_PREFIX, _PER_PREFIX = 6_930_000, 100_000


def _cursor() -> psycopg.Cursor[Any]:
    if not hasattr(_local, "cursor"):
        connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        _local.cursor = psycopg.Cursor(connection)
    cursor: psycopg.Cursor[Any] = _local.cursor
    return cursor


def select_application(environ: dict[str, Any],
                       start_response: StartResponse) -> Iterable[bytes]:  # fmt: skip
    row = _cursor().execute("SELECT id, gtin, name, status FROM products_product WHERE id = %s",
                            [random.randint(1, _HIGHEST)], prepare=True).fetchone()  # fmt: skip
    body = json.dumps({"row": row}).encode()
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
    return [body]


_redis_local = threading.local()


def redis_application(environ: dict[str, Any],
                      start_response: StartResponse) -> Iterable[bytes]:  # fmt: skip
    if not hasattr(_redis_local, "client"):
        _redis_local.client = redis.Redis.from_url(os.environ["HALL_CACHE_URL"])
    _redis_local.client.get("tiaoma:ceiling")
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(BODY)))])
    return [BODY]


def redis_lookup_application(environ: dict[str, Any],
                             start_response: StartResponse) -> Iterable[bytes]:  # fmt: skip
    """One Redis call and the hall's own lookup statement (``TIAOMA_BENCH_LOOKUP_SQL``, as
    hall.lookup.services runs it) for a random generated GTIN: the least a miss costs that is
    counted against a shared rate limit and answers all the query must."""
    if not hasattr(_redis_local, "client"):
        _redis_local.client = redis.Redis.from_url(os.environ["HALL_CACHE_URL"])
    _redis_local.client.get("tiaoma:ceiling")
    n = random.randrange(_HIGHEST)
    body = f"{_FIRST_PREFIX + n // _PER_PREFIX:07d}{n % _PER_PREFIX:05d}"
    gtin = "0" + body + checksum.calc_check_digit(body)
    row = _cursor().execute(os.environ["TIAOMA_BENCH_LOOKUP_SQL"], {"gtin": gtin},
                            prepare=True).fetchone()  # fmt: skip
    answer = json.dumps({"row": row}, default=str).encode()
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(answer)))])
    return [answer]
