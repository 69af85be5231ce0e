"""An upload of material costs what the first did (issue 19, part 6): the materials are merged
into the archive TIFF once, after the uploads, by a background job outside the write
transaction, a page at a time. Before, each upload merged every material again inside its
transaction: 4 s to 23 s an upload, up to 3.3 GB, and another user's login waited 21 s on
SQLite. Each step is timed and its memory measured."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from PIL import Image, ImageDraw

from hall.accounts.models import User
from hall.applications import services
from hall.applications.models import Application
from hall.applications.uploads import merge_tiff
from hall.jobs import queue
from hall.jobs.models import Job
from hall.members.models import Member
from tests.hall.bounded import MB, measured

pytestmark = pytest.mark.django_db
PAGES = 8


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # this test's files only


@pytest.fixture
def application(member_user: User, member: Member) -> Application:
    return Application.objects.create(kind="renewal", member=member, applicant=member_user,
                                      branch=member.branch, status="materials")  # fmt: skip


def scan(number: int) -> bytes:
    """A scan of 3 million pixels (2000 × 1500) as a JPEG of under 2 MB, numbered."""
    image = Image.linear_gradient("L").resize((2000, 1500)).convert("RGB")
    ImageDraw.Draw(image).text((40 * number, 40), f"page {number}", fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _upload(application: Application, user: User, number: int) -> float:
    started = time.perf_counter()
    services.material_add(application_id=application.pk, user=user, kind="licence",
                          name=f"scan-{number}.jpg", data=scan(number))  # fmt: skip
    return time.perf_counter() - started


def _archive_jobs(application: Application) -> list[Job]:
    return list(
        Job.objects.filter(name=services.ARCHIVE_JOB, owner=f"application:{application.pk}")
    )


def _pages(application: Application) -> list[tuple[int, int]]:
    application.refresh_from_db()
    with application.archive.open("rb"), Image.open(application.archive) as tiff:
        sizes = []
        for index in range(tiff.n_frames):
            tiff.seek(index)
            sizes.append(tiff.size)
    return sizes


def _no_merging(*_args: object) -> None:
    raise AssertionError("an upload merged the archive")


def test_each_upload_costs_what_the_first_did_and_merges_nothing(
    application: Application, member_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "merged_tiff", _no_merging)
    seconds = [_upload(application, member_user, number) for number in range(PAGES)]
    assert max(seconds[-3:]) < 2 * statistics.median(seconds[:3]) + 0.5, seconds
    assert max(seconds) < 5.0, seconds
    application.refresh_from_db()
    assert not application.archive  # not yet: the job merges it
    assert len(_archive_jobs(application)) == 1  # one job for the burst, still queued


def test_the_job_merges_every_page_once_a_page_at_a_time(
    application: Application, member_user: User
) -> None:
    for number in range(PAGES):
        _upload(application, member_user, number)
    (job,) = _archive_jobs(application)
    with measured(native=True) as cost:
        assert queue.run(job.pk).status == "done"
    assert _pages(application) == [(2000, 1500)] * PAGES
    stored = [m.image.read() for m in application.materials.order_by("id")]
    with measured(native=True) as before:  # the merge each upload did, every page at once
        merge_tiff(stored)
    assert cost.within(10.0, 60 * MB), cost
    assert cost.peak_bytes < before.peak_bytes / 2, (cost, before)


def test_an_upload_during_the_merge_is_merged_again(
    application: Application, member_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job checks, under the lock every upload takes, that it merged all there is."""
    _upload(application, member_user, 0)
    (job,) = _archive_jobs(application)
    merge = services.merged_tiff
    calls: list[int] = []

    def upload_meanwhile(pages: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            _upload(application, member_user, 1)  # lands while the first merge runs
        return merge(pages)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "merged_tiff", upload_meanwhile)
    queue.run(job.pk)
    assert len(calls) == 2
    assert _pages(application) == [(2000, 1500)] * 2
    archived = list((Path(settings.MEDIA_ROOT) / Path(application.archive.name).parent).iterdir())
    assert [path.name for path in archived if path.name.startswith(f"{application.pk}")] == [
        Path(application.archive.name).name
    ]  # the merge that missed a page left no file behind


def test_a_later_upload_queues_the_archive_again(application: Application,
                                                 member_user: User) -> None:  # fmt: skip
    _upload(application, member_user, 0)
    _upload(application, member_user, 1)
    (first,) = _archive_jobs(application)
    queue.run(first.pk)
    _upload(application, member_user, 2)  # the first job is done: a new one
    jobs = _archive_jobs(application)
    assert len(jobs) == 2
    queue.run(jobs[0].pk)  # the newest first (Job orders by -id)
    assert len(_pages(application)) == 3
