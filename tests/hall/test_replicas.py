"""A read replica (hall.core.replicas): the public query, the API's lookups and batch
verification read it; writes and a transaction's own reads stay on the primary.

In this process the replica is the test database itself, as Django's TEST MIRROR makes it, on
SQLite or PostgreSQL (whichever DATABASE_URL names): a second connection that sees what the
tests commit. On PostgreSQL the hall also runs with a role that may only read, in read-only
transactions as a hot standby's, as its replica: every lookup and batch answers through it, and
a write through it fails.
"""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hall.accounts.models import User
from hall.core.replicas import REPLICA, reading
from hall.lookup import batch
from hall.lookup import services as lookup
from hall.members.models import Member
from hall.products import bank
from hall.products.models import Product
from tests import system

TODAY = date.today()
GTIN = "6921234500019"
ROOT = Path(__file__).resolve().parents[2]
#: The tables a lookup reads: none of them may be read on the primary while a replica serves.
#: A test that reads the replica names it (Django refuses a connection to an alias not named).
DATABASES = [DEFAULT_DB_ALIAS, REPLICA]
pytestmark = pytest.mark.django_db(databases=DATABASES)
LOOKUP_TABLES = ("members_companyprefix", "members_member", "products_product",
                 "applications_applicationevent")  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The ``replica`` alias as the hall's settings make it from HALL_DATABASE_REPLICA_URL,
    here on the test database (TEST MIRROR): the test's committed rows are on it. Made for
    this module before its tests start, as Django wants the aliases a test names."""
    mirrored = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    mirrored["TEST"]["MIRROR"] = DEFAULT_DB_ALIAS
    if mirrored["ENGINE"].endswith("sqlite3"):
        mirrored["OPTIONS"]["transaction_mode"] = "DEFERRED"
    connections.settings[REPLICA] = mirrored
    try:
        yield REPLICA
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _read(captured: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db(transaction=True, databases=DATABASES)  # committed rows: on both
def test_the_public_query_the_api_and_batches_read_the_replica(
    replica: str, filed: Product, client: Client
) -> None:
    assert reading() == REPLICA
    with (CaptureQueriesContext(connections[REPLICA]) as on_replica,
          CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary):  # fmt: skip
        answers = [
            client.get(f"/api/v1/gtins/{GTIN}"),
            client.get("/api/v1/prefixes/69212345"),
            client.get("/api/v1/companies", {"q": "杭州示例"}),
            client.get("/api/v1/certificates/check",
                       {"number": "物编注字第100001号", "company": "杭州示例食品有限公司"}),
            client.get("/api/v1/register"),
            client.post("/api/v1/verify", {"gtins": [GTIN, "4006381333931"]},
                        content_type="application/json"),
            client.get("/query/gtin/", {"q": GTIN}),
            client.get("/query/companies/", {"q": "杭州示例"}),
            client.get(f"/01/0{GTIN}", HTTP_ACCEPT="application/linkset+json"),
        ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert answers[0].json()["product"]["name"] == "示例矿泉水"
    assert answers[5].json()["results"][0]["product"] == "示例矿泉水"
    for table in LOOKUP_TABLES:
        assert table in _read(on_replica), table
        assert table not in _read(on_primary), table


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_verification_reads_the_replica(
    replica: str, filed: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways numbers are verified (IN lists; and on PostgreSQL set-based, the probes on
    connections of their own, here one on this thread so that it is seen) read the replica
    and answer alike: a batch and a file."""
    numbers = [GTIN, "4006381333931", "6921234500026", "69212345000"]
    chunked = io.StringIO()
    with (CaptureQueriesContext(connections[REPLICA]) as on_replica,
          CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary):  # fmt: skip
        counts = batch.verify_file(numbers, chunked)
        answers = batch.verify_batch(numbers)
        monkeypatch.setattr(batch, "SET_BASED_FROM", 0)
        monkeypatch.setattr(batch, "PROBES", 1)
        probed = io.StringIO()
        assert batch.verify_file(numbers, probed) == counts
        assert batch.verify_batch(numbers) == answers
    assert probed.getvalue() == chunked.getvalue()
    assert counts["filed"] == 1
    assert answers[0]["product"] == "示例矿泉水"
    assert not on_primary.captured_queries
    if connections[REPLICA].vendor == "postgresql":
        assert _read(on_replica).count("unnest(") >= 2  # the probe and the file's rows


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_transaction_on_the_primary_reads_its_own_writes(
    replica: str, member: Member, member_user: User
) -> None:
    """Inside a transaction on the primary the replica has not got its writes: it reads the
    primary (a lookup made by a service after it wrote)."""
    with transaction.atomic():
        bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY,
                           data={"name": "新品"})  # fmt: skip
        assert reading() == DEFAULT_DB_ALIAS
        assert lookup.lookup_prefix("69212345")["member"]["name"] == member.name
    assert reading() == REPLICA


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_writes_go_to_the_primary_whatever_they_were_read_from(
    replica: str, member: Member, filed: Product
) -> None:
    read = Member.objects.using(REPLICA).get(pk=member.pk)
    assert read._state.db == REPLICA
    read.name_en = "Hangzhou Example Foods"
    with (CaptureQueriesContext(connections[REPLICA]) as on_replica,
          CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary):  # fmt: skip
        read.save(update_fields=["name_en"])
        product = Product.objects.get(pk=filed.pk)
        product.member = read  # objects of both aliases relate: they are one database
        product.save(update_fields=["member"])
    assert "UPDATE" in _read(on_primary)
    assert "UPDATE" not in _read(on_replica)
    assert Member.objects.get(pk=member.pk).name_en == "Hangzhou Example Foods"
    assert router.allow_migrate(REPLICA, "members") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members") is True


