"""The public query's cached answers (hall.lookup.answers) seen from other processes: the hall
runs as two granian servers in production settings on this test's database (SQLite's file or
PostgreSQL's test database), their answers kept in one Redis that this process shares; the
changes are made here, by the hall's services where it has them, and announced to that Redis.

- For each kind of change an answer shows (a product's data and status; a member's status,
  validity, name, prefixes and certificate; a prefix's holder; an EAN-8 code; a branch's
  name): the answer is first served from a server's cache (``/metrics`` counts the hit), and
  the very next lookup on either server, after the change commits, shows the change.
- A change of a member that races a number given to it (or its renumbering) by another
  transaction; a writer killed between its commit and its tokens' renewal; a writer whose own
  lookups are not cached.
- A minute of concurrent changes and lookups (:data:`CONCURRENT_SECONDS`): writer processes
  rename their products with a rising counter, reader processes look them up through both
  servers and in their own process; no lookup that started after a commit saw an older counter.

The single process's view: tests/hall/test_answers.py.
"""

from __future__ import annotations

import bisect
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from prometheus_client import REGISTRY

from hall.accounts.models import User
from hall.applications import kinds
from hall.applications.models import Application
from hall.lookup import answers
from hall.lookup.services import lookup_gtin
from hall.members import lifecycle, numbering
from hall.members.models import (
    BranchOffice,
    CompanyPrefix,
    Ean8Code,
    Member,
    PrefixPool,
    Sequence,
)
from hall.products import bank, services
from hall.products.models import Product
from tests import system
from tests.hall.databases import database_url
from tiaoma import checksum

pytestmark = pytest.mark.django_db(transaction=True)  # committed rows: the servers see them
#: This module's own Redis database, emptied before each test.
REDIS = "redis://127.0.0.1:6379/9"
ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
#: How long the concurrency test's writers and readers run.
CONCURRENT_SECONDS = 60
SERVERS = 2
WRITERS, GTINS_PER_WRITER = 3, 4
READERS = 4
HITS = ("local", "shared")


def _hall_env(data_dir: Path) -> dict[str, str]:
    """The servers' environment: production settings on this test's database and Redis; no
    rate limit a minute of lookups from one address could reach."""
    return {
        "PATH": os.environ["PATH"], "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "HALL_DATA_DIR": str(data_dir), "DATABASE_URL": database_url(),
        "HALL_SECRET_KEY": "answers-test-" + "p7Wx" * 12, "HALL_CACHE_URL": REDIS,
        "HALL_BROKER_URL": "amqp://127.0.0.1:5672//", "HALL_PUBLIC_URL": "https://hall.example",
        "HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "http://127.0.0.1:9/",
        "HALL_SMS_TOKEN": "t", "HALL_SECURE_COOKIES": "no", "HALL_ALLOWED_HOSTS": "127.0.0.1",
        "HALL_STATIC_MANIFEST": "no", "HALL_RATE_PER_ADDRESS": "100000000",
        "DJANGO_SETTINGS_MODULE": "hall.settings",
    }  # fmt: skip


def _in_the_hall(function: str) -> list[str]:
    """The command that runs this module's ``function`` with its one argument in a process
    of the hall's own settings (the environment's), Django set up."""
    return [
        sys.executable,
        "-c",
        "import sys, django; django.setup(); "
        f"from tests.hall.test_answers_processes import {function}; {function}(sys.argv[1])",
    ]


def _redis_up() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as error:
        system.unavailable(f"Redis at {REDIS}: {error}")


@dataclass
class Server:
    """A granian process of the hall, one worker: its own memory, its own /metrics."""

    port: int

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            link.request("GET", path, headers={"Host": "127.0.0.1"})
            response = link.getresponse()
            return response.status, json.loads(response.read())
        finally:
            link.close()

    def outcomes(self, kind: str) -> dict[str, float]:
        """``hall_lookup_answers_total`` of ``kind`` by outcome, as this server counts them."""
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            link.request("GET", "/metrics", headers={"Host": "127.0.0.1"})
            text = link.getresponse().read().decode()
        finally:
            link.close()
        found = re.findall(rf'^hall_lookup_answers_total{{kind="{kind}",outcome="(\w+)"}} (\S+)$',
                           text, re.MULTILINE)  # fmt: skip
        return {outcome: float(value) for outcome, value in found}


