"""Which cached answers a write may change (hall.lookup.answers), for each model whose rows the
public query shows: read from the rows *before* the write (hall.core.changes announces it),
so that what a row was and what it becomes are both covered.

- a product: its GTIN's scope (its data, its status, what it contains); a GTIN or kind
  rewritten on a saved product, also the GTINs of the cases that contain it;
- a member: the regions of its prefixes and EAN-8 codes and its certificate (its name,
  status, validity and branch are in their answers);
- a company prefix or EAN-8 code: its region, before and after, and its member's certificate
  (a certificate check lists the member's prefixes);
- a branch office's name: everything (every member's answer names its branch);
- ``migrate``: everything (data migrations write through historical models).

A bulk write that rewrites a key field (a GTIN, a prefix, a certificate number, a holder)
changes everything: rare, and cheaper than reading what each row becomes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

from hall.core.changes import rows_changing
from hall.lookup import answers
from hall.members.models import BranchOffice, CompanyPrefix, Ean8Code, Member
from hall.products.models import Product

#: Fields whose bulk rewrite changes which answers a row is in.
KEY_FIELDS: dict[type[models.Model], set[str]] = {
    Product: {"gtin", "kind"},
    Member: {"certificate_number"},
    CompanyPrefix: {"prefix", "kind", "member", "member_id"},
    Ean8Code: {"number", "member", "member_id"},
}
#: A member's fields an answer shows (hall.lookup.services): a write of none of them changes
#: no answer.
MEMBER_SHOWN = {"name", "name_en", "certificate_number", "certificate_edition", "uscc", "status",
                "valid_from", "valid_until", "branch", "branch_id"}  # fmt: skip


def watch() -> None:
    for model in (Product, Member, CompanyPrefix, Ean8Code, BranchOffice):
        rows_changing.connect(_changing, sender=model, weak=False,
                              dispatch_uid=f"lookup-{model.__name__}")  # fmt: skip


def migrated(**kwargs: Any) -> None:
    """After ``migrate``: every answer made anew. A data migration writes through the models
    as they were (no announcement), and a new release may answer in other words."""
    if answers.announcing():
        announcement = answers.invalidate({answers.ALL})
        if announcement is not None:
            announcement.done()


def _changing(sender: type[models.Model], rows: Any, fields: frozenset[str] | None,
              **kwargs: Any) -> answers.Announcement | None:  # fmt: skip
    if not answers.announcing():
        return None
    scopes = _scopes(sender, rows, fields)
    return answers.invalidate(scopes) if scopes else None


def _scopes(model: type[models.Model], rows: Any, fields: frozenset[str] | None) -> set[str]:
    bulk = isinstance(rows, models.QuerySet)
    if bulk and fields is not None and fields & KEY_FIELDS.get(model, set()):
        return {answers.ALL}
    if model is BranchOffice:
        return {answers.ALL} if fields is None or "name" in fields else set()
    if model is Member and fields is not None and not fields & MEMBER_SHOWN:
        return set()
    return FINDERS[model](rows, fields)


def _before(rows: Any, *columns: str) -> list[tuple[Any, ...]]:
    """``columns`` of the rows as the database holds them now: a QuerySet's rows (taken by
    the update already: hall.core.changes), or the saved ones among instances, taken here
    (a new instance has none)."""
    if isinstance(rows, models.QuerySet):
        return list(rows.values_list(*columns))
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        return []
    return list(_taken(type(rows[0]).objects.filter(pk__in=ids)).values_list(*columns))


def _taken(rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The rows locked until the change commits, when it runs in a transaction: what is read
    of them, and of what hangs on them (a member's prefixes, a prefix's member's certificate),
    is then what the change's commit leaves; a transaction giving the member a number, or
    renumbering it, waits for it or is waited for (SQLite's writers take turns anyway)."""
    return rows.select_for_update() if connection.in_atomic_block else rows


def _product_scopes(rows: Any, fields: frozenset[str] | None) -> set[str]:
    before = _before(rows, "pk", "gtin", "kind")
    scopes = {f"g:{gtin}" for _pk, gtin, _kind in before}
    if isinstance(rows, models.QuerySet):
        return scopes
    scopes |= {f"g:{row.gtin}" for row in rows if row.gtin}
    old = {pk: (gtin, kind) for pk, gtin, kind in before}
    moved = [row.pk for row in rows if row.pk in old and old[row.pk] != (row.gtin, row.kind)]
    if moved:  # the cases that contain it show its GTIN as printed
        cases = Product.objects.filter(contains_id__in=moved).values_list("gtin", flat=True)
        scopes |= {f"g:{gtin}" for gtin in cases}
    return scopes


def _member_scopes(rows: Any, fields: frozenset[str] | None) -> set[str]:
    before = _before(rows, "pk", "certificate_number")
    numbers = [number for _pk, number in before]
    if not isinstance(rows, models.QuerySet):
        numbers += [row.certificate_number for row in rows]
    return _certificates(numbers) | _regions_of_members([pk for pk, _n in before])


def _regions_of_members(ids: list[int]) -> set[str]:
    if not ids:
        return set()
    prefixes = CompanyPrefix.objects.filter(member_id__in=ids).values_list("prefix", "kind")
    codes = Ean8Code.objects.filter(member_id__in=ids).values_list("number", flat=True)
    return ({answers.prefix_region(prefix, kind) for prefix, kind in prefixes}
            | {answers.ean8_region(number) for number in codes})  # fmt: skip


def _certificates(numbers: Iterable[str]) -> set[str]:
    return {scope for n in numbers if (scope := answers.certificate_scope(n or "")) is not None}


def _prefix_scopes(rows: Any, fields: frozenset[str] | None) -> set[str]:
    held = _before(rows, "prefix", "kind", "member_id")
    if not isinstance(rows, models.QuerySet):
        held += [(row.prefix, row.kind, row.member_id) for row in rows]
    members = {member for _p, _k, member in held}
    numbers = _taken(Member.objects.filter(pk__in=members)).values_list("certificate_number",
                                                                        flat=True)  # fmt: skip
    return ({answers.prefix_region(prefix, kind) for prefix, kind, _m in held if prefix}
            | _certificates(numbers))  # fmt: skip


def _ean8_scopes(rows: Any, fields: frozenset[str] | None) -> set[str]:
    numbers = [number for (number,) in _before(rows, "number")]
    if not isinstance(rows, models.QuerySet):
        numbers += [row.number for row in rows]
    return {answers.ean8_region(number) for number in numbers if number}


#: Each watched model's scopes (the branch office's are everything or nothing: _scopes).
FINDERS: dict[type[models.Model], Callable[[Any, frozenset[str] | None], set[str]]] = {
    Product: _product_scopes,
    Member: _member_scopes,
    CompanyPrefix: _prefix_scopes,
    Ean8Code: _ean8_scopes,
}
