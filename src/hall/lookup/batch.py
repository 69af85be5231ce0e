"""Batch verification for retailers (architecture.md: set-based, never row by row).

The GTINs are validated many at a time (tiaoma.bulk's vectorised pass; the single validator for
the rest, which gives the reasons); then the filed products and the company prefixes they fall
under are found by set: an IN list per thousand numbers, or, on PostgreSQL for large batches, as
one parameter of lines split into rows and probed in key order, split between one connection
per core.
Nothing is written, not even a temporary table, so that a read replica (a hot standby, which
takes no temporary table) can answer: the alias is hall.core.replicas' choice, once per batch.

A file's result rows are written in Python (:func:`_result_lines`), except a large file's on
PostgreSQL: there the database writes the same rows itself (:func:`_lines_sql`), because a
million rows made into Python objects and back into text took longer than the probes. A test
holds the two writers to the same file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter
from typing import IO, Any, TypeVar

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.core import sheetscan
from hall.core.errors import HallError
from hall.core.reasons import reason
from hall.core.replicas import reading
from hall.core.spreadsheets import TableError, csv_safe, kind_of, read_rows
from hall.lookup.services import PUBLIC_STATUSES, prefix_candidates, server_bound_cursor
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product
from tiaoma import bulk, gtin
from tiaoma.errors import TiaomaError

CHUNK = 900  # under SQLite's limit of bound parameters, and a sensible IN list elsewhere
#: From this many numbers on, PostgreSQL gets them as one text of lines, probed by set
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
T = TypeVar("T")
R = TypeVar("R")


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _validated(texts: Sequence[str]) -> list[str | TiaomaError]:
    """Each text's GTIN-14, or the error that says why it is not one."""
    plain = bulk.plain_valid_gtins(texts).tolist()
    return [text.zfill(14) if ok else _checked(text)
            for text, ok in zip(texts, plain, strict=True)]  # fmt: skip


def _checked(text: str) -> str | TiaomaError:
    """The GTIN-14 of a text the vectorised pass left, or the error that says why it is none."""
    try:
        return gtin.validate(text).zfill(14)
    except TiaomaError as error:
        return error


def _found(alias: str, checked: list[str | TiaomaError]) -> Found:
    """What is known of the well-formed numbers, and the members that hold them: on PostgreSQL,
    for many numbers, by probing (:func:`_probed`), else by IN lists."""
    numbers = list({n for n in checked if isinstance(n, str)})
    if _set_based(alias, numbers):
        facts = _probed(alias, numbers)
    else:
        facts = _joined_in_python(_products(alias, numbers), _holders(alias, numbers))
    members = {member for _prefix, member, _name, _status in facts.values() if member is not None}
    return facts, _members(alias, members)


def _set_based(alias: str, numbers: Sequence[object]) -> bool:
    return connections[alias].vendor == "postgresql" and len(numbers) >= SET_BASED_FROM


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
    facts, members = _found(reading(), checked)
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


def _products(alias: str, numbers: list[str]) -> Products:
    found: Products = {}
    public = Product.objects.using(alias).filter(superseded=False, status__in=PUBLIC_STATUSES)
    for chunk in _chunks(sorted(numbers)):
        rows = public.filter(gtin__in=chunk)
        found.update((g, (n, s)) for g, n, s in rows.values_list("gtin", "name", "status"))
    return found


def _holders(alias: str, numbers: list[str]) -> Holders:
    wanted = sorted({c for number in numbers for c in prefix_candidates(number)})
    known: dict[tuple[str, str], int] = {}
    for chunk in _chunks([prefix for prefix, _kind in wanted]):
        rows = CompanyPrefix.objects.using(alias).filter(prefix__in=chunk)
        known.update(((p, k), m) for p, k, m in rows.values_list("prefix", "kind", "member_id"))
    eights = [n[6:] for n in numbers if n.startswith("000000")]
    codes: dict[str, int] = {}
    for chunk in _chunks(eights):
        found = Ean8Code.objects.using(alias).filter(number__in=chunk)
        codes.update(found.values_list("number", "member_id"))
    holders: Holders = {}
    for number in numbers:
        if number[6:] in codes and number.startswith("000000"):
            holders[number] = (number[6:], codes[number[6:]])
            continue
        matches = [(p, known[(p, k)]) for p, k in prefix_candidates(number) if (p, k) in known]
        if matches:
            holders[number] = max(matches, key=lambda match: len(match[0]))
    return holders


