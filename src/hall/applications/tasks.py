"""The applications' background job (thin: the service does the work)."""

from __future__ import annotations

from hall.applications.services import application_archive
from hall.jobs.models import Job


def applications_archive(current: Job) -> None:
    application_archive(application_id=int(current.arguments["application"]))
