"""The printers' records over time: kept two years and not a day less (seed 002 art. 21), a check
a younger print job rests on kept with it; and handed to an inspector as a table of a date
range, or a ZIP of the table with every copy."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from hall.accounts.models import User
from hall.core.errors import TooLarge
from hall.jobs import registry
from hall.members.models import Member
from hall.printers import checks, demo, export, jobs, retention
from hall.printers.companies import PrinterError
from hall.printers.documents import Document
from hall.printers.models import CertificateCheck, PrintingCompany, PrintJob
from tests.hall.printing import other_printer, png, printer, upload
from tests.hall.windows import start_early_in_a_window

__all__ = ["other_printer", "printer"]  # the fixtures used here
pytestmark = pytest.mark.django_db
#: pytest-django's fixture: the on-commit callbacks of the test's transaction, run or not.
Commits = Callable[..., Any]
CERTIFICATE, COMPANY, OURS = "物编注字第100001号", "杭州示例食品有限公司", "6921234500019"
TODAY = date(2026, 6, 15)


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _check_on(user: User, day: date, hour: int = 12) -> CertificateCheck:
    check = checks.check_record(
        user=user, kind="certificate", entered=CERTIFICATE, company_name=COMPANY
    )
    CertificateCheck.objects.filter(pk=check.pk).update(checked_at=_at(day, hour))
    check.refresh_from_db()
    return check


# --- Two years ------------------------------------------------------------------------------


def test_two_years_to_the_day_are_kept_and_the_day_before_goes(
    printer: User, member: Member, django_capture_on_commit_callbacks: Commits
) -> None:
    boundary = date(2024, 6, 15)  # two years before TODAY
    kept_first = _check_on(printer, boundary, hour=0)
    kept_young = _check_on(printer, TODAY - timedelta(days=30))
    gone = _check_on(printer, boundary - timedelta(days=1), hour=23)
    files = [gone.snapshot.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.printer_records_clear(today=TODAY) == 1
    assert set(CertificateCheck.objects.values_list("pk", flat=True)) == {
        kept_first.pk,
        kept_young.pk,
    }
    assert not default_storage.exists(files[0])
    assert default_storage.exists(kept_first.snapshot.name)


def test_a_check_stays_while_a_younger_job_rests_on_it(printer: User, member: Member) -> None:
    old_check = checks.check_record(
        user=printer, kind="certificate", entered=CERTIFICATE, company_name=COMPANY
    )
    job = jobs.job_record(
        user=printer, check_id=old_check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )
    # The job was recorded a year after the check, when both were young.
    CertificateCheck.objects.filter(pk=old_check.pk).update(checked_at=_at(date(2024, 1, 10)))
    PrintJob.objects.filter(pk=job.pk).update(created_at=_at(date(2025, 1, 10)))
    assert retention.printer_records_clear(today=TODAY) == 0
    assert CertificateCheck.objects.filter(pk=old_check.pk).exists()
    # Two years after the job, both go: the job first, then the check no job rests on.
    assert retention.printer_records_clear(today=date(2027, 1, 11)) == 2
    assert not PrintJob.objects.exists()
    assert not CertificateCheck.objects.exists()


def test_the_scan_and_the_proof_go_with_their_records(
    printer: User, member: Member, django_capture_on_commit_callbacks: Commits
) -> None:
    check = checks.check_record(
        user=printer,
        kind="certificate",
        entered=CERTIFICATE,
        company_name=COMPANY,
        scan=Document(png(), "png"),
    )
    job = jobs.job_record(
        user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )
    job = jobs.job_proof_grade(user=printer, job_id=job.pk, image=png(), dpi=600)
    names = [check.scan.name, check.snapshot.name, job.proof.name, job.proof_report.name]
    assert all(names)
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        cleared = retention.printer_records_clear(today=timezone.localdate() + timedelta(days=800))
    assert cleared == 2
    assert not any(default_storage.exists(name) for name in names)


def test_retention_is_a_daily_task() -> None:
    assert registry.TASKS["printer_records_clear"] is retention.printer_records_clear
    assert "printer_records_clear" in registry.DAILY


def test_29_february_counts_from_28_february() -> None:
    assert retention.cutoff(date(2028, 2, 29)).date() == date(2026, 2, 28)


# --- Export ---------------------------------------------------------------------------------


def _export(client: Client, start: date, end: date, kind: str) -> bytes:
    response = client.get(
        "/printers/checks/export",
        {"start": start.isoformat(), "end": end.isoformat(), "format": kind},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_table_holds_the_range_and_nothing_else(
    printer: User, other_printer: User, member: Member
) -> None:
    inside = _check_on(printer, date(2026, 3, 1))
    last_day = _check_on(printer, date(2026, 3, 31), hour=23)
    _check_on(printer, date(2026, 4, 1), hour=0)  # the day after the range
    _check_on(other_printer, date(2026, 3, 15))  # another company's
    client = Client()
    client.force_login(printer)
    table = _export(client, date(2026, 3, 1), date(2026, 3, 31), "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0][:3] == ["编号", "查验时间", "查验人"]
    assert [row[0] for row in rows[1:]] == [str(inside.pk), str(last_day.pk)]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["查验结果"], first["企业名称"], first["厂商识别代码"]) == (
        "有效",
        COMPANY,
        "69212345",
    )
    assert first["查验人"] == printer.mobile
    assert first["查验结果存档"] == f"{inside.pk}/{inside.snapshot.name.rsplit('/', 1)[-1]}"
    book = load_workbook(io.BytesIO(_export(client, date(2026, 3, 1), date(2026, 3, 31), "xlsx")))
    assert book.worksheets[0].max_row == 3


def test_the_zip_holds_the_table_and_every_copy(printer: User, member: Member) -> None:
    check = checks.check_record(
        user=printer,
        kind="certificate",
        entered=CERTIFICATE,
        company_name=COMPANY,
        scan=Document(png(), "png"),
    )
    client = Client()
    client.force_login(printer)
    today = timezone.localdate()
    archive = zipfile.ZipFile(io.BytesIO(_export(client, today, today, "zip")))
    names = set(archive.namelist())
    snapshot = f"{check.pk}/{check.snapshot.name.rsplit('/', 1)[-1]}"
    scan = f"{check.pk}/{check.scan.name.rsplit('/', 1)[-1]}"
    assert names == {"checks.xlsx", snapshot, scan}
    assert COMPANY in archive.read(snapshot).decode()
    assert archive.read(scan) == check.scan.open("rb").read()


def test_an_export_too_wide_is_refused(
    printer: User, member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = PrintingCompany.objects.get(accounts__user=printer)
    with pytest.raises(checks.PrinterError, match="最长"):
        export.checks_in(company, date(2020, 1, 1), date(2026, 1, 1))
    with pytest.raises(checks.PrinterError, match="不能早于"):
        export.checks_in(company, date(2026, 1, 2), date(2026, 1, 1))
    for _ in range(3):
        checks.check_record(
            user=printer, kind="certificate", entered=CERTIFICATE, company_name=COMPANY
        )
    monkeypatch.setattr(export, "MAX_ZIP_RECORDS", 2)
    monkeypatch.setattr(export, "MAX_RECORDS", 2)
    today = timezone.localdate()
    found = export.checks_in(company, today, today)
    with pytest.raises(TooLarge):
        export.checks_zip(found)
    with pytest.raises(TooLarge):
        export.checks_table(found, "csv")
    client = Client()
    client.force_login(printer)
    response = client.get(
        "/printers/checks/export", {"start": today, "end": today, "format": "zip"}
    )
    assert response.status_code == 413
    assert "请缩小日期范围" in response.content.decode()


def test_a_member_cannot_export(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    today = timezone.localdate().isoformat()
    response = client.get(
        "/printers/checks/export", {"start": today, "end": today, "format": "csv"}
    )
    assert response.status_code == 404


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_printer_is_approved_and_has_a_check(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(certificate_number=demo.CUSTOMER[0])
    User.objects.create_user("13800000003", "x", role=User.Role.CENTER)
    out = io.StringIO()
    lines = demo.seed(out)
    again = demo.seed(out)  # run twice, as the demo command may be
    assert lines == again
    assert demo.MOBILE in lines[0]
    company = PrintingCompany.objects.get()
    assert company.approved
    assert company.events.get().actor.mobile == "13800000003"
    assert company.checks.get().result == "valid"
    user = User.objects.get(mobile=demo.MOBILE)
    assert user.check_password(demo.PASSWORD)
    client = Client()
    client.force_login(user)
    assert demo.CUSTOMER[1] in client.get("/printers/").content.decode()


def test_a_proof_over_two_megabytes_is_refused_before_grading(
    printer: User, member: Member
) -> None:
    """A proof over the hall's 2 MB upload limit is refused before it is graded."""
    check = checks.check_record(
        user=printer, kind="certificate", entered=CERTIFICATE, company_name=COMPANY
    )
    job = jobs.job_record(
        user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )
    client = Client()
    client.force_login(printer)
    big = upload(b"\x89PNG" + b"\x00" * (2 * 2**20 + 10), "proof.png")
    page = client.post(f"/printers/jobs/{job.pk}/proof/", {"image": big}, follow=True)
    assert "超过 2 MB 上限" in page.content.decode()
    job.refresh_from_db()
    assert job.proof_passed is None