def _serve(port: int, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """granian serving the hall on ``port``, its error output in ``folder``."""
    granian = str(Path(sys.executable).with_name("granian"))
    with (folder / f"server{port}.err").open("wb") as errors:
        return subprocess.Popen(
            [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1", "hall.wsgi:application"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors,
        )  # fmt: skip


@pytest.fixture(scope="module")
def servers(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        list[Server]]:  # fmt: skip
    """Two servers of the hall on this test's database (its name known once it is made)."""
    _redis_up()
    folder = tmp_path_factory.mktemp("answers")
    env = _hall_env(folder)
    started = [(port := system.free_port(), _serve(port, env, folder)) for _ in range(SERVERS)]
    try:
        for port, _process in started:
            try:
                system.wait_for_port(port, seconds=60)
            except AssertionError:
                raise AssertionError((folder / f"server{port}.err").read_text()[-3000:]) from None
        yield [Server(port) for port, _process in started]
    finally:
        for _port, process in started:
            process.terminate()
        for _port, process in started:
            process.wait(timeout=30)


@pytest.fixture(autouse=True)
def announcing() -> Iterator[None]:
    """This process's writes announced to the servers' Redis, emptied first: no token, no
    answer and no rate-limit count of another test (its rows were flushed unannounced)."""
    _redis_up()
    with override_settings(
        CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS}},
        LOOKUP_CACHE=True,
    ):
        from django.core.cache import cache

        cache.clear()
        yield


# -- asking the servers ----------------------------------------------------------------------


def _hits(counted: dict[str, float]) -> float:
    return sum(counted.get(outcome, 0.0) for outcome in HITS)


def warm(servers: list[Server], kind: str, path: str) -> list[dict[str, Any]]:
    """Ask each server until it answers ``path`` from its cache (this process's memory or
    Redis, as its /metrics says); the answers, which are all the same."""
    bodies = []
    for server in servers:
        for _attempt in range(4):  # a token made, the answer made and kept, then kept
            before = _hits(server.outcomes(kind))
            status, body = server.get(path)
            if _hits(server.outcomes(kind)) > before:
                break
        else:
            raise AssertionError(f"{path} never came from the cache of :{server.port}")
        bodies.append({"status": status, **body})
    assert all(body == bodies[0] for body in bodies), bodies
    return bodies


def asked(servers: list[Server], path: str) -> list[dict[str, Any]]:
    """The next lookup of ``path`` on each server (``status`` added to its body)."""
    return [{"status": status, **body} for status, body in (s.get(path) for s in servers)]


def gtin_path(gtin: str) -> str:
    return f"/api/v1/gtins/{gtin}"


def certificate_path(number: str, company: str) -> str:
    from urllib.parse import urlencode

    return "/api/v1/certificates/check?" + urlencode({"number": number, "company": company})


def ean13(body: str) -> str:
    return body + checksum.calc_check_digit(body)


def changed(servers: list[Server], kind: str, path: str, change: Callable[[], object],
            shows: Callable[[dict[str, Any]], object]) -> None:  # fmt: skip
    """``path``'s answer kept by every server, ``change`` made here, and the next answer of
    each server ``shows`` it (True) where the kept one did not."""
    for body in warm(servers, kind, path):
        assert not shows(body), body
    change()
    for body in asked(servers, path):
        assert shows(body), body


# -- a product -------------------------------------------------------------------------------


def test_a_products_new_name_shows_at_once(servers: list[Server], filed: Product,
                                           member_user: User) -> None:  # fmt: skip
    def rename() -> None:
        services.product_update(actor=member_user, product_id=filed.pk, version=filed.version,
                                data={"name": "改名矿泉水"})  # fmt: skip

    changed(servers, "gtin", gtin_path(filed.display_gtin), rename,
            lambda body: body["product"]["name"] == "改名矿泉水")  # fmt: skip


def test_a_product_discontinued_and_back_in_use_shows_at_once(
    servers: list[Server], filed: Product, member_user: User
) -> None:
    path = gtin_path(filed.display_gtin)

    def moved(action: str) -> Callable[[], object]:
        return lambda: services.product_transition(actor=member_user, product_id=filed.pk,
                                                   action=action, today=TODAY)  # fmt: skip

    changed(servers, "gtin", path, moved("discontinue"),
            lambda body: body["product"]["status"] == "discontinued")  # fmt: skip
    changed(servers, "gtin", path, moved("reinstate"),
            lambda body: body["product"]["status"] == "in_use")  # fmt: skip


# -- a member --------------------------------------------------------------------------------


