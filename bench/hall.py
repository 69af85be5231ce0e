"""The hall at scale on PostgreSQL (issues: products, the number bank, the query and the API;
the public query at national scale).

Targets, on a products table the benchmark fills (10 million rows by default), as ratios against
the reference measured in the same run: pgbench running the hall's own lookup statement (what
PostgreSQL alone allows a lookup; measured before and after the load tests, and averaged):
- GTIN lookups through the HTTP API (granian, driven by wrk over keep-alive connections) for
  uniform random GTINs over all the products (mostly cache misses): at least 0.35 of the
  reference; p99 latency under 25 ms;
- GTIN lookups for a Zipf(1.0) workload over all the products (shelves' products asked again
  and again, most GTINs rarely): at least 1.0 of the reference, p99 under 10 ms;
- a file of 1,000,000 GTINs verified through the API's background job in under 10 s (and no
  slower than the 7.2 s the README reports), run by two Celery workers on RabbitMQ; from the
  API's accepting the file to the job's end no slower than the same job run in this process
  (the job's body alone: what the broker and the worker add is the ratio; the best of three
  runs of each);
- a job accepted by the API (recorded, handed to the broker) in under 20 ms at p99;
- 100,000 product rows imported in under 60 s.

Each workload's requests are drawn beforehand (numpy, fixed seeds) and written to a file that
wrk's threads read in order, each from its own slice, so that the skew sent is the one drawn;
each is first run unmeasured for ``WARM_UP`` seconds on a draw of its own. Around each measured
workload the benchmark reads the server's ``/metrics`` and prints the lookup cache's hit rate
from ``hall_lookup_answers_total{outcome}`` (local and shared are hits; miss, bypass and outage
are not), or "n/a" when the hall does not count its answers.

For context it prints pgbench's single-row select on the same table with as many connections
(the peer) and four ceilings, served and loaded as the hall is (bench/ceiling.py): an
application that only answers, one that runs only the peer's select, one that makes only one
Redis call (the least a lookup checked against Redis costs: a hit), and one that makes that
call and runs the hall's lookup statement (the least a miss costs that is counted against a
shared rate limit). For
each workload it shares out the CPU the machine spent per lookup: the hall's server,
PostgreSQL, Redis, wrk.

Needs PostgreSQL, ``pgbench`` and ``wrk`` (``apt-get install postgresql-client wrk``).
The database is generated once and kept between runs. Environment:
``TIAOMA_BENCH_POSTGRES`` (``postgres://postgres@127.0.0.1:5432/tiaoma_bench``),
``TIAOMA_BENCH_PRODUCTS`` (10,000,000), ``TIAOMA_BENCH_SECONDS`` (10 per load test),
``TIAOMA_BENCH_CONNECTIONS`` (8), ``TIAOMA_BENCH_WORKERS`` (the server's processes: CPUs).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from tiaoma import checksum

URL = os.environ.get("TIAOMA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/tiaoma_bench")
#: The bench's own Redis database (rate limits, the lookup cache), emptied at each run.
CACHE_URL = "redis://127.0.0.1:6379/14"
PRODUCTS = int(os.environ.get("TIAOMA_BENCH_PRODUCTS", "10000000"))
SECONDS = int(os.environ.get("TIAOMA_BENCH_SECONDS", "10"))
#: Each load test first runs this long unmeasured: caches filled, connections open, plans made.
WARM_UP = 3
CONNECTIONS = int(os.environ.get("TIAOMA_BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("TIAOMA_BENCH_WORKERS", str(os.cpu_count() or 2)))
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "hall"
PORT = 8765

#: Each generated member holds one 7-digit prefix: 100,000 item references.
PER_PREFIX = 100_000
FIRST_PREFIX = 6_930_000
#: The member the import fills (a prefix of its own, emptied before each run).
IMPORT_PREFIX = "6929999"
BATCH_LINES = 1_000_000
IMPORT_ROWS = 100_000

#: Lookups a second against pgbench running the lookup's statement: uniform GTINs, Zipf's.
UNIFORM_RATIO, ZIPF_RATIO = 0.35, 1.0
LOOKUP_P99_MS, ZIPF_P99_MS, BATCH_SECONDS, IMPORT_SECONDS = 25.0, 10.0, 10.0, 60.0
#: The million-GTIN job's time in the README before the lookup cache (issue 25: no slower).
BATCH_BEFORE_SECONDS = 7.2
#: Requests drawn for a measured load test, and for its warm-up: more than wrk can send.
REQUESTS, WARM_REQUESTS = 2_000_000, 200_000
#: The answers the hall counts in ``hall_lookup_answers_total``; the first two are hits.
OUTCOMES = ("local", "shared", "miss", "bypass", "outage")
#: The job through Celery against the job's body in this process; a job accepted by the API.
CELERY_RATIO, ENQUEUE_P99_MS, ENQUEUES = 1.1, 20.0, 300
#: The million-GTIN job's runs, through Celery and in process, of which the best counts.
JOB_RUNS = 3
BROKER = os.environ.get("TIAOMA_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672//")


@dataclass(frozen=True)
class Verdict:
    line: str
    met: bool | None  # None: a figure for context, not a target


def gtin14(prefix: int, item: int) -> str:
    body = f"{prefix:07d}{item:05d}"
    return "0" + body + checksum.calc_check_digit(body)


# -- the database --------------------------------------------------------------------------------


def database_ready() -> None:
    """Create the benchmark's database if needed, migrate it, and set Django up on it."""
    parts = urlsplit(URL)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="hall.settings",
        HALL_SECRET_KEY=secrets.token_urlsafe(50), HALL_CACHE_URL=CACHE_URL,
        # Production settings refuse development SMS backends; the bench sends no message.
        HALL_SMS_BACKEND="http", HALL_SMS_URL="http://127.0.0.1:9/", HALL_SMS_TOKEN="bench",
        HALL_DATA_DIR=str(OUT / "data"), HALL_DB_CONN_MAX_AGE="600",
        HALL_ALLOWED_HOSTS="127.0.0.1,localhost", HALL_RATE_PER_ADDRESS="2000000000",
        HALL_RATE_PER_KEY="2000000000", HALL_SECURE_COOKIES="no",
        # The jobs go to two Celery workers on RabbitMQ (workers()).
        HALL_BROKER_URL=BROKER, HALL_PUBLIC_URL="http://127.0.0.1",
    )  # fmt: skip
    # Django is set up only here: after the environment names the benchmark's database.
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def cache_emptied() -> None:
    """The bench's Redis database emptied: the answers and tokens an earlier run kept (for the
    same GTINs, drawn with the same seeds; or from the other size's database) would be hits."""
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()


