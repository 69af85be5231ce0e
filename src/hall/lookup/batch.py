"""Batch verification for retailers (architecture.md: set-based, never row by row): every GTIN
validated in Python, then one query per thousand numbers for the filed products, the company
prefixes they fall under and those prefixes' members."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.lookup.services import PUBLIC_STATUSES, prefix_candidates
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product
from hall.reasons import reason
from hall.spreadsheets import TableError, csv_safe, read_rows
from tiaoma import gtin
from tiaoma.errors import TiaomaError

CHUNK = 900  # under SQLite's limit of bound parameters, and a sensible IN list elsewhere
#: From this many numbers on, PostgreSQL gets them by COPY into a temporary table and joins
#: (architecture.md: set-based), instead of an IN list per chunk.
SET_BASED_FROM = 5_000
MAX_PER_REQUEST = 10_000


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def verify_batch(texts: Sequence[str]) -> list[dict[str, Any]]:
    """One answer per input, in order: well formed or the reason; registered to whom, is the
    membership valid; the filed product's name and status."""
    answers: list[dict[str, Any]] = []
    numbers: set[str] = set()
    for text in texts:
        try:
            number = gtin.validate(str(text)).zfill(14)
        except TiaomaError as error:
            answers.append({"input": str(text)[:40], "well_formed": False,
                            "error": {"code": error.code, "message": reason(error)}})  # fmt: skip
            continue
        numbers.add(number)
        answers.append({"input": str(text)[:40], "well_formed": True, "gtin14": number})
    if connection.vendor == "postgresql" and len(numbers) >= SET_BASED_FROM:
        products, holders = _joined(sorted(numbers))
    else:
        products, holders = _products(sorted(numbers)), _holders(sorted(numbers))
    members = _members({member for _prefix, member in holders.values()})
    for answer in answers:
        if answer["well_formed"]:
            _fill(answer, products, holders, members)
    return answers


