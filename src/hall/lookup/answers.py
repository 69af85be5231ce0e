"""The public query's answers, cached and never older than the last change (issue 25).

A lookup's answer (a GTIN's, a company prefix's, a certificate check's) is kept in this
process's memory in front of Redis, which every app server shares. Whether a kept answer may
still be served is decided by *version tokens* in Redis, read on every lookup:

- each answer depends on a few **scopes**: ``g:<GTIN-14>`` (the products filed under that
  GTIN), ``r:<six digits>`` (the holders of the company prefixes and EAN-8 codes in that
  region: every prefix a GTIN may fall under starts with the same six digits of its GTIN-14,
  ``gtin14[1:7]``; a UPC prefix ``P`` is in ``0P[:5]``, an EAN-8 code ``N`` in ``00000N[0]``),
  ``c:<certificate digits>`` (a certificate), and ``all`` (a branch's name, a key field
  rewritten in bulk: everything);
- each scope has a token (``v:<scope>``), a random string replaced at each change, and a
  count of changes in flight (``p:<scope>``);
- an answer is kept under its query with the tokens it was made under (its *stamp*), and
  served only while they are still the scopes' tokens.

A change is announced by the layers below (hall.core.changes) *before* it is written: its
scopes get new tokens and their in-flight counts go up, and while any count is above zero
their lookups are answered from the primary database and not kept. *After its transaction
commits* its scopes get new tokens again and their counts go down (each step one Lua script,
atomic in Redis). So a lookup that starts after a commit either sees the count (and asks the
primary) or a token made after the change began (and no answer kept before it): the old
answer is unreachable from the moment of the commit, on every app server, because every
lookup asks Redis. A change that rolls back, or a writer that dies between its commit and
its release, leaves counts that lapse after :data:`PENDING_SECONDS` (those scopes uncached
meanwhile) and tokens that no answer from before the change carries.

Each lookup reads its scopes' tokens, their in-flight counts, its rate limit's count and the
answer Redis keeps under those tokens in one Lua script (one round trip to Redis; the answer
only when this process holds none under them): a scope that has no token (never changed, or
its token expired: ``all``'s never does) gets a random one then, whoever makes it first, and
that lookup is answered by the primary. An answer made is kept in this process at once, and in
Redis from its second miss within :data:`SEEN_SECONDS` (the script marks misses in a bitmap):
a uniform load of GTINs asked once writes Redis no answers. Only a GTIN's plain digits are kept
(hall.lookup.services), and a certificate under the whole name it is checked with.

A reader's race is harmless: a lookup reads the tokens *before* the database, so an answer it
makes from data older than a change carries the tokens from before that change, which no
lookup after the commit holds. "Not registered" is an answer like any other: a prefix given
out later is a change of its region.

**Replicas**: with a replica configured, a token names the primary's WAL position
(``token@LSN``): after the commit when a change releases it, at the moment a lookup makes it.
An answer is made on the replica only when the replica has replayed past every position its
tokens name; under a token that names none (a change's mark), on the primary. A lookup
inside a transaction, with a change in flight, with a token just made or with Redis
unreachable also reads the primary.

**Outages**: with Redis unreachable a lookup is answered from the database, uncached
(counted ``outage``), and a change is refused (:class:`~hall.core.errors.Unavailable`) before
it is written: a Redis that only the writer cannot reach would keep the old answers. A
release that fails is tried again, then left to lapse (the mark's tokens hold). The answers'
Redis must keep nothing on disk (the deployment kit's Redis runs without persistence), and
is best given memory enough not to evict: an evicted token is made anew (nothing kept under
the old one matches), but an evicted count in flight opens the moment between a change's
commit and its release.

Answers also depend on the day (membership valid until a date) and the language: both are in
the key. Metrics: ``hall_lookup_answers_total{kind, outcome}`` (local, shared, miss, bypass,
outage) and ``hall_lookup_invalidations_total{scope}`` (g, r, c, all).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from prometheus_client import Counter

from hall.core import limits
from hall.core.errors import Unavailable
from hall.core.replicas import REPLICA, reading

__all__ = ["ALL", "Announcement", "answer", "certificate_scope", "enabled", "gtin_scopes",
           "invalidate", "prefix_scopes", "region"]  # fmt: skip

logger = logging.getLogger("hall.lookup.answers")

#: Changed when an answer's shape changes: answers kept by an older hall are not read.
FORMAT = "1"
KEYS = f"tiaoma:q{FORMAT}:"
ALL = "all"
#: How long Redis keeps an answer (the day is in its key: no answer outlives its day by much).
ANSWER_SECONDS = 26 * 3600
#: How long a token lives unchanged: longer than any answer kept under it.
TOKEN_SECONDS = 2 * ANSWER_SECONDS
#: How long a change in flight keeps its scopes uncached if its commit never comes.
#: (Longer than any transaction that writes what the answers show: a count that lapsed before
#: its change committed would let an answer from before the change be kept under its mark.)
PENDING_SECONDS = 2 * 3600  # twice a background task's time limit (HALL_TASK_SECONDS)
#: Answers this process keeps in its own memory (a GTIN's is about 1.5 KB).
LOCAL_ANSWERS = 20_000
#: Scopes per Lua call: a change of 100,000 products is not one long script in Redis.
SCOPES_PER_CALL = 5_000
#: Tries to give a committed change's scopes their new tokens before leaving them to lapse.
RELEASE_ATTEMPTS = 3
#: What this process keeps in its own memory, at most.
LOCAL_BYTES = 64 * 1024 * 1024
#: Answers are kept in Redis on their second miss within two windows of this many seconds;
#: the misses are marked in a bitmap of ``SEEN_BITS`` bits a window (2 MB: a query's bit may
#: be another's, which only keeps an answer sooner).
SEEN_SECONDS, SEEN_BITS = 600, 2**24

ANSWERS = Counter("hall_lookup_answers", "Lookup answers by kind and where they came from: "
                  "this process (local), Redis (shared), the database (miss), the database "
                  "because a change was in flight or its token unknown (bypass), the database "
                  "because Redis was unreachable (outage)", ["kind", "outcome"])  # fmt: skip
INVALIDATIONS = Counter("hall_lookup_invalidations", "Scopes given a new token after a commit",
                        ["scope"])  # fmt: skip

# The token of ``all`` (ARGV's last) never expires: every answer carries it.
_MARK = """
local n = #KEYS / 2
for i = 1, n do
  redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[1])
  if KEYS[n + i] == ARGV[4] then redis.call('SET', KEYS[n + i], ARGV[2])
  else redis.call('SET', KEYS[n + i], ARGV[2], 'EX', ARGV[3]) end
