"""Batch verification for retailers (architecture.md: set-based, never row by row).

The GTINs are validated many at a time (tiaoma.bulk's vectorised pass; the single validator for
the rest, which gives the reasons); then the filed products and the company prefixes they fall
under are found by set: an IN list per thousand numbers, or, on PostgreSQL for large batches, by
COPY into a temporary table probed in key order, split between one connection per core. A file's
result is written by one writer whatever the database, so both give the same file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.lookup.services import PUBLIC_STATUSES, prefix_candidates
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product
from hall.reasons import reason
from hall.spreadsheets import TableError, csv_safe, read_rows
from tiaoma import bulk, gtin
from tiaoma.errors import TiaomaError

CHUNK = 900  # under SQLite's limit of bound parameters, and a sensible IN list elsewhere
#: From this many numbers on, PostgreSQL gets them by COPY into temporary tables
#: (architecture.md: set-based), instead of an IN list per chunk.
SET_BASED_FROM = 5_000
#: Connections that probe a large batch at once on PostgreSQL, each a core's work.
PROBES = max(1, min(4, os.cpu_count() or 1))
MAX_PER_REQUEST = 10_000
#: GTIN-14 -> (product name, status) of the filed products.
Products = dict[str, tuple[str, str]]
#: GTIN-14 -> (company prefix or EAN-8, member id), the longest prefix winning.
Holders = dict[str, tuple[str, int]]
#: What is known of a number: (its holder's prefix, member id, its product's name, status),
#: None where there is none; numbers nobody holds and nobody filed are left out.
Fact = tuple[str | None, int | None, str | None, str | None]
#: Member id -> its name and whether its membership is valid today.
Members = dict[int, dict[str, Any]]
Found = tuple[dict[str, Fact], Members]


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _validated(texts: Sequence[str]) -> list[str | TiaomaError]:
    """Each text's GTIN-14, or the error that says why it is not one."""
    plain = bulk.plain_valid_gtins(texts).tolist()
    checked: list[str | TiaomaError] = []
    for text, ok in zip(texts, plain, strict=True):
        if ok:
            checked.append(text.zfill(14))
            continue
        try:
            checked.append(gtin.validate(text).zfill(14))
        except TiaomaError as error:
            checked.append(error)
    return checked


def _found(checked: list[str | TiaomaError]) -> Found:
    """What is known of the well-formed numbers, and the members that hold them: on PostgreSQL,
    for many numbers, by probing (:func:`_probed`), else by IN lists."""
    numbers = list({n for n in checked if isinstance(n, str)})
    if connection.vendor == "postgresql" and len(numbers) >= SET_BASED_FROM:
        facts = _probed(numbers)
    else:
        facts = _joined_in_python(_products(numbers), _holders(numbers))
    members = {member for _prefix, member, _name, _status in facts.values() if member is not None}
    return facts, _members(members)


def _joined_in_python(products: Products, holders: Holders) -> dict[str, Fact]:
    facts: dict[str, Fact] = {n: (prefix, member, None, None) for n, (prefix, member)
                              in holders.items()}  # fmt: skip
    for number, (name, status) in products.items():
        prefix, member, _name, _status = facts.get(number, (None, None, None, None))
        facts[number] = (prefix, member, name, status)
    return facts


def verify_batch(texts: Sequence[str]) -> list[dict[str, Any]]:
    """One answer per input, in order: well formed or the reason; registered to whom, is the
    membership valid; the filed product's name and status."""
    checked = _validated(texts)
    facts, members = _found(checked)
    answers: list[dict[str, Any]] = []
    for text, number in zip(texts, checked, strict=True):
        if isinstance(number, TiaomaError):
            answers.append({"input": text[:40], "well_formed": False,
                            "error": {"code": number.code, "message": reason(number)}})  # fmt: skip
            continue
        answer = {"input": text[:40], "well_formed": True, "gtin14": number}
        _fill(answer, facts.get(number), members)
        answers.append(answer)
    return answers


def _products(numbers: list[str]) -> Products:
    found: Products = {}
    for chunk in _chunks(sorted(numbers)):
        rows = Product.objects.filter(gtin__in=chunk, superseded=False, status__in=PUBLIC_STATUSES)
        found.update((g, (n, s)) for g, n, s in rows.values_list("gtin", "name", "status"))
    return found


