"""Batch verification for retailers (architecture.md: set-based, never row by row): every GTIN
validated in Python, then one query per thousand numbers for the filed products, the company
prefixes they fall under and those prefixes' members."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone

from hall.lookup.services import PUBLIC_STATUSES, prefix_candidates
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product
from hall.reasons import reason
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
