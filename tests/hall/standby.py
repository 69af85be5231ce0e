"""A real PostgreSQL primary with a streaming hot standby, for tests that must see a replica
lag (issue 25): what the hall reads through ``HALL_DATABASE_REPLICA_URL`` while the standby
has not yet replayed a write.

:func:`replicated_cluster` starts both servers from scratch in a temporary directory (initdb,
``pg_basebackup -R``) on free loopback ports, and stops and removes them on exit. The test
holds replay with :meth:`Cluster.pause_replay` to make the lag last as long as it likes, and
:meth:`Cluster.caught_up` waits until the standby has everything the primary wrote::

    with replicated_cluster() as cluster:
        with psycopg.connect(cluster.primary_url, autocommit=True) as primary:
            primary.execute("CREATE TABLE marks (name text)")
        cluster.caught_up()  # the standby has the table now

PostgreSQL refuses to run as root: as root (here and in CI) the server commands run as the
``postgres`` OS user, in a directory that user owns.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests import system

__all__ = ["Cluster", "Server", "StandbyError", "migrated", "replicated_cluster"]

BIN = Path(os.environ.get("TIAOMA_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "hall"
#: Starts tried when another process takes a port between our choosing it and binding it.
PORT_ATTEMPTS = 3
#: The OS user the servers run as when the tests run as root.
OWNER = "postgres"
ROOT = Path(__file__).resolve().parents[2]

#: The primary's settings beyond initdb's: replication, and speed over durability (a test
#: cluster dies with its test, so a crash may lose it).
PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
max_connections = 30
wal_level = replica
max_wal_senders = 4
hot_standby = on
hot_standby_feedback = on
fsync = off
full_page_writes = off
"""

#: Trust on the loopback for connections and for replication: the servers live a test long.
HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


class StandbyError(RuntimeError):
    """A server did not start, stop or catch up; the message ends with its log's tail."""


@dataclass(frozen=True)
class Server:
    """One PostgreSQL server of the cluster: its data directory, port and log."""

    name: str
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def log(self) -> Path:
        return self.data.with_name(f"{self.data.name}.log")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log, for an error message."""
        if not self.log.exists():
            return f"({self.name}: no log at {self.log})"
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.name}'s log, last lines ---\n" + "\n".join(text)

    def query(self, sql: str, *params: object) -> object:
        """The first column of the first row ``sql`` answers, in its own connection."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            row = connection.execute(sql, params or None).fetchone()
        return None if row is None else row[0]


@dataclass(frozen=True)
class Cluster:
    """A running primary and its hot standby, which replays the primary's WAL as it streams."""

    primary: Server
    standby: Server

    @property
    def primary_url(self) -> str:
        return self.primary.url

    @property
    def standby_url(self) -> str:
        return self.standby.url

    def pause_replay(self, timeout: float = 10) -> None:
        """Hold the standby where it is: WAL still arrives, none is applied until
        :meth:`resume_replay`. Returns once the pause has taken effect."""
        self.standby.query("SELECT pg_wal_replay_pause()")
        _wait_until(
            lambda: self.standby.query("SELECT pg_get_wal_replay_pause_state()") == "paused",
            timeout, "the standby to pause its replay", self.standby,
        )  # fmt: skip

    def resume_replay(self) -> None:
        """Let the standby apply what arrived while it was paused (see :meth:`caught_up`)."""
        self.standby.query("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 10) -> None:
        """Wait until the standby has replayed all the primary has written until now."""
        written = str(self.primary.query("SELECT pg_current_wal_lsn()::text"))
        _wait_until(lambda: self._replayed(written), timeout,
                    f"the standby to replay up to {written}", self.standby)  # fmt: skip

    def _replayed(self, lsn: str) -> bool:
        replayed = self.standby.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)
        return replayed is True


@contextmanager
def replicated_cluster(tmp_dir: Path | None = None) -> Iterator[Cluster]:
    """A fresh primary with database ``hall`` and a streaming hot standby of it, both started
    and the standby caught up; on exit both are stopped and their directory removed, even when
    starting failed. ``tmp_dir`` (default the system's) holds that directory: as root, the
    ``postgres`` user must be able to reach it (pytest's ``tmp_path`` is closed to it)."""
    system.require((BIN / "pg_basebackup").exists(), "postgresql-15")
    home = Path(tempfile.mkdtemp(prefix="hall-standby-", dir=tmp_dir))
    started: list[Server] = []
    try:
        _give_to_owner(home)
        yield _started(home, started)
    finally:
        for server in reversed(started):
            _stop(server)
        shutil.rmtree(home, ignore_errors=True)