def _member_paths(member: Member, company: str, gtin: str) -> list[tuple[str, str]]:
    """The answers that show the member: a GTIN's, its prefix's and its certificate's."""
    return [("gtin", gtin_path(gtin)), ("prefix", "/api/v1/prefixes/69212345"),
            ("certificate", certificate_path(member.certificate_number, company))]  # fmt: skip


def _facts(body: dict[str, Any]) -> dict[str, Any]:
    """The member's facts in any of the three answers."""
    facts: dict[str, Any] = body["member"]
    return facts


def _all_changed(servers: list[Server], paths: list[tuple[str, str]],
                 change: Callable[[], object],
                 shows: Callable[[dict[str, Any]], object]) -> None:  # fmt: skip
    """Every answer of ``paths`` kept by every server; after ``change`` each shows it."""
    for kind, path in paths:
        for body in warm(servers, kind, path):
            assert not shows(body), (path, body)
    change()
    for _kind, path in paths:
        for body in asked(servers, path):
            assert shows(body), (path, body)


def test_a_member_cancelled_shows_at_once(servers: list[Server], filed: Product,
                                          member: Member) -> None:  # fmt: skip
    paths = _member_paths(member, member.name, filed.display_gtin)
    _all_changed(servers, paths, lambda: lifecycle.member_cancel(member=member, today=TODAY),
                 lambda body: not _facts(body)["membership_valid"]
                 and _facts(body)["status"] == "cancelled")  # fmt: skip


def test_a_members_validity_and_its_expiry_show_at_once(servers: list[Server], filed: Product,
                                                        member: Member) -> None:  # fmt: skip
    paths = _member_paths(member, member.name, filed.display_gtin)
    yesterday = TODAY - timedelta(days=1)
    _all_changed(servers, paths,
                 lambda: Member.objects.filter(pk=member.pk).update(valid_until=yesterday),
                 lambda body: not _facts(body)["membership_valid"])  # fmt: skip
    _all_changed(servers, paths, lambda: lifecycle.membership_calendar(TODAY),
                 lambda body: _facts(body)["status"] == "expired")  # fmt: skip


def test_a_members_new_name_shows_at_once(servers: list[Server], filed: Product,
                                          member: Member) -> None:  # fmt: skip
    renamed = "杭州新名食品有限公司"
    number = member.certificate_number

    def approve() -> None:  # the center approves the member's change of name
        with transaction.atomic():
            kinds.approve_change(Application(member=member, data={"name": renamed}), TODAY)

    paths = _member_paths(member, member.name, filed.display_gtin)
    by_new_name = certificate_path(number, renamed)
    for path, genuine in ((by_new_name, False), (paths[2][1], True)):
        for body in warm(servers, "certificate", path):
            assert body["genuine"] is genuine, body
    _all_changed(servers, paths[:2], approve, lambda body: _facts(body)["name"] == renamed)
    # The certificate checked by the new name is genuine now; by the old one no longer.
    assert [body["genuine"] for body in asked(servers, by_new_name)] == [True] * SERVERS
    assert [body["genuine"] for body in asked(servers, paths[2][1])] == [False] * SERVERS


def test_a_branchs_new_name_shows_at_once(servers: list[Server], filed: Product,
                                          member: Member) -> None:  # fmt: skip
    branch = BranchOffice.objects.get(pk=member.branch_id)

    def rename() -> None:
        branch.name = "杭州改名分中心"
        branch.save()

    _all_changed(servers, _member_paths(member, member.name, filed.display_gtin), rename,
                 lambda body: _facts(body)["branch"] == "杭州改名分中心")  # fmt: skip


# -- prefixes, certificates, EAN-8 codes -----------------------------------------------------


def test_a_prefix_allocated_retired_and_removed_shows_at_once(servers: list[Server],
                                                              member: Member) -> None:  # fmt: skip
    gtin = ean13("693456780001")  # under 69345678, the next prefix of the pool
    PrefixPool.objects.create(block="693", length=8, next_number=45678)
    paths = [("gtin", gtin_path(gtin)), ("prefix", "/api/v1/prefixes/69345678")]
    certificate = certificate_path(member.certificate_number, member.name)
    _listed(servers, certificate, ["69212345"])  # the certificate lists the member's prefixes
    _all_changed(
        servers,
        paths,
        lambda: numbering.prefix_allocate(member=member, block="693", length=8, today=TODAY),
        lambda body: body["status"] == 200 and _facts(body)["name"] == member.name,
    )
    _listed(servers, certificate, ["69212345", "69345678"])

    changed(servers, "prefix", "/api/v1/prefixes/69345678",
            lambda: CompanyPrefix.objects.filter(prefix="69345678").update(retired_on=TODAY),
            lambda body: body["retired"])  # fmt: skip
    _listed(servers, certificate, ["69212345"])

    _all_changed(servers, paths, lambda: CompanyPrefix.objects.get(prefix="69345678").delete(),
                 lambda body: body["status"] == 404)  # fmt: skip