def _probed(alias: str, numbers: list[str]) -> dict[str, Fact]:
    """What is known of many numbers (PostgreSQL), the numbers split between ``PROBES``
    connections that work at once."""
    facts: dict[str, Fact] = {}
    for found in _on_connections(alias, _probe, _slices(numbers)):
        facts.update(found)
    return facts


def _slices(items: Sequence[T]) -> list[Sequence[T]]:
    """``items`` in at most ``PROBES`` runs, in order."""
    size = max(1, -(-len(items) // PROBES))
    return [items[start : start + size] for start in range(0, len(items), size)]


def _on_connections(alias: str, work: Callable[[str, Sequence[T]], R],
                    slices: list[Sequence[T]]) -> list[R]:  # fmt: skip
    """``work`` on each slice at once, each on a connection of its own to ``alias`` (a single
    slice on this thread's); the answers in the slices' order."""
    if len(slices) == 1:
        return [work(alias, slices[0])]

    def on_own_connection(items: Sequence[T]) -> R:
        try:
            return work(alias, items)
        finally:
            connections[alias].close()  # Django's connections are per thread: the pool's own

    with ThreadPoolExecutor(len(slices)) as pool:
        return list(pool.map(on_own_connection, slices))


#: A parameter holding numbers one a line, as rows: one text, split by the server (a list of
#: 500,000 texts took psycopg 0.9 s to send as an array, their lines 0.14 s; COPY into a
#: temporary table 0.3 s, and a hot standby takes no temporary table). The array is split
#: while the statement is planned, so the planner knows how many rows there are.
LINES = "unnest(string_to_array(%({name})s, E'\\n'))"
#: The wanted numbers of :func:`_facts_sql`.
WANTED = LINES.format(name="numbers") + " AS batch_wanted (gtin)"


def _probe(alias: str, numbers: Sequence[str]) -> dict[str, Fact]:
    with transaction.atomic(using=alias), server_bound_cursor(alias) as cursor:
        _plain_plans(cursor)
        cursor.execute(_facts_sql(cursor, WANTED), {"statuses": list(PUBLIC_STATUSES),
                                                    "numbers": "\n".join(numbers)})  # fmt: skip
        rows = cursor.fetchall()
    return dict(zip(map(itemgetter(0), rows), map(itemgetter(slice(1, None)), rows), strict=True))


def _plain_plans(cursor: Any) -> None:
    """The numbers sort in memory, not in temporary files; and no JIT compilation, which would
    cost more than half a second for plans this plain."""
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL jit = off")


def _facts_sql(cursor: Any, wanted: str = "batch_wanted") -> str:
    """One query: each GTIN in ``wanted`` (a table or :data:`WANTED`), its EAN-8 code, else its
    longest company prefix (see :func:`_holder_joins`), and its filed product. The products
    come by one index probe per number in the numbers' order (the LIMIT keeps the planner from
    a hash join, which reads the whole products table: at 10 million rows, 13 s against 5 s
    for a million numbers)."""
    joins, prefix, member = _holder_joins(cursor)
    return f"""
SELECT w.gtin, {prefix}, {member}, p.name, p.status
FROM (SELECT gtin FROM {wanted} ORDER BY gtin COLLATE "C") w
{_PRODUCT_JOIN}
{joins}
WHERE {prefix} IS NOT NULL OR p.status IS NOT NULL"""


#: The live public product of ``w.gtin``, by one index probe (see :func:`_facts_sql`).
_PRODUCT_JOIN = """LEFT JOIN LATERAL (SELECT name, status FROM products_product p
                   WHERE p.gtin = w.gtin AND NOT p.superseded AND p.status = ANY(%(statuses)s)
                   LIMIT 1) p ON true"""


def _holder_joins(cursor: Any) -> tuple[str, str, str]:
    """The joins that find the holder of ``w.gtin``, and the expressions of its prefix (or
    EAN-8 code) and member: a hash left join per prefix kind and length that exists (a
    handful), the first found winning: neither an index probe per number and length nor a
    sort."""
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
    return "\n".join(joins), f"coalesce({', '.join(prefixes)})", f"coalesce({', '.join(members)})"


def _members(alias: str, ids: set[int]) -> Members:
    today = timezone.localdate()
    found = Member.objects.using(alias).filter(pk__in=ids)
    rows = found.values_list("pk", "name", "status", "valid_until")
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


class FileRefused(HallError):
    """A file that cannot be verified at all; the message says why."""

    code = "file_refused"


def numbers_in(data: bytes) -> list[str]:
    """The first cell of each non-empty row (CSV or Excel), without a header row; read only as
    far as the limit (a workbook's size and rows judged first, by hall.core.sheetscan)."""
    try:
        rows = _first_cells(data)
    except TableError as error:
        raise FileRefused(str(error)) from error
    if rows and not any(c.isdigit() for c in rows[0]):
        rows = rows[1:]
    if not rows:
        raise FileRefused(_("文件中没有商品条码"))
    if len(rows) > MAX_PER_FILE:
        raise FileRefused(_("每个文件最多 %(limit)d 个编码，此文件超过此数")
                          % {"limit": MAX_PER_FILE})  # fmt: skip
    return rows


def _first_cells(data: bytes) -> list[str]:
    if kind_of(data) == "xlsx":
        lines = 2 * MAX_PER_FILE  # blank rows are skipped, within reason
        sheetscan.check(data, sheetscan.Limits(rows=MAX_PER_FILE, lines=lines,
                                               unpacked=16 * MAX_FILE_BYTES))  # fmt: skip
    cells: list[str] = []
    for row in read_rows(data):
        if row and row[0].strip():
            cells.append(row[0].strip())
            if len(cells) > MAX_PER_FILE + 1:  # a header may come first: enough to refuse
                break
    return cells


def verify_file(numbers: Sequence[str], out: IO[str],
                on_progress: Callable[[int], None] | None = None) -> dict[str, int]:  # fmt: skip
    """Write one result row per number to ``out`` (CSV with a header); return the counts."""
    out.write(",".join(RESULT_COLUMNS) + "\n")
    counts = dict.fromkeys(("total", "malformed", "registered", "not_registered", "filed"), 0)
    alias = reading()
    for start in range(0, len(numbers), FILE_CHUNK):
        texts = numbers[start : start + FILE_CHUNK]
        if _set_based(alias, texts):
            out.write(_lines_written_by_database(alias, texts, counts))
        else:
            checked = _validated(texts)
            out.write("".join(_result_lines(texts, checked, _row_ends(alias, checked), counts)))
        if on_progress is not None:
            on_progress(min(len(numbers), start + FILE_CHUNK))
    return counts


def _row_ends(alias: str, checked: list[str | TiaomaError]) -> dict[str, str]:
    """What each number's result row says after its GTIN (:func:`_row_end`), for the numbers
    somebody holds or filed."""
    facts, members = _found(alias, checked)
    people = {pk: f"{_cell(csv_safe(facts['name']))},{int(facts['membership_valid'])}"
              for pk, facts in members.items()}  # fmt: skip
    return {number: _row_end(fact, people) for number, fact in facts.items()}


def _result_lines(texts: Sequence[str], checked: list[str | TiaomaError], known: dict[str, str],
                  counts: dict[str, int]) -> Iterator[str]:  # fmt: skip
    """The file's rows as CSV lines."""
    malformed = registered = filed = 0
    for text, number in zip(texts, checked, strict=True):
        shown = _shown(text)
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


def _shown(text: str) -> str:
    """The input as the result's first cell: at most 40 characters, never a formula."""
    if len(text) <= 40 and text.isdigit() and text.isascii():
        return text
    return _cell(csv_safe(text[:40]))


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


# -- the same rows, written by PostgreSQL --------------------------------------------------------

#: A slice's rows as one text in the input's order, and its counts of malformed, registered and
#: filed numbers.
Written = tuple[str, int, int, int]


def _lines_written_by_database(alias: str, texts: Sequence[str], counts: dict[str, int]) -> str:
    """The result rows of ``texts`` as :func:`_result_lines` writes them, written by PostgreSQL:
    the numbers go in as one text (:data:`LINES`), a slice to each connection, and each slice
    comes back as one text, so that no row becomes a Python object. Only the numbers not
    written plainly (a few) are checked here, one by one."""
    plain = bulk.plain_valid_gtins(texts).tolist()
    parts = _on_connections(alias, _written, _slices(list(zip(texts, plain, strict=True))))
    counts["total"] += len(texts)
    counts["not_registered"] += len(texts)
    for _lines, malformed, registered, filed in parts:
        counts["malformed"] += malformed
        counts["registered"] += registered
        counts["filed"] += filed
        counts["not_registered"] -= malformed + registered
    return "".join(part[0] for part in parts)


def _written(alias: str, rows: Sequence[tuple[str, bool]]) -> Written:
    """One slice of :func:`_lines_written_by_database`. The plain numbers go in as they are
    (the database pads them to 14 digits), the others empty; and the others again, by their
    position, with the cell that shows them and their GTIN-14 or, for the malformed, the cell
    of the reason."""
    odd = [(position, *_odd(text)) for position, (text, ok) in enumerate(rows, 1) if not ok]
    arrays = {"lines": "\n".join(text if ok else "" for text, ok in rows),
              **{f"odd_{name}": [row[index] for row in odd]
                 for index, name in enumerate(("ord", "shown", "gtin", "error"))}}  # fmt: skip
    with transaction.atomic(using=alias), server_bound_cursor(alias) as cursor:
        _plain_plans(cursor)
        cursor.execute(_lines_sql(cursor), {"statuses": list(PUBLIC_STATUSES),
                                            "active": Member.Status.ACTIVE.value,
                                            "today": timezone.localdate(), **arrays})  # fmt: skip
        lines, malformed, registered, filed = cursor.fetchone()
    return lines or "", malformed, registered, filed


def _odd(text: str) -> tuple[str, str | None, str | None]:
    """(shown, GTIN-14, None) of a number written otherwise; (shown, None, the reason's cell) of
    a malformed one: the cells :func:`_result_lines` writes."""
    number = _checked(text)
    if isinstance(number, TiaomaError):
        return _shown(text), None, _cell(reason(number))
    return _shown(text), number, None


def _sql_cell(expression: str) -> str:
    """:func:`_cell` in SQL."""
    return (
        f"""CASE WHEN {expression} ~ '[",\\r\\n]' """
        f"""THEN '"' || replace({expression}, '"', '""') || '"' ELSE {expression} END"""
    )


def _sql_safe(expression: str) -> str:
    """:func:`hall.core.spreadsheets.csv_safe` in SQL."""
    return (
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


def _lines_sql(cursor: Any) -> str:
    """The rows of :func:`_result_lines`, with :func:`_row_end`'s ends, of the numbers in the
    ``lines`` and ``odd_*`` arrays, joined in the input's order; and the slice's counts.
    The products are probed in the numbers' order, as in :func:`_facts_sql`."""
    joins, prefix, member = _holder_joins(cursor)
    end = (f"CASE WHEN f.prefix IS NULL THEN '0,,,' "
           f"ELSE '1,' || f.prefix || ',' || coalesce(m.cell, ',') END || ',' || "
           f"CASE WHEN f.status IS NULL THEN ',' "
           f"ELSE {_sql_cell('f.safe_name')} || ',' || f.status END")  # fmt: skip
    return f"""
SELECT string_agg(line, '' ORDER BY ord),
       count(*) FILTER (WHERE gtin IS NULL),
       count(*) FILTER (WHERE gtin IS NOT NULL AND prefix IS NOT NULL),
       count(*) FILTER (WHERE gtin IS NOT NULL AND prefix IS NOT NULL AND status IS NOT NULL)
FROM (
    SELECT f.ord, f.gtin, f.prefix, f.status, f.shown || CASE
               WHEN f.gtin IS NULL THEN ',0,,' || f.error || ',,,,,,'
               ELSE ',1,' || f.gtin || ',,' || {end} END || E'\\n' AS line
    FROM (
        SELECT w.ord, w.shown, w.error, w.gtin, {prefix} AS prefix, {member} AS member_id,
               {_sql_safe("coalesce(p.name, '')")} AS safe_name, p.status
        FROM (SELECT * FROM (
                  SELECT b.ord, coalesce(o.shown, b.text) AS shown, o.error,
                         CASE WHEN o.ord IS NULL THEN lpad(b.text, 14, '0') ELSE o.gtin END AS gtin
                  FROM {LINES.format(name="lines")} WITH ORDINALITY AS b (text, ord)
                  LEFT JOIN unnest(%(odd_ord)s::int[], %(odd_shown)s::text[],
                                   %(odd_gtin)s::text[], %(odd_error)s::text[])
                       AS o (ord, shown, gtin, error) ON o.ord = b.ord) v
              ORDER BY gtin COLLATE "C") w
        {_PRODUCT_JOIN}
        {joins}
    ) f
    LEFT JOIN (SELECT id, {_sql_cell(_sql_safe("name"))} || ',' ||
                          (status = %(active)s AND valid_until >= %(today)s)::int AS cell
               FROM members_member) m ON m.id = f.member_id
) x"""