end
"""
# A lookup's one call. First the rate limit's count (hall.core.limits.counted_by's key, cost
# and window) when ARGV[1] is 1; then each scope's token (made as ARGV[4] where there is none,
# unless ARGV[4] is empty) and each scope's count in flight, false where there is none. Then,
# unless a change is in flight: 'local' when every token was there and they are the stamp of
# the answer this process holds (ARGV[7]); else 'shared' and the answer Redis keeps under
# them; else 'new' and whether the query was not served in the last two windows of
# ARGV[9] / 2 seconds already (its bit, ARGV[8], in those windows' bitmaps): an answer is
# kept in Redis on its second miss, so a query asked once costs Redis nothing more.
_READ = """
local out, first = {0}, 1
if ARGV[1] == '1' then
  out[1] = redis.call('INCRBY', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
  first = 2
end
local n = (#KEYS - first - 2) / 2
local tokens, missing, busy = {}, false, false
for i = 0, n - 1 do
  local key = KEYS[first + i]
  local token = redis.call('GET', key)
  if token then tokens[#tokens + 1] = token
  else
    missing = true
    if ARGV[4] ~= '' then
      if key == ARGV[6] then redis.call('SET', key, ARGV[4])
      else redis.call('SET', key, ARGV[4], 'EX', ARGV[5]) end
    end
  end
  out[#out + 1] = token
end
for i = 0, n - 1 do
  local count = redis.call('GET', KEYS[first + n + i])
  if count then busy = true end
  out[#out + 1] = count
end
if busy then return out end
if not missing then
  local stamp = table.concat(tokens, '|')
  if stamp == ARGV[7] then
    out[#out + 1] = 'local'
    return out
  end
  local kept = redis.call('GET', KEYS[first + 2 * n])
  if kept and string.sub(kept, 1, #stamp + 1) == stamp .. '\\n' then
    out[#out + 1] = 'shared'
    out[#out + 1] = string.sub(kept, #stamp + 2)
    return out
  end
end
local seen = redis.call('SETBIT', KEYS[first + 2 * n + 1], ARGV[8], 1)
redis.call('EXPIRE', KEYS[first + 2 * n + 1], ARGV[9], 'NX')
if seen == 0 then seen = redis.call('GETBIT', KEYS[first + 2 * n + 2], ARGV[8]) end
out[#out + 1] = 'new'
out[#out + 1] = seen
return out
"""
_RELEASE = """
local n = #KEYS / 2
for i = 1, n do
  if KEYS[i] == ARGV[3] then redis.call('SET', KEYS[i], ARGV[1])
  else redis.call('SET', KEYS[i], ARGV[1], 'EX', ARGV[2]) end
  if redis.call('DECR', KEYS[n + i]) <= 0 then redis.call('DEL', KEYS[n + i]) end
end
"""


def announcing() -> bool:
    """Writes are announced whenever the cache is a Redis (``HALL_CACHE_URL``), whether this
    process reads answers from it or not: a worker or a command with ``HALL_LOOKUP_CACHE``
    off must not leave the app servers' answers stale."""
    return str(settings.CACHES["default"]["BACKEND"]).startswith("django_redis.")


def enabled() -> bool:
    """Answers are read from the cache only with a Redis every app server shares."""
    return bool(settings.LOOKUP_CACHE) and announcing()


# -- scopes --------------------------------------------------------------------------------------


def region(gtin14: str) -> str:
    return f"r:{gtin14[1:7]}"


def gtin_scopes(gtin14: str) -> tuple[str, str]:
    """What a GTIN's answer depends on: its products and its region's holders."""
    return f"g:{gtin14}", region(gtin14)


def prefix_region(prefix: str, kind: str) -> str:
    """The region of the GTINs a company prefix (``ean``/``upc``) covers."""
    return f"r:{prefix[:6]}" if kind == "ean" else f"r:0{prefix[:5]}"


def ean8_region(number: str) -> str:
    return f"r:00000{number[:1]}"


def prefix_scopes(prefix: str) -> tuple[str, str]:
    """A prefix lookup finds the digits as an EAN or a UPC prefix: both regions."""
    return prefix_region(prefix, "ean"), prefix_region(prefix, "upc")


def certificate_scope(number: str) -> str | None:
    """A certificate's scope: its digits (物编注字第100001号, 第100001号 and 100001 are one)."""
    digits = "".join(c for c in number if "0" <= c <= "9")
    return f"c:{digits}" if digits else None


# -- reading -------------------------------------------------------------------------------------


class _Local:
    """This process's answers, the least recently used dropped first once there are more than
    ``size`` or they hold more than ``most`` bytes."""

    def __init__(self, size: int, most: int) -> None:
        self.size, self.most, self.held = size, most, 0
        self.kept: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def find(self, key: str) -> tuple[bytes, bytes] | None:
        """The stamp and body kept under ``key`` (a use: the last to be dropped)."""
        with self.lock:
            held = self.kept.get(key)
            if held is not None:
                self.kept.move_to_end(key)
            return held

    def put(self, key: str, stamp: bytes, body: bytes) -> None:
        with self.lock:
            if (old := self.kept.pop(key, None)) is not None:
                self.held -= _weight(key, *old)
            self.kept[key] = (stamp, body)
            self.held += _weight(key, stamp, body)
            while len(self.kept) > self.size or self.held > self.most:
                dropped, (old_stamp, old_body) = self.kept.popitem(last=False)
                self.held -= _weight(dropped, old_stamp, old_body)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
            self.held = 0


def _weight(key: str, stamp: bytes, body: bytes) -> int:
    return len(key) + len(stamp) + len(body)


LOCAL = _Local(LOCAL_ANSWERS, LOCAL_BYTES)
_counted: dict[tuple[str, str], Any] = {}


def _count(kind: str, outcome: str) -> None:
    series = _counted.get((kind, outcome))
    if series is None:
        series = _counted[(kind, outcome)] = ANSWERS.labels(kind, outcome)
    series.inc()


_client: list[Any] = []


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    """Another cache named (the tests' override_settings): its connection, no answer kept."""
    if setting in ("CACHES", "LOOKUP_CACHE"):
        _client.clear()
        _scripts.clear()  # each bound to the client it was registered with
        LOCAL.clear()


def _redis() -> Any:
    """The cache's own Redis connection (django-redis's client), found once per process."""
    if not _client:
        from django_redis import get_redis_connection  # noqa: PLC0415 - only with Redis

        _client.append(get_redis_connection("default"))
    return _client[0]


Make = Callable[[str], bytes]


def answer(kind: str, query: str, scopes: Sequence[str], make: Make,
           owed: limits.Charge | None = None) -> bytes:  # fmt: skip
    """The answer to ``query`` (its bytes, as ``make(alias)`` writes them from the database
    ``alias``), from this process, from Redis, or made now; see the module's description.

    ``owed``: the request's rate-limit charge, counted in the same round trip to Redis as the
    tokens are read; :class:`~hall.core.errors.RateLimited` when it is over its limit."""
    if not enabled() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        _settled(owed, None)
        return make(reading())  # a transaction sees its own writes, which no one else may
    named = (ALL, *scopes)
    # Each scope's token, made now where it has none, the in-flight counts, the rate limit's
    # count and the kept answer: one script, one round trip (six commands through redis-py's
    # pipeline cost more in Python than the lookup they spared). With a replica a token must
    # name the primary's position when it is made: read here, made after (_made_at_position).
    replicated = REPLICA in connections.settings
    made = "" if replicated else os.urandom(8).hex()
    charge = limits.counted_by(owed) if owed is not None else None
    key = f"{kind}:{translation.get_language()}:{timezone.localdate().isoformat()}:{query}"
    held = LOCAL.find(key)
    window = int(time.time()) // SEEN_SECONDS
    keys = [*(f"{KEYS}v:{s}" for s in named), *(f"{KEYS}p:{s}" for s in named),
            f"{KEYS}a:{key}", f"{KEYS}seen:{window}", f"{KEYS}seen:{window - 1}"]  # fmt: skip
    try:
        results = _script(_READ)(
            keys=keys if charge is None else [charge[0], *keys],
            args=[int(charge is not None), *(charge or ("", 0, 0))[1:], made, TOKEN_SECONDS,
                  f"{KEYS}v:{ALL}", b"" if held is None else held[0],
                  zlib.crc32(key.encode()) % SEEN_BITS, 2 * SEEN_SECONDS],
        )  # fmt: skip
        tokens, raced = results[1 : 1 + len(named)], False
        if replicated and None in tokens:
            tokens, made, raced = _made_at_position(named, tokens)
    except Exception as error:  # the client's connection errors: answered uncached
        _settled(owed, error)
        return _outage(kind, make, error)
    _settled(owed, None, results[0] if owed is not None else None)
    in_flight, verdict = results[1 + len(named) : 1 + 2 * len(named)], results[1 + 2 * len(named) :]
    if any(in_flight) or raced:  # a change is being written: the primary, nothing kept
        _count(kind, "bypass")
        return make(DEFAULT_DB_ALIAS)
    stamp = b"|".join(made.encode() if token is None else token for token in tokens)
    if verdict[0] == b"local" and held is not None:
        _count(kind, "local")
        return held[1]
    if verdict[0] == b"shared":
        body = bytes(verdict[1])
        _count(kind, "shared")
        LOCAL.put(key, stamp, body)
        return body
    # Not kept: made now, and kept in Redis if it was missed lately already. A scope without
    # a token until now (never changed, or its token expired) has an unknown last change:
    # the primary answers.
    alias = DEFAULT_DB_ALIAS if None in tokens else _fresh_alias(stamp)
    return _made(kind, key, stamp, make, alias, shared=verdict[0] != b"new" or verdict[1] == 1)


def _made_at_position(
    named: Sequence[str], tokens: list[bytes | None]
) -> tuple[list[bytes | None], str, bool]:
    """The tokens missing made now, each naming the primary's WAL position (every change
    committed before the tokens were lost is behind it): the replica answers under them only
    once it has replayed that far. None stays where this lookup's token was set. True when
    another token was set first: perhaps a change's mark, whose count this lookup has not
    read, so no answer may be kept under it."""
    made = os.urandom(8).hex() + _committed_position(always=True)
    pipeline = _redis().pipeline(transaction=False)
    missing = [scope for scope, token in zip(named, tokens, strict=True) if token is None]
    for scope in missing:
        pipeline.set(f"{KEYS}v:{scope}", made, nx=True, get=True,
                     ex=None if scope == ALL else TOKEN_SECONDS)  # fmt: skip
    found = dict(zip(missing, pipeline.execute(), strict=True))
    filled = [found[scope] if token is None else token
              for scope, token in zip(named, tokens, strict=True)]  # fmt: skip
    return filled, made, any(found.values())


def _settled(owed: limits.Charge | None, error: Exception | None, used: int | None = None) -> None:
    """The charge's verdict: counted with the tokens (``used``), counted now (no Redis round
    trip of ours to ride on), or let through (Redis away, the limits' rule)."""
    if owed is None:
        return
    if error is not None:
        verdict = limits.unavailable(owed, error)
    elif used is None:
        verdict = limits.settle(owed)
    else:
        verdict = owed.verdict(int(used))
    if not verdict.allowed:
        raise limits.refusal(verdict)


def _made(kind: str, key: str, stamp: bytes, make: Make, alias: str, *, shared: bool) -> bytes:
    """An answer made on ``alias`` and kept under ``stamp`` (the tokens read before it was):
    in this process, and in Redis when ``shared``."""
    body = make(alias)
    if shared:
        try:
            _redis().set(KEYS + "a:" + key, stamp + b"\n" + body, ex=ANSWER_SECONDS)
        except Exception as error:
            return _outage(kind, lambda alias: body, error)
    _count(kind, "miss")
    LOCAL.put(key, stamp, body)
    return body


_last_outage = [0.0]


def _outage(kind: str, make: Make, error: Exception) -> bytes:
    now = timezone.now().timestamp()
    if now - _last_outage[0] >= 60:
        _last_outage[0] = now
        logger.warning("lookup answers served uncached: Redis is unavailable (%s)", error)
    _count(kind, "outage")
    return make(DEFAULT_DB_ALIAS)


def _fresh_alias(stamp: bytes) -> str:
    """The replica when it has replayed every change the tokens name, else the primary."""
    alias = reading()
    if alias != REPLICA:
        return alias
    if connections[REPLICA].vendor != "postgresql":
        return alias
    tokens = stamp.split(b"|")
    if not all(b"@" in token for token in tokens):  # a mark's, or made before the replica was
        return DEFAULT_DB_ALIAS
    positions = [token.split(b"@", 1)[1].decode() for token in tokens]
    with connections[REPLICA].cursor() as cursor:
        # NULL on a server that is not a standby: it is the primary itself.
        cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= "
                       "(SELECT max(p) FROM unnest(%s::pg_lsn[]) AS p), true)",
                       [positions])  # fmt: skip
        caught_up = bool(cursor.fetchone()[0])
    return REPLICA if caught_up else DEFAULT_DB_ALIAS


# -- changing ------------------------------------------------------------------------------------


class Announcement:
    """A change's scopes, marked in flight now, given new tokens when its transaction commits
    (hall.core.changes calls :meth:`done` after the write)."""

    def __init__(self, scopes: Iterable[str]) -> None:
        self.scopes = sorted(set(scopes))
        # New tokens now as well as after the commit: a writer that dies between its commit
        # and its release leaves counts that lapse, and no answer from before its change.
        # A change that cannot be marked is not written: the answers kept before it would
        # outlive it (an outage of Redis alone, which the readers may still reach).
        if not _each_chunk(_MARK, self.scopes, [PENDING_SECONDS, secrets.token_hex(8),
                                                 TOKEN_SECONDS, f"{KEYS}v:{ALL}"]):  # fmt: skip
            raise Unavailable(_("暂时无法保存：公共查询的缓存服务（Redis）无法连接，请稍后再试"),
                              code="answers_unavailable")  # fmt: skip

    def done(self) -> None:
        if self.scopes:
            transaction.on_commit(self._release, using=DEFAULT_DB_ALIAS)

    def _release(self) -> None:
        token = secrets.token_hex(8) + _committed_position()
        for attempt in range(RELEASE_ATTEMPTS):  # if all fail: the counts lapse, the marks hold
            if _each_chunk(_RELEASE, self.scopes, [token, TOKEN_SECONDS, f"{KEYS}v:{ALL}"],
                           pending_first=False):  # fmt: skip
                break
            time.sleep(0.05 * (attempt + 1))
        for scope in self.scopes:
            INVALIDATIONS.labels(scope.split(":", 1)[0]).inc()


def invalidate(scopes: Iterable[str]) -> Announcement | None:
    """Announce a change of ``scopes`` (call :meth:`Announcement.done` after writing); None
    when answers are not cached."""
    return Announcement(scopes) if announcing() else None


def _committed_position(*, always: bool = False) -> str:
    """``@LSN``: the primary's WAL position now (after a commit), for the replica to reach;
    empty without a replica."""
    if REPLICA not in connections.settings and not always:
        return ""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return "@" + str(cursor.fetchone()[0])


_scripts: dict[str, Any] = {}


def _script(text: str) -> Any:
    """One of the Lua scripts, registered with this process's client (EVALSHA, loaded by
    redis-py when Redis does not know it yet)."""
    if text not in _scripts:
        _scripts[text] = _redis().register_script(text)
    return _scripts[text]


def _each_chunk(script: str, scopes: list[str], args: list[Any], *,
                pending_first: bool = True) -> bool:  # fmt: skip
    """Run one of the Lua scripts on the scopes' in-flight and token keys, a chunk of scopes a
    call; False (and an error logged) when Redis cannot be reached, which leaves the answers
    of these scopes as they were."""
    try:
        for start in range(0, len(scopes), SCOPES_PER_CALL):
            chunk = scopes[start : start + SCOPES_PER_CALL]
            pending, tokens = [f"{KEYS}p:{s}" for s in chunk], [f"{KEYS}v:{s}" for s in chunk]
            keys = pending + tokens if pending_first else tokens + pending
            _script(script)(keys=keys, args=args)
    except Exception as error:
        logger.error("lookup cache: a change was not announced to Redis (%s)", error)
        return False
    return True
