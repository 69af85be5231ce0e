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
from django.db import connection
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from hall.core.errors import Unavailable
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
    kept_in_redis = lambda: answers._redis().keys(f"{answers.KEYS}a:*")  # noqa: E731
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert kept_in_redis() == []  # asked once: this process keeps it, Redis does not
    answers.LOCAL.clear()  # another process: its first miss, the query's second: kept in Redis
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert len(kept_in_redis()) == 1
    answers.LOCAL.clear()  # a third process: Redis has it
    assert lookup.lookup_gtin(gtin)["product"]["name"] == "示例矿泉水"
    assert counted(before) == {"miss": 2, "local": 1, "shared": 1}

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


def test_redis_away_answers_from_the_database_and_refuses_a_change(filed: Product) -> None:
    """Lookups are answered by the database; a change that could not be announced is not
    written (a Redis that only this writer cannot reach would keep the old answer), and says
    why in both languages."""
    with _redis_settings("redis://127.0.0.1:1/0"):
        before = outcomes()
        assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"
        with pytest.raises(Unavailable) as refused:
            Product.objects.filter(pk=filed.pk).update(name="断开时改名")
        assert refused.value.status == 503
        assert "Redis" in refused.value.message
        filed.name = "断开时改名"
        with pytest.raises(Unavailable):
            filed.save()
        assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"
        assert counted(before) == {"outage": 2}
    assert Product.objects.get(pk=filed.pk).name == "示例矿泉水"


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
    """An outage of the answers' Redis: lookups are answered from the database, and once Redis
    is back (empty: it keeps nothing on disk) they are kept again, none from before."""
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
            assert counted(before) == {"outage": 1}
            server = _redis_server(port)  # no token survives: no answer kept before matches
            Product.objects.filter(pk=filed.pk).update(name="恢复之后")
            before = outcomes()
            for _ in range(2):
                assert lookup.lookup_gtin(gtin)["product"]["name"] == "恢复之后"
            assert counted(before) == {"miss": 1, "local": 1}
    finally:
        server.kill()
        server.wait()


# -- what the attacker's review found ------------------------------------------------------------


def test_a_certificate_is_kept_under_the_whole_name_as_the_check_compares_it(
    member: Member,
) -> None:
    number, name = member.certificate_number, member.name
    padded = name[0] + " " * 300 + name[1:]  # the same name to the check
    assert lookup.check_certificate(number, padded)["genuine"] is True
    other = name[0] + " " * 300 + "另一家公司"
    assert lookup.check_certificate(number, other)["genuine"] is False
    assert lookup.check_certificate(number, name)["genuine"] is True


def test_only_a_gtins_plain_digits_are_kept(filed: Product) -> None:
    import redis as client

    spelled = "-".join(filed.display_gtin)
    before = outcomes()
    for _ in range(3):
        assert lookup.lookup_gtin(spelled)["product"]["name"] == "示例矿泉水"
    assert counted(before) == {}  # answered afresh, nothing kept
    kept = client.Redis.from_url(REDIS).keys(f"{answers.KEYS}a:*")
    assert not [key for key in kept if b"-" in key]


def test_a_worker_that_reads_no_answers_still_announces_its_changes(filed: Product) -> None:
    assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"
    with override_settings(LOOKUP_CACHE=False):  # HALL_LOOKUP_CACHE=no in a worker
        Product.objects.filter(pk=filed.pk).update(name="工作进程改名")
    assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "工作进程改名"


def test_migrate_makes_every_answer_anew(filed: Product) -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "示例矿泉水"
    with connection.cursor() as cursor:  # a data migration's write: no announcement
        cursor.execute("UPDATE products_product SET name = %s WHERE id = %s",
                       ["迁移改名", filed.pk])  # fmt: skip
    config = apps.get_app_config("lookup")
    post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False,
                      using="default", plan=[], apps=apps)  # fmt: skip
    assert lookup.lookup_gtin(filed.display_gtin)["product"]["name"] == "迁移改名"


def test_the_token_of_everything_never_expires(filed: Product) -> None:
    import redis as client

    lookup.lookup_gtin(filed.display_gtin)
    assert client.Redis.from_url(REDIS).ttl(f"{answers.KEYS}v:{answers.ALL}") == -1
    BranchOffice.objects.filter(pk=filed.member.branch_id).update(name="改名")
    assert client.Redis.from_url(REDIS).ttl(f"{answers.KEYS}v:{answers.ALL}") == -1


def test_an_update_writes_only_the_rows_it_announced(member: Member) -> None:
    """A row that matches the filter but arrives after the rows were taken (here made by a
    receiver between the announcement and the write) is not written unannounced."""
    from hall.core.changes import rows_changing

    lapsed = date.today() - timedelta(days=400)
    CompanyPrefix.objects.filter(member=member).update(valid_until=lapsed)

    arrived: list[bool] = []

    def arriving(sender: object, **kwargs: object) -> None:
        if arrived:
            return  # its own announcement
        arrived.append(True)
        CompanyPrefix.objects.create(member=member, prefix="6929999", allocated_on=lapsed,
                                     valid_until=lapsed)  # fmt: skip
        lookup.lookup_prefix("6929999")  # looked up before the update's commit

    rows_changing.connect(arriving, sender=CompanyPrefix, dispatch_uid="arriving")
    try:
        CompanyPrefix.objects.filter(retired_on__isnull=True, valid_until__lt=date.today()).update(
            retired_on=date.today()
        )
    finally:
        rows_changing.disconnect(dispatch_uid="arriving", sender=CompanyPrefix)
    late = CompanyPrefix.objects.get(prefix="6929999")
    assert lookup.lookup_prefix("6929999")["retired"] is (late.retired_on is not None)
    assert lookup.lookup_prefix("69212345")["retired"] is True