def generated() -> None:
    """Members, prefixes and ``PRODUCTS`` filed products, unless the database has them."""
    from hall.members.models import BranchOffice, CompanyPrefix, Member
    from hall.products.models import NumberBank, Product

    if Product.objects.filter(prefix__prefix__startswith="693").count() >= PRODUCTS:
        return
    started = time.perf_counter()
    branch, _ = BranchOffice.objects.get_or_create(
        code="9901", defaults={"name": "基准测试分中心", "region": "9901", "address": "—"}
    )
    members = -(-PRODUCTS // PER_PREFIX)
    today = date.today()
    for index in range(members + 1):
        prefix = IMPORT_PREFIX if index == members else str(FIRST_PREFIX + index)
        if CompanyPrefix.objects.filter(prefix=prefix).exists():
            continue
        member = Member.objects.create(  # named after its prefix: unique however many there are
            name=f"基准测试企业{prefix}有限公司", uscc=_uscc(prefix), registered_address="—",
            legal_representative="—", contact="—", certificate_number=f"物编注字第{prefix}号",
            archive_index=f"B{prefix}", branch=branch, valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=700), gds_card=f"BENCH{prefix}",
        )  # fmt: skip
        made = CompanyPrefix.objects.create(member=member, prefix=prefix, allocated_on=today)
        NumberBank.objects.create(prefix=made, next_item=0 if index == members else PER_PREFIX)
    _copy_products(members)
    print(f"  generated {PRODUCTS:,} products in {time.perf_counter() - started:.0f} s")


def _uscc(prefix: str) -> str:
    from tiaoma import uscc

    body = f"91330100MA{prefix}"
    return body + uscc.calc_check_digit(body)


