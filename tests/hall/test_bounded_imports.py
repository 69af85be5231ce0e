"""A product import is refused by its size and its rows before the whole file is read, in
bounded memory (issue 19, part 6): a CSV counted as it is read, a workbook by its zip directory
and one pass over its sheet's XML. Before, a 50 MB CSV took 5.4 GB and 38 s to refuse and a
429 KB workbook 970 MB and 96 s. Each case is timed and its memory measured; nothing is
imported and no error file is written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from hall.accounts.models import User
from hall.core.spreadsheets import TableError
from hall.jobs import queue
from hall.jobs.models import Job
from hall.members.models import Member
from hall.products.models import Product
from hall.products.transfer import MAX_ROWS, import_table
from tests.hall.bounded import MB, measured

pytestmark = pytest.mark.django_db
HEADER = b"\xef\xbb\xbf\xe5\x95\x86\xe5\x93\x81\xe6\x9d\xa1\xe7\xa0\x81,name\n"  # 商品条码,name
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets><sheet name="S" '
    'sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
    f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def workbook(rows: Iterable[bytes], dimension: str = "") -> bytes:
    """An .xlsx whose first sheet has the header 商品条码 and then ``rows`` (sheet XML),
    written a piece at a time as a spreadsheet program would."""
    head = (f'<worksheet xmlns="{_MAIN}">{dimension}<sheetData><row r="1"><c r="A1" '
            't="inlineStr"><is><t>商品条码</t></is></c></row>').encode()  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            for piece in rows:
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def numbered_rows(count: int) -> Iterator[bytes]:
    for start in range(2, count + 2, 10_000):
        yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                       for n in range(start, min(start + 10_000, count + 2)))  # fmt: skip


#: Reading a file's rows as far as a limit is linear work: a budget that holds under coverage
#: on two busy cores, yet a tenth of what the unbounded reading took (38 s, 5.4 GB).
READ_SECONDS = 15.0


def _refused(member: Member, data: bytes, message: str, seconds: float = READ_SECONDS) -> None:
    with measured() as cost, pytest.raises(TableError, match=message):
        import_table(member=member, actor=None, data=data, today=date.today())
    assert cost.within(seconds, 50 * MB), cost
    assert Product.objects.count() == 0


def test_a_50_mb_csv_is_refused_at_its_200001st_row(member: Member) -> None:
    data = HEADER + b",x\n" * (50 * MB // 3)  # 17 million rows
    _refused(member, data, f"一次最多导入 {MAX_ROWS} 行")


def test_a_50_mb_csv_of_blank_lines_is_refused_at_an_excel_sheets_last_row(member: Member) -> None:
    _refused(member, HEADER + b"\n" * (50 * MB), "文件超过 1048576 行（含空行）")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"," * 5 * MB + b"x\n", "表格最多 32 列"),  # one row of 5 million cells
        (b"x" * 5 * MB + b"\n", "CSV 文件格式有误"),  # one cell of 5 MB
    ],
)
def test_a_csv_row_is_refused_whole_when_it_is_too_wide_or_too_long(
    member: Member, body: bytes, message: str
) -> None:
    """The csv module makes a row whole before it can be judged: its cost is bounded by the
    file (a row as wide as 50 MB of commas is a list of 50 million cells, 400 MB, for a moment),
    and the first such row ends the import."""
    _refused(member, HEADER + body, message)


def test_a_workbook_of_a_million_rows_is_refused_from_its_xml(member: Member) -> None:
    data = workbook(numbered_rows(1_000_000))  # 4.9 MB; openpyxl reads 1,000 rows a second
    _refused(member, data, f"一次最多导入 {MAX_ROWS} 行")


def test_a_zip_bomb_is_refused_by_its_zip_directory(member: Member) -> None:
    data = workbook(b" " * MB for _ in range(450))  # 450 MB of sheet in about 450 KB
    assert len(data) < MB
    _refused(member, data, "Excel 文件解压后过大（450 MB，上限 400 MB）", seconds=1.0)


@pytest.mark.parametrize(
    ("rows", "dimension", "message"),
    [
        # openpyxl yields a blank row for each number skipped: a thousand million of them
        ([b'<row r="1000000000"><c r="A1000000000"><v>1</v></c></row>'], "", "1048576 行"),
        # ... and pads every row to the widest cell or declared dimension: 16,384 cells
        ([b'<row r="2"><c r="XFD2"><v>1</v></c></row>'], "", "表格最多 32 列"),
        ([b'<row r="2"><c r="A2"><v>1</v></c></row>'], '<dimension ref="A1:XFD2"/>', "32 列"),
    ],
)
def test_a_workbook_that_would_be_padded_is_refused(
    member: Member, rows: list[bytes], dimension: str, message: str
) -> None:
    _refused(member, workbook(rows, dimension), message, seconds=1.0)


def test_the_import_job_refuses_it_and_writes_nothing(client: Client, member_user: User) -> None:
    """A CSV is counted as the job reads it (a workbook is refused on the page: below)."""
    client.force_login(member_user)
    upload = io.BytesIO(b"GTIN\n" + b"6921234500019\n" * (MAX_ROWS + 1))
    upload.name = "products.csv"
    client.post("/products/import/", {"file": upload})
    job = Job.objects.get()
    with measured() as cost:
        finished = queue.run(job.pk)
    assert finished.status == "done"
    assert finished.result["refused"].startswith(f"一次最多导入 {MAX_ROWS} 行")
    assert not finished.output  # no error file
    assert Product.objects.count() == 0
    assert cost.within(READ_SECONDS, 50 * MB), cost


def test_the_api_verify_job_refuses_a_zip_bomb_and_counts_as_it_reads(db: None) -> None:
    """The same for a file of GTINs given to the API's verification job (hall.lookup.batch)."""
    from hall.lookup import batch

    bomb = workbook(b" " * MB for _ in range(1100))  # 1.1 GB of sheet in about 1 MB
    with measured() as cost, pytest.raises(batch.FileRefused, match="Excel 文件解压后过大"):
        batch.numbers_in(bomb)
    assert cost.within(1.0, 50 * MB), cost
    many = b"GTIN\n" + b"6921234500019\n" * (batch.MAX_PER_FILE + 10)
    with pytest.raises(batch.FileRefused, match="此文件超过此数"):
        batch.numbers_in(many)


def test_a_workbook_bomb_is_refused_on_the_page_with_no_job_written(
    client: Any, member_user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hall.jobs.models import Job

    client.force_login(member_user)
    for data, message in (
        (workbook(b" " * MB for _ in range(450)), "Excel 文件解压后过大"),
        (workbook(numbered_rows(1_000_000)), f"一次最多导入 {MAX_ROWS} 行"),
    ):
        page = client.post("/products/import/", {"file": SimpleUploadedFile("t.xlsx", data)})
        assert message in page.content.decode()
    assert not Job.objects.exists()