def _listed(servers: list[Server], path: str, prefixes: list[str]) -> None:
    """The certificate's answer lists ``prefixes``, from each server's cache."""
    for body in warm(servers, "certificate", path):
        assert sorted(body["prefixes"]) == prefixes, body


def test_a_upc_prefix_allocated_shows_at_once(servers: list[Server], member: Member) -> None:
    """A UPC prefix's GTIN-12s are in the region of ``0`` and its first five digits."""

    def approve() -> None:  # the center approves the member's application for a UPC prefix
        with transaction.atomic():
            kinds.approve_upc(Application(member=member, data={"upc_prefix": "036000"}), TODAY)

    paths = [("gtin", gtin_path("036000291452")), ("gtin", gtin_path("00036000291452")),
             ("prefix", "/api/v1/prefixes/036000")]  # fmt: skip
    _all_changed(
        servers,
        paths,
        approve,
        lambda body: body["status"] == 200 and _facts(body)["name"] == member.name,
    )


def test_a_certificate_reissued_and_renumbered_shows_at_once(servers: list[Server],
                                                             member: Member) -> None:  # fmt: skip
    old = certificate_path(member.certificate_number, member.name)

    def reissue() -> None:  # the center approves a reissue (补办): a new edition
        with transaction.atomic():
            kinds.approve_reissue(Application(member=member), TODAY)

    changed(servers, "certificate", old, reissue, lambda body: body["edition"] == 2)
    new = certificate_path("物编注字第100009号", member.name)
    for body in warm(servers, "certificate", new):
        assert not body["genuine"], body

    def renumber() -> None:
        member.refresh_from_db()
        member.certificate_number = "物编注字第100009号"
        member.save()

    changed(servers, "certificate", old, renumber, lambda body: not body["genuine"])
    assert all(body["genuine"] for body in asked(servers, new))


def test_a_prefix_given_to_another_member_shows_at_once(
    servers: list[Server], filed: Product, member: Member, other_member: Member
) -> None:
    ours = certificate_path(member.certificate_number, member.name)
    theirs = certificate_path(other_member.certificate_number, other_member.name)
    for _kind, path in [("certificate", ours), ("certificate", theirs)]:
        warm(servers, "certificate", path)

    def move() -> None:
        held = CompanyPrefix.objects.get(prefix="69212345")
        held.member = other_member
        held.save()

    _all_changed(servers, [("gtin", gtin_path(filed.display_gtin)),
                           ("prefix", "/api/v1/prefixes/69212345")], move,
                 lambda body: _facts(body)["name"] == other_member.name)  # fmt: skip
    assert [body["prefixes"] for body in asked(servers, ours)] == [[]] * SERVERS
    assert [body["prefixes"] for body in asked(servers, theirs)] == [["69212345", "69254321"]
                                                                     ] * SERVERS  # fmt: skip
    # Moved back in bulk (a key field: every answer is renewed).
    _all_changed(servers, [("gtin", gtin_path(filed.display_gtin))],
                 lambda: CompanyPrefix.objects.filter(prefix="69212345").update(member=member),
                 lambda body: _facts(body)["name"] == member.name)  # fmt: skip


def test_an_ean8_code_allocated_shows_at_once(servers: list[Server], member: Member) -> None:
    block = settings.EAN8_BLOCK
    Sequence.objects.create(name=f"ean8-{block}", value=41)
    number = f"{block}0042" + checksum.calc_check_digit(f"{block}0042")

    def approve() -> None:  # the center approves the member's application for an EAN-8
        with transaction.atomic():
            kinds.approve_ean8(Application(member=member, data={"product": "小包装"}), TODAY)

    changed(servers, "gtin", gtin_path(number), approve,
            lambda body: body["status"] == 200 and body["company_prefix"] == number)  # fmt: skip


# -- a change racing another -----------------------------------------------------------------

#: How long the other transaction is given to commit while ours is open: it commits (where
#: nothing makes it wait, as on PostgreSQL before d185fea) or waits for our commit.
RACING_SECONDS = 3


