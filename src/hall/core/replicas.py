"""Reads that may go to a read replica (``HALL_DATABASE_REPLICA_URL``, the ``replica`` alias).

What a replica serves is chosen by the code, not guessed by a router: the public query, the
API's lookups and batch verification ask :func:`reading` for their alias and use it
(``connections[alias]``, ``.using(alias)``). Everything else reads and writes the primary, so
a member who saves a form sees it at once on the next page. A replica lags its primary by a
moment: what a member files shows in the public query when the replica has it.

:class:`PrimaryWrites`, the router, keeps writes off the replica whatever an object was read
from, and lets objects from either alias be related (they are the same database).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

__all__ = ["REPLICA", "PrimaryWrites", "reading"]

REPLICA = "replica"


def reading() -> str:
    """The alias for a public read: the replica when there is one, the primary when there is
    none or this thread is inside a transaction on the primary (it must see its own writes,
    which the replica has not yet)."""
    if REPLICA not in connections.settings or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class PrimaryWrites:
    """Every write to the primary, even of an object read from the replica; migrations only
    there (a replica gets the schema by replication)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return None  # the caller's alias, or the primary: replica reads are explicit

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool:  # fmt: skip
        return db != REPLICA
