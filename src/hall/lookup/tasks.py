"""The query system's background job: a retailer's file of GTINs verified (thin: load, call the
service, keep the result)."""

from __future__ import annotations

import io
import tempfile

from django.core.files import File

from hall.jobs.models import Job
from hall.jobs.queue import progress
from hall.lookup.batch import FileRefused, numbers_in, verify_file


def verify_file_job(current: Job) -> None:
    with current.input.open("rb") as upload:
        data = upload.read()
    try:
        numbers = numbers_in(data)
    except FileRefused as error:
        current.result = {"refused": str(error)}
        return
    progress(current, done=0, total=len(numbers))
    with tempfile.TemporaryFile() as raw:
        # Written as UTF-8 text, saved as the bytes it is (not in the locale's encoding).
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        current.result = verify_file(numbers, out,
                                     lambda done: progress(current, done=done))  # fmt: skip
        out.flush()
        out.detach()
        raw.seek(0)
        current.output.save(f"verify-{current.pk}.csv", File(raw), save=False)