class _Elsewhere(threading.Thread):
    """``work`` on its own database connection, begun now (it may wait for a lock); what it
    raised is raised again by :meth:`finish`."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work: Callable[[], object] = work
        self.error: Exception | None = None
        self.start()

    def run(self) -> None:
        try:
            self.work()
        except Exception as error:  # raised again in the test's thread
            self.error = error
        finally:
            connection.close()

    def finish(self) -> None:
        self.join(timeout=60)
        assert not self.is_alive()
        if self.error is not None:
            raise self.error


def _prefix_allocated(member: Member, request: pytest.FixtureRequest) -> tuple[str, Callable[
        [], object]]:  # fmt: skip
    """A GTIN under the pool's next prefix, and its allocation to the member (the service)."""
    PrefixPool.objects.create(block="693", length=8, next_number=45678)
    return ean13("693456780001"), lambda: numbering.prefix_allocate(
        member=member, block="693", length=8, today=TODAY)  # fmt: skip


def _prefix_moved(member: Member, request: pytest.FixtureRequest) -> tuple[str, Callable[
        [], object]]:  # fmt: skip
    """A GTIN under another member's prefix, and that prefix given to the member."""
    request.getfixturevalue("other_member")

    def move() -> None:
        held = CompanyPrefix.objects.get(prefix="69254321")
        held.member_id = member.pk
        held.save()

    return ean13("692543210001"), move


def _ean8_created(member: Member, request: pytest.FixtureRequest) -> tuple[str, Callable[
        [], object]]:  # fmt: skip
    """An EAN-8 code, and its row made for the member (as the admin or an import makes it;
    the center's approval locks the member first, and takes its turn)."""
    number = "6900042" + checksum.calc_check_digit("6900042")
    return number, lambda: Ean8Code.objects.create(member=member, number=number,
                                                   allocated_on=TODAY)  # fmt: skip


@pytest.mark.parametrize("given", [_prefix_allocated, _prefix_moved, _ean8_created])
def test_a_member_renamed_while_a_number_is_given_to_it(
    servers: list[Server], member: Member, request: pytest.FixtureRequest,
    given: Callable[[Member, pytest.FixtureRequest], tuple[str, Callable[[], object]]],
) -> None:  # fmt: skip
    """A member's change announces the regions of the prefixes and EAN-8 codes it holds; a
    number given to it meanwhile by another transaction must be among them, or wait for the
    change: else an answer made between the two commits, under that number, still names the
    member as it was, and is served once the member's change has committed (PostgreSQL did
    before d185fea)."""
    gtin, give = given(member, request)
    warm(servers, "gtin", gtin_path(gtin))
    with transaction.atomic():
        member.name = "杭州新名食品有限公司"
        member.save()
        giving = _Elsewhere(give)
        giving.join(timeout=RACING_SECONDS)
        asked(servers, gtin_path(gtin))  # an answer made between the commits
    giving.finish()
    for body in asked(servers, gtin_path(gtin)):
        assert (body["status"], body["member"]["name"]) == (200, "杭州新名食品有限公司"), body


def test_a_prefix_given_to_a_member_renumbered_meanwhile(servers: list[Server],
                                                         member: Member) -> None:  # fmt: skip
    """The other way round: a prefix's change announces its member's certificate; the member
    renumbered meanwhile by another transaction must wait for it, or be seen: else the
    certificate's answer under its new number made between the two commits lacks the prefix,
    and is served once the prefix's change has committed (PostgreSQL did before d185fea)."""
    PrefixPool.objects.create(block="693", length=8, next_number=45678)
    renumbered = "物编注字第100009号"
    path = certificate_path(renumbered, member.name)
    warm(servers, "certificate", path)
    with transaction.atomic():
        numbering.prefix_allocate(member=member, block="693", length=8, today=TODAY)
        giving = _Elsewhere(
            lambda: Member.objects.filter(pk=member.pk).update(certificate_number=renumbered)
        )
        giving.join(timeout=RACING_SECONDS)
        asked(servers, path)  # an answer made between the commits
    giving.finish()
    for body in asked(servers, path):
        assert body["genuine"], body
        assert sorted(body["prefixes"]) == ["69212345", "69345678"], body


