"""Label sheets: a PDF of N × M labels per page, each a symbol and an optional caption.

A printing shop or a warehouse prints thousands of labels at once: codes come from a CSV (code,
optional caption), every code is validated first (a sheet with one bad code is refused whole,
with every bad line named), each label is centred in its cell at the chosen magnification, and
crop marks show where to cut. Chinese captions use the PDF standard CJK font STSong-Light
(Adobe-GB1, supplied by every PDF reader), so nothing needs embedding.

>>> pdf = label_sheet([("6936983800013", "示例商品"), ("6901234567892", None)], columns=2, rows=4)
>>> pdf[:8], pdf.count(b"/Type /Page ")
(b'%PDF-1.4', 1)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tiaoma.errors import InvalidComponent, TiaomaError, define
from tiaoma.render.layout import geometry_for, layout
from tiaoma.render.vector import POINTS_PER_MM, _pt, page_content, pdf_document
from tiaoma.symbols.choose import encode

__all__ = ["BadRow", "SheetLayout", "label_sheet", "read_codes"]

BAD_ROWS = define(
    "labels.bad_rows",
    "{count} of the codes cannot be printed; first at line {line}: {message}",
    "有 {count} 个代码无法打印；第一个在第 {line} 行：{message_zh}",
)
LABEL_TOO_SMALL = define(
    "labels.too_small",
    "A {what} label of {label} mm cannot hold the {symbol} mm symbol at magnification "
    "{magnification}: use fewer labels per page or a smaller magnification",
    "{label} 毫米的标签放不下放大系数 {magnification} 时 {symbol} 毫米的条码："
    "请减少每页标签数或减小放大系数",
)
A4 = (210.0, 297.0)
CAPTION_PT = 7.0


@dataclass(frozen=True)
class SheetLayout:
    """The page and its grid, in millimetres."""

    page: tuple[float, float] = A4
    columns: int = 3
    rows: int = 8
    margin: float = 8.0
    crop_marks: bool = True

    @property
    def cell(self) -> tuple[float, float]:
        width = (self.page[0] - 2 * self.margin) / self.columns
        return width, (self.page[1] - 2 * self.margin) / self.rows


@dataclass(frozen=True)
class BadRow:
    """A CSV line that cannot be printed, and why."""

    line: int
    value: str
    error: TiaomaError


def read_codes(text: str) -> tuple[list[tuple[str, str | None]], list[BadRow]]:
    """Rows of ``code[,caption]`` from CSV text, each code validated; a header line is skipped."""
    good: list[tuple[str, str | None]] = []
    bad: list[BadRow] = []
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), 1):
        if not row or not row[0].strip():
            continue
        code, caption = row[0].strip(), (row[1].strip() if len(row) > 1 else "") or None
        if number == 1 and code.lower() in ("code", "gtin", "条码", "代码", "商品条码"):
            continue
        try:
            encode(code)
        except TiaomaError as error:
            bad.append(BadRow(number, code, error))
        else:
            good.append((code, caption))
    return good, bad


def _caption(text: str, centre_x: float, baseline: float) -> str:
    """A caption in Helvetica (ASCII) or STSong-Light (anything else), centred."""
    if text.isascii():
        width = 0.5 * CAPTION_PT * len(text)  # Helvetica averages half an em per character
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return (f"BT /F1 {CAPTION_PT:g} Tf {_pt(centre_x - width / 2)} {_pt(baseline)} Td "
                f"({escaped}) Tj ET")  # fmt: skip
    width = CAPTION_PT * len(text)
    hex_text = text.encode("utf-16-be").hex().upper()
    return (f"BT /F2 {CAPTION_PT:g} Tf {_pt(centre_x - width / 2)} {_pt(baseline)} Td "
            f"<{hex_text}> Tj ET")  # fmt: skip


def _crop_marks(x: float, y: float, width: float, height: float) -> str:
    """Short hairlines outside each corner of a cell (3 mm long, 1 mm away)."""
    gap, length = 1 * POINTS_PER_MM, 3 * POINTS_PER_MM
    lines = []
    for cx, dx in ((x, -1), (x + width, 1)):
        for cy, dy in ((y, -1), (y + height, 1)):
            lines.append(f"{_pt(cx + dx * gap)} {_pt(cy)} m {_pt(cx + dx * (gap + length))} "
                         f"{_pt(cy)} l")  # fmt: skip
            lines.append(f"{_pt(cx)} {_pt(cy + dy * gap)} m {_pt(cx)} "
                         f"{_pt(cy + dy * (gap + length))} l")  # fmt: skip
    return "0 G 0.25 w " + " ".join(lines) + " S"


def _label(
    code: str,
    caption: str | None,
    x: float,
    y: float,
    *,
    cell: tuple[float, float],
    magnification: float | None,
) -> str:  # fmt: skip
    symbol = encode(code)
    drawing = layout(symbol, geometry_for(symbol, magnification=magnification))
    width = drawing.width * drawing.module_mm
    height = drawing.height * drawing.module_mm
    room = cell[1] - (4.0 if caption else 0.0)
    if width > cell[0] or height > room:
        raise InvalidComponent(LABEL_TOO_SMALL, what="cell", label=f"{cell[0]:.1f} x {cell[1]:.1f}",
                               symbol=f"{width:.1f} x {height:.1f}",
                               magnification=magnification or 1.0)  # fmt: skip
    left = x + (cell[0] - width) / 2 * POINTS_PER_MM
    bottom = y + (cell[1] - height + (3.0 if caption else 0.0)) / 2 * POINTS_PER_MM
    parts = [page_content(drawing, left, bottom, background=False)]
    if caption:
        centre = x + cell[0] / 2 * POINTS_PER_MM
        parts.append(_caption(caption, centre, bottom - 3.0 * POINTS_PER_MM))
    return "\n".join(parts)


def label_sheet(codes: Iterable[tuple[str, str | None]], *, sheet: SheetLayout | None = None,
                columns: int | None = None, rows: int | None = None,
                magnification: float | None = None) -> bytes:  # fmt: skip
    """A PDF of labels, ``columns`` × ``rows`` per page, in the order given."""
    base = sheet or SheetLayout()
    grid = SheetLayout(base.page, columns or base.columns, rows or base.rows, base.margin,
                       base.crop_marks)  # fmt: skip
    per_page = grid.columns * grid.rows
    pages: list[tuple[float, float, str]] = []
    current: list[str] = []
    for index, (code, caption) in enumerate(codes):
        slot = index % per_page
        if slot == 0 and current:
            pages.append(_page(grid, current))
            current = []
        column, row = slot % grid.columns, slot // grid.columns
        cell = grid.cell
        x = (grid.margin + column * cell[0]) * POINTS_PER_MM
        y = (grid.page[1] - grid.margin - (row + 1) * cell[1]) * POINTS_PER_MM
        current.append(_label(code, caption, x, y, cell=cell, magnification=magnification))
        if grid.crop_marks:
            current.append(_crop_marks(x, y, cell[0] * POINTS_PER_MM, cell[1] * POINTS_PER_MM))
    if current or not pages:
        pages.append(_page(grid, current))
    return pdf_document(pages, fonts=_FONTS)


def _page(grid: SheetLayout, parts: Sequence[str]) -> tuple[float, float, str]:
    return grid.page[0] * POINTS_PER_MM, grid.page[1] * POINTS_PER_MM, "\n".join(parts)


# Helvetica (one of PDF's 14 standard fonts) and STSong-Light with the Adobe-GB1 UCS-2 CMap:
# neither needs embedding (ISO 32000-1 9.6.2.2 and 9.7.5.2).
_FONTS = (
    "/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> "
    "/F2 << /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >> >>"
)