def migrated(cluster: Cluster) -> dict[str, str]:
    """Run the hall's migrations on the primary and wait for the standby to have them; return
    the environment a hall process needs to read the standby as its replica
    (``HALL_DATABASE_REPLICA_URL``) and write the primary."""
    data = Path(tempfile.mkdtemp(prefix="hall-data-", dir=cluster.primary.data.parent))
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "HALL_DEBUG": "1",
           "HALL_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "hall.settings",
           "DATABASE_URL": cluster.primary_url}  # fmt: skip
    run = subprocess.run([sys.executable, "-m", "hall", "migrate", "--noinput", "--verbosity", "0"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                         check=False)  # fmt: skip
    if run.returncode != 0:
        raise StandbyError(f"the hall's migrations failed on the primary:\n{run.stderr}")
    cluster.caught_up(timeout=30)
    return env | {"HALL_DATABASE_REPLICA_URL": cluster.standby_url}


# -- starting and stopping ------------------------------------------------------------------


def _started(home: Path, started: list[Server]) -> Cluster:
    """Start a primary and its standby in ``home`` (each server in ``started`` before it
    starts, for the caller to stop). A free port may be taken by another process before our
    server binds it (other tests start servers too): then again, on other ports."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        primary = Server("primary", home / f"primary-{attempt}", system.free_port())
        standby = Server("standby", home / f"standby-{attempt}", system.free_port())
        cluster = Cluster(primary, standby)
        started += [primary, standby]
        try:
            _start_primary(primary, sockets=home)
            _start_standby(cluster)
        except StandbyError as error:
            if attempt == PORT_ATTEMPTS or "Address already in use" not in str(error):
                raise
            _stop(standby)
            _stop(primary)
        else:
            return cluster
    raise AssertionError("unreachable: the last attempt returns or raises")


def _start_primary(primary: Server, *, sockets: Path) -> None:
    _run(primary, "initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
         "--encoding=UTF8", "--no-locale", "--no-sync")  # fmt: skip
    with (primary.data / "postgresql.conf").open("a") as conf:
        conf.write(PRIMARY_CONF.format(port=primary.port, sockets=sockets))
    (primary.data / "pg_hba.conf").write_text(HBA)
    _pg_ctl_start(primary)
    _run(primary, "psql", "-q", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
         "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}")  # fmt: skip


def _start_standby(cluster: Cluster) -> None:
    """Copy the primary (``-R``: the copy is a standby that streams from it) and start it."""
    primary, standby = cluster.primary, cluster.standby
    _run(standby, "pg_basebackup", "-D", str(standby.data), "-R", "-X", "stream",
         "--checkpoint=fast", "--no-sync", "-h", "127.0.0.1", "-p", str(primary.port),
         "-U", "postgres")  # fmt: skip
    with (standby.data / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {standby.port}\n")  # the copy's own; the last setting counts
    _pg_ctl_start(standby)  # waits until the standby accepts connections
    cluster.caught_up(timeout=30)


def _pg_ctl_start(server: Server) -> None:
    _run(server, "pg_ctl", "start", "-w", "-t", "30", "-D", str(server.data),
         "-l", str(server.log))  # fmt: skip


def _stop(server: Server) -> None:
    """Stop ``server`` at once if it runs (nothing is worth keeping)."""
    if (server.data / "postmaster.pid").exists():
        _run(server, "pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(server.data))


def _give_to_owner(home: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(home, OWNER, OWNER)


def _run(server: Server, program: str, *args: str) -> None:
    """Run a PostgreSQL program (as ``postgres`` when we are root) for ``server``; raise with
    its output and the server's log when it fails."""
    command = [str(BIN / program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", OWNER, "--", *command]
    run = subprocess.run(command, cwd=server.data.parent, capture_output=True, text=True,
                         timeout=120, check=False)  # fmt: skip
    if run.returncode != 0:
        raise StandbyError(f"{program} for the {server.name} failed ({run.returncode}):\n"
                           f"{run.stdout}{run.stderr}\n{server.log_tail()}")  # fmt: skip


def _wait_until(ready: Callable[[], bool], timeout: float, what: str, server: Server) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise StandbyError(f"waited {timeout} s for {what}\n{server.log_tail()}")
        time.sleep(0.05)