def test_a_member_saved_outside_a_transaction_while_a_prefix_is_given_to_it(
    servers: list[Server], member: Member, request: pytest.FixtureRequest
) -> None:
    """A save outside a transaction (a command's, a task's) runs in one of its own
    (hall.core.changes.AnnouncedModel), so the member's prefixes it reads stay as read until
    its UPDATE commits: a prefix given to the member meanwhile (the UPDATE held up here by a
    third transaction's lock on the row) waits for it or is seen by it."""
    gtin = ean13("693456780001")
    warm(servers, "gtin", gtin_path(gtin))
    held, let_go = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Member.objects.select_for_update(no_key=True).get(pk=member.pk)
            held.set()
            let_go.wait(timeout=60)

    def rename() -> None:
        member.name = "杭州新名食品有限公司"
        member.save()

    holder = _Elsewhere(hold)
    assert held.wait(timeout=30)
    saver = _Elsewhere(rename)
    _until_waiting()  # the save, in a transaction of its own, waits for the member's row
    giving = _Elsewhere(lambda: CompanyPrefix.objects.create(
        member=member, prefix="69345678", allocated_on=TODAY))  # fmt: skip
    giving.join(timeout=RACING_SECONDS)
    asked(servers, gtin_path(gtin))  # an answer made between the commits
    let_go.set()
    for thread in (holder, saver, giving):
        thread.finish()
    for body in asked(servers, gtin_path(gtin)):
        assert (body["status"], body["member"]["name"]) == (200, "杭州新名食品有限公司"), body


def _until_waiting() -> None:
    """Wait for a transaction to wait for a row lock (PostgreSQL); SQLite's writers take
    turns, so there the save is given a moment."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "no transaction waits for the member's row"
            time.sleep(0.02)


# -- a writer that dies, a writer that keeps no answers --------------------------------------


def renaming(argument: str) -> None:
    """A process that renames a product; one that ``dies`` is killed right after its commit,
    before the change's own callbacks give its scopes new tokens (an OOM kill, a SIGKILL)."""
    pk, name, dies = json.loads(argument)
    with transaction.atomic():
        if dies:
            transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))  # the first
        Product.objects.filter(pk=pk).update(name=name)


def _renamed(product: Product, name: str, *, dies: bool = False,
             **env: str) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """:func:`renaming` run in a process of the hall's (the servers' environment, ``env``
    added)."""
    folder = Path(settings.DATA_DIR)
    return subprocess.run([*_in_the_hall("renaming"), json.dumps([product.pk, name, dies])],
                          env={**_hall_env(folder), **env}, cwd=ROOT, capture_output=True,
                          timeout=120, check=False)  # fmt: skip


def test_a_change_whose_writer_died_after_its_commit_is_never_answered_stale(
    servers: list[Server], filed: Product
) -> None:
    """Its counts in flight lapse (PENDING_SECONDS) with no new token after its commit: the
    answers kept before its change must stay unreachable (the change's scopes got new tokens
    when it was marked)."""
    path = gtin_path(filed.display_gtin)
    warm(servers, "gtin", path)
    died = _renamed(filed, "改名矿泉水", dies=True)
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()[-3000:]
    for body in asked(servers, path):  # its count in flight: answered by the database
        assert body["product"]["name"] == "改名矿泉水", body
    _lapse_counts()
    for body in asked(servers, path):
        assert body["product"]["name"] == "改名矿泉水", body


def test_a_change_by_a_process_that_keeps_no_answers_is_never_answered_stale(
    servers: list[Server], filed: Product
) -> None:
    """A process of the hall with the answers' Redis but HALL_LOOKUP_CACHE=no (a back office
    that needs no cached lookups; or every process while the cache is turned off, the answers
    kept in Redis before waiting for it to be turned on again) still announces its change."""
    path = gtin_path(filed.display_gtin)
    warm(servers, "gtin", path)
    renamed = _renamed(filed, "改名矿泉水", HALL_LOOKUP_CACHE="no")
    assert renamed.returncode == 0, renamed.stderr.decode()[-3000:]
    for body in asked(servers, path):
        assert body["product"]["name"] == "改名矿泉水", body


def _lapse_counts() -> None:
    """What PENDING_SECONDS do to the counts of changes in flight, now: they expire."""
    import redis

    client = redis.Redis.from_url(REDIS)
    counts = client.keys(f"{answers.KEYS}p:*")
    assert counts, "the dead writer's count in flight"
    for key in counts:
        client.pexpire(key, 1)
    time.sleep(0.05)
    assert not client.keys(f"{answers.KEYS}p:*")


# -- a minute of concurrent changes and lookups ------------------------------------------------

