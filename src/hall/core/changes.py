"""Writes announced to whoever keeps copies of what they change (the public query's cached
answers, hall.lookup.answers), on every path a row of an announced model can change by.

A model takes part by its manager (``objects = AnnouncedQuerySet.as_manager()``), by
:func:`announce_instances` (its ``save`` and ``delete``, cascades included, through Django's
signals) and by :class:`AnnouncedModel` (each save and delete in a transaction). What a
write changes is announced twice: *before* it (the keeper stops trusting its copies) and
*after its transaction commits* (the keeper makes new copies reachable); a write that fails
or rolls back announces only the first, which the keeper lets lapse.

The keepers are the receivers of :data:`rows_changing` (sender: the model; ``rows``: a
QuerySet about to be updated, or the instances about to be saved, created or deleted;
``fields``: the fields written, None for all). A receiver looks at the rows *before* the write
and returns what to call after it (an :class:`Announcement`), or None. This module knows
nothing of the keepers: the layers below the lookup announce, the lookup listens.

Paths that write no announced model's rows by SQL of their own; a new one must use
:func:`announced` (hall.core.inserting's COPY does).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, cast

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal

__all__ = ["AnnouncedModel", "AnnouncedQuerySet", "Announcement", "announce_instances",
           "announced", "rows_changing"]  # fmt: skip

M = TypeVar("M", bound=models.Model)

rows_changing = Signal()
#: Rows one UPDATE statement names by id (PostgreSQL takes at most 65,535 parameters).
PINNED_PER_UPDATE = 10_000


class Announcement(Protocol):
    def done(self) -> None:
        """The write happened (it may still roll back: the keeper waits for the commit)."""


@contextmanager
def announced(model: type[models.Model], rows: Any,
              fields: Iterable[str] | None = None) -> Iterator[None]:  # fmt: skip
    """Announce a write of ``rows`` of ``model`` around the block that writes them."""
    written = None if fields is None else frozenset(fields)
    pending = _sent(model, rows, written)
    yield
    for announcement in pending:
        announcement.done()


def _sent(model: type[models.Model], rows: Any,
          fields: frozenset[str] | None) -> list[Announcement]:  # fmt: skip
    """What the receivers returned to call after the write."""
    answers = rows_changing.send(sender=model, rows=rows, fields=fields)
    return [cast(Announcement, a) for _receiver, a in answers if a is not None]


class AnnouncedQuerySet(models.QuerySet[M]):
    """A QuerySet whose writes of many rows at once are announced (``update``, ``bulk_create``,
    ``bulk_update``; ``delete`` goes through the instances' signals, which make Django collect
    the rows it deletes)."""

    def update(self, **kwargs: Any) -> int:
        """The rows the filter matches are taken (locked) first, announced, and then they alone
        are written: a row another transaction commits in between is not written unannounced
        (it is as if this update ran before that commit)."""
        with transaction.atomic(using=self.db):
            taken = list(self.select_for_update().values_list("pk", flat=True))
            rows = self.model._base_manager.using(self.db).filter(pk__in=taken)
            with announced(self.model, rows, kwargs):
                return sum(self.model._base_manager.using(self.db)
                           .filter(pk__in=taken[start : start + PINNED_PER_UPDATE])
                           .update(**kwargs)
                           for start in range(0, len(taken), PINNED_PER_UPDATE))  # fmt: skip

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        objects = list(objs)
        with announced(self.model, objects):
            return super().bulk_create(objects, *args, **kwargs)

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str],
                    batch_size: int | None = None) -> int:  # fmt: skip
        objects, written = list(objs), list(fields)
        with announced(self.model, objects, written):
            return super().bulk_update(objects, written, batch_size)


class AnnouncedModel(models.Model):
    """A model whose instances are saved and deleted in a transaction of their own when the
    caller has none: the rows a change's announcement reads (and locks) stay as read until
    its write commits."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            return super().delete(*args, **kwargs)


#: The instance being saved or deleted -> what its announcement's receivers returned.
_PENDING = "_announcements"


def announce_instances(*models_: type[models.Model]) -> None:
    """Announce each save and delete of these models' instances (cascaded deletes too)."""
    for model in models_:
        pre_save.connect(_before_save, sender=model, weak=False)
        post_save.connect(_after, sender=model, weak=False)
        pre_delete.connect(_before_delete, sender=model, weak=False)
        post_delete.connect(_after, sender=model, weak=False)


def _before_save(sender: type[models.Model], instance: models.Model,
                 update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:  # fmt: skip
    fields = None if update_fields is None else frozenset(update_fields)
    _started(sender, instance, fields)


def _before_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _started(sender, instance, None)


def _started(sender: type[models.Model], instance: models.Model,
             fields: frozenset[str] | None) -> None:  # fmt: skip
    setattr(instance, _PENDING, _sent(sender, [instance], fields))


def _after(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    for announcement in instance.__dict__.pop(_PENDING, []):
        announcement.done()