def _copy_products(members: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, member_id, prefix FROM members_companyprefix "
                       "WHERE prefix LIKE '693%%' ORDER BY prefix")  # fmt: skip
        prefixes = cursor.fetchall()
        cursor.execute("DELETE FROM products_product WHERE prefix_id = ANY(%s)",
                       [[row[0] for row in prefixes]])  # fmt: skip
        columns = ("member_id, prefix_id, gtin, kind, status, name, name_en, brand, brand_en, "
                   "specification, net_content, net_content_unit, gpc_brick, classification, "
                   "level, quantity, image, description, created_at, updated_at, superseded, "
                   "version")  # fmt: skip
        raw = cursor.connection  # psycopg's own connection: COPY
        with raw.cursor().copy(f"COPY products_product ({columns}) FROM STDIN") as copy:
            for prefix_id, member_id, prefix in prefixes[:members]:
                for item in range(min(PER_PREFIX, PRODUCTS - (int(prefix) - FIRST_PREFIX)
                                      * PER_PREFIX)):  # fmt: skip
                    copy.write_row((member_id, prefix_id, gtin14(int(prefix), item), "gtin13",
                                    "in_use", f"基准产品{item}", "", "基准", "", "500g", "500",
                                    "g", "10000232", "", "each", 1, "", "", "now()", "now()",
                                    False, 1))  # fmt: skip
        cursor.execute("ANALYZE products_product")


# -- the peer: pgbench ---------------------------------------------------------------------------


def pgbench_rate(seconds: int = SECONDS) -> float:
    """Single-row selects a second on the products table, ``CONNECTIONS`` clients."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM products_product")
        low, high = cursor.fetchone()
    select = "SELECT id, gtin, name, status FROM products_product WHERE id = :id;"
    return _pgbench("select.sql", f"\\set id random({low}, {high})\n{select}\n", seconds)


def statement_rate(seconds: int = SECONDS) -> float:
    """The hall's own lookup statement a second, run by pgbench as its select is (prepared,
    ``CONNECTIONS`` clients) for random generated GTINs: what PostgreSQL alone allows a lookup
    that answers all the query system must, with no application at all."""
    from hall.lookup.services import _KNOWN_SQL

    # The GTIN-14 of generated product n, its check digit made by pgbench's arithmetic.
    weighted = " + ".join(f"{3 if k % 2 == 0 else 1} * ((:body / {10**k}) % 10)"
                          for k in range(12))  # fmt: skip
    lookup = " ".join(_KNOWN_SQL.replace("%(gtin)s", "('0' || :gtin)").split())
    script = (
        f"\\set n random(0, {PRODUCTS - 1})\n"
        f"\\set body ({FIRST_PREFIX} + :n / {PER_PREFIX}) * {PER_PREFIX} + :n % {PER_PREFIX}\n"
        f"\\set sum {weighted}\n"
        f"\\set gtin :body * 10 + (10 - :sum % 10) % 10\n"
        f"{lookup};\n"
    )
    return _pgbench("lookup.sql", script, seconds)


def _pgbench(name: str, script: str, seconds: int) -> float:
    """Transactions a second of ``script``, prepared, on ``CONNECTIONS`` clients."""
    path = OUT / name
    path.write_text(script, encoding="utf-8")
    parts = urlsplit(URL)
    done = subprocess.run(
        ["pgbench", "-n", "-M", "prepared", "-f", str(path), "-c", str(CONNECTIONS),
         "-j", str(min(CONNECTIONS, WORKERS)), "-T", str(seconds), "-h", parts.hostname or "",
         "-p", str(parts.port or 5432), "-U", parts.username or "postgres",
         parts.path.lstrip("/")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"tps = ([\d.]+)", done.stdout)
    if found is None:
        raise RuntimeError(done.stdout + done.stderr)
    return float(found.group(1))


# -- the workloads: requests drawn beforehand -----------------------------------------------------

#: Generated products' numbers, 0 to ``PRODUCTS`` - 1 (product n is :func:`gtin14`'s item n).
Numbers = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Workload:
    """A load test's requests: a file of GTIN-14s to warm up on, and another to measure."""

    warm: Path
    measured: Path


def workloads() -> tuple[Workload, Workload]:
    """Uniform random GTINs over the generated products, and a Zipf(1.0) draw over them."""
    rng = np.random.default_rng(25)
    uniform = Workload(OUT / "uniform-warm.txt", OUT / "uniform.txt")
    for path, count in ((uniform.warm, WARM_REQUESTS), (uniform.measured, REQUESTS)):
        path.write_bytes(gtin_lines(rng.integers(0, PRODUCTS, count)))
    zipf = Workload(OUT / "zipf-warm.txt", OUT / "zipf.txt")
    draw = zipf_draw()
    for path, count in ((zipf.warm, WARM_REQUESTS), (zipf.measured, REQUESTS)):
        path.write_bytes(gtin_lines(draw(rng, count)))
    return uniform, zipf