#: How long a writer or reader may take to finish after the minute (its records written).
FINISH_SECONDS = 120
#: A writer's longest pause between commits: the answers live long enough to be kept.
WRITER_PAUSE = 0.05
NAME = "并发"
FILED = {"brand": "示例", "specification": "550mL", "net_content": 550,
         "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip


def _discontinued(counter: int) -> bool:
    """The status a writer gives with each counter: every fourth write discontinues."""
    return counter > 0 and counter % 4 == 0


def _rewrite(pk: int, counter: int, user: User) -> None:
    """The product renamed with ``counter`` and given its status, in turn by the hall's
    services, by one UPDATE and by the instance saved (the three paths a change takes)."""
    name, stopped = f"{NAME}{counter}", _discontinued(counter)
    status = Product.Status.DISCONTINUED if stopped else Product.Status.IN_USE
    if counter % 3 == 0:
        product = Product.objects.get(pk=pk)
        services.product_update(actor=user, product_id=pk, version=product.version,
                                data={"name": name})  # fmt: skip
        if product.status != status:
            services.product_transition(
                actor=user,
                product_id=pk,
                today=TODAY,
                action="discontinue" if stopped else "reinstate",
            )
    elif counter % 3 == 1:
        Product.objects.filter(pk=pk).update(
            name=name, status=status, discontinued_on=TODAY if stopped else None
        )
    else:
        product = Product.objects.get(pk=pk)
        product.name, product.status = name, status
        product.discontinued_on = TODAY if stopped else None
        product.save()


def _writer(config: dict[str, Any]) -> dict[str, Any]:
    """Rewrite the products owned, each with a rising counter; (time just after the commit,
    GTIN, counter) of each."""
    user, rng = User.objects.get(pk=config["user"]), random.Random(config["seed"])
    owned = [tuple(row) for row in config["products"]]
    counters = {pk: 0 for pk, _gtin in owned}
    commits = []
    _until(config["start"])
    while time.monotonic() < config["stop"]:
        pk, gtin = rng.choice(owned)
        committed: list[float] = []
        with transaction.atomic():
            # First of the callbacks: before the change's own, which gives its new tokens.
            transaction.on_commit(partial(_stamp, committed))
            _rewrite(pk, counters[pk] + 1, user)
        counters[pk] += 1
        commits.append((committed[0], gtin, counters[pk]))
        time.sleep(rng.uniform(0, WRITER_PAUSE))
    return {"commits": commits}


def _stamp(into: list[float]) -> None:
    into.append(time.monotonic())


def _reader(config: dict[str, Any]) -> dict[str, Any]:
    """Look the products up at random, through either server or in this process; (time the
    lookup started, GTIN, counter seen, status seen, where)."""
    rng, gtins = random.Random(config["seed"]), [gtin for _pk, gtin in config["products"]]
    links = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
             for port in config["ports"]}  # fmt: skip
    reads = []
    _until(config["start"])
    while time.monotonic() < config["stop"]:
        gtin, via = rng.choice(gtins), rng.choice([*config["ports"], "direct"])
        started = time.monotonic()
        if via == "direct":
            status, answer = 200, lookup_gtin(gtin)
        else:
            status, answer = _asked(links[via], gtin_path(gtin))
        product = answer.get("product") or {}
        seen = str(product.get("name", ""))
        counter = int(seen[len(NAME) :]) if seen.startswith(NAME) else -1
        reads.append((started, gtin, counter, product.get("status"), status, str(via)))
    direct = {outcome: REGISTRY.get_sample_value("hall_lookup_answers_total",
                                                 {"kind": "gtin", "outcome": outcome}) or 0.0
              for outcome in ("local", "shared", "miss", "bypass", "outage")}  # fmt: skip
    return {"reads": reads, "direct": direct}


def _asked(link: http.client.HTTPConnection, path: str) -> tuple[int, dict[str, Any]]:
    """One request on a kept-alive connection (opened again if the server closed it)."""
    for attempt in range(2):
        try:
            link.request("GET", path, headers={"Host": "127.0.0.1"})
            response = link.getresponse()
            return response.status, json.loads(response.read())
        except (http.client.HTTPException, ConnectionError):
            link.close()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def work(argument: str) -> None:
    """A writer's or a reader's process (:func:`_started`): its configuration as JSON; says
    ``ready`` and reads when to begin and to end (all begin together, however long each took
    to start); its records written to the file the configuration names."""
    config = json.loads(argument)
    role = {"writer": _writer, "reader": _reader}[config["role"]]
    print("ready", flush=True)
    config.update(json.loads(sys.stdin.readline()))
    Path(config["out"]).write_text(json.dumps(role(config)))


