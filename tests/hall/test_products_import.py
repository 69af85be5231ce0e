"""Bulk import and export (Excel and CSV): good rows saved, every bad row reported in a file
that can be fixed and uploaded again; the job's progress; another member's numbers refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connections
from django.test import Client
from openpyxl import load_workbook

from hall.accounts.models import User
from hall.core.spreadsheets import TableError, read_rows
from hall.jobs import queue
from hall.jobs.models import Job
from hall.members.models import Member
from hall.products import bank
from hall.products.models import Product
from hall.products.transfer import COLUMNS, import_table, template
from tests.hall.conftest import log_in

pytestmark = pytest.mark.django_db
TODAY = date.today()
HEADER = "商品条码,厂商识别代码,产品名称,品牌,规格型号,净含量,净含量单位,GPC细块代码,状态"


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


GOOD = ",69212345,示例矿泉水,示例,550mL,550,mL,10000232,使用中"


def test_good_rows_are_saved_and_every_bad_row_is_reported(
    member: Member, other_member: Member
) -> None:
    theirs = bank.gtin_allocate(member=other_member, prefix="69254321", actor=None, today=TODAY)
    data = csv_file(
        GOOD,                                           # next free: 6921234500019, in use
        ",69212345,草稿产品,,,,,,",                         # a draft may be incomplete
        "6921234500026,,指定编码,品牌,规格,1,kg,10000232,",  # a chosen GTIN of our prefix
        "6921234500027,,坏校验码,品牌,规格,1,kg,,",          # bad check digit
        f"{theirs.display_gtin},,别人的,品牌,规格,1,kg,,",    # another member's GTIN
        ",69212345,缺品牌,,规格,1,kg,10000232,使用中",        # in use needs a brand
        ",69212345,坏单位,品牌,规格,1,磅,,",                  # unknown unit
        ",69212345,坏净含量,品牌,规格,abc,g,,",               # not a number
        ",99999999,别的前缀,品牌,规格,1,g,,",                 # not our prefix
        "6921234500026,,重复,品牌,规格,1,kg,,",               # twice in the file
        ",69212345,坏状态,品牌,规格,1,g,,出售中",              # unknown status
    )  # fmt: skip
    report = import_table(member=member, actor=None, data=data, today=TODAY)
    assert (report.created, report.updated) == (3, 0)
    problems = {line: problem for line, _row, problem in report.failed}
    assert sorted(problems) == [5, 6, 7, 8, 9, 10, 11, 12]
    assert "校验码" in problems[5] or "check digit" in problems[5].lower()
    assert "其他企业" in problems[6]
    assert "品牌" in problems[7]
    assert "净含量单位" in problems[8]
    assert "净含量" in problems[9]
    assert "厂商识别代码" in problems[10]
    assert "重复" in problems[11]
    assert "状态" in problems[12]
    products = {p.name: p for p in Product.objects.filter(member=member)}
    assert products["示例矿泉水"].display_gtin == "6921234500019"
    assert products["示例矿泉水"].status == "in_use"
    assert products["指定编码"].display_gtin == "6921234500026"
    assert products["草稿产品"].status == "draft"
    assert all(p.events.get().action == "imported" for p in products.values())
    # The error file: the rows as uploaded, each with its reason, ready to fix and upload again.
    rows = list(read_rows(report.error_file("csv")))
    assert rows[0][-1] == "错误 / Error"
    assert len(rows) == 9
    assert rows[1][:3] == ["6921234500027", "", "坏校验码"]


def test_an_import_updates_its_own_products_and_a_fixed_error_file_goes_in(member: Member) -> None:
    import_table(member=member, actor=None, data=csv_file(GOOD), today=TODAY)
    data = csv_file("6921234500019,,新名称,示例,550mL,550,mL,10000232,使用中",
                    ",69212345,缺品牌,,规格,1,kg,10000232,使用中")  # fmt: skip
    report = import_table(member=member, actor=None, data=data, today=TODAY)
    assert (report.created, report.updated, len(report.failed)) == (0, 1, 1)
    product = Product.objects.get(gtin="06921234500019")
    assert (product.name, product.version) == ("新名称", 2)
    assert product.events.last().before == {"name": "示例矿泉水"}  # type: ignore[union-attr]
    fixed = report.error_file("csv").decode("utf-8-sig").replace(",缺品牌,,", ",缺品牌,品牌,")
    again = import_table(member=member, actor=None, data=fixed.encode(), today=TODAY)
    assert (again.created, again.failed) == (1, [])


def test_excel_files_and_the_template_go_in(member: Member) -> None:
    book = load_workbook(io.BytesIO(template("xlsx")))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["商品条码 / GTIN", "厂商识别代码 / Company prefix",
                                               "产品名称 / Name"]  # fmt: skip
    sheet.append(["", 69212345, "Excel 产品", "", "品牌", "", "规格", 2.5, "kg", 10000232, "",
                  "零售单元", date(2026, 3, 1), "", "使用中"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    report = import_table(member=member, actor=None, data=out.getvalue(), today=TODAY)
    assert report.created == 2
    assert report.failed == []
    product = Product.objects.get(name="Excel 产品")
    assert (str(product.net_content), product.market_date) == ("2.500", date(2026, 3, 1))
    errors = load_workbook(io.BytesIO(report.error_file("xlsx"))).active
    assert errors is not None
    assert errors.max_row == 1


def test_gb18030_csv_from_chinese_excel_is_read(member: Member) -> None:
    report = import_table(member=member, actor=None, data=csv_file(GOOD, encoding="gb18030"),
                          today=TODAY)  # fmt: skip
    assert report.created == 1
    assert Product.objects.get().name == "示例矿泉水"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "文件是空的"),
    (b"a,b,c\n1,2,3\n", "表头"),
    (b"PK\x03\x04broken", "Excel 文件已损坏"),
    (b"\x00\x01\x02garbage", "不是 CSV 或 Excel"),
])  # fmt: skip
def test_files_that_are_not_tables_are_refused_whole(member: Member, data: bytes,
                                                    message: str) -> None:  # fmt: skip
    with pytest.raises(TableError, match=message):
        import_table(member=member, actor=None, data=data, today=TODAY)


def test_formula_injection_is_exported_as_text(member: Member, member_user: User,
                                               client: Client) -> None:  # fmt: skip
    import_table(member=member, actor=None, today=TODAY,
                 data=csv_file(",69212345,=HYPERLINK(\"http://x\"),,,,,,"))  # fmt: skip
    log_in(client, member_user.mobile)
    exported = client.get("/products/export/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported
    book = load_workbook(io.BytesIO(client.get("/products/export/?format=xlsx").content)).active
    assert book is not None
    assert book.cell(2, 3).value == '\'=HYPERLINK("http://x")'
    assert len(next(iter(book.iter_rows(values_only=True)))) == len(COLUMNS)
    assert client.get("/products/export/?format=doc", follow=True).status_code == 200


def test_the_import_page_runs_a_job_with_progress_and_an_error_file(
    client: Client, member_user: User, member: Member, other_user: User
) -> None:
    log_in(client, member_user.mobile)
    assert client.get("/products/import/template.csv").content.startswith(b"\xef\xbb\xbf")
    upload = io.BytesIO(csv_file(GOOD, ",69212345,缺品牌,,规格,1,kg,10000232,使用中"))
    upload.name = "products.csv"
    response = client.post("/products/import/", {"file": upload})
    job = Job.objects.get()
    assert response["Location"] == f"/products/import/{job.pk}/"
    assert job.status == "queued"
    assert job.owner == f"member:{member.pk}"
    queue.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 2, 2, 100)
    assert job.result["created"] == 1
    assert job.result["failed"] == 1
    page = client.get(f"/products/import/{job.pk}/").content.decode()
    assert "缺品牌" not in page
    assert "第 3 行" in page
    errors = client.get(f"/products/import/{job.pk}/errors/")
    assert b"".join(errors.streaming_content).decode("utf-8-sig").count("\n") == 2  # type: ignore[attr-defined]
    rival = Client()
    log_in(rival, other_user.mobile)
    assert rival.get(f"/products/import/{job.pk}/").status_code == 404
    assert rival.get(f"/products/import/{job.pk}/errors/").status_code == 404
    empty = io.BytesIO(b"")
    empty.name = "x.csv"
    assert client.post("/products/import/", {"file": empty}).status_code == 200
    assert Job.objects.count() == 1


def test_a_failing_job_is_recorded_not_lost(member: Member) -> None:
    job = queue.enqueue("products_import", owner="member:0", arguments={"member": 0})
    finished = queue.run(job.pk)
    assert finished.status == "failed"
    assert "does not exist" in finished.error
    assert queue.run(job.pk).status == "failed"  # a finished job is not run twice


@pytest.mark.django_db(transaction=True)
def test_an_import_accepted_runs_once_its_transaction_commits(member: Member) -> None:
    """The job goes to the workers at commit (here Celery's eager mode runs it at once; a
    real broker and workers: tests/hall/test_celery.py); a rolled-back one goes nowhere."""
    from django.db import transaction

    with transaction.atomic():
        job = queue.enqueue("products_import", owner=f"member:{member.pk}",
                            arguments={"member": member.pk}, input_name="a.csv",
                            input_data=csv_file(GOOD))  # fmt: skip
        assert Job.objects.get(pk=job.pk).status == "queued"  # not before the commit
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    assert Product.objects.count() == 1
    connections.close_all()


class WorkerDied(Exception):
    """The run stops between two chunks, as a worker killed there would."""


def test_an_import_whose_worker_died_resumes_and_writes_each_row_once(
    member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import commits chunk by chunk with a step of the job in the same transaction: the
    run that takes it over after its worker died skips those chunks, so every good row is
    written once, and the result and error file count the first run's rows too."""
    from datetime import timedelta

    from django.utils import timezone

    from hall.products import transfer

    monkeypatch.setattr(transfer, "CHUNK", 3)  # three chunks of three rows, then one of one
    bad = ",69212345,坏单位,品牌,规格,1,磅,,"
    chosen = "6921234500026,,指定编码,品牌,规格,1,kg,10000232,"
    again = "6921234500026,,重复,品牌,规格,1,kg,,"  # a duplicate of the first run's row
    rows = [GOOD, bad, chosen, GOOD, GOOD, bad, GOOD, GOOD, GOOD, again]
    job = queue.enqueue("products_import", owner=f"member:{member.pk}",
                        arguments={"member": member.pk}, input_name="a.csv",
                        input_data=csv_file(*rows))  # fmt: skip
    Job.objects.filter(pk=job.pk).update(status="running", attempts=1, runner="first")
    first = Job.objects.get(pk=job.pk)

    def die_after_first_chunk(done: int, total: int) -> None:
        raise WorkerDied

    with pytest.raises(WorkerDied):
        import_table(member=member, actor=None, data=csv_file(*rows), today=TODAY,
                     on_progress=die_after_first_chunk,
                     checkpoint=queue.JobSteps(first))  # fmt: skip
    assert Product.objects.count() == 2  # the first chunk's two good rows, committed
    dead = timezone.now() - timedelta(hours=1)  # its worker's heartbeat stopped long ago
    Job.objects.filter(pk=job.pk).update(heartbeat_at=dead)
    finished = queue.run(job.pk)
    assert (finished.status, finished.attempts) == ("done", 2)
    assert Product.objects.count() == 7  # every good row once
    assert sorted(Product.objects.values_list("gtin", flat=True)) == [
        bank.gtin14_of(member.prefixes.get(), item) for item in range(1, 8)
    ]
    assert (finished.result["created"], finished.result["failed"]) == (7, 3)
    assert [line for line, _problem in finished.result["problems"]] == [3, 7, 11]
    errors = list(read_rows(finished.output.read()))
    assert [row[2] for row in errors[1:]] == ["坏单位", "坏单位", "重复"]


def test_a_step_is_not_committed_by_a_run_that_lost_the_job(member: Member) -> None:
    """A run whose job was taken over (or cancelled) rolls its chunk back rather than write
    it beside the run that has the job now."""
    job = queue.enqueue("products_import", owner=f"member:{member.pk}",
                        arguments={"member": member.pk}, input_name="a.csv",
                        input_data=csv_file(GOOD))  # fmt: skip
    Job.objects.filter(pk=job.pk).update(status="running", attempts=2, runner="the-new-one")
    old = Job.objects.get(pk=job.pk)
    old.runner = "the-old-one"
    with pytest.raises(queue.Cancelled):
        import_table(member=member, actor=None, data=csv_file(GOOD), today=TODAY,
                     checkpoint=queue.JobSteps(old))  # fmt: skip
    assert Product.objects.count() == 0
    assert not old.steps.exists()
