"""The products' background jobs (thin: load, call the service, keep the result)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from hall.accounts.models import User
from hall.core.errors import Forbidden
from hall.core.spreadsheets import TableError, kind_of
from hall.jobs.models import Job
from hall.jobs.queue import JobSteps, progress
from hall.members.models import Member
from hall.notices import services as notices
from hall.products.transfer import import_table


def products_import(current: Job) -> None:
    """Import the member's table; a run after its worker died resumes after the chunks the
    last one committed (each row is written once)."""
    member = Member.objects.get(pk=current.arguments["member"])
    actor = User.objects.filter(pk=current.arguments.get("actor")).first()
    with current.input.open("rb") as upload:
        data = upload.read()
    try:
        report = import_table(member=member, actor=actor, data=data, today=timezone.localdate(),
                              on_progress=lambda done, total: progress(current, done=done,
                                                                       total=total),
                              checkpoint=JobSteps(current))  # fmt: skip
    except (TableError, Forbidden) as error:  # a bad file, or an account no longer allowed
        current.result = {"refused": str(error)}
        _tell(current, actor, "import_refused", {"job": current.pk, "problem": str(error)})
        return
    problems = [[line, problem] for line, _row, problem in report.failed[:200]]
    current.result = {"created": report.created, "updated": report.updated,
                      "failed": len(report.failed), "problems": problems}  # fmt: skip
    if report.failed:
        kind = kind_of(data)
        current.output.save(f"errors.{kind}", ContentFile(report.error_file(kind)), save=False)
        _tell(current, actor, "data_problem", {"job": current.pk, "failed": len(report.failed)})


def _tell(current: Job, actor: User | None, event_name: str, params: dict[str, object]) -> None:
    """Whoever started the import hears of its data problems (hall.notices), once per job even
    if a second worker finishes it."""
    if actor is not None:
        notices.notify(recipient=actor, event_name=event_name, params=params,
                       link=reverse("products:job", args=[current.pk]),
                       key=f"import-{current.pk}")  # fmt: skip
