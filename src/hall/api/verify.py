"""Batch verification (批量核验): up to 10,000 GTINs in one request, or a file of up to
2,000,000 verified as a background job whose result is a CSV."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile

from hall.accounts.models import ApiKey
from hall.api.keys import any_key, key_of, spend
from hall.api.schemas import BatchIn, BatchOut, JobOut, refusals, written
from hall.core.errors import Conflict, NotFound, TooLarge
from hall.core.sizes import too_large
from hall.jobs.models import Job
from hall.jobs.queue import enqueue
from hall.lookup import batch

router = Router(tags=["lookup"])

#: A batch costs one request of the limit per this many GTINs.
BATCH_COST_UNIT = 100


@router.post("/verify", response={200: BatchOut, **refusals(400, 401, 413, 429)})
def gtins_verify(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    """Up to 10,000 GTINs at once (a retailer's assortment): one answer each, in order."""
    count = len(payload.gtins)
    if count > batch.MAX_PER_REQUEST:
        raise TooLarge(_("每次最多核验 %(limit)d 个编码，此请求有 %(count)d 个")
                       % {"limit": batch.MAX_PER_REQUEST, "count": count},
                       details={"limit": batch.MAX_PER_REQUEST})  # fmt: skip
    spend(request, max(1, -(-count // BATCH_COST_UNIT)))
    return written({"count": count, "results": batch.verify_batch(payload.gtins)})


def _job_owner(key: ApiKey) -> str:
    """A member's jobs are seen by all its keys; a retailer's by the key that started them."""
    return f"member:{key.member_id}" if key.member_id else f"key:{key.pk}"


def _job_out(request: HttpRequest, found: Job) -> dict[str, Any]:
    refused = found.result.get("refused") if isinstance(found.result, dict) else None
    path = reverse("api:verify_job_result", args=[found.pk]) if found.output else None
    return {"id": found.pk, "status": found.status, "total": found.total, "done": found.done,
            "percent": found.percent, "counts": None if refused else found.result or None,
            "error": refused or found.error or None,
            "result_url": request.build_absolute_uri(path) if path else None}  # fmt: skip


@router.post("/verify/jobs", auth=any_key,
             response={202: JobOut, **refusals(400, 401, 409, 413, 429)})  # fmt: skip
def verify_job_start(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A file of GTINs (CSV or Excel, the first column; up to 2,000,000) verified in the
    background: poll the job, then download its result as CSV. One job at a time per owner."""
    key = key_of(request)
    spend(request)
    if (file.size or 0) > batch.MAX_FILE_BYTES:
        raise TooLarge(too_large(file.size or 0, batch.MAX_FILE_BYTES),
                       details={"limit_bytes": batch.MAX_FILE_BYTES})  # fmt: skip
    owner = _job_owner(key)
    running = Job.objects.filter(
        owner=owner, name="verify_file", status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    if running is not None:
        raise Conflict(_("上一个核验任务尚未完成，请完成后再提交"), code="job_running",
                       details={"job": running.pk})  # fmt: skip
    kind = "xlsx" if (file.name or "").lower().endswith(".xlsx") else "csv"
    started = enqueue("verify_file", owner=owner, arguments={"key": key.pk},
                      input_name=f"gtins.{kind}", input_data=file.read())  # fmt: skip
    return Status(202, _job_out(request, started))


def _own_job(request: HttpRequest, job_id: int) -> Job:
    spend(request)
    owner = _job_owner(key_of(request))
    found = Job.objects.filter(pk=job_id, owner=owner, name="verify_file").first()
    if found is None:
        raise NotFound(_("没有这个核验任务"))
    return found


@router.get("/verify/jobs/{job_id}", auth=any_key,
            response={200: JobOut, **refusals(400, 401, 404, 429)})  # fmt: skip
def verify_job(request: HttpRequest, job_id: int) -> Any:
    """How far the job has come; when done, its counts and where its result is."""
    return _job_out(request, _own_job(request, job_id))


CSV_RESPONSE = {"responses": {200: {"description": "The result: one row per input line, in "
                                    "order (UTF-8 CSV with a header row).",
                                    "content": {"text/csv": {"schema": {
                                        "type": "string", "format": "binary"}}}}}}  # fmt: skip


@router.get("/verify/jobs/{job_id}/result", auth=any_key, url_name="verify_job_result",
            response={200: None, **refusals(400, 401, 404, 429)},
            openapi_extra=CSV_RESPONSE)  # fmt: skip
def verify_job_result(request: HttpRequest, job_id: int) -> Any:
    """The result as CSV (UTF-8): one row per input line, in order."""
    found = _own_job(request, job_id)
    if not found.output:
        raise NotFound(_("核验任务尚未完成"), code="not_ready")
    return FileResponse(found.output.open("rb"), as_attachment=True,
                        filename=f"verify-{found.pk}.csv",
                        content_type="text/csv; charset=utf-8")  # fmt: skip
