"""Two years, and not a day less (seed 002 art. 21: 存档期限为2年): daily, from
``PrintersConfig.ready``, print jobs recorded more than two years ago are deleted with their
proofs, then the checks older than two years that no remaining job rests on, with their copies.
A check a younger job rests on stays until that job is two years old: the copy is the job's
justification for as long as the job is kept.

A record of the very day two years ago is kept; the day before it goes. (29 February counts
from 28 February two years on.)
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hall.printers.models import CertificateCheck, PrintJob

logger = logging.getLogger("hall.printers")
YEARS = 2
BATCH = 500


def cutoff(today: date) -> datetime:
    """The start of the day two years before ``today``: anything earlier is past keeping."""
    try:
        day = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February, and no such day two years back
        day = today.replace(year=today.year - YEARS, day=28)
    return timezone.make_aware(datetime.combine(day, time.min))


def printer_records_clear(today: date | None = None) -> int:
    """Delete what is past keeping, files first (a storage that fails fails the run, which is
    retried, before the row is gone); the number of records deleted."""
    before = cutoff(today or timezone.localdate())
    jobs = _clear(PrintJob.objects.filter(created_at__lt=before), ("proof", "proof_report"))
    checks = _clear(
        CertificateCheck.objects.filter(checked_at__lt=before, jobs__isnull=True),
        ("scan", "snapshot"),
    )
    if jobs or checks:
        logger.info(
            "retention: %d print jobs and %d certificate checks past two years removed",
            jobs,
            checks,
        )
    return jobs + checks


def _clear(rows: QuerySet[Any], fields: tuple[str, ...]) -> int:
    cleared = 0
    while batch := list(rows.order_by("pk")[:BATCH]):
        for row in batch:
            for name in fields:
                stored = getattr(row, name)
                if stored.name:
                    stored.delete(save=False)
        type(batch[0]).objects.filter(pk__in=[row.pk for row in batch]).delete()
        cleared += len(batch)
    return cleared
