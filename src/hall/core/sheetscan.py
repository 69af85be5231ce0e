"""What a workbook (.xlsx) says of its size, read before openpyxl reads a cell.

openpyxl takes about a millisecond a row, and pads every row it yields to the widest the sheet
declares or uses, with a blank row for each row number skipped: a few hundred KB can ask for a
million rows of 16,384 cells. :func:`check` refuses such a file from its zip directory (the
unpacked sizes it declares, which bound what unpacking yields: a zip bomb is refused unpacked)
and one pass over its first sheet's XML, a megabyte at a time, never whole, stopping at the
first limit passed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hall.core.spreadsheets import TableError, refuse_non_table

if TYPE_CHECKING:
    from openpyxl.reader.excel import ExcelReader

#: The columns a row may have (the template has 15, an error file 16): openpyxl pads each row
#: it yields to the widest the sheet declares or uses, so that a cell in column XFD would make
#: every row 16,384 cells.
COLUMNS = 32
#: A cell's address or the sheet's declared dimension past column AF (32), as spreadsheet
#: programs write them (an ``r`` attribute is a cell's address; a row's is digits only). Each
#: starts with its literal text, which keeps the search fast; a file spelt otherwise is refused
#: at its first wide row as openpyxl reads it.
_PAST_AF = rb"(?:[A-Z]{3}|[B-Z][A-Z]|A[G-Z])\d"
_WIDE_CELL = re.compile(rb' r="' + _PAST_AF)
_WIDE_SHEET = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?' + _PAST_AF)
#: A row's number as spreadsheet programs write it, when it has seven digits or more.
_FAR_ROW = re.compile(rb'<row r="(\d{7,})"')
#: Bytes of one piece read again with the next, so that a pattern cut between them is found.
_OVERLAP = 64


@dataclass(frozen=True)
class Limits:
    rows: int
    """Rows holding a value after the header."""
    lines: int
    """Rows, blank ones included (and numbers skipped)."""
    unpacked: int
    """Bytes of all the parts unpacked."""


def check(data: bytes, limits: Limits) -> None:
    """Refuse, with :class:`TableError`, a workbook whose zip directory or first sheet says it
    is larger than ``limits`` or wider than :data:`COLUMNS`."""
    from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415 - 0.2 s; only workbooks need it

    refuse_non_table(data)  # a .docx is no table, not a damaged workbook
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True)
        unpacked = sum(info.file_size for info in reader.archive.infolist())
        refusal = _sheet_refusal(reader, limits) if unpacked <= limits.unpacked else None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError) as error:
        raise TableError(_("Excel 文件已损坏，无法读取：请在 Excel 中重新保存后再上传")) from error
    if unpacked > limits.unpacked:
        sizes = {"size": unpacked // 2**20, "limit": limits.unpacked // 2**20}
        raise TableError(_("Excel 文件解压后过大（%(size)d MB，上限 %(limit)d MB）") % sizes)
    if refusal is not None:
        raise TableError(refusal)


def too_many_rows(limit: int) -> str:
    return _("一次最多导入 %(limit)d 行，此文件超过此数") % {"limit": limit}


def too_many_lines(limit: int) -> str:
    return _("文件超过 %(limit)d 行（含空行），不是可导入的表格") % {"limit": limit}


def too_wide() -> str:
    return _("表格最多 %(limit)d 列") % {"limit": COLUMNS}


def _sheet_refusal(reader: ExcelReader, limits: Limits) -> str | None:
    """Why the first sheet is too large, or None, read as it unpacks."""
    rows, tail = _RowCount(), b""
    for piece in _sheet_xml(reader):
        text = tail + piece
        if _WIDE_CELL.search(text) or _WIDE_SHEET.search(text):
            return too_wide()
        if any(int(number) > limits.lines for number in _FAR_ROW.findall(text)):
            return too_many_lines(limits.lines)
        rows.add(piece)
        if refusal := rows.refusal(limits):
            return refusal
        tail = text[-_OVERLAP:]
    rows.end()
    return rows.refusal(limits)


def _sheet_xml(reader: ExcelReader) -> Iterator[bytes]:
    """The first worksheet's XML (the sheet openpyxl reads first), a megabyte at a time."""
    reader.read_manifest()
    reader.read_workbook()
    sheet = next((rel.target for _sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type),
                 None)  # fmt: skip
    if sheet is None:
        return
    with reader.archive.open(sheet) as xml:
        while piece := xml.read(2**20):
            yield piece


class _RowCount:
    """The rows of a sheet's XML, fed a piece at a time: split at each ``<row``, each piece
    between two a row that holds a value if it has a ``<v>`` or an inline ``<is>``. A tag cut
    between two pieces is found with the three bytes kept of the first, too few to hold a
    whole ``<row`` twice. (A sheet written with a namespace prefix counts none here; the rows
    are then counted as openpyxl reads them.)"""

    def __init__(self) -> None:
        self.lines = self.valued = 0
        self.current = False  # does the row being read hold a value?
        self.carry = b""

    def add(self, piece: bytes) -> None:
        *ended, started = (self.carry + piece).split(b"<row")
        for row in ended:  # the row being read, then each row that ended in this piece
            self.valued += self.current or _holds_value(row)
            self.current = False
        self.lines += len(ended)
        self.current = self.current or _holds_value(started)
        self.carry = started[-3:]

    def end(self) -> None:
        self.valued += self.current
        self.current = False

    def refusal(self, limits: Limits) -> str | None:
        if self.lines > limits.lines:
            return too_many_lines(limits.lines)
        if self.valued > limits.rows + 1:  # and the header
            return too_many_rows(limits.rows)
        return None


def _holds_value(xml: bytes) -> bool:
    return b"<v>" in xml or b"<is>" in xml