# -- the settings ----------------------------------------------------------------------------


def _settings_of(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """hall.settings imported in a process of its own with ``variables`` (a development hall)."""
    script = ("import json, hall.settings as s; print(json.dumps({'databases': s.DATABASES, "
              "'routers': s.DATABASE_ROUTERS}, default=str))")  # fmt: skip
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "HALL_DEBUG": "1",
           "HALL_DATA_DIR": str(tmp_path), "HALL_DB_CONN_MAX_AGE": "60", **variables}  # fmt: skip
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip


def test_the_replica_comes_from_the_environment(tmp_path: Path) -> None:
    made = _settings_of(tmp_path, DATABASE_URL="postgres://hall@10.0.0.1:5432/hall",
                        HALL_DATABASE_REPLICA_URL="postgres://reader@10.0.0.2/hall")  # fmt: skip
    assert made.returncode == 0, made.stderr
    found = json.loads(made.stdout)
    replica = found["databases"][REPLICA]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("10.0.0.2", "reader", "hall")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["CONN_MAX_AGE"] == 60
    assert replica["OPTIONS"]["prepare_threshold"] == 5
    assert found["routers"] == ["hall.core.replicas.PrimaryWrites"]
    alone = json.loads(_settings_of(tmp_path).stdout)
    assert list(alone["databases"]) == [DEFAULT_DB_ALIAS]
    mixed = _settings_of(tmp_path, HALL_DATABASE_REPLICA_URL="postgres://reader@10.0.0.2/hall")
    assert mixed.returncode != 0
    assert "must name the same kind of database" in mixed.stderr


# -- a role that may only read, on PostgreSQL --------------------------------------------------

SERVER = os.environ.get("TIAOMA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")

