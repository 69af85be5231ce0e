"""Cached answers with a real streaming replica that lags (hall.lookup.answers): a change
committed on the primary while the standby's replay is paused is what the next lookup shows,
from another process, although the replica still holds the old row; once the replica has
replayed the change, lookups read it again.

The primary and its hot standby are PostgreSQL servers of this test's own (tests/hall/standby.py);
each step runs in a process of its own with the hall's settings, as app servers would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.hall.standby import Cluster, migrated, replicated_cluster

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/5"
GTIN = "06931234500018"

SETUP = """
from datetime import date, timedelta
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.products.models import Product
branch = BranchOffice.objects.create(code="3301", name="浙江分中心", region="浙江", address="杭州")
member = Member.objects.create(
    name="杭州副本食品有限公司", uscc="91330100MA2B3C4D5X", registered_address="杭州",
    legal_representative="张三", contact="李四", certificate_number="物编注字第300001号",
    archive_index="Z300001", branch=branch, valid_from=date.today() - timedelta(days=10),
    valid_until=date.today() + timedelta(days=700), gds_card="R300001")
prefix = CompanyPrefix.objects.create(member=member, prefix="6931234", allocated_on=date.today())
Product.objects.create(member=member, prefix=prefix, gtin="%(gtin)s", kind="gtin13",
                       status="in_use", name="旧名称", level="each")
"""
LOOKUP = """
from django.db import connections
from prometheus_client import REGISTRY
from hall.lookup import services
from hall.products.models import Product
%(change)s
names = [services.lookup_gtin("%(gtin)s")["product"]["name"] for _ in range(2)]
on_replica = Product.objects.using("replica").get(gtin="%(gtin)s").name
outcomes = {o: REGISTRY.get_sample_value("hall_lookup_answers_total",
                                         {"kind": "gtin", "outcome": o}) or 0
            for o in ("local", "shared", "miss", "bypass", "outage")}
print(json.dumps({"names": names, "on_replica": on_replica, "outcomes": outcomes}))
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Cluster, dict[str, str]]]:
    with replicated_cluster() as made:
        environment = migrated(made) | {"HALL_CACHE_URL": REDIS}
        redis.Redis.from_url(REDIS).flushdb()
        yield made, environment


def in_a_process(environment: dict[str, str], code: str) -> dict[str, Any]:
    """Run ``code`` in a new process with the hall set up, and read the JSON it prints."""
    script = "import json\nimport django\ndjango.setup()\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1] or "{}")
    return found


def looked_up(environment: dict[str, str], change: str = "") -> dict[str, Any]:
    return in_a_process(environment, LOOKUP % {"gtin": GTIN, "change": change})


def renamed(name: str) -> str:
    return f'Product.objects.filter(gtin="{GTIN}").update(name="{name}")'


def test_a_lagging_replica_never_answers_older_than_the_last_change(
    cluster: tuple[Cluster, dict[str, str]],
) -> None:
    made, environment = cluster
    in_a_process(environment, SETUP % {"gtin": GTIN} + "print('{}')")
    made.caught_up()
    first = looked_up(environment)
    assert first["names"] == ["旧名称", "旧名称"]
    assert first["outcomes"]["local"] == 1  # kept: the second lookup came from memory

    made.pause_replay()
    try:
        changed = looked_up(environment, renamed("新名称"))
        # The replica still has the old row; the answer is the new one, made on the primary
        # because the change's token names a WAL position the replica has not reached.
        assert changed["on_replica"] == "旧名称"
        assert changed["names"] == ["新名称", "新名称"]
        elsewhere = looked_up(environment)  # another process: Redis holds the new answer
        assert elsewhere["names"] == ["新名称", "新名称"]
        assert elsewhere["on_replica"] == "旧名称"
        assert elsewhere["outcomes"]["shared"] == 1
        # Redis loses every token (a restart, a flush, an eviction) while the replica lags:
        # the tokens lookups make now name the primary's position, which the replica has not
        # reached, so the answers are still made on the primary.
        redis.Redis.from_url(REDIS).flushdb()
        for _ in range(2):
            lost = looked_up(environment)
            assert lost["names"] == ["新名称", "新名称"]
            assert lost["on_replica"] == "旧名称"
    finally:
        made.resume_replay()
    made.caught_up()
    after = looked_up(environment, renamed("第三名称"))
    assert after["names"] == ["第三名称", "第三名称"]
