"""The deployment of compose.yaml, started natively on loopback with the compose file's own
commands and environment (only host names, ports and paths changed, and the test's short
heartbeat): Debian's nginx in front of two granian web processes, two Celery workers and beat
on a RabbitMQ node of the test's own, PostgreSQL (a database and role of the test's own) and a
Redis server of the test's own, so that the test can stop and start them. Then, in order:

- ready: ``/readyz`` through nginx;
- a 1,000,000-GTIN verification job whose worker is killed with ``kill -9`` mid-job finishes on
  the other worker with the right counts;
- a 100,000-row product import whose worker gets a deploy's SIGTERM (and SIGKILL after its
  grace) writes every good row exactly once;
- Redis stopped: lookups and pages still answer 200, ``/readyz`` is 503; back: the limits count
  again and ``/readyz`` is 200;
- RabbitMQ stopped: a job is accepted and kept; back: it runs, ``/readyz`` ready again;
- a periodic task that raises (a storage fault) is recorded failed and retried while the others
  of its slot ran, and is done once the fault is gone;
- a 500 (the database refuses a table) is in the web process's log with its traceback and the
  request id nginx gave it; the metrics show the run's jobs and requests.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import yaml
from django.utils import timezone

from tests import system

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE = "hall_deploy_test"
ROLE = "hall_deploy_test"
STALE_SECONDS = 5
RATE = 40  # requests a minute per client address (compose leaves the default; 40 is quicker)
#: What differs on loopback from the compose network: the test's own values.
LOOPBACK = {
    "HALL_JOB_STALE_SECONDS": str(STALE_SECONDS),
    "HALL_RATE_PER_ADDRESS": str(RATE),
    "HALL_TRUSTED_PROXIES": "127.0.0.1",
    "HALL_METRICS_ALLOWED": "127.0.0.1",
    "HALL_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HALL_PUBLIC_URL": "https://hall.example.com",
    # nginx serves plain HTTP on loopback (no certificate): cookies and pages over HTTP.
    "HALL_SECURE_COOKIES": "no",
    # No SMS provider reachable from a test: the JSON gateway at a closed port.
    "HALL_SMS_BACKEND": "http",
    "HALL_SMS_URL": "http://127.0.0.1:9/",
    "HALL_SMS_TOKEN": "deploy-test",
}


def _until(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := check():
                return found
        except (OSError, requests.RequestException, psycopg.Error):
            pass
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {what}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Deployment:
    """The compose services as processes on loopback."""

    tmp: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    # -- the compose file, on loopback ------------------------------------------------------

    def environment(self, service: str) -> dict[str, str]:
        said = COMPOSE["services"][service].get("environment", {})
        env = {name: _compose_default(str(value)) for name, value in said.items()}
        secret = self.tmp / "secret_key"
        env.update(
            DATABASE_URL=f"postgres://{ROLE}@127.0.0.1:5432/{DATABASE}",
            HALL_CACHE_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            HALL_BROKER_URL=f"amqp://guest:guest@127.0.0.1:{self.ports['rabbitmq']}//",
            HALL_DATA_DIR=str(self.tmp / "data"),
            HALL_SECRET_KEY_FILE=str(secret),
            **LOOPBACK,
        )
        if "GRANIAN_PORT" in env:
            env.update(GRANIAN_HOST="127.0.0.1", GRANIAN_PORT=str(self.ports[service]))
        return {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), **env}

    def command(self, service: str) -> list[str]:
        command = [str(part) for part in COMPOSE["services"][service]["command"]]
        programs = {"python": sys.executable,
                    "granian": str(Path(sys.executable).with_name("granian"))}  # fmt: skip
        # Each container has a host name of its own; on one host, each worker a node name.
        node = [f"--hostname={service}@%h"] if service.startswith("worker") else []
        return [programs.get(command[0], command[0]), *command[1:], *node]

    def run(self, service: str) -> None:
        subprocess.run(self.command(service), env=self.environment(service), cwd=self.tmp,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip

    def start(self, service: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{service}.log").open("ab")
        process = subprocess.Popen(self.command(service), env=self.environment(service),
                                   cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        self.processes[service] = process
        return process

    def log(self, service: str) -> str:
        return (self.tmp / f"{service}.log").read_text(encoding="utf-8", errors="replace")

    def shell(self, code: str) -> str:
        """What ``code`` printed last, run by ``python -m hall shell`` (startup may print)."""
        ran = subprocess.run([sys.executable, "-m", "hall", "shell", "-c", code],
                             env=self.environment("worker1"), cwd=self.tmp,
                             capture_output=True, text=True, check=False)  # fmt: skip
        assert ran.returncode == 0, ran.stderr
        return ran.stdout.strip().splitlines()[-1]

    def stop(self, service: str, how: int = signal.SIGTERM) -> None:
        process = self.processes.pop(service)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, how)
        process.wait(timeout=90)

    # -- what the tests look at -------------------------------------------------------------

    @property
    def front(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}") as db:
            return db.execute(sql, args).fetchall()  # type: ignore[arg-type]

    def job(self, job_id: int) -> dict[str, Any]:
        rows = self.query("SELECT status, done, total, result, worker, attempts, error "
                          "FROM jobs_job WHERE id = %s", job_id)  # fmt: skip
        names = ["status", "done", "total", "result", "worker", "attempts", "error"]
        return dict(zip(names, rows[0], strict=True))

    def ready(self) -> int:
        return requests.get(f"{self.front}/readyz", timeout=10).status_code


def _compose_default(value: str) -> str:
    """``${NAME:-default}`` as compose reads it with NAME unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