def test_the_command_clears_as_the_task_does(printer: User, member: Member) -> None:
    _check_on(printer, date(2024, 6, 14))
    kept = _check_on(printer, date(2024, 6, 15))
    out = io.StringIO()
    call_command("printer_records_clear", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue().startswith("1 records")
    assert list(CertificateCheck.objects.values_list("pk", flat=True)) == [kept.pk]


# --- What an attacker tries ------------------------------------------------------------------


def test_files_go_only_once_the_rows_deletion_commits(
    printer: User, member: Member, django_capture_on_commit_callbacks: Commits
) -> None:
    """Rows first: a run that fails after the select (a job recorded on the check meanwhile,
    a database gone) rolls the rows back and has deleted no file."""
    gone = _check_on(printer, date(2024, 6, 14))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retention.printer_records_clear(today=TODAY) == 1
        assert not CertificateCheck.objects.exists()
        assert default_storage.exists(gone.snapshot.name)
    for callback in callbacks:
        callback()
    assert not default_storage.exists(gone.snapshot.name)


def test_a_job_cannot_rest_on_a_check_past_keeping(printer: User, member: Member) -> None:
    check = checks.check_record(
        user=printer, kind="certificate", entered=CERTIFICATE, company_name=COMPANY
    )
    edge = retention.cutoff(timezone.localdate())
    CertificateCheck.objects.filter(pk=check.pk).update(checked_at=edge - timedelta(seconds=1))
    with pytest.raises(PrinterError, match="已超过两年存档期限"):
        jobs.job_record(
            user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
        )
    assert not PrintJob.objects.exists()
    CertificateCheck.objects.filter(pk=check.pk).update(checked_at=edge)  # the last day kept
    job = jobs.job_record(
        user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )
    assert job.check_record == check


def _scanned_check(user: User) -> CertificateCheck:
    return checks.check_record(
        user=user,
        kind="certificate",
        entered=CERTIFICATE,
        company_name=COMPANY,
        scan=Document(png(), "png"),
    )


def test_the_zip_is_streamed_from_a_file_spilled_to_disk(
    printer: User, member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = _scanned_check(printer)
    client = Client()
    client.force_login(printer)
    today = timezone.localdate()
    response = client.get(
        "/printers/checks/export", {"start": today, "end": today, "format": "zip"}
    )
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert f"{check.pk}/{check.scan.name.rsplit('/', 1)[-1]}" in names
    monkeypatch.setattr(export, "SPOOL_BYTES", 1024)
    company = PrintingCompany.objects.get(accounts__user=printer)
    with export.checks_zip(export.checks_in(company, today, today)) as archive:
        assert isinstance(archive, tempfile.SpooledTemporaryFile)
        assert archive._rolled  # on disk past SPOOL_BYTES, not in memory
        assert zipfile.ZipFile(archive).namelist() == names


def test_copies_over_the_cap_are_refused_before_one_is_read(
    printer: User, member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _second = _scanned_check(printer), _scanned_check(printer)
    # The first check's copies fit; the second's do not.
    monkeypatch.setattr(export, "MAX_ZIP_BYTES", first.snapshot.size + first.scan.size + 1)
    opened: list[str] = []
    read = FieldFile.open

    def counted(self: FieldFile, mode: str = "rb") -> FieldFile:
        opened.append(self.name or "")
        return read(self, mode)

    monkeypatch.setattr(FieldFile, "open", counted)
    company = PrintingCompany.objects.get(accounts__user=printer)
    today = timezone.localdate()
    with pytest.raises(TooLarge, match="附件总量过大"):
        export.checks_zip(export.checks_in(company, today, today))
    assert opened == []


def test_one_zip_at_a_time_per_company(printer: User, other_printer: User, member: Member) -> None:
    company = PrintingCompany.objects.get(accounts__user=printer)
    ours, theirs = Client(), Client()
    ours.force_login(printer)
    theirs.force_login(other_printer)
    today = timezone.localdate()
    ask = {"start": today, "end": today, "format": "zip"}
    with export.zip_turn(company):
        refused = ours.get("/printers/checks/export", ask)
        assert refused.status_code == 429
        assert "正在生成另一个附件包" in refused.content.decode()
        assert theirs.get("/printers/checks/export", ask).status_code == 200
    assert ours.get("/printers/checks/export", ask).status_code == 200  # the turn is back


def test_exports_are_counted_per_company_whatever_the_address(printer: User) -> None:
    client = Client()
    client.force_login(printer)
    today = timezone.localdate()
    ask = {"start": today, "end": today, "format": "csv"}
    start_early_in_a_window()
    for n in range(export.EXPORTS_PER_MINUTE):
        address = f"203.0.113.{n + 1}"
        assert client.get("/printers/checks/export", ask, REMOTE_ADDR=address).status_code == 200
    refused = client.get("/printers/checks/export", ask, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-30", "9999-12-31"), ("1000-01-01", "1000-01-02"), ("2026-01-01", "2101-01-01")],
)
def test_a_date_out_of_any_range_is_refused_with_a_message(
    printer: User, start: str, end: str
) -> None:
    client = Client()
    client.force_login(printer)
    response = client.get("/printers/checks/export", {"start": start, "end": end, "format": "csv"})
    assert response.status_code == 400
    assert "日期应在 2000-01-01 至 2100-12-31 之间" in response.content.decode()
