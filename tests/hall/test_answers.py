"""The public query's cached answers in one process (hall.lookup.answers): kept after the
first lookup, made again at once after a change, from the primary while a change is in
flight, and from the database when Redis is away. The same seen from other processes, and
under a minute of concurrent changes: tests/hall/test_answers_processes.py."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import redis
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from hall.lookup import answers
from hall.lookup import services as lookup
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.products.models import Product
from tests import system

REDIS = "redis://127.0.0.1:6379/10"
pytestmark = pytest.mark.django_db(transaction=True)  # answers are kept only outside one


def _redis_settings(location: str = REDIS) -> override_settings:
    return override_settings(
        CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location}},
        LOOKUP_CACHE=True,
    )


@pytest.fixture(autouse=True)
def cached() -> Iterator[None]:
    with _redis_settings():
        from django.core.cache import cache

        cache.clear()  # the database number is this module's own
        yield


def outcomes(kind: str = "gtin") -> dict[str, float]:
    return {outcome: REGISTRY.get_sample_value("hall_lookup_answers_total",
                                               {"kind": kind, "outcome": outcome}) or 0.0
            for outcome in ("local", "shared", "miss", "bypass", "outage")}  # fmt: skip


def counted(before: dict[str, float], kind: str = "gtin") -> dict[str, float]:
    after = outcomes(kind)
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def test_an_answer_is_kept_and_a_saved_change_shows_at_once(filed: Product) -> None:
    gtin = filed.display_gtin
    before = outcomes()
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    answers.LOCAL.clear()  # another process of the same server: Redis has it
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert counted(before) == {"miss": 1, "local": 1, "shared": 1}

    Product.objects.filter(pk=filed.pk).update(name="新名称矿泉水")
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "新名称矿泉水"
    filed.refresh_from_db()
    filed.status = Product.Status.DISCONTINUED
    filed.discontinued_on = date.today()
    filed.save()
    assert lookup.lookup_gtin(gtin)["product"]["status"] == "discontinued"


def test_not_registered_is_kept_until_the_prefix_is_given(member: Member) -> None:
    gtin = "6934567800008"  # under 6934567, which nobody holds
    before = outcomes()
    for _ in range(3):
        assert lookup.lookup_gtin(gtin)["registered"] is False
    # Its scopes had no tokens yet (never changed): made at the first lookup, which the
    # primary answered (the last change of its scopes unknown) and which was kept.
    assert counted(before) == {"miss": 1, "local": 2}
    CompanyPrefix.objects.create(member=member, prefix="6934567", allocated_on=date.today())
    found = lookup.lookup_gtin(gtin)
    assert found["registered"] is True
    assert found["member"]["name"] == member.name


def test_a_members_status_name_and_branch_show_in_its_answers(filed: Product,
                                                              member: Member) -> None:  # fmt: skip
    gtin = filed.display_gtin
    number = member.certificate_number
    assert lookup.lookup_gtin(gtin)["member"]["membership_valid"] is True
    assert lookup.lookup_prefix("69212345")["member"]["name"] == member.name
    assert lookup.check_certificate(number, member.name)["valid"] is True

    Member.objects.filter(pk=member.pk).update(valid_until=date.today() - timedelta(days=1))
    assert lookup.lookup_gtin(gtin)["member"]["membership_valid"] is False
    assert lookup.check_certificate(number, member.name)["valid"] is False
    member.refresh_from_db()
    member.name = "杭州改名食品有限公司"
    member.save()
    assert lookup.lookup_prefix("69212345")["member"]["name"] == "杭州改名食品有限公司"
    assert lookup.check_certificate(number, "杭州改名食品有限公司")["genuine"] is True
    BranchOffice.objects.filter(pk=member.branch_id).update(name="改名分中心")
    assert lookup.lookup_gtin(gtin)["member"]["branch"] == "改名分中心"


def test_a_change_in_flight_is_answered_by_the_primary_and_not_kept(filed: Product) -> None:
    gtin = filed.display_gtin
    lookup.lookup_gtin(gtin)
    announcement = answers.invalidate(answers.gtin_scopes(filed.gtin))
    assert announcement is not None
    before = outcomes()
    Product.objects.filter(pk=filed.pk).update(name="写入中")  # announced again: two in flight
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "写入中"
    assert counted(before) == {"bypass": 1}
    announcement.done()  # no transaction: released at once
    before = outcomes()
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "写入中"
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "写入中"
    assert counted(before) == {"miss": 1, "local": 1}


def test_a_lookup_inside_a_transaction_is_not_kept(filed: Product) -> None:
    from django.db import transaction

    before = outcomes()
    with transaction.atomic():
        Product.objects.filter(pk=filed.pk).update(name="未提交")
        assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "未提交"
        transaction.set_rollback(True)
    assert counted(before) == {}
    assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"


def test_redis_away_answers_from_the_database(filed: Product) -> None:
    with _redis_settings("redis://127.0.0.1:1/0"):
        before = outcomes()
        assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"
        Product.objects.filter(pk=filed.pk).update(name="断开时改名")  # announced to no one
        assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "断开时改名"
        assert counted(before) == {"outage": 2}


def test_the_language_and_the_day_are_part_of_the_key(filed: Product) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = lookup.lookup_gtin(filed.display_gtin)["product"]["status_text"]
    with translation.override("en"):
        english = lookup.lookup_gtin(filed.display_gtin)["product"]["status_text"]
    assert (chinese, english) == ("使用中", "In use")


def test_the_address_limit_is_counted_with_the_tokens(filed: Product) -> None:
    from django.test import RequestFactory

    from hall.core import limits
    from hall.core.errors import RateLimited

    request = RequestFactory().get("/api/v1/gtins/x", REMOTE_ADDR="203.0.113.7")
    with override_settings(RATE_LIMITS={"address_per_minute": 2, "key_per_minute": 2}):
        for _ in range(2):
            assert lookup.gtin_answer(filed.display_gtin, limits.address_charge(request))[0] == 200
        with pytest.raises(RateLimited) as refused:
            lookup.gtin_answer(filed.display_gtin, limits.address_charge(request))
    assert refused.value.details["limit"] == 2
    other = RequestFactory().get("/api/v1/gtins/x", REMOTE_ADDR="203.0.113.8")
    assert lookup.gtin_answer(filed.display_gtin, limits.address_charge(other))[0] == 200


def test_the_metrics_show_where_answers_came_from_changes_and_latency_by_route(
    filed: Product, client: Client
) -> None:
    gtin = filed.display_gtin
    for _ in range(3):
        assert client.get(f"/api/v1/gtins/{gtin}").status_code == 200
    Product.objects.filter(pk=filed.pk).update(name="度量")
    assert client.get(f"/01/{filed.gtin}?linkType=all").status_code == 200
    scraped = client.get("/metrics").content.decode()
    assert 'hall_lookup_answers_total{kind="gtin",outcome="local"}' in scraped
    assert 'hall_lookup_invalidations_total{scope="g"}' in scraped
    for route in ("gtin_lookup", "resolve"):
        assert f'hall_http_request_duration_seconds_count{{route="{route}"}}' in scraped


def _redis_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            time.sleep(0.05)
    server.kill()
    raise AssertionError("redis-server did not start")


def test_redis_going_away_mid_stream_and_coming_back_empty(filed: Product) -> None:
    """An outage of the answers' Redis: lookups are answered from the database (changes shown
    at once), and once Redis is back (empty: it keeps nothing on disk) they are kept again."""
    system.require(shutil.which("redis-server") is not None, "redis-server")
    port = system.free_port()
    gtin = filed.display_gtin
    server = _redis_server(port)
    try:
        with _redis_settings(f"redis://127.0.0.1:{port}/0"):
            for _ in range(2):
                assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
            server.kill()
            server.wait()
            before = outcomes()  # this process still holds the answer it kept
            assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
            Product.objects.filter(pk=filed.pk).update(name="断线期间")  # announced to no one
            assert lookup.lookup_gtin(gtin)["product"]["name"] == "断线期间"
            assert counted(before) == {"outage": 2}
            server = _redis_server(port)  # no token survives: no answer kept before matches
            before = outcomes()
            for _ in range(2):
                assert lookup.lookup_gtin(gtin)["product"]["name"] == "断线期间"
            assert counted(before) == {"miss": 1, "local": 1}
    finally:
        server.kill()
        server.wait()
