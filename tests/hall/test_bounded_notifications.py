"""Refused payment notifications are written down in bounded form and limited per client
address (issue 19, part 6): the attack stored 48 MB of them in 2 s. Each case is timed and its
memory measured; what was written is counted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from hall.payments.models import Notification
from hall.payments.notifications import KEPT_CHARS, REFUSED_PER_MINUTE
from tests.hall.bounded import MB, measured
from tests.hall.windows import start_early_in_a_window

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/notify/sandbox/"
#: Just under the route's 64 KB body limit: the most a notification can bring.
JUNK = "x" * (60 * 1024)


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    Client().get("/query/")  # the URLs loaded: the measures are of notifications
    cache.clear()  # the rate limits' counts: each test starts a minute of its own
    yield
    cache.clear()


def _stored_bytes() -> int:
    """What the rows hold, as the JSON text each body is (the same on SQLite and PostgreSQL)."""
    bodies = Notification.objects.values_list("body", flat=True)
    return sum(len(json.dumps(body, ensure_ascii=False).encode()) for body in bodies)


def test_a_refused_notification_is_kept_cut_with_the_hash_of_the_whole() -> None:
    body = f"out_trade_no=X1&sign=forged&note={JUNK}".encode()
    with measured() as cost:
        response = Client().post(NOTIFY, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code != 413
    kept = Notification.objects.get().body
    assert kept["bytes"] == len(body)
    assert kept["sha256"] == hashlib.sha256(body).hexdigest()
    assert kept["fields"]["out_trade_no"] == "X1"
    assert sum(len(k) + len(v) for k, v in kept["fields"].items()) == KEPT_CHARS
    assert len(json.dumps(kept)) < KEPT_CHARS + 512
    assert cost.within(2.0, 10 * MB), cost


def test_a_body_that_is_not_fields_is_kept_cut() -> None:
    body = json.dumps({"resource": {"ciphertext": JUNK}}).encode()  # not flat: kept as text
    Client().post(NOTIFY, body, content_type="application/json",
                  HTTP_WECHATPAY_SIGNATURE="s" * 4000)  # fmt: skip
    kept = Notification.objects.get().body
    assert len(kept["body"]) == KEPT_CHARS
    assert kept["headers"] == {}  # the sandbox signs its fields: no header is its signature
    assert kept["sha256"] == hashlib.sha256(body).hexdigest()


def test_an_address_that_keeps_being_refused_is_answered_429_unread() -> None:
    """The attack's flood: 200 notifications of 60 KB from one address in a burst."""
    start_early_in_a_window()
    flood = Client(REMOTE_ADDR="203.0.113.9")
    with measured() as cost:
        posted = [flood.post(NOTIFY, {"out_trade_no": "X1", "sign": "bad", "note": JUNK})
                  for _ in range(200)]  # fmt: skip
    statuses = [response.status_code for response in posted]
    assert statuses.count(429) == 200 - REFUSED_PER_MINUTE
    assert Notification.objects.count() == REFUSED_PER_MINUTE
    assert _stored_bytes() < REFUSED_PER_MINUTE * (KEPT_CHARS + 512)  # was 200 × 60 KB
    limited = flood.post(NOTIFY, {"out_trade_no": "X1"})
    assert 0 < int(limited["Retry-After"]) <= 61
    assert "请求过于频繁" in limited.content.decode()
    assert cost.within(5.0, 50 * MB), cost
    other = Client(REMOTE_ADDR="198.51.100.7").post(NOTIFY, {"out_trade_no": "X2", "sign": "bad"})
    assert other.status_code != 429  # another address has its own count
    assert Notification.objects.count() == REFUSED_PER_MINUTE + 1


def test_a_forged_proxy_header_does_not_spread_the_count() -> None:
    """X-Forwarded-For is believed only from the trusted proxies (hall.core.clients): a flood cannot
    give each notification an address of its own."""
    start_early_in_a_window()
    for number in range(REFUSED_PER_MINUTE + 5):
        Client(REMOTE_ADDR="203.0.113.10",
               HTTP_X_FORWARDED_FOR=f"10.0.0.{number}").post(NOTIFY, {"sign": "bad"})  # fmt: skip
    assert Notification.objects.count() == REFUSED_PER_MINUTE