def zipf_draw() -> Callable[[np.random.Generator, int], Numbers]:
    """A function drawing ``count`` product numbers from a Zipf distribution of exponent 1.0
    truncated to ``PRODUCTS`` (rank k drawn in proportion to 1/k, by the inverse of the
    harmonic weights' cumulative sum: numpy's zipf needs an exponent above 1). Ranks map to
    products through a fixed random permutation, so that the hot GTINs are spread over all the
    prefixes, not the first member's."""
    cumulative = np.cumsum(1.0 / np.arange(1, PRODUCTS + 1))
    product_of_rank = np.random.default_rng(1).permutation(PRODUCTS)

    def draw(rng: np.random.Generator, count: int) -> Numbers:
        ranks = np.searchsorted(cumulative, rng.random(count) * cumulative[-1], side="right")
        numbers: Numbers = product_of_rank[np.minimum(ranks, PRODUCTS - 1)]
        return numbers

    return draw


def gtin_lines(numbers: Numbers) -> bytes:
    """The GTIN-14s of generated products ``numbers`` (as :func:`gtin14` makes them), a line
    of 15 bytes each, so that wrk's script finds request n at byte 15 n."""
    body = (FIRST_PREFIX + numbers // PER_PREFIX) * PER_PREFIX + numbers % PER_PREFIX
    weighted = np.zeros_like(body)
    for k in range(12):  # GS1's check digit: weights 3, 1, 3, ... from the right
        weighted += (3 if k % 2 == 0 else 1) * (body // 10**k % 10)
    gtins = body * 10 + (10 - weighted % 10) % 10
    return "".join(f"{gtin:014d}\n" for gtin in gtins.tolist()).encode("ascii")


# -- the hall under a real server ----------------------------------------------------------------


def server(
    application: str = "hall.wsgi:application", metrics: Path | None = None
) -> subprocess.Popen[bytes]:
    """granian with ``WORKERS`` processes, each with two Python threads (one answers while the
    other waits for PostgreSQL) and at most four requests in hand; with ``metrics``, its
    processes count into that folder (prometheus-client's multiprocess mode) and ``/metrics``
    adds them up."""
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", str(WORKERS),
         "--blocking-threads", "2", "--backpressure", "4", "--host", "127.0.0.1",
         "--port", str(PORT), "--log-level", "warning", application],
        env=counting_into(metrics), cwd=ROOT,
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/openapi.json", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("granian did not start")


def counting_into(metrics: Path | None) -> dict[str, str]:
    """This process's environment for a server or worker, with ``metrics`` its processes'
    shared folder of counts (prometheus-client's multiprocess mode), empty when they start."""
    environment = os.environ.copy()
    if metrics is not None:
        environment["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    return environment


#: wrk's script: each thread sends its own slice of the file's GTINs in order (the threads are
#: numbered by setup(), which runs in wrk's main state before each thread's init()).
LUA = """\
local threads, counter = {threads}, 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local file = assert(io.open("{path}", "rb"))
  gtins = file:read("*a")
  file:close()
  count = math.floor(#gtins / 15)
  position = math.floor(count * id / threads)
end
function request()
  local at = position * 15
  position = (position + 1) % count
  return wrk.format("GET", "/api/v1/gtins/" .. gtins:sub(at + 1, at + 14))
end
"""
WRK_THREADS = 2


def lookups(requests: Path, seconds: int = SECONDS) -> tuple[float, float, int]:
    """(requests a second, p99 ms, non-2xx answers) for the GTIN lookups of ``requests`` over
    the API."""
    script = OUT / f"{requests.stem}.lua"
    script.write_text(LUA.format(threads=WRK_THREADS, path=requests), encoding="ascii")
    done = subprocess.run(
        ["wrk", "--latency", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS),
         "-d", f"{seconds}s", "-s", str(script), f"http://127.0.0.1:{PORT}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if rate is None or p99 is None:
        raise RuntimeError(done.stdout + done.stderr)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return float(rate.group(1)), float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


@dataclass(frozen=True)
class Load:
    """A measured load test: its rate, p99 and errors, and the answers the hall counted."""

    rate: float
    p99: float
    errors: int
    answers: Counter[str] | None  # None: the hall counts no lookup answers
    cpu: dict[str, float]  # CPU seconds by process group during the measured run (cpu_used)


def measured(workload: Workload, server_pid: int) -> Load:
    """``workload`` run on the hall's server, warmed up first, its answers counted and the
    machine's CPU shared out around it."""
    lookups(workload.warm, WARM_UP)
    before, cpu_before = answers(), cpu_used(server_pid)
    rate, p99, errors = lookups(workload.measured)
    cpu = {
        group: seconds - cpu_before.get(group, 0.0)
        for group, seconds in cpu_used(server_pid).items()
    }
    return Load(rate, p99, errors, answered(before, answers()), cpu)


def cpu_used(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far: by the hall's server (its process and its workers), Redis,
    PostgreSQL, this process's finished children (wrk), and the whole machine ("machine",
    from /proc/stat): where a lookup's CPU goes on a machine the load shares with them."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[str, int, float]] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = path.read_text()
        except OSError:  # gone meanwhile
            continue
        name, fields = (
            text[text.index("(") + 1 : text.rindex(")")],
            text[text.rindex(")") + 2 :].split(),
        )
        stats[int(path.parent.name)] = (
            name,
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / tick,
        )
    servers, used = {server_pid}, dict.fromkeys(("hall", "PostgreSQL", "Redis"), 0.0)
    for _ in range(3):  # the server's children and theirs
        servers |= {pid for pid, (_, parent, _) in stats.items() if parent in servers}
    for pid, (name, _, seconds) in stats.items():
        group = (
            "hall"
            if pid in servers
            else {"redis-server": "Redis", "postgres": "PostgreSQL"}.get(name)
        )
        if group is not None:
            used[group] += seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["wrk"] = children.ru_utime + children.ru_stime
    first = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used["machine"] = (
        sum(map(int, first)) - int(first[3]) - int(first[4])
    ) / tick  # less idle, iowait
    return used


def cpu_shares(load: Load) -> str:
    """Each group's CPU per lookup, in microseconds."""
    requests = load.rate * SECONDS
    groups = ("hall", "PostgreSQL", "Redis", "wrk", "machine")
    return ", ".join(
        f"{group} {load.cpu.get(group, 0.0) / requests * 1e6:,.0f}" for group in groups
    )


def answers() -> Counter[str] | None:
    """``hall_lookup_answers_total`` by outcome, as the server's ``/metrics`` sums it over its
    processes (loopback may scrape); None when the hall does not count its answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/metrics", timeout=30) as response:
            families = list(text_string_to_metric_families(response.read().decode("utf-8")))
    except (urllib.error.HTTPError, ValueError):  # no /metrics, or not Prometheus's text
        return None
    samples = [sample for family in families for sample in family.samples
               if sample.name == "hall_lookup_answers_total"]  # fmt: skip
    counts: Counter[str] = Counter()
    for sample in samples:  # whatever other labels the hall adds, summed by outcome
        counts[sample.labels.get("outcome", "")] += int(sample.value)
    return counts if samples else None


def answered(before: Counter[str] | None, after: Counter[str] | None) -> Counter[str] | None:
    """The answers counted between two scrapes (a counter not yet used is absent before)."""
    if after is None:
        return None
    return after - (before or Counter())


def hit_rate(counts: Counter[str] | None) -> str:
    """The lookup cache's hit rate, (local + shared) / all answers, and the counts."""
    total = sum(counts.values()) if counts is not None else 0
    if counts is None or not total:
        return "n/a"
    shown = ", ".join(f"{outcome} {counts[outcome]:,}" for outcome in OUTCOMES)
    others = total - sum(counts[outcome] for outcome in OUTCOMES)
    return (f"{(counts['local'] + counts['shared']) / total:6.1%}   {shown}"
            f"{f', other {others:,}' if others else ''}")  # fmt: skip


def ceiling_rate(application: str, requests: Workload) -> float:
    """Requests a second to one of bench/ceiling.py's applications, served and loaded as the
    hall is: what this machine allows any Python lookup."""
    process = server(f"bench.ceiling:{application}")
    try:
        lookups(requests.warm, WARM_UP)
        return lookups(requests.measured)[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


def batch_file(rng: random.Random) -> bytes:
    """A million lines: registered GTINs, numbers of other countries, and a few typos."""
    lines = ["GTIN"]
    members = -(-PRODUCTS // PER_PREFIX)
    for index in range(BATCH_LINES):
        if index % 100 == 99:
            lines.append(f"69{rng.randrange(10**11):011d}")  # most fail their check digit
        elif index % 10 == 9:
            body = f"40{rng.randrange(10**10):010d}"
            lines.append(body + checksum.calc_check_digit(body))
        else:
            number = rng.randrange(min(PRODUCTS, members * PER_PREFIX))
            lines.append(gtin14(FIRST_PREFIX + number // PER_PREFIX, number % PER_PREFIX)[1:])
    return ("\n".join(lines) + "\n").encode("ascii")


def verify_job(data: bytes) -> tuple[float, float, dict[str, int]]:
    """Seconds from upload to a finished job (its result file written), seconds from the API's
    accepting it (the file uploaded and stored) to the same, and its counts."""
    from hall.accounts.models import ApiKey

    secret = ApiKey.issue(name="bench")[1]
    boundary = "tiaoma-bench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"gtins.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + (
            f"\r\n--{boundary}--\r\n").encode()  # fmt: skip
    headers = {"X-API-Key": secret, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    started = time.perf_counter()
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/verify/jobs", body,
                                     headers, method="POST")  # fmt: skip
    with urllib.request.urlopen(request, timeout=120) as response:
        job = json.load(response)
    accepted = time.perf_counter()
    while job["status"] in ("queued", "running"):
        time.sleep(0.05)
        status = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/verify/jobs/{job['id']}",
                                         headers={"X-API-Key": secret})  # fmt: skip
        with urllib.request.urlopen(status, timeout=30) as response:
            job = json.load(response)
    finished = time.perf_counter()
    if job["status"] != "done" or job["error"]:
        raise RuntimeError(f"the verification job failed: {job}")
    return finished - started, finished - accepted, job["counts"]


def workers(count: int = 2, metrics: Path | None = None) -> list[subprocess.Popen[bytes]]:
    """``count`` Celery workers as compose.yaml runs them (one process each), ready; with
    ``metrics``, counting into that folder as :func:`server`'s processes do."""
    from hall.jobs.engine import app

    app.control.purge()  # what an earlier run may have left
    started = [subprocess.Popen(
        [sys.executable, "-m", "hall", "worker", "--", "--concurrency=1", "--loglevel=WARNING",
         f"--hostname=bench{n}@%h"], env=counting_into(metrics), cwd=ROOT,
    ) for n in range(count)]  # fmt: skip
    for _ in range(150):
        if len(app.control.ping(timeout=0.5) or []) >= count:
            return started
        time.sleep(0.2)
    raise RuntimeError("the Celery workers did not start")


def verify_in_process(data: bytes) -> float:
    """Seconds for the same job run by its body in this process (no broker, no worker)."""
    from hall.jobs import queue
    from hall.jobs.models import Job

    job = Job(name="verify_file", owner="key:bench", arguments={})
    job.input.save("gtins.csv", io.BytesIO(data), save=True)  # type: ignore[arg-type]
    started = time.perf_counter()
    finished = queue.run(job.pk)
    elapsed = time.perf_counter() - started
    if finished.status != Job.Status.DONE:
        raise RuntimeError(f"the in-process job failed: {finished.error}")
    return elapsed


def jobs_dropped() -> None:
    """The jobs :func:`enqueue_p99` left queued with no worker: cancelled, their messages gone."""
    from hall.jobs.engine import app
    from hall.jobs.models import Job

    Job.objects.filter(status=Job.Status.QUEUED).update(status=Job.Status.CANCELLED)
    app.control.purge()


def enqueue_p99() -> float:
    """p99 in ms of the API accepting a small verification job, each from a key of its own
    (one job at a time per owner), the workers running them meanwhile."""
    from hall.accounts.models import ApiKey

    body_of = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="g.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nGTIN\n6901234567892\n\r\n--b--\r\n"
    )
    times = []
    for _ in range(ENQUEUES):
        secret = ApiKey.issue(name="bench enqueue")[1]
        # A key in use, as a retailer's is (its first request writes its "last used").
        warm = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/gtins/06901234567892",
                                      headers={"X-API-Key": secret})  # fmt: skip
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(warm, timeout=30).close()
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/verify/jobs", body_of,
            {"X-API-Key": secret, "Content-Type": "multipart/form-data; boundary=b"},
            method="POST",
        )  # fmt: skip
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[int(len(times) * 0.99) - 1]


def import_rows() -> tuple[float, int, int]:
    """Seconds to import ``IMPORT_ROWS`` new products, and (created, failed)."""
    from django.db import connection
    from django.utils import timezone

    from hall.members.models import CompanyPrefix
    from hall.products.models import NumberBank
    from hall.products.transfer import import_table

    prefix = CompanyPrefix.objects.select_related("member").get(prefix=IMPORT_PREFIX)
    with connection.cursor() as cursor:  # last run's rows go, so that the numbers are free
        cursor.execute(
            "DELETE FROM products_productevent WHERE product_id IN "
            "(SELECT id FROM products_product WHERE prefix_id = %s)",
            [prefix.pk],
        )
        cursor.execute("DELETE FROM products_product WHERE prefix_id = %s", [prefix.pk])
    NumberBank.objects.filter(prefix=prefix).update(next_item=0)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["gtin", "prefix", "name", "brand", "specification", "net_content",
                     "net_content_unit", "gpc_brick", "level", "quantity", "status"])  # fmt: skip
    for item in range(IMPORT_ROWS):
        writer.writerow([gtin14(int(IMPORT_PREFIX), item)[1:], IMPORT_PREFIX,
                         f"导入产品{item}", "基准", "250mL", "250", "mL", "10000232",
                         "each", "1", "in_use"])  # fmt: skip
    data = out.getvalue().encode("utf-8")
    started = time.perf_counter()
    report = import_table(member=prefix.member, actor=None, data=data,
                          today=timezone.localdate())  # fmt: skip
    return time.perf_counter() - started, report.created, len(report.failed)


# -- the run -------------------------------------------------------------------------------------


def missing_tools() -> list[str]:
    return [tool for tool in ("pgbench", "wrk") if shutil.which(tool) is None]


@dataclass(frozen=True)
class OnTheHall:
    """What the hall's own server is measured doing."""

    uniform: Load
    zipf: Load
    batch_seconds: float
    batch_after_upload: float  # from the API's accepting the file: the broker's and worker's part
    batch_counts: dict[str, int]
    batch_answers: Counter[str] | None
    enqueued: float
    enqueued_busy: float
    million: bytes


def on_the_hall(uniform: Workload, zipf: Workload) -> OnTheHall:
    """The lookups, the API accepting jobs, and the million-GTIN job, on one server whose
    processes (and the Celery workers') count their answers in one fresh folder."""
    running: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="tiaoma-bench-metrics-") as folder:
        process = server(metrics=Path(folder))
        try:
            uniform_load, zipf_load = measured(uniform, process.pid), measured(zipf, process.pid)
            # The API's own cost of accepting a job (recorded, handed to RabbitMQ), no worker
            # yet taking the cores; then again below with two workers running the jobs.
            enqueued = enqueue_p99()
            jobs_dropped()
            running = workers(metrics=Path(folder))
            # A small file first, as a running hall has done: the job's code loaded, its
            # connection open; none of the million's numbers looked up before.
            verify_job(b"GTIN\n" + uniform.warm.read_bytes()[: 15 * 1000])
            million = batch_file(random.Random(8))
            before = answers()
            # The best of JOB_RUNS, as in process: one run of either moves by 15 %.
            runs = [verify_job(million) for _ in range(JOB_RUNS)]
            seconds, after_upload = min(run[0] for run in runs), min(run[1] for run in runs)
            counts = runs[0][2]
            batch_answers = answered(before, answers())
            enqueued_busy = enqueue_p99()
        finally:
            for stopping in (process, *running):
                stopping.terminate()
            for stopping in (process, *running):
                stopping.wait(timeout=60)
    return OnTheHall(uniform_load, zipf_load, seconds, after_upload, counts, batch_answers,
                     enqueued, enqueued_busy, million)  # fmt: skip


def lookup_verdicts(hall: OnTheHall, statement: tuple[float, float]) -> list[Verdict]:
    """Both workloads against the lookup statement's rate (before and after, averaged)."""
    reference = sum(statement) / 2
    verdicts = [Verdict(f"{'pgbench running the lookup statement':<44} {reference:9,.0f}/s   "
                        f"(before {statement[0]:,.0f}, after {statement[1]:,.0f}: the "
                        "reference)", None)]  # fmt: skip
    for label, load, ratio_target, p99_target in (
        ("uniform random GTINs", hall.uniform, UNIFORM_RATIO, LOOKUP_P99_MS),
        ("Zipf(1.0) GTINs", hall.zipf, ZIPF_RATIO, ZIPF_P99_MS),
    ):
        ratio = load.rate / reference
        verdicts += [
            Verdict(f"{'API GTIN lookup, ' + label:<44} {load.rate:9,.0f}/s   ratio "
                    f"{ratio:5.2f} (target >= {ratio_target})"
                    f"{'' if not load.errors else f'   {load.errors} non-2xx'}",
                    ratio >= ratio_target and not load.errors),
            Verdict(f"{'  p99 latency':<44} {load.p99:8.1f} ms (target < {p99_target:g} ms)",
                    load.p99 < p99_target),
            Verdict(f"{'  (cache hit rate':<44} {hit_rate(load.answers)})", None),
            Verdict(f"{'  (CPU per lookup, µs':<44} {cpu_shares(load)})", None),
        ]  # fmt: skip
    return verdicts


def context_verdicts(reference: float, ceilings: dict[str, float]) -> list[Verdict]:
    """The peer and the ceilings, each as a ratio to the lookup statement's rate."""
    return [Verdict(f"{'  (' + label:<44} {rate:9,.0f}/s   ratio {rate / reference:5.2f})", None)
            for label, rate in ceilings.items()]  # fmt: skip


def job_verdicts(hall: OnTheHall, in_process: float) -> list[Verdict]:
    """The million-GTIN job (through Celery and in process) and the API accepting jobs."""
    seconds = hall.batch_seconds
    return [
        Verdict(f"{'batch verification of 1,000,000 GTINs (job)':<44} {seconds:8.1f} s  "
                f"(target < {BATCH_SECONDS:g} s; README {BATCH_BEFORE_SECONDS:g} s)  "
                f"{hall.batch_counts}", seconds < BATCH_SECONDS),
        Verdict(f"{'  (cache hit rate':<44} {hit_rate(hall.batch_answers)})", None),
        Verdict(f"{'  from the API accepting the file to done':<44} "
                f"{hall.batch_after_upload:8.1f} s  (the broker's and the workers' part)", None),
        Verdict(f"{'  the same job in this process (no worker)':<44} {in_process:8.1f} s  "
                f"(Celery / in process {hall.batch_after_upload / in_process:4.2f}, target <= "
                f"{CELERY_RATIO:g})", hall.batch_after_upload / in_process <= CELERY_RATIO),
        Verdict(f"{'a job accepted by the API, p99':<44} {hall.enqueued:8.1f} ms "
                f"(target < {ENQUEUE_P99_MS:g} ms)", hall.enqueued < ENQUEUE_P99_MS),
        Verdict(f"{'  (the same, two workers busy on the cores':<44} "
                f"{hall.enqueued_busy:8.1f} ms)", None),
    ]  # fmt: skip


def main() -> int:
    missing = missing_tools()
    if missing:
        print(f"hall: needs {', '.join(missing)} (apt-get install postgresql-client wrk)")
        return 1
    database_ready()
    generated()
    cache_emptied()
    from hall.lookup.services import _KNOWN_SQL

    os.environ["TIAOMA_BENCH_LOOKUP_SQL"] = _KNOWN_SQL  # for the lookup ceiling's processes
    uniform, zipf = workloads()
    # The references before the load tests and again after them: the machine's pace drifts.
    statement_rate(WARM_UP), pgbench_rate(WARM_UP)
    statement_before, peer_before = statement_rate(), pgbench_rate()
    hall = on_the_hall(uniform, zipf)
    in_process = min(verify_in_process(hall.million) for _ in range(JOB_RUNS))
    empty = ceiling_rate("application", uniform)
    select = ceiling_rate("select_application", uniform)
    one_redis_call = ceiling_rate("redis_application", uniform)
    redis_and_lookup = ceiling_rate("redis_lookup_application", uniform)
    statement = (statement_before, statement_rate())
    peer = (peer_before + pgbench_rate()) / 2
    verdicts = lookup_verdicts(hall, statement)
    verdicts += context_verdicts(sum(statement) / 2, {
        "pgbench single-row select (the peer)": peer,
        "an app that only answers": empty,
        "an app that runs only the peer's select": select,
        "an app that makes only one Redis call": one_redis_call,
        "an app: one Redis call, the lookup statement": redis_and_lookup,
    })  # fmt: skip
    verdicts += job_verdicts(hall, in_process)
    took, created, failed = import_rows()
    verdicts.append(Verdict(f"{'import of 100,000 product rows':<44} {took:8.1f} s  "
                            f"(target < {IMPORT_SECONDS:g} s)  created {created:,}, "
                            f"failed {failed}", took < IMPORT_SECONDS and not failed))  # fmt: skip
    print(
        f"hall on PostgreSQL, {PRODUCTS:,} products, {CONNECTIONS} connections, "
        f"{WORKERS} server processes"
    )
    for verdict in verdicts:
        shown = {None: "", True: " ok", False: " MISSED"}[verdict.met]
        print(f"  {verdict.line}{shown}")
    return 0 if all(v.met is not False for v in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