# -- the services the compose file takes from images: the test's own -----------------------


def _database() -> None:
    try:
        with psycopg.connect(POSTGRES, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            db.execute(f"DROP ROLE IF EXISTS {ROLE}")
            db.execute(f"CREATE ROLE {ROLE} LOGIN")
            db.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    except psycopg.OperationalError as error:
        system.unavailable(f"PostgreSQL at {POSTGRES}: {error}")


def _redis(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    system.require(shutil.which("redis-server") is not None, "redis-server")
    return subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL, start_new_session=True)  # fmt: skip


@dataclass
class RabbitNode:
    """A RabbitMQ node of the test's own beside the machine's (the same installation), in a
    folder its user can reach (pytest's are the test user's alone)."""

    tmp: Path
    port: int
    #: Erlang's distribution port (rabbitmqctl talks to the node through it).
    dist_port: int = field(default_factory=system.free_port)

    @property
    def name(self) -> str:
        return f"halltest{self.port}@localhost"

    def environment(self) -> dict[str, str]:
        base = self.tmp
        return {**os.environ, "RABBITMQ_NODENAME": self.name,
                "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
                "RABBITMQ_LOG_BASE": str(base / "log"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "plugins"),
                "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
                "RABBITMQ_PID_FILE": str(base / "pid")}  # fmt: skip

    def start(self) -> subprocess.Popen[bytes]:
        system.require(shutil.which("rabbitmq-server") is not None, "rabbitmq-server")
        (self.tmp / "plugins").write_text("[].\n")
        # Its own port (the machine's configuration names the machine node's).
        (self.tmp / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        for path in self.tmp, self.tmp / "plugins", self.tmp / "rabbitmq.conf":
            shutil.chown(path, "rabbitmq", "rabbitmq")
        return subprocess.Popen(["rabbitmq-server"], env=self.environment(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # fmt: skip

    def ctl(self, *args: str) -> None:
        subprocess.run(["rabbitmqctl", "-n", self.name, *args], env=self.environment(),
                       check=True, stdout=subprocess.DEVNULL, timeout=120)  # fmt: skip


def _nginx(tmp: Path, port: int, upstreams: dict[str, int]) -> subprocess.Popen[bytes]:
    """Debian's nginx with the compose file's server configuration, on loopback."""
    system.require(Path(NGINX).exists(), "nginx-light")
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for name, upstream in upstreams.items():
        server = server.replace(f"{name}:8000", f"127.0.0.1:{upstream}")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (tmp / "server.conf").write_text(server, encoding="utf-8")
    # nginx's workers run as its own user: uploads are buffered where that user can write.
    buffers = Path(tempfile.mkdtemp(prefix="hall-nginx-"))
    buffers.chmod(0o777)
    temp = " ".join(f"{kind}_temp_path {buffers}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (tmp / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/nginx.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{ access_log {tmp}/access.log; {temp} include {tmp}/server.conf; }}\n"
    )
    return subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf")], start_new_session=True)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("deploy")
    deployment = Deployment(tmp)
    names = ["redis", "rabbitmq", "web1", "web2", "nginx"]
    deployment.ports = {name: system.free_port() for name in names}
    (tmp / "secret_key").write_text("deploy-test-" + "Zq8x-Kw3" * 8)
    _database()
    redis = _redis(tmp, deployment.ports["redis"])
    rabbit = RabbitNode(
        Path(tempfile.mkdtemp(prefix="hall-rabbitmq-")), deployment.ports["rabbitmq"]
    )
    broker = rabbit.start()
    others: list[subprocess.Popen[bytes]] = [redis, broker]
    try:
        _until(lambda: _listening(deployment.ports["rabbitmq"]), 90, "RabbitMQ listening")
        deployment.run("migrate")
        deployment.run("collectstatic")
        member, key = deployment.shell((Path(__file__).parent / "setup_hall.py").read_text(
            encoding="utf-8")).split()  # fmt: skip
        deployment.ports["member"] = int(member)
        deployment.key = key  # type: ignore[attr-defined]
        deployment.rabbit = rabbit  # type: ignore[attr-defined]
        deployment.redis = redis  # type: ignore[attr-defined]
        for service in ("web1", "web2", "worker1", "worker2", "beat"):
            deployment.start(service)
        others.append(_nginx(tmp, deployment.ports["nginx"],
                             {"web1": deployment.ports["web1"],
                              "web2": deployment.ports["web2"]}))  # fmt: skip
        _until(lambda: deployment.ready() == 200, 120, "/readyz says ready")
        yield deployment
    finally:
        for service in list(deployment.processes):
            deployment.stop(service, signal.SIGKILL)
        for process in [*others, getattr(deployment, "redis", redis)]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.SubprocessError):
            rabbit.ctl("stop")
        shutil.rmtree(rabbit.tmp, ignore_errors=True)


def _api(hall: Deployment, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"X-API-Key": hall.key}  # type: ignore[attr-defined]
    return requests.request(method, f"{hall.front}/api/v1{path}", headers=headers, timeout=60,
                            **kwargs)  # fmt: skip


def _verification(hall: Deployment, count: int) -> int:
    numbers = "".join(f"6901234{n:05d}\n" for n in range(count // 10)) * 10
    answer = _api(hall, "POST", "/verify/jobs", files={"file": ("gtins.csv", numbers.encode())})
    assert answer.status_code == 202, answer.text
    return int(answer.json()["id"])


def _worker_of(hall: Deployment, job_id: int) -> str:
    """The compose service whose process runs the job (the job records its worker's pid)."""

    def running_on() -> str:
        job = hall.job(job_id)
        return str(job["worker"]) if job["status"] == "running" else ""

    worker = _until(running_on, 60, "the job running on a worker")
    pid = int(worker.rsplit(":", 1)[1])
    for service, process in hall.processes.items():
        if service.startswith("worker") and os.getpgid(pid) == process.pid:
            return service
    raise AssertionError(f"no worker of ours runs the job ({worker})")


def test_a_million_gtin_job_survives_its_worker_killed(hall: Deployment) -> None:
    job_id = _verification(hall, 1_000_000)
    holder = _worker_of(hall, job_id)
    hall.stop(holder, signal.SIGKILL)
    hall.start(holder)  # the supervisor's restart; the other worker takes the job over
    finished = _until(lambda: hall.job(job_id)["status"] in ("done", "failed"), 300,
                      "the job finished")  # fmt: skip
    assert finished
    job = hall.job(job_id)
    assert (job["status"], job["done"], job["total"]) == ("done", 1_000_000, 1_000_000)
    assert job["attempts"] >= 2
    result = _api(hall, "GET", f"/verify/jobs/{job_id}/result")
    assert result.status_code == 200
    assert result.text.count("\n") == 1_000_001  # a header and a line per GTIN, once each


IMPORT = """
from hall.jobs import queue
from django.db import transaction
header = "商品条码,厂商识别代码,产品名称,品牌,规格型号,净含量,净含量单位,GPC细块代码,状态"
rows = [header] + [
    (",6921234,坏单位,品牌,规格,1,磅,," if n % 1000 == 7 else
     f",6921234,产品{n},品牌,规格,{n + 1},g,10000232,使用中")
    for n in range(ROWS)
]
with transaction.atomic():
    job = queue.enqueue("products_import", owner="member:MEMBER", arguments={"member": MEMBER},
                        input_name="products.csv", input_data="\\n".join(rows).encode())
print(job.pk)
"""


def test_an_import_cut_off_by_a_deploy_writes_every_row_once(hall: Deployment) -> None:
    rows = 100_000
    # The 7-digit prefix holds 100,000 items (5-digit references).
    code = IMPORT.replace("ROWS", str(rows)).replace("MEMBER", str(hall.ports["member"]))
    job_id = int(hall.shell(code).strip())
    holder = _worker_of(hall, job_id)
    hall.processes[holder].send_signal(signal.SIGTERM)  # the deploy stops the container...
    time.sleep(2)
    hall.stop(holder, signal.SIGKILL)  # ...and kills it when the grace is over
    hall.start(holder)
    _until(lambda: hall.job(job_id)["status"] in ("done", "failed"), 600, "the import finished")
    job = hall.job(job_id)
    good = rows - rows // 1000
    assert job["status"] == "done", job["error"]
    assert (job["result"]["created"], job["result"]["failed"]) == (good, rows // 1000)
    [(products, distinct)] = hall.query("SELECT count(*), count(DISTINCT name) FROM "
                                        "products_product")  # fmt: skip
    assert (products, distinct) == (good, good)  # every good row, once


def _lookup(hall: Deployment) -> int:
    return requests.get(f"{hall.front}/api/v1/prefixes/6921234", timeout=10).status_code


def test_redis_down_lookups_and_pages_answer_and_limits_return(hall: Deployment) -> None:
    redis: subprocess.Popen[bytes] = hall.redis  # type: ignore[attr-defined]
    redis.kill()
    redis.wait()
    try:
        assert _lookup(hall) == 200
        assert requests.get(f"{hall.front}/query/", timeout=10).status_code == 200
        assert requests.get(f"{hall.front}/accounts/login/", timeout=10).status_code == 200
        assert _until(lambda: hall.ready() == 503, 20, "unready without Redis")
        statuses = {_lookup(hall) for _ in range(RATE + 5)}
        assert statuses == {200}  # no limits while the cache is away (logged)
    finally:
        hall.redis = _redis(hall.tmp, hall.ports["redis"])  # type: ignore[attr-defined]
    _until(lambda: hall.ready() == 200, 30, "ready with Redis back")
    statuses = {_lookup(hall) for _ in range(RATE + 5)}
    assert 429 in statuses  # counted again
    assert "rate limits are not counted" in (hall.log("web1") + hall.log("web2"))


def test_rabbitmq_down_a_job_is_kept_and_runs_when_it_is_back(hall: Deployment) -> None:
    rabbit: RabbitNode = hall.rabbit  # type: ignore[attr-defined]
    rabbit.ctl("stop_app")
    try:
        assert _until(lambda: hall.ready() == 503, 20, "unready without the broker")
        job_id = _verification(hall, 1000)
        assert hall.job(job_id)["status"] == "queued"
    finally:
        rabbit.ctl("start_app")
    _until(lambda: hall.ready() == 200, 180, "ready with the broker back")
    _until(lambda: hall.job(job_id)["status"] == "done", 240, "the kept job ran")
    assert hall.job(job_id)["total"] == 1000


def test_a_failing_periodic_task_is_recorded_and_retried_the_others_ran(
    hall: Deployment,
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    subprocess.run([sys.executable, "-m", "hall", "scheduler", "--now", f"{tomorrow}T04:00"],
                   env=hall.environment("beat"), cwd=hall.tmp, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip

    def runs() -> dict[str, tuple[str, int, str]]:
        found = hall.query("SELECT name, status, attempts, error FROM jobs_taskrun "
                           "WHERE day = %s AND slot = ''", tomorrow)  # fmt: skip
        return {name: (status, attempts, error) for name, status, attempts, error in found}

    _until(lambda: runs().get("jobs_clear", ("",))[0] == "failed", 60, "jobs_clear failed")
    _until(lambda: runs().get("task_runs_clear", ("",))[0] == "done", 60, "the others ran")
    assert runs()["sessions_clear"][0] == "done"
    assert "stuck" in runs()["jobs_clear"][2]
    shutil.rmtree(hall.tmp / "data" / "media" / "jobs" / "stuck" / "inside")  # fixed
    _until(lambda: runs()["jobs_clear"][0] == "done", 200, "the retry succeeded")
    assert runs()["jobs_clear"][1] >= 2


def test_a_500_is_logged_with_its_traceback_and_the_metrics_show_the_run(
    hall: Deployment,
) -> None:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
                         autocommit=True) as db:  # fmt: skip
        db.execute(f"REVOKE SELECT ON members_companyprefix FROM {ROLE}")
        try:
            answer = _lookup_answer(hall)
        finally:
            db.execute(f"GRANT SELECT ON members_companyprefix TO {ROLE}")
    assert answer.status_code == 500
    request_id = answer.headers.get("X-Request-ID", "")
    assert request_id
    logs = hall.log("web1") + hall.log("web2")
    assert "Traceback (most recent call last)" in logs
    assert "InsufficientPrivilege" in logs
    assert request_id in logs
    assert _lookup(hall) == 200  # granted again
    metrics = requests.get(f"http://127.0.0.1:{hall.ports['web1']}/metrics", timeout=10)
    assert metrics.status_code == 200
    assert 'name="verify_file"' in metrics.text or "verify_file" in metrics.text
    assert "hall_http_requests" in metrics.text
    assert requests.get(f"{hall.front}/metrics", timeout=10).status_code == 404


def _lookup_answer(hall: Deployment) -> requests.Response:
    """A prefix never asked before: the database answers it, not the kept answers."""
    return requests.get(f"{hall.front}/api/v1/prefixes/69212{time.time_ns() % 10**6:06d}",
                        timeout=10)  # fmt: skip
