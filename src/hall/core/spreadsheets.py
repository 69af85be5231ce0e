"""Tables in and out: CSV (UTF-8, or GB18030 as Chinese Excel saves it) and Excel (.xlsx).

Every cell read comes back as text; every cell written is safe from spreadsheet formulas.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.utils.translation import gettext as _

from hall.core.errors import HallError

XLSX_MAGIC = b"PK\x03\x04"
#: The start of an OLE2 compound file: Excel 97-2003 (.xls), Word's .doc, and the like.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TableError(HallError):
    """A file that is not a readable table; the message says why."""

    code = "unreadable_table"


def csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (values come from outside)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def kind_of(data: bytes) -> str:
    """``xlsx`` for an Excel workbook (a zip), ``csv`` for anything else."""
    return "xlsx" if data.startswith(XLSX_MAGIC) else "csv"


def not_a_table() -> str:
    """The one message for a file that is no table at all (a PDF, a picture, a Word file)."""
    return _("不是 CSV 或 Excel 文件：请上传 .xlsx 或 .csv 表格（可下载模板填写）")


def refuse_non_table(data: bytes) -> None:
    """:class:`TableError` for an empty file or one that is no table, told in milliseconds
    from its first bytes and its zip directory, before a row is read."""
    if not data or data.isspace():  # (strip would copy the whole file)
        raise TableError(_("文件是空的"))
    if data.startswith(OLE2_MAGIC):
        raise TableError(_("不是 CSV 或 Excel（.xlsx）文件：旧版 Excel（.xls）文件请在 Excel "
                           "中另存为 .xlsx 或 CSV 后再上传"))  # fmt: skip
    if kind_of(data) == "xlsx":
        _refuse_non_workbook(data)
    elif b"\x00" in data:  # UTF-8 and GB18030 both write NUL, and only NUL, as a zero byte
        raise TableError(not_a_table())


def _refuse_non_workbook(data: bytes) -> None:
    """A zip that is no workbook (a .docx, a zipped folder) is no table; a workbook whose zip
    is broken is a damaged Excel file."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TableError(_("Excel 文件已损坏，无法读取：请在 Excel 中重新保存后再上传")) from error
    if not any(name.startswith("xl/") for name in names):
        raise TableError(not_a_table())


def read_rows(data: bytes, *, formulas: bool = False) -> Iterator[list[str]]:
    """The rows of the first sheet of a workbook, or of a CSV file, as lists of text. With
    ``formulas``, a workbook's formula cells are given as their formula (``=A1*2``), so that the
    caller can tell them apart; else as the value Excel last computed (empty if never)."""
    refuse_non_table(data)
    return _xlsx_rows(data, formulas) if kind_of(data) == "xlsx" else _csv_rows(data)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows, decoded as they are read: the file's text is never made whole (a 50 MB file
    made 250 MB of text and its copy before a row was read)."""
    return _decoded_rows(io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline=""))


def _decoded_rows(text: io.TextIOWrapper) -> Iterator[list[str]]:
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError:  # pragma: no cover - gb18030 decodes every byte sequence but a few
        raise TableError(_("无法识别文件编码：请另存为 UTF-8 的 CSV 或 Excel 文件")) from None


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without its byte-order mark) if the whole file is UTF-8, else GB18030 (as
    Chinese Excel saves CSV): checked a megabyte at a time, the text thrown away."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 2**20):
            decoder.decode(view[start : start + 2**20])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _xlsx_rows(data: bytes, formulas: bool = False) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - 0.2 s to import; only Excel needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(_("Excel 文件已损坏，无法读取：请在 Excel 中重新保存后再上传")) from error
    sheet = book.worksheets[0]
    return ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "text") and not isinstance(value, str):  # an array formula, read as such
        return str(value.text or "")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a GTIN typed as a number
    return str(value).strip()


def write_table(kind: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """The rows as CSV (with a byte-order mark, so Excel reads the Chinese) or .xlsx."""
    if kind == "xlsx":
        return _xlsx(header, rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(header: list[str], rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - 0.2 s to import; only Excel needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        # Text cells: a GTIN stays 13 digits, a formula stays text.
        sheet.append([csv_safe(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