def _started(role: str, config: dict[str, Any], env: dict[str, str],
             folder: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:  # fmt: skip
    """A process of the hall's settings (the servers' environment, Django set up) running
    :func:`work`; its records' file and its error output's."""
    out, errors = (folder / f"{role}{config['seed']}.{ext}" for ext in ("json", "err"))
    with errors.open("wb") as written:
        process = subprocess.Popen(
            [*_in_the_hall("work"), json.dumps({**config, "role": role, "out": str(out)})],
            env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=written,
        )  # fmt: skip
    return process, out, errors


def _together(roles: list[tuple[str, dict[str, Any]]], env: dict[str, str],
              folder: Path) -> list[dict[str, Any]]:  # fmt: skip
    """The writers' and readers' processes started, begun together once all are ready, for
    :data:`CONCURRENT_SECONDS`; what each recorded."""
    started = [_started(role, config, env, folder) for role, config in roles]
    try:
        _begin(started)
        for process, _out, errors in started:
            process.wait(timeout=CONCURRENT_SECONDS + FINISH_SECONDS)
            assert process.returncode == 0, errors.read_text()[-3000:]
    finally:
        for process, _out, _errors in started:
            if process.poll() is None:
                process.kill()
                process.wait()
            assert process.stdout is not None
            process.stdout.close()
    return [json.loads(out.read_text()) for _process, out, _errors in started]


def _begin(started: list[tuple[subprocess.Popen[bytes], Path, Path]]) -> None:
    """Once every process says it is ready, tell all when to begin and to end."""
    for process, _out, errors in started:
        assert process.stdout is not None
        ready = process.stdout.readline()  # its end of file if it failed to start
        assert ready == b"ready\n", errors.read_text()[-3000:]
    start = time.monotonic() + 0.5
    for process, _out, _errors in started:
        assert process.stdin is not None
        process.stdin.write(json.dumps({"start": start, "stop": start + CONCURRENT_SECONDS})
                            .encode() + b"\n")  # fmt: skip
        process.stdin.close()


def _stale(commits: list[list[Any]], reads: list[list[Any]]) -> list[tuple[Any, ...]]:
    """The lookups that began after a commit of counter k and saw an older counter, each
    with the newest counter committed before it began."""
    timeline: dict[str, tuple[list[float], list[int]]] = {}
    for at, gtin, counter in sorted(commits):
        times, counters = timeline.setdefault(gtin, ([], []))
        times.append(at)
        counters.append(counter)
    stale = []
    for started, gtin, seen, *rest in reads:
        times, counters = timeline.get(gtin, ([], []))
        before = bisect.bisect_left(times, started)
        if before and counters[before - 1] > seen:
            stale.append((started, gtin, seen, *rest, "committed before:", counters[before - 1]))
    return stale


def test_a_minute_of_concurrent_changes_is_never_answered_stale(
    servers: list[Server], member: Member, member_user: User, tmp_path: Path
) -> None:
    products = bank.gtins_allocate(member=member, prefix="69212345", actor=member_user,
                                   count=WRITERS * GTINS_PER_WRITER, today=TODAY,
                                   data={**FILED, "name": f"{NAME}0"})  # fmt: skip
    for product in products:
        services.product_transition(actor=member_user, product_id=product.pk, action="publish",
                                    today=TODAY)  # fmt: skip
    owned = [[(p.pk, p.display_gtin) for p in products[i::WRITERS]] for i in range(WRITERS)]
    everything = [row for rows in owned for row in rows]
    before = [server.outcomes("gtin") for server in servers]
    ports = [server.port for server in servers]
    common = {"user": member_user.pk, "ports": ports}
    done = _together(
        [("writer", {**common, "seed": n, "products": owned[n]}) for n in range(WRITERS)]
        + [("reader", {**common, "seed": 100 + n, "products": everything})
           for n in range(READERS)], _hall_env(tmp_path), tmp_path)  # fmt: skip
    commits = [c for d in done for c in d.get("commits", [])]
    reads = [r for d in done for r in d.get("reads", [])]

    assert len(commits) >= 100, len(commits)
    assert len(reads) >= 1000, len(reads)
    assert {read[5] for read in reads} == {*map(str, ports), "direct"}
    assert [read for read in reads if read[4] != 200 or read[2] < 0][:5] == []
    assert _stale(commits, reads)[:5] == []
    assert [read for read in reads if (read[3] == "discontinued") != _discontinued(read[2])
            ][:5] == []  # fmt: skip
    served = [
        _hits(server.outcomes("gtin")) - _hits(counted)
        for server, counted in zip(servers, before, strict=True)
    ]
    kept_here = [_hits(d["direct"]) for d in done if "direct" in d]
    assert min(served) > 0, served  # each server answered from its cache: not vacuous
    assert sum(kept_here) > 0, kept_here
