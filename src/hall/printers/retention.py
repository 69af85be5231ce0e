"""Two years, and not a day less (seed 002 art. 21: 存档期限为2年): daily, from
``PrintersConfig.ready``, print jobs recorded more than two years ago are deleted with their
proofs, then the checks older than two years that no remaining job rests on, with their copies.
A check a younger job rests on stays until that job is two years old: the copy is the job's
justification for as long as the job is kept.

A record of the very day two years ago is kept; the day before it goes. (29 February counts
from 28 February two years on.)

Rows go first, each batch locked and deleted in one transaction, and their files once it
commits: a run that fails leaves every file of every row still kept. A print job cannot come
to rest on a check being deleted: jobs refuse a check past keeping, and lock the check they
rest on as retention locks what it deletes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
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
    """Delete what is past keeping, rows first and their files once the rows' deletion has
    committed; the number of records deleted."""
    before = cutoff(today or timezone.localdate())
    jobs = _clear(PrintJob.objects.filter(created_at__lt=before), ("proof", "proof_report"))
    resting = PrintJob.objects.filter(check_record=OuterRef("pk"))
    checks = _clear(
        CertificateCheck.objects.filter(checked_at__lt=before).filter(~Exists(resting)),
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
    while True:
        with transaction.atomic():
            batch = list(rows.select_for_update().order_by("pk")[:BATCH])
            if not batch:
                return cleared
            # Asked again under the locks: a row that gained a job meanwhile stays.
            gone = list(rows.filter(pk__in=[row.pk for row in batch]))
            type(batch[0]).objects.filter(pk__in=[row.pk for row in gone]).delete()
            names = [getattr(row, name).name for row in gone for name in fields]
            storage = getattr(batch[0], fields[0]).storage
            transaction.on_commit(partial(_delete_files, storage, [n for n in names if n]))
        cleared += len(gone)


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
