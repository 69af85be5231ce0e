"""Many new rows of one model at once (an import's products and their history).

On PostgreSQL the rows go by COPY, announced as hall.core.changes asks of SQL of our own:
``bulk_create`` there sends every column as an array that psycopg quotes value by value in
Python, which cost more than half of a 100,000-row import. COPY cannot return the new ids, so
they are taken from the table's sequence first, in one query.
Elsewhere (SQLite) ``bulk_create`` is already fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models

from hall.core.changes import announced

M = TypeVar("M", bound=models.Model)

#: Fields whose Python value PostgreSQL's COPY takes as it is; the others are prepared by Django.
PLAIN = frozenset({"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
                   "DateField", "DateTimeField", "DecimalField", "ForeignKey", "IntegerField",
                   "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField",
                   "SmallIntegerField", "TextField"})  # fmt: skip


def insert(objects: Sequence[M]) -> list[M]:
    """Save new ``objects`` (all of one model) and give them their ids."""
    if not objects:
        return []
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects)
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with announced(model, objects), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column,
                                                       len(objects)])  # fmt: skip
        for item, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            item.pk = pk
        columns = ", ".join(quote(str(field.column)) for field in fields)
        readers = [_reader(field, objects[0]) for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for item in objects:
                copy.write_row([read(item) for read in readers])
    for item in objects:
        item._state.adding = False
        item._state.db = connection.alias
    return list(objects)


def _reader(field: Any, first: models.Model) -> Callable[[models.Model], object]:
    """How to read the value a field stores, decided once per field rather than once per row;
    ``auto_now`` stamps are one time for all the rows, as bulk_create gives them."""
    if field.get_internal_type() not in PLAIN:
        return lambda item: field.get_db_prep_save(field.pre_save(item, True), connection)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.pre_save(first, True)

        def stamped(item: models.Model) -> object:
            setattr(item, field.attname, stamp)
            return stamp

        return stamped
    return attrgetter(field.attname)