#: Run by the hall (primary: the database's owner; replica: the reading role): the lookups, the
#: batches and a write through the replica, each answer printed as JSON.
LOOKUPS = textwrap.dedent("""
    import io, json
    import django
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from hall.lookup import batch
    from hall.members.models import Member
    from tiaoma.checksum import calc_check_digit

    client, answers = Client(), {}
    # Distinct well-formed numbers enough for the set-based probes (batch.SET_BASED_FROM).
    held = [f"69212345{item:04d}" for item in range(100, 6100)]
    gtins = ["6921234500019", "6921234500026", "16921234500023", "4006381333931", "123",
             *(body + calc_check_digit(body) for body in held)]
    assert len(set(gtins)) >= batch.SET_BASED_FROM
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        for path in ("/api/v1/gtins/6921234500019", "/api/v1/prefixes/69212345",
                     "/api/v1/companies?q=杭州示例", "/api/v1/register", "/query/gtin/?q=6921234500019",
                     "/01/06921234500019"):
            answers[path] = client.get(path, HTTP_ACCEPT="application/json").status_code
        verified = client.post("/api/v1/verify", {"gtins": gtins}, content_type="application/json")
        answers["batch"] = [row.get("product") for row in verified.json()["results"][:5]]
        out = io.StringIO()
        answers["file"] = batch.verify_file(gtins, out)
    answers["replica_reads"] = sum("products_product" in q["sql"] for q in on_replica.captured_queries)
    answers["replica_user"] = connections["replica"].settings_dict["USER"]
    try:
        Member.objects.using("replica").update(name_en="written through the replica")
        answers["write"] = "written"
    except Exception as error:
        answers["write"] = type(error).__name__ + ": " + str(error).splitlines()[0]
    member = Member.objects.using("replica").order_by("pk").first()
    member.name_en = "saved by the router"
    member.save(update_fields=["name_en"])
    print(json.dumps(answers))
""")  # noqa: E501


@pytest.fixture
def reading_role(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A fresh database the hall migrated and filled with its demo, and a role that may only
    read it, in read-only transactions: (primary URL, replica URL, the hall's environment)."""
    suffix = uuid.uuid4().hex[:10]
    name, role = f"hall_replica_{suffix}", f"hall_reader_{suffix}"
    try:
        server = psycopg.connect(SERVER, autocommit=True)
    except psycopg.OperationalError as error:
        system.unavailable(f"PostgreSQL at {SERVER}: {error}")
    base = SERVER.rsplit("/", 1)[0]
    primary, reader = f"{base}/{name}", f"{base.replace('//postgres@', f'//{role}@')}/{name}"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "HALL_DEBUG": "1",
           "HALL_DATA_DIR": str(tmp_path), "DATABASE_URL": primary,
           "DJANGO_SETTINGS_MODULE": "hall.settings"}  # fmt: skip
    with server:
        server.execute(f'CREATE DATABASE "{name}"')
        server.execute(f'CREATE ROLE "{role}" LOGIN')
        try:
            for command in (["migrate", "--verbosity", "0"], ["demo"]):
                subprocess.run([sys.executable, "-m", "hall", *command], env=env, check=True,
                               cwd=tmp_path, stdout=subprocess.DEVNULL, timeout=300)  # fmt: skip
            with psycopg.connect(primary, autocommit=True) as database:
                database.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
                database.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
            server.execute(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
            yield primary, reader, env
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_lookups_answer_through_a_role_that_may_only_read(
    reading_role: tuple[str, str, dict[str, str]],
) -> None:
    primary, reader, env = reading_role
    run = subprocess.run([sys.executable, "-c", LOOKUPS], capture_output=True, text=True,
                         env={**env, "HALL_DATABASE_REPLICA_URL": reader}, timeout=300,
                         check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    paths = [key for key in answers if key.startswith("/")]
    assert [answers[path] for path in paths] == [200] * 6, answers
    assert answers["batch"] == ["示例矿泉水", "示例绿茶", "示例绿茶（箱）", None, None]
    assert answers["file"] == {"total": 6005, "malformed": 1, "registered": 6003,
                               "not_registered": 1, "filed": 3}  # fmt: skip
    assert answers["replica_reads"] > 0
    assert answers["replica_user"].startswith("hall_reader_")
    # An update takes its rows first (hall.core.changes): refused at that SELECT ... FOR UPDATE.
    assert answers["write"] == (
        "InternalError: cannot execute SELECT FOR UPDATE in a read-only transaction"
    )
    with psycopg.connect(primary) as database:
        names = database.execute("SELECT DISTINCT name_en FROM members_member").fetchall()
    assert ("written through the replica",) not in names
    assert ("saved by the router",) in names
    with psycopg.connect(reader, autocommit=True) as database:
        database.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            database.execute("UPDATE members_member SET name_en = 'x'")  # only SELECT granted
