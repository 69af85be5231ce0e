"""Batch verification for retailers (architecture.md: set-based, never row by row): every GTIN
validated in Python, then one query per thousand numbers for the filed products, the company
prefixes they fall under and those prefixes' members."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

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
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
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
