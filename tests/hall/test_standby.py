"""The streaming replica harness (tests/hall/standby.py): a real primary and hot standby, whose
replay a test can hold so that the standby lags (issue 25).

The servers are the test's own, not DATABASE_URL's, so these tests run the same in the SQLite
and the PostgreSQL pass of ``make test``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.hall.standby import Cluster, migrated, replicated_cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """One primary and standby for the module, with a table the primary writes."""
    with replicated_cluster() as made:
        with psycopg.connect(made.primary_url, autocommit=True) as primary:
            primary.execute("CREATE TABLE marks (name text PRIMARY KEY)")
        made.caught_up()
        yield made


def _mark(cluster: Cluster) -> str:
    name = uuid.uuid4().hex
    with psycopg.connect(cluster.primary_url, autocommit=True) as primary:
        primary.execute("INSERT INTO marks VALUES (%s)", (name,))
    return name


def _holds(url: str, name: str) -> bool:
    with psycopg.connect(url, autocommit=True) as database:
        return (
            database.execute("SELECT 1 FROM marks WHERE name = %s", (name,)).fetchone() is not None
        )


def _wal_received(cluster: Cluster) -> bool:
    """Whether the standby has received (not necessarily replayed) all the primary wrote."""
    written = cluster.primary.query("SELECT pg_current_wal_lsn()::text")
    return cluster.standby.query("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", written) is True


def _until_received(cluster: Cluster) -> None:
    for _ in range(200):
        if _wal_received(cluster):
            return
        time.sleep(0.05)
    raise AssertionError("the standby did not receive the primary's write in 10 s")


def test_a_row_written_on_the_primary_is_on_the_standby_once_caught_up(cluster: Cluster) -> None:
    name = _mark(cluster)
    cluster.caught_up()
    assert _holds(cluster.standby_url, name)


def test_with_replay_paused_the_standby_lags_until_resumed(cluster: Cluster) -> None:
    cluster.pause_replay()
    try:
        name = _mark(cluster)
        # The write reached the standby: only its replay is held, as in a lagging replica.
        _until_received(cluster)
        assert _holds(cluster.primary_url, name)
        assert not _holds(cluster.standby_url, name)
    finally:
        cluster.resume_replay()
    cluster.caught_up()
    assert _holds(cluster.standby_url, name)


def test_the_standby_refuses_writes(cluster: Cluster) -> None:
    with psycopg.connect(cluster.standby_url, autocommit=True) as standby:
        assert standby.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            standby.execute("INSERT INTO marks VALUES ('written on the standby')")
    assert not _holds(cluster.primary_url, "written on the standby")


def test_the_urls_name_the_hall_database_on_the_loopback(cluster: Cluster) -> None:
    assert cluster.primary_url == f"postgres://postgres@127.0.0.1:{cluster.primary.port}/hall"
    assert cluster.standby_url == f"postgres://postgres@127.0.0.1:{cluster.standby.port}/hall"
    assert cluster.primary.port != cluster.standby.port


def _fail_inside(seen: list[Cluster]) -> None:
    with replicated_cluster() as failing:
        seen.append(failing)
        assert (failing.standby.data / "standby.signal").exists()
        raise RuntimeError("the test failed")


def test_the_servers_stop_and_their_directory_goes_even_when_the_test_fails() -> None:
    seen: list[Cluster] = []
    with pytest.raises(RuntimeError, match="the test failed"):
        _fail_inside(seen)
    assert not seen[0].primary.data.parent.exists()
    for url in (seen[0].primary_url, seen[0].standby_url):
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2).close()


def test_migrated_gives_the_standby_the_halls_schema(cluster: Cluster) -> None:
    env = migrated(cluster)
    assert env["DATABASE_URL"] == cluster.primary_url
    assert env["HALL_DATABASE_REPLICA_URL"] == cluster.standby_url
    applied = "SELECT count(*) FROM django_migrations WHERE app = 'products'"
    on_primary = cluster.primary.query(applied)
    assert isinstance(on_primary, int)
    assert on_primary > 0
    assert cluster.standby.query(applied) == on_primary
    assert (
        cluster.standby.query("SELECT to_regclass('products_product')::text") == "products_product"
    )