def _products(numbers: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(numbers):
        rows = Product.objects.filter(gtin__in=chunk, superseded=False, status__in=PUBLIC_STATUSES)
        found.update((g, (n, s)) for g, n, s in rows.values_list("gtin", "name", "status"))
    return found


def _holders(numbers: list[str]) -> dict[str, tuple[str, int]]:
    """GTIN-14 -> (company prefix or EAN-8, member id), the longest prefix winning."""
    wanted = sorted({c for number in numbers for c in prefix_candidates(number)})
    known: dict[tuple[str, str], int] = {}
    for chunk in _chunks([prefix for prefix, _kind in wanted]):
        rows = CompanyPrefix.objects.filter(prefix__in=chunk)
        known.update(((p, k), m) for p, k, m in rows.values_list("prefix", "kind", "member_id"))
    eights = [n[6:] for n in numbers if n.startswith("000000")]
    codes: dict[str, int] = {}
    for chunk in _chunks(eights):
        codes.update(Ean8Code.objects.filter(number__in=chunk).values_list("number", "member_id"))
    holders: dict[str, tuple[str, int]] = {}
    for number in numbers:
        if number[6:] in codes and number.startswith("000000"):
            holders[number] = (number[6:], codes[number[6:]])
            continue
        matches = [(p, known[(p, k)]) for p, k in prefix_candidates(number) if (p, k) in known]
        if matches:
            holders[number] = max(matches, key=lambda match: len(match[0]))
    return holders


def _joined(numbers: list[str]) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, int]]]:
    """The filed products and the holders of ``numbers``, by COPY and joins (PostgreSQL)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_wanted (gtin char(14) PRIMARY KEY) "
                       "ON COMMIT DROP")  # fmt: skip
        with cursor.cursor.copy("COPY batch_wanted (gtin) FROM STDIN") as copy:
            copy.write("\n".join(numbers) + "\n")
        cursor.execute("ANALYZE batch_wanted")
        cursor.execute(
            "SELECT p.gtin, p.name, p.status FROM batch_wanted w JOIN products_product p "
            "ON p.gtin = w.gtin WHERE NOT p.superseded AND p.status = ANY(%s)",
            [list(PUBLIC_STATUSES)],
        )
        products = {gtin14: (name, status) for gtin14, name, status in cursor.fetchall()}
        cursor.execute(_holders_sql(cursor))
        holders = {gtin14: (prefix, member) for gtin14, prefix, member in cursor.fetchall()}
    return products, holders


def _holders_sql(cursor: Any) -> str:
    """One query: each wanted GTIN's EAN-8 code, else its longest company prefix. A hash join
    per prefix length that exists (a handful), not an index probe per number and length."""
    cursor.execute("SELECT DISTINCT kind, length(prefix) FROM members_companyprefix")
    branches = ["SELECT w.gtin, e.number AS prefix, e.member_id, 99 AS rank FROM batch_wanted w "
                "JOIN members_ean8code e ON e.number = substr(w.gtin, 7, 8) "
                "WHERE w.gtin LIKE '000000%%'"]  # fmt: skip
    for kind, length in cursor.fetchall():
        if kind not in CompanyPrefix.Kind.values:  # the kind is written into the query
            continue
        start = 3 if kind == CompanyPrefix.Kind.UPC else 2
        only_upc = " WHERE w.gtin LIKE '00%%'" if kind == CompanyPrefix.Kind.UPC else ""
        branches.append(
            f"SELECT w.gtin, c.prefix, c.member_id, {int(length)} AS rank FROM batch_wanted w "
            f"JOIN members_companyprefix c ON c.kind = '{kind}' AND length(c.prefix) = "
            f"{int(length)} AND c.prefix = substr(w.gtin, {start}, {int(length)}){only_upc}"
        )
    union = " UNION ALL ".join(branches)
    return (f"SELECT DISTINCT ON (gtin) gtin, prefix, member_id FROM ({union}) AS found "
            "ORDER BY gtin, rank DESC")  # fmt: skip


def _members(ids: set[int]) -> dict[int, dict[str, Any]]:
    today = timezone.localdate()
    rows = Member.objects.filter(pk__in=ids).values_list("pk", "name", "status", "valid_until")
    return {pk: {"name": name, "membership_valid": status == Member.Status.ACTIVE
                 and until >= today} for pk, name, status, until in rows}  # fmt: skip


def _fill(answer: dict[str, Any], products: dict[str, tuple[str, str]],
          holders: dict[str, tuple[str, int]],
          members: dict[int, dict[str, Any]]) -> None:  # fmt: skip
    number = answer["gtin14"]
    holder = holders.get(number)
    product = products.get(number)
    answer["registered"] = holder is not None
    answer["company_prefix"] = holder[0] if holder else None
    member = members.get(holder[1]) if holder else None
    answer["member"] = member["name"] if member else None
    answer["membership_valid"] = member["membership_valid"] if member else None
    answer["product"] = product[0] if product else None
    answer["product_status"] = product[1] if product else None


# -- a file of GTINs, verified as a background job ---------------------------------------------

#: A file may hold this many GTINs (a large retailer's whole assortment, and then some).
MAX_PER_FILE = 2_000_000
#: Uploads above this size are refused before they are read.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: GTINs verified between two progress reports.
FILE_CHUNK = 100_000
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
    writer = csv.writer(out, lineterminator="\n")  # as PostgreSQL writes its CSV
    writer.writerow(RESULT_COLUMNS)
    if connection.vendor == "postgresql" and len(numbers) >= SET_BASED_FROM:
        return _verify_file_joined(numbers, out, on_progress)
    counts = dict.fromkeys(("total", "malformed", "registered", "not_registered", "filed"), 0)
    for start in range(0, len(numbers), FILE_CHUNK):
        answers = verify_batch(numbers[start : start + FILE_CHUNK])
        writer.writerows(_result_row(answer) for answer in answers)
        for answer in answers:
            _count(counts, answer)
        if on_progress is not None:
            on_progress(min(len(numbers), start + FILE_CHUNK))
    return counts


def _count(counts: dict[str, int], answer: dict[str, Any]) -> None:
    counts["total"] += 1
    if not answer["well_formed"]:
        counts["malformed"] += 1
    elif answer["registered"]:
        counts["registered"] += 1
        counts["filed"] += answer["product"] is not None
    else:
        counts["not_registered"] += 1


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def _result_row(answer: dict[str, Any]) -> list[str]:
    if not answer["well_formed"]:
        return [csv_safe(answer["input"]), "0", "", answer["error"]["message"]] + [""] * 6
    return [answer["input"], "1", answer["gtin14"], "", _flag(answer["registered"]),
            answer["company_prefix"] or "", csv_safe(answer["member"] or ""),
            _flag(answer["membership_valid"]), csv_safe(answer["product"] or ""),
            answer["product_status"] or ""]  # fmt: skip


def _verify_file_joined(numbers: Sequence[str], out: IO[str],
                        on_progress: Callable[[int], None] | None) -> dict[str, int]:  # fmt: skip
    """The file's numbers by COPY into a temporary table, answered by one join that
    PostgreSQL writes out as CSV itself (the same rows as :func:`verify_file` writes)."""
    lines = io.StringIO()
    writer = csv.writer(lines)
    for line, text in enumerate(numbers):
        try:
            writer.writerow((line, text[:40], gtin.validate(text).zfill(14), ""))
        except TiaomaError as error:
            writer.writerow((line, csv_safe(text[:40]), "", reason(error)))
    if on_progress is not None:
        on_progress(len(numbers) // 2)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_lines (line int, input text, gtin char(14), "
                       "error text) ON COMMIT DROP")  # fmt: skip
        # A million rows hash and sort in memory rather than in temporary files.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        with cursor.cursor.copy("COPY batch_lines FROM STDIN (FORMAT csv)") as copy:
            copy.write(lines.getvalue())
        cursor.execute("ANALYZE batch_lines")
        cursor.execute("CREATE TEMPORARY TABLE batch_wanted ON COMMIT DROP AS "
                       "SELECT DISTINCT gtin FROM batch_lines WHERE gtin IS NOT NULL")  # fmt: skip
        cursor.execute("ANALYZE batch_wanted")
        cursor.execute(f"CREATE TEMPORARY TABLE batch_holders ON COMMIT DROP AS "
                       f"{_holders_sql(cursor)}")  # fmt: skip
        cursor.execute("ANALYZE batch_holders")
        cursor.execute(_RESULT_SQL, [timezone.localdate(), list(PUBLIC_STATUSES)])
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE well_formed = '0'), "
            "count(*) FILTER (WHERE registered = '1'), count(*) FILTER (WHERE registered = '0'),"
            " count(*) FILTER (WHERE registered = '1' AND product_status <> '') FROM batch_result"
        )
        total, malformed, registered, unregistered, filed = cursor.fetchone()
        # Empty text as NULL: PostgreSQL quotes an empty string, Python's csv does not.
        columns = ", ".join(f"nullif({name}, '')" for name in RESULT_COLUMNS)
        with cursor.cursor.copy(f"COPY (SELECT {columns} FROM batch_result ORDER BY line) "
                                "TO STDOUT (FORMAT csv)") as copy:  # fmt: skip
            for block in copy:  # a block is a row: no character is split between two
                out.write(bytes(block).decode("utf-8"))
    if on_progress is not None:
        on_progress(len(numbers))
    return {"total": total, "malformed": malformed, "registered": registered,
            "not_registered": unregistered, "filed": filed}  # fmt: skip


def _safe_sql(column: str) -> str:
    """:func:`csv_safe` in SQL: a leading formula character gets a quote before it."""
    return (f"CASE WHEN left({column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            f"THEN '''' || {column} ELSE coalesce({column}, '') END")  # fmt: skip


_RESULT_SQL = f"""
CREATE TEMPORARY TABLE batch_result ON COMMIT DROP AS
SELECT l.line, l.input,
       CASE WHEN l.gtin IS NULL THEN '0' ELSE '1' END AS well_formed,
       coalesce(l.gtin, '') AS gtin14, coalesce(l.error, '') AS error,
       CASE WHEN l.gtin IS NULL THEN '' WHEN h.gtin IS NULL THEN '0' ELSE '1' END AS registered,
       coalesce(h.prefix, '') AS company_prefix, {_safe_sql("m.name")} AS member,
       CASE WHEN m.id IS NULL THEN ''
            WHEN m.status = '{Member.Status.ACTIVE}' AND m.valid_until >= %s THEN '1'
            ELSE '0' END AS membership_valid,
       {_safe_sql("p.name")} AS product, coalesce(p.status, '') AS product_status
FROM batch_lines l
LEFT JOIN batch_holders h ON h.gtin = l.gtin
LEFT JOIN members_member m ON m.id = h.member_id
LEFT JOIN products_product p ON p.gtin = l.gtin AND NOT p.superseded AND p.status = ANY(%s)
"""