def _holders(numbers: list[str]) -> Holders:
    wanted = sorted({c for number in numbers for c in prefix_candidates(number)})
    known: dict[tuple[str, str], int] = {}
    for chunk in _chunks([prefix for prefix, _kind in wanted]):
        rows = CompanyPrefix.objects.filter(prefix__in=chunk)
        known.update(((p, k), m) for p, k, m in rows.values_list("prefix", "kind", "member_id"))
    eights = [n[6:] for n in numbers if n.startswith("000000")]
    codes: dict[str, int] = {}
    for chunk in _chunks(eights):
        codes.update(Ean8Code.objects.filter(number__in=chunk).values_list("number", "member_id"))
    holders: Holders = {}
    for number in numbers:
        if number[6:] in codes and number.startswith("000000"):
            holders[number] = (number[6:], codes[number[6:]])
            continue
        matches = [(p, known[(p, k)]) for p, k in prefix_candidates(number) if (p, k) in known]
        if matches:
            holders[number] = max(matches, key=lambda match: len(match[0]))
    return holders


def _probed(numbers: list[str]) -> dict[str, Fact]:
    """What is known of many numbers (PostgreSQL): the numbers split between ``PROBES``
    connections that work at once; a single slice uses this thread's connection."""
    size = -(-len(numbers) // PROBES)
    slices = [numbers[start : start + size] for start in range(0, len(numbers), size)]
    if len(slices) == 1:
        return _probe(slices[0])
    facts: dict[str, Fact] = {}
    with ThreadPoolExecutor(len(slices)) as pool:
        for found in pool.map(_probe_on_own_connection, slices):
            facts.update(found)
    return facts


def _probe_on_own_connection(numbers: list[str]) -> dict[str, Fact]:
    try:
        return _probe(numbers)
    finally:
        connection.close()  # Django's connections are per thread: this one is the pool's


def _probe(numbers: list[str]) -> dict[str, Fact]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_wanted (gtin text) ON COMMIT DROP")
        with cursor.cursor.copy("COPY batch_wanted (gtin) FROM STDIN") as copy:
            copy.write("\n".join(numbers) + "\n")
        cursor.execute("ANALYZE batch_wanted")
        # The numbers sort in memory, not in temporary files; a plan this plain gains nothing
        # from JIT compilation, which would cost more than half a second.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_facts_sql(cursor), [list(PUBLIC_STATUSES)])
        rows = cursor.fetchall()
    return dict(zip(map(itemgetter(0), rows), map(itemgetter(slice(1, None)), rows), strict=True))


def _facts_sql(cursor: Any) -> str:
    """One query: each wanted GTIN's EAN-8 code, else its longest company prefix, and its filed
    product. The holders come by a hash left join per prefix kind and length that exists (a
    handful), the first found winning: neither an index probe per number and length nor a
    sort. The products come by one index probe per number in the numbers' order (the LIMIT
    keeps the planner from a hash join, which reads the whole products table: at 10 million
    rows, 13 s against 5 s for a million numbers)."""
    cursor.execute("SELECT DISTINCT kind, length(prefix) FROM members_companyprefix "
                   "ORDER BY 2 DESC, 1")  # fmt: skip
    joins = ["LEFT JOIN members_ean8code h0 ON w.gtin LIKE '000000%%' "
             "AND h0.number = substr(w.gtin, 7, 8)"]  # fmt: skip
    prefixes, members = ["h0.number"], ["h0.member_id"]
    for index, (kind, length) in enumerate(cursor.fetchall(), 1):
        if kind not in CompanyPrefix.Kind.values:  # the kind is written into the query
            continue
        start = 3 if kind == CompanyPrefix.Kind.UPC else 2
        only_upc = " AND w.gtin LIKE '00%%'" if kind == CompanyPrefix.Kind.UPC else ""
        joins.append(f"LEFT JOIN members_companyprefix h{index} ON h{index}.kind = '{kind}' "
                     f"AND length(h{index}.prefix) = {int(length)} AND h{index}.prefix = "
                     f"substr(w.gtin, {start}, {int(length)}){only_upc}")  # fmt: skip
        prefixes.append(f"h{index}.prefix")
        members.append(f"h{index}.member_id")
    prefix = f"coalesce({', '.join(prefixes)})"
    return f"""
SELECT w.gtin, {prefix}, coalesce({", ".join(members)}), p.name, p.status
FROM (SELECT gtin FROM batch_wanted ORDER BY gtin COLLATE "C") w
LEFT JOIN LATERAL (SELECT name, status FROM products_product p WHERE p.gtin = w.gtin
                   AND NOT p.superseded AND p.status = ANY(%s) LIMIT 1) p ON true
{" ".join(joins)}
WHERE {prefix} IS NOT NULL OR p.status IS NOT NULL"""


def _members(ids: set[int]) -> Members:
    today = timezone.localdate()
    rows = Member.objects.filter(pk__in=ids).values_list("pk", "name", "status", "valid_until")
    return {pk: {"name": name, "membership_valid": status == Member.Status.ACTIVE
                 and until >= today} for pk, name, status, until in rows}  # fmt: skip


def _fill(answer: dict[str, Any], fact: Fact | None, members: Members) -> None:
    prefix, member_id, name, status = fact or (None, None, None, None)
    member = members.get(member_id) if member_id is not None else None
    answer["registered"] = prefix is not None
    answer["company_prefix"] = prefix
    answer["member"] = member["name"] if member else None
    answer["membership_valid"] = member["membership_valid"] if member else None
    answer["product"] = name
    answer["product_status"] = status


# -- a file of GTINs, verified as a background job ---------------------------------------------

#: A file may hold this many GTINs (a large retailer's whole assortment, and then some).
MAX_PER_FILE = 2_000_000
#: Uploads above this size are refused before they are read.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: GTINs verified between two progress reports.
FILE_CHUNK = 1_000_000
RESULT_COLUMNS = ["input", "well_formed", "gtin14", "error", "registered", "company_prefix",
                  "member", "membership_valid", "product", "product_status"]  # fmt: skip


class FileRefused(Exception):
    """A file that cannot be verified at all; the message says why."""


def numbers_in(data: bytes) -> list[str]:
    """The first cell of each non-empty row (CSV or Excel), without a header row."""
    try:
        rows = [row[0].strip() for row in read_rows(data) if row and row[0].strip()]
    except TableError as error:
        raise FileRefused(str(error)) from error
    if rows and not any(c.isdigit() for c in rows[0]):
        rows = rows[1:]
    if not rows:
        raise FileRefused(_("文件中没有商品条码"))
    if len(rows) > MAX_PER_FILE:
        raise FileRefused(_("每个文件最多 %(limit)d 个编码，此文件有 %(count)d 个")
                          % {"limit": MAX_PER_FILE, "count": len(rows)})  # fmt: skip
    return rows


def verify_file(numbers: Sequence[str], out: IO[str],
                on_progress: Callable[[int], None] | None = None) -> dict[str, int]:  # fmt: skip
    """Write one result row per number to ``out`` (CSV with a header); return the counts."""
    out.write(",".join(RESULT_COLUMNS) + "\n")
    counts = dict.fromkeys(("total", "malformed", "registered", "not_registered", "filed"), 0)
    for start in range(0, len(numbers), FILE_CHUNK):
        texts = numbers[start : start + FILE_CHUNK]
        checked = _validated(texts)
        out.write("".join(_result_lines(texts, checked, _row_ends(checked), counts)))
        if on_progress is not None:
            on_progress(min(len(numbers), start + FILE_CHUNK))
    return counts


def _row_ends(checked: list[str | TiaomaError]) -> dict[str, str]:
    """What each number's result row says after its GTIN (:func:`_row_end`), for the numbers
    somebody holds or filed."""
    facts, members = _found(checked)
    people = {pk: f"{_cell(csv_safe(facts['name']))},{int(facts['membership_valid'])}"
              for pk, facts in members.items()}  # fmt: skip
    return {number: _row_end(fact, people) for number, fact in facts.items()}


def _result_lines(texts: Sequence[str], checked: list[str | TiaomaError], known: dict[str, str],
                  counts: dict[str, int]) -> Iterator[str]:  # fmt: skip
    """The file's rows as CSV lines."""
    malformed = registered = filed = 0
    for text, number in zip(texts, checked, strict=True):
        shown = text if len(text) <= 40 and text.isdigit() and text.isascii() else _cell(
            csv_safe(text[:40]))  # fmt: skip
        if isinstance(number, TiaomaError):
            malformed += 1
            yield f"{shown},0,,{_cell(reason(number))},,,,,,\n"
            continue
        end = known.get(number, NOBODYS)
        if end[0] == "1":
            registered += 1
            filed += not end.endswith(",")
        yield f"{shown},1,{number},,{end}\n"
    counts["total"] += len(texts)
    counts["malformed"] += malformed
    counts["registered"] += registered
    counts["filed"] += filed
    counts["not_registered"] += len(texts) - malformed - registered


#: The end of the row of a number nobody holds and nobody filed.
NOBODYS = "0,,,,,"


def _row_end(fact: Fact, people: dict[int, str]) -> str:
    """registered, company_prefix, member, membership_valid, product, product_status."""
    prefix, member_id, name, status = fact
    held = "0,,," if prefix is None else f"1,{prefix},{people.get(member_id or 0, ',')}"
    filed = "," if status is None else f"{_cell(csv_safe(name or ''))},{status}"
    return f"{held},{filed}"


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def _cell(text: str) -> str:
    """A CSV field: quoted, its quotes doubled, when it holds a comma, a quote or a line break."""
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'
