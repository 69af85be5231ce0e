"""A symbol in an image graded as ISO/IEC 15416 (and GB/T 18348, which applies it to
commodity barcodes) says, from the image's resolution alone.

The steps and their sources:

- the reader (zxing-cpp, :mod:`tiaoma.scan`) finds each symbol; :mod:`tiaoma.verify.image`
  straightens it and finds its bars, their height and X;
- ten scan lines evenly from 10 % to 90 % of the bar height, each spanning both quiet zones
  (ISO/IEC 15416 §5.1.2 and Figure 3: ten scans in the inspection band);
- each scan's reflectance profile through the synthetic aperture (§5.2, default 06 = 0.150 mm
  as GB/T 18348 and the GS1 General Specifications prescribe for X from 0.264 mm), measured by
  :mod:`tiaoma.verify.profile` (§5.3-5.4) and decoded by the symbology's reference decode
  (:mod:`tiaoma.verify.decode`) which also gives decodability (§5.4.7);
- the quiet zones: light space on each side at least the symbology's minimum (GB 12904 and
  ISO/IEC 15420 for EAN/UPC; ISO/IEC 16390, 15417 and 16388 and the GS1 General
  Specifications 5.4.4 for ITF-14, Code 128 and Code 39), as part of the decode (§5.4.3);
- a scan's grade is its worst parameter's; the symbol's the mean of the scan grades (§5.5 and
  §5.6): the 2016 edition's fractional grades, and the 2000 edition's, where each scan counts
  its letter's whole number (A 4 ... F 0) before the mean is taken;
- the result is written grade/aperture/wavelength (§5.6.2, e.g. ``2.8/06/670``) and checked
  against GB/T 18348's 1.5 (point of sale; 2.5 recommended at the printer) and the GS1 General
  Specifications': 1.5/06/660 for retail EAN/UPC (and, as before, the other symbologies);
  1.5/10/660 for GS1 DataBar and a composite symbol's linear component (5.5.3 and the symbol
  specification tables); ITF-14 in general distribution (symbol specification table 2)
  0.5/20/660 with X from 0.635 mm, 1.5/10/660 below.
- GS1 DataBar Omnidirectional, Truncated, Limited and Expanded are graded like the others,
  their light guard modules as their quiet zones (ISO/IEC 24724 needs no more); a composite
  symbol's linear component is graded as that symbol, its 2D component is not (ISO/IEC 15415,
  :mod:`tiaoma.verify.matrix`, does not read it either).
- GS1 DataBar Stacked, Stacked Omnidirectional and Expanded Stacked: each row is found as a
  band of image rows showing one pattern of bars (the page upright first, as the reader saw
  it) and graded as a linear symbol: ten scans in its own height, each decoding its row, the
  symbol's data once all its rows read together (Expanded Stacked's rows forwards or
  backwards, as its finder sequence says); the symbol's grade is its lowest row's. This is
  our reading of ISO/IEC 24724 §8.3 (stacked symbols: each row after ISO/IEC 15416), whose
  text could not be read.

What is our reading, not the standard's text: the grey level of a pixel taken in proportion to
reflectance unless calibrated; a dark run that reaches into a quiet zone ends the scan there;
the minimum of :data:`MIN_PIXELS_PER_MODULE` pixels per X to grade at all; the advice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tiaoma import scan
from tiaoma.errors import TiaomaError, define
from tiaoma.render.layout import NOMINAL_MODULE_MM, UPC_EAN
from tiaoma.symbols.base import Symbology
from tiaoma.symbols.choose import encode
from tiaoma.verify import _databar, grades, image
from tiaoma.verify.decode import (
    Decoded,
    NotDecoded,
    decode,
    decode_expanded_row,
    decode_stacked_row,
    element_widths,
)  # fmt: skip
from tiaoma.verify.grades import Grade
from tiaoma.verify.profile import Analysed, analyse

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

__all__ = ["Scan", "Verdict", "Verification", "VerifyError", "verify"]

_NO_DPI = define(
    "verify-no-dpi", "{source}: the image does not say its resolution: give it (--dpi 600)",
    "{source}：图像未注明分辨率，请指定（--dpi 600）",
)  # fmt: skip
_BAD_DPI = define(
    "verify-bad-dpi", "resolution {dpi}: give dots per inch from 50 to 20000",
    "分辨率 {dpi}：请给出 50 至 20000 之间的每英寸点数",
)  # fmt: skip
_BAD_APERTURE = define(
    "verify-bad-aperture",
    "aperture {aperture}: give the reference number, a whole number from 1 to 80 (06 = 0.150 mm)",
    "测量孔径 {aperture}：请给出孔径参考号，1 至 80 的整数（06 = 0.150 毫米）",
)
_NO_SYMBOL = define(
    "verify-no-symbol", "{source}: no barcode found", "{source}：未找到条码",
)  # fmt: skip
_NOT_LINEAR = define(
    "verify-not-linear",
    "{source}: found {found}; grading covers EAN/UPC, ITF, Code 128, Code 39 and GS1 DataBar "
    "(ISO/IEC 15416)",
    "{source}：找到 {found}；质量分级适用于 EAN/UPC、ITF、Code 128、Code 39 和 GS1 DataBar"
    "（ISO/IEC 15416）",
)
_INDEX = define(
    "verify-index", "{source}: symbol {index} asked for, {count} found",
    "{source}：要求第 {index} 个条码，只找到 {count} 个",
)  # fmt: skip
_RESOLUTION = define(
    "verify-resolution",
    "{source}: {symbology} {data} has {found} pixels per module (X) at {dpi} dpi; grading needs "
    "at least {needed}: scan it at {dpi_needed} dpi or more",
    "{source}：{symbology} {data} 在 {dpi} dpi 下每模块（X）{found} 个像素；"
    "分级至少需要 {needed} 个：请以 {dpi_needed} dpi 或更高分辨率扫描",
)
_UNDECODABLE = define(
    "verify-undecodable",
    "{source}: bars were found but neither zxing-cpp nor the reference decode reads them "
    "({reason}): as printed the symbol grades 0 (F)",
    "{source}：找到了条，但 zxing-cpp 和参考译码都无法识读（{reason}）："
    "按印刷现状符号等级为 0（F）",
)
_NO_BARS = define(
    "verify-no-bars", "{source}: {symbology} {data} was read but its bars could not be measured",
    "{source}：读出了 {symbology} {data}，但无法测量其条",
)  # fmt: skip

#: Our reading: below this many pixels per X an edge's place is uncertain by more than a tenth
#: of a module and the aperture is a pixel or two, so no grade is given.
MIN_PIXELS_PER_MODULE = 5.0
#: ISO/IEC 15416 §5.1.2: ten scans, evenly from 10 % to 90 % of the bar height.
SCANS = 10
#: Our reading: a quiet zone this much short of its minimum is within what an edge's
#: interpolated place can be trusted to (artwork drawn to the exact minimum must pass).
QUIET_ZONE_TOLERANCE_X = 0.1
#: The light each side of the bars, in X (left, right), as each symbology's rules require.
QUIET_ZONES = {
    Symbology.EAN13: (11, 7), Symbology.EAN8: (7, 7), Symbology.UPCA: (9, 9),
    Symbology.UPCE: (9, 7), Symbology.ITF14: (10, 10), Symbology.ITF: (10, 10),
    Symbology.CODE128: (10, 10), Symbology.GS1_128: (10, 10), Symbology.CODE39: (10, 10),
    Symbology.CODE39_EXTENDED: (10, 10),
    # ISO/IEC 24724: no quiet zone beyond the symbol's own light guard modules (the left
    # guard's light module; Limited's right guard ends in five).
    Symbology.DATABAR_OMNI: (1, 0), Symbology.DATABAR_TRUNCATED: (1, 0),
    Symbology.DATABAR_LIMITED: (1, 5), Symbology.DATABAR_EXPANDED: (1, 0),
    Symbology.DATABAR_STACKED: (0, 0), Symbology.DATABAR_STACKED_OMNI: (0, 0),
    Symbology.DATABAR_EXPANDED_STACKED: (0, 0),
}  # fmt: skip
GRADABLE = {symbology.label: symbology for symbology in QUIET_ZONES}
#: (name, Chinese name, minimum symbol grade, aperture or None for any, wavelengths)
_Requirement = tuple[str, str, float, str | None, range | None]
_GS1_LIGHT = range(650, 671)  # GS1: 660 nm ± 10 nm
_REQUIREMENTS: tuple[_Requirement, ...] = (
    ("GB/T 18348 point of sale", "GB/T 18348 零售结算", 1.5, None, None),
    ("GB/T 18348 at the printer (recommended)", "GB/T 18348 印刷检验（推荐）", 2.5, None, None),
)
_GS1_RETAIL: _Requirement = (
    "GS1 General Specifications, retail", "GS1 通用规范（零售）", 1.5, "06", _GS1_LIGHT,
)  # fmt: skip
#: GS1 General Specifications 5.5.3 and the symbol specification tables: GS1 DataBar (and a
#: composite symbol's linear component) at 1.5/10/660 in general retail.
_GS1_DATABAR: _Requirement = (
    "GS1 General Specifications, GS1 DataBar (general retail)", "GS1 通用规范（GS1 DataBar，零售）",
    1.5, "10", _GS1_LIGHT,
)  # fmt: skip
#: GS1 General Specifications, symbol specification table 2 (non-retail trade items in general
#: distribution): ITF-14 at 0.5/20/660 with X from 0.635 mm, 1.5/10/660 below it.
ITF14_LOW_GRADE_FROM_MM = 0.635
_GS1_ITF14_WIDE: _Requirement = (
    "GS1 General Specifications, ITF-14 in general distribution (table 2, X ≥ 0.635 mm)",
    "GS1 通用规范（ITF-14，非零售储运，表 2，X ≥ 0.635 毫米）", 0.5, "20", _GS1_LIGHT,
)  # fmt: skip
_GS1_ITF14_NARROW: _Requirement = (
    "GS1 General Specifications, ITF-14 in general distribution (table 2, X < 0.635 mm)",
    "GS1 通用规范（ITF-14，非零售储运，表 2，X < 0.635 毫米）", 1.5, "10", _GS1_LIGHT,
)  # fmt: skip
_DATABAR = frozenset({Symbology.DATABAR_OMNI, Symbology.DATABAR_TRUNCATED,
                      Symbology.DATABAR_LIMITED, Symbology.DATABAR_EXPANDED,
                      Symbology.DATABAR_STACKED, Symbology.DATABAR_STACKED_OMNI,
                      Symbology.DATABAR_EXPANDED_STACKED})  # fmt: skip

PARAMETERS = (
    ("decode", "译码"), ("symbol_contrast", "符号反差"), ("minimum_reflectance", "最低反射率"),
    ("minimum_edge_contrast", "最小边缘反差"), ("modulation", "调制比"), ("defects", "缺陷度"),
    ("decodability", "可译码度"), ("quiet_zones", "空白区"),
)  # fmt: skip


class VerifyError(TiaomaError):
    """An image that cannot be graded, and why."""


@dataclass(frozen=True)
class Scan:
    """One scan line and what it measured."""

    number: int
    row: float
    """Its row in the straightened image."""
    start: int
    """The first column it sampled; its profile's sample ``i`` is column ``start + i``."""
    profile: tuple[float, ...]
    analysed: Analysed
    decoded: Decoded | None
    failure: tuple[str, str] | None
    """Why the reference decode failed, if it did."""
    quiet_zones_x: tuple[float, float]
    """The light space found left and right of the bars, in X."""
    bar_gain_mm: float | None
    """How much wider than nominal this scan found the bars (None if it did not decode)."""
    grades: dict[str, Grade]
    symbol_row: int = 1
    """Which row of a stacked symbol it crossed (from 1, the top)."""

    @property
    def grade(self) -> Grade:
        """The 2016 scan grade: the lowest parameter's."""
        return min(self.grades.values(), key=lambda grade: grade.value)

    @property
    def grade_2000(self) -> int:
        """The 2000 scan grade: the lowest parameter's letter as a number (A 4 ... F 0)."""
        return 4 - "ABCDF".index(self.grade.letter)

    @property
    def worst(self) -> str:
        return min(self.grades, key=lambda name: self.grades[name].value)


@dataclass(frozen=True)
class Verdict:
    """One requirement the result was checked against."""

    name: str
    name_zh: str
    required: str
    passed: bool | None
    """None where the requirement's aperture or wavelength was not the one graded with."""


@dataclass(frozen=True)
class Verification:
    """One symbol graded."""

    source: str
    index: int
    """Which symbol of the image (from 1)."""
    symbology: str
    data: str
    """What zxing-cpp read."""
    scans: tuple[Scan, ...]
    aperture: str
    wavelength: int
    dpi: float
    x_mm: float | None
    bar_height_mm: float
    bar_gain_mm: float | None
    """How much wider than nominal the bars are printed (negative: narrower)."""
    angle: float
    straightened: Image.Image = field(repr=False, compare=False)
    """The straightened page, for the report."""
    bars: image.Bars = field(repr=False, compare=False)
    verdicts: tuple[Verdict, ...] = ()
    advice: tuple[tuple[str, str], ...] = ()

    @property
    def grade(self) -> Grade:
        """The 2016 overall symbol grade, the mean of the scan grades (a stacked symbol's: its
        lowest row's, each row graded as a symbol; our reading)."""
        return min((grades.mean([scan.grade for scan in row]) for row in self._rows()),
                   key=lambda grade: grade.value)  # fmt: skip

    @property
    def grade_2000(self) -> Grade:
        return min((grades.mean([Grade(float(scan.grade_2000), "") for scan in row])
                    for row in self._rows()), key=lambda grade: grade.value)  # fmt: skip

    def _rows(self) -> list[list[Scan]]:
        rows: dict[int, list[Scan]] = {}
        for one in self.scans:
            rows.setdefault(one.symbol_row, []).append(one)
        return [rows[number] for number in sorted(rows)]

    @property
    def result(self) -> str:
        """ISO/IEC 15416 §5.6.2's notation: grade/aperture/wavelength."""
        return f"{self.grade.value:.1f}/{self.aperture}/{self.wavelength}"

    @property
    def decoded_data(self) -> str | None:
        """What the reference decode read (the most scans' reading)."""
        readings = [scan.decoded.data for scan in self.scans if scan.decoded]
        return max(set(readings), key=readings.count) if readings else None

    @property
    def magnification(self) -> float | None:
        known = GRADABLE.get(self.symbology)
        if self.x_mm is None or known not in UPC_EAN:
            return None
        return self.x_mm / NOMINAL_MODULE_MM

    @property
    def linked(self) -> bool:
        """Whether the reference decode read a GS1 DataBar linkage flag: the symbol is a
        composite's linear component, and its 2D component was not graded."""
        return any(scan.decoded.linked for scan in self.scans if scan.decoded)

    @property
    def pixels_per_module(self) -> float | None:
        return None if self.x_mm is None else self.x_mm / 25.4 * self.dpi

    @property
    def worst_scan(self) -> Scan:
        return min(self.scans, key=lambda scan: (scan.grade.value, scan.number))


@dataclass(frozen=True)
class _Settings:
    source: str
    dpi: float
    aperture: str
    aperture_px: float
    wavelength: int
    calibration: image.Calibration | None


def verify(
    source: bytes | str | Path,
    *,
    dpi: float | None = None,
    aperture: str = "06",
    wavelength: int = 670,
    calibration: image.Calibration | None = None,
    index: int | None = None,
    max_pixels: int | None = None,
) -> list[Verification]:
    """Grade every linear symbol in the image's first page (or only the ``index``-th, from 1).

    ``dpi`` overrides the resolution the file states; ``aperture`` is the reference number of
    the synthetic aperture; ``wavelength`` (nm) is only recorded: an image's light is
    whatever its scanner's was; ``max_pixels`` bounds the page as
    :func:`tiaoma.scan.read_images` does. :class:`VerifyError` says why an image cannot be
    graded."""
    name = str(source) if isinstance(source, str | Path) else "<bytes>"
    # PDFium refuses a page-less PDF; max_pixels bounds the page as scan.read_images does
    page, stated_dpi = scan.read_images(source, pages=1, max_pixels=max_pixels)[0]
    settings = _settings(name, stated_dpi if dpi is None else dpi, aperture, wavelength,
                         calibration)  # fmt: skip
    found = scan.read(page)  # a Han Xin found tells a 2D symbol from bars that fit nothing
    gradable = [item for item in found if item.symbology in GRADABLE]
    if found and not gradable:
        kinds = ", ".join(sorted({item.symbology for item in found}))
        raise VerifyError(_NOT_LINEAR, source=name, found=kinds)
    gradable = gradable or _found_by_us(page, name)
    if not gradable:
        raise VerifyError(_NO_SYMBOL, source=name)
    if index is not None and not 1 <= index <= len(gradable):
        raise VerifyError(_INDEX, source=name, index=index, count=len(gradable))
    chosen = [index] if index is not None else range(1, len(gradable) + 1)
    return [_verify_one(page, gradable[number - 1], number, settings) for number in chosen]


def _found_by_us(page: Image.Image, source: str) -> list[scan.Found]:
    """The linear symbol zxing-cpp could not read (a quiet zone too narrow, spaces filled in
    that a verifier must still grade as failing): the row with the most light/dark changes,
    bars standing upright or lying on their side, its tightest group of dark runs, trimmed
    of runs at either end until the reference decode reads it."""
    reasons = []
    for quarter in (0, 90):
        turned, _ = image.turn_page(page, np.empty((0, 2)), quarter)
        try:
            located = _decodable_row(image.grey_array(turned).astype(np.float64))
        except _Undecodable as undecodable:
            reasons.append(str(undecodable))
            continue
        if located is None:
            continue
        row, left, right, decoded = located
        points = np.array([(left, row), (right, row), (right, row + 1), (left, row + 1)], float)
        back = image.turn_points(points, -quarter, turned.size, page.size)  # the page's pixels
        corners = [(round(x), round(y)) for x, y in back.tolist()]
        return [scan.Found(symbology=decoded.symbology.label, data=decoded.data,
                           symbology_identifier=decoded.symbology.identifier, gs1=None,
                           identified=None, corners=tuple(corners), orientation=quarter,
                           page=0, dpi=None)]  # fmt: skip
    if reasons:
        raise VerifyError(_UNDECODABLE, source=source, reason=reasons[0])
    return []


_Reader = Callable[[tuple[float, ...]], Decoded]

#: A gap wider than this many of the narrowest runs parts two groups of bars.
_GROUP_GAP = 6


def _decodable_row(grey: NDArray[np.float64]) -> tuple[int, int, int, Decoded] | None:
    dark = grey < (np.percentile(grey, 2) + np.percentile(grey, 98)) / 2
    changes = (dark[:, 1:] != dark[:, :-1]).sum(axis=1)
    row = int(np.argmax(changes))
    if changes[row] < 16:
        return None
    runs = image.dark_runs(dark[row])
    narrow = max(float(np.percentile([stop - start for start, stop in runs], 10)), 1.0)
    groups: list[list[tuple[int, int]]] = [[runs[0]]]
    for run in runs[1:]:
        if run[0] - groups[-1][-1][1] > _GROUP_GAP * narrow:
            groups.append([])
        groups[-1].append(run)
    for group in sorted(groups, key=len, reverse=True):
        read = _trimmed_decode(group)
        if read is not None:
            return (row, *read)
    raise _Undecodable(_why_not(max(groups, key=len)))


class _Undecodable(Exception):
    """Bars found that no decode reads; the reason the whole group did not decode."""


def _widths(runs: list[tuple[int, int]]) -> list[float]:
    widths = [float(runs[0][1] - runs[0][0])]
    for (_, stop), (start, end) in pairwise(runs):
        widths.extend((float(start - stop), float(end - start)))
    return widths


def _why_not(group: list[tuple[int, int]]) -> str:
    try:
        decode(_widths(group))
    except NotDecoded as error:
        return str(error)
    return "?"  # pragma: no cover - the group was tried whole before


def _trimmed_decode(group: list[tuple[int, int]]) -> tuple[int, int, Decoded] | None:
    for first in range(min(4, len(group))):
        for last in range(len(group), max(first, len(group) - 4), -1):
            kept = group[first:last]
            try:
                return kept[0][0], kept[-1][1], decode(_widths(kept))
            except NotDecoded:
                continue
    return None


def _settings(name: str, dpi: float | None, aperture: str, wavelength: int,
              calibration: image.Calibration | None) -> _Settings:  # fmt: skip
    if dpi is None:
        raise VerifyError(_NO_DPI, source=name)
    if not 50 <= dpi <= 20000:
        raise VerifyError(_BAD_DPI, dpi=dpi)
    try:
        diameter = image.aperture_mm(aperture)
    except ValueError:
        raise VerifyError(_BAD_APERTURE, aperture=aperture) from None
    return _Settings(name, float(dpi), f"{int(aperture):02d}", diameter / 25.4 * dpi,
                     wavelength, calibration)  # fmt: skip


def _verify_one(page: Image.Image, found: scan.Found, index: int,
                settings: _Settings) -> Verification:  # fmt: skip
    symbology = GRADABLE[found.symbology]
    turned, corners, angle = image.straightened(page, found.corners, found.orientation)
    if symbology in _STACKED:
        return _verify_stacked(page, _Found(found, index, turned, angle), symbology, settings)
    reflect = image.reflectance(image.grey_array(turned), settings.calibration)
    located = image.bars(reflect, corners)
    if located is None or located.height < 2:
        raise VerifyError(_NO_BARS, source=settings.source, symbology=found.symbology,
                          data=found.data)  # fmt: skip
    x_px = _module_px(reflect, located, symbology, settings)
    _check_resolution(x_px, found, settings)
    scans = tuple(
        _scan(reflect, located, number, symbology=symbology, x_px=x_px, settings=settings)
        for number in range(1, SCANS + 1)
    )  # fmt: skip
    mm_per_px = 25.4 / settings.dpi
    x_mm = _mean_x_px(scans)
    verification = Verification(
        source=settings.source, index=index, symbology=found.symbology, data=found.data,
        scans=scans, aperture=settings.aperture, wavelength=settings.wavelength,
        dpi=settings.dpi, x_mm=None if x_mm is None else x_mm * mm_per_px,
        bar_height_mm=located.height * mm_per_px, bar_gain_mm=_bar_gain_mm(scans),
        angle=round(angle, 2), straightened=turned, bars=located,
    )  # fmt: skip
    return _judged(verification)


# --- GS1 DataBar Stacked and Stacked Omnidirectional: each row graded as a symbol -----------

_STACKED = frozenset({Symbology.DATABAR_STACKED, Symbology.DATABAR_STACKED_OMNI,
                      Symbology.DATABAR_EXPANDED_STACKED})  # fmt: skip


@dataclass(frozen=True)
class _Found:
    found: scan.Found
    index: int
    turned: Image.Image
    angle: float


@dataclass(frozen=True)
class _Row:
    """A row of a stacked symbol: its bars, its reading on the middle line, its X."""

    bars: image.Bars
    read: _databar.StackedRow | _databar.ExpandedRow
    x_px: float


def _row_readings(widths: tuple[float, ...],
                  expanded: bool) -> list[_databar.StackedRow | _databar.ExpandedRow]:  # fmt: skip
    """What a line across one row reads: an Expanded Stacked row, or a top or bottom row of
    Stacked (either way round)."""
    if expanded:
        return [decode_expanded_row(widths)]
    readings: list[_databar.StackedRow | _databar.ExpandedRow] = []
    for top in (True, False):
        try:
            readings.append(decode_stacked_row(widths, top)[0])
        except NotDecoded:
            continue
    return readings


def _stacked_rows(reflect: NDArray[np.float64], settings: _Settings,
                  expanded: bool) -> list[_Row]:  # fmt: skip
    """The bands of rows showing the same bars (:func:`tiaoma.verify.image.bands`) whose
    middle line reads as a row of the symbol, top to bottom."""
    rows: list[_Row] = []
    for band in image.bands(reflect):
        start, stop = max(band.left - 3, 0), min(band.right + 3, reflect.shape[1])
        middle = band.top + band.height / 2
        values = image.sample_line(reflect, middle, start, stop, settings.aperture_px)
        try:
            analysed = analyse(values.tolist(), sample_mm=1.0)
            readings = _row_readings(analysed.widths_mm, expanded)
        except (NotDecoded, ValueError):
            continue
        if not readings:
            continue
        read = readings[0]
        row = _Row(band, read, sum(analysed.widths_mm) / read.modules)
        if rows and _same_row(rows[-1], row):  # one row found as two bands (a flaw across it)
            row = replace(rows[-1], bars=replace(rows[-1].bars, bottom=band.bottom))
            rows.pop()
        rows.append(row)
    return rows


def _same_row(above: _Row, below: _Row) -> bool:
    def values(row: _Row) -> tuple[int, ...]:
        read = row.read
        characters = read.characters if isinstance(read, _databar.StackedRow) else (
            read.readings[0][0])  # fmt: skip
        return tuple(character.value for character in characters)

    return values(above) == values(below)


def _stacked_data(rows: list[_Row]) -> tuple[str | None, bool, tuple[str, str] | None]:
    """The symbol's data and linkage flag from its rows read, or why not."""
    expanded = [row.read for row in rows if isinstance(row.read, _databar.ExpandedRow)]
    if expanded:
        try:
            flag, text = _databar.expanded_stacked_data(expanded)
        except _databar.DataBarFailed as failed:
            return None, False, (failed.reason, failed.reason_zh)
        return text, flag, None
    stacked = [row.read for row in rows if isinstance(row.read, _databar.StackedRow)]
    tops = [row for row in stacked if row.top]
    bottoms = [row for row in stacked if not row.top]
    if not tops or not bottoms:
        return None, False, _STACKED_HALF
    try:
        data, linked = _databar.stacked_data(tops[0], bottoms[0])
    except _databar.DataBarFailed as failed:
        return None, False, (failed.reason, failed.reason_zh)
    return data, linked, None


_STACKED_HALF = (
    "the reference decode found only one of GS1 DataBar Stacked's two rows",
    "参考译码只找到 GS1 DataBar 层排式两行中的一行",
)  # Expanded Stacked's rows, too few or too many, fail its finder sequence instead


def _row_reader(symbology: Symbology, row: _databar.StackedRow | _databar.ExpandedRow,
                data: str | None, linked: bool,
                failure: tuple[str, str] | None) -> _Reader:  # fmt: skip
    """A scan's reading of one row: the row decoded, and the symbol's data once its rows
    read together (else the scan fails with the reason)."""

    def read(widths: tuple[float, ...]) -> Decoded:
        backwards = False
        if isinstance(row, _databar.StackedRow):
            read_row: _databar.StackedRow | _databar.ExpandedRow
            read_row, backwards = decode_stacked_row(widths, row.top)
        else:
            read_row = decode_expanded_row(widths)
        if data is None:
            reason, reason_zh = failure or _STACKED_HALF
            raise NotDecoded(_STACKED_FAILED, reason=reason, reason_zh=reason_zh)
        return Decoded(symbology, data, round(read_row.margin, 10), float(read_row.modules),
                       None, reversed=backwards, linked=linked)  # fmt: skip

    return read


_STACKED_FAILED = define("verify-stacked", "{reason}", "译码失败：{reason_zh}")


def _verify_stacked(page: Image.Image, where: _Found, symbology: Symbology,
                    settings: _Settings) -> Verification:  # fmt: skip
    """Each row of a stacked GS1 DataBar graded as a linear symbol, ten scans in its own
    height; the symbol's grade the lowest row's (our reading of ISO/IEC 24724 §8.3, whose
    text could not be read)."""
    found = where.found
    expanded = symbology is Symbology.DATABAR_EXPANDED_STACKED
    straightened = where
    # upright first (turned by the reader's quarter only): the skew measured across rows and
    # separators can mislead; then as straightened, for a symbol printed askew
    quarter = round(found.orientation / 90) * 90 % 360
    upright, _ = image.turn_page(page, np.empty((0, 2)), quarter)
    where = replace(where, turned=upright, angle=float(quarter))
    reflect = image.reflectance(image.grey_array(upright), settings.calibration)
    rows = _stacked_rows(reflect, settings, expanded)
    if len(rows) < 2:
        turned = image.reflectance(image.grey_array(straightened.turned), settings.calibration)
        turned_rows = _stacked_rows(turned, settings, expanded)
        if len(turned_rows) > len(rows):
            where, reflect, rows = straightened, turned, turned_rows
    if not rows:
        raise VerifyError(_NO_BARS, source=settings.source, symbology=found.symbology,
                          data=found.data)  # fmt: skip
    x_px = sum(row.x_px for row in rows) / len(rows)
    _check_resolution(x_px, found, settings)
    data, linked, failure = _stacked_data(rows)
    scans = tuple(
        _scan(reflect, row.bars, number + SCANS * position, symbology=symbology, x_px=x_px,
              settings=settings, symbol_row=position + 1,
              reader=_row_reader(symbology, row.read, data, linked, failure))
        for position, row in enumerate(rows) for number in range(1, SCANS + 1)
    )  # fmt: skip
    mm_per_px = 25.4 / settings.dpi
    outer = image.Bars(left=min(row.bars.left for row in rows),
                       right=max(row.bars.right for row in rows), top=rows[0].bars.top,
                       bottom=rows[-1].bars.bottom)  # fmt: skip
    measured = _mean_x_px(scans)
    verification = Verification(
        source=settings.source, index=where.index, symbology=found.symbology, data=found.data,
        scans=scans, aperture=settings.aperture, wavelength=settings.wavelength,
        dpi=settings.dpi, x_mm=None if measured is None else measured * mm_per_px,
        bar_height_mm=sum(row.bars.height for row in rows) * mm_per_px,
        bar_gain_mm=_bar_gain_mm(scans), angle=round(where.angle, 2),
        straightened=where.turned, bars=outer,
    )  # fmt: skip
    return _judged(verification)


def _hint(symbology: Symbology) -> Symbology | None:
    """The symbology to ask the reference decode for (the UPC/EAN and ITF pairs share bars)."""
    if symbology in (Symbology.UPCA, Symbology.EAN13):
        return None
    return {Symbology.ITF: None, Symbology.GS1_128: Symbology.CODE128,
            Symbology.CODE39_EXTENDED: Symbology.CODE39}.get(symbology, symbology)  # fmt: skip


def _module_px(reflect: NDArray[np.float64], located: image.Bars, symbology: Symbology,
               settings: _Settings) -> float | None:  # fmt: skip
    """X in pixels from the middle scans' reference decodes (None if none decodes)."""
    for fraction in (0.5, 0.3, 0.7, 0.2, 0.8):
        row = located.top + fraction * located.height
        start, stop = max(located.left - 3, 0), min(located.right + 3, reflect.shape[1])
        values = image.sample_line(reflect, row, start, stop, settings.aperture_px)
        try:
            analysed = analyse(values.tolist(), sample_mm=1.0)
            decoded = decode(analysed.widths_mm, _hint(symbology))
        except (NotDecoded, ValueError):
            continue
        return sum(analysed.widths_mm) / decoded.modules
    return None


def _check_resolution(x_px: float | None, found: scan.Found, settings: _Settings) -> None:
    if x_px is not None and x_px < MIN_PIXELS_PER_MODULE:
        raise VerifyError(
            _RESOLUTION, source=settings.source, symbology=found.symbology, data=found.data,
            found=f"{x_px:.1f}", dpi=f"{settings.dpi:g}", needed=f"{MIN_PIXELS_PER_MODULE:g}",
            dpi_needed=f"{settings.dpi * MIN_PIXELS_PER_MODULE / x_px:.0f}",
        )  # fmt: skip


def _light_run(values: NDArray[np.float64], threshold: float, edge: int, step: int) -> int:
    """How many samples from ``edge`` (exclusive) outwards stay light."""
    count, at = 0, edge + step
    while 0 <= at < len(values) and values[at] >= threshold:
        count += 1
        at += step
    return count


def _crossing(values: NDArray[np.float64], threshold: float, light: int, dark: int) -> float:
    """Where between two neighbouring samples, one light and one dark, the profile crosses
    the threshold (straight-line interpolation)."""
    drop = values[light] - values[dark]
    return light + (dark - light) * ((values[light] - threshold) / drop if drop else 0.5)


def _light_space(
    values: NDArray[np.float64], threshold: float, bar: int, step: int
) -> tuple[int, float]:
    """The light samples beside the outer bar at ``bar`` (going ``step``) and the width of
    light, in samples, from the bar's edge to the next dark print or the image's edge."""
    count = _light_run(values, threshold, bar, step)  # bar + step ... bar + step * count
    if not count:
        return 0, 0.0
    edge = _crossing(values, threshold, bar + step, bar)
    beyond = bar + step * (count + 1)  # the first dark sample outwards, or past the end
    if 0 <= beyond < len(values):
        far = _crossing(values, threshold, beyond - step, beyond)
    else:
        far = beyond - step * 0.5  # the image ends half a pixel past its last sample
    return count, abs(edge - far)


def _scan(reflect: NDArray[np.float64], located: image.Bars, number: int, *,
          symbology: Symbology, x_px: float | None, settings: _Settings,
          reader: _Reader | None = None, symbol_row: int = 1) -> Scan:  # fmt: skip
    row = located.top + (0.1 + 0.8 * ((number - 1) % SCANS) / (SCANS - 1)) * located.height
    need_left, need_right = QUIET_ZONES[symbology]
    module = x_px or (located.right - located.left) / 95
    start = max(0, int(located.left - (need_left + 2) * module))
    stop = min(reflect.shape[1], int(located.right + (need_right + 2) * module) + 1)
    values = image.sample_line(reflect, row, start, stop, settings.aperture_px)
    inner = values[located.left - start : located.right - start]
    threshold = (float(values.max()) + float(inner.min())) / 2
    dark = np.flatnonzero(inner < threshold)
    first = located.left - start + (int(dark[0]) if dark.size else 0)
    last = located.left - start + (int(dark[-1]) if dark.size else len(inner) - 1)
    count_left, light_left = _light_space(values, threshold, first, -1)
    count_right, light_right = _light_space(values, threshold, last, 1)
    # the profile keeps the light the symbology needs, and 2X at least, so that a space
    # beyond the bars shows its full reflectance (GS1 DataBar needs none beyond its guards)
    begin = first - min(count_left, round(max(need_left, 2) * module) + 1)
    end = last + min(count_right, round(max(need_right, 2) * module) + 1) + 1
    kept = values[begin:end]
    analysed = analyse(kept.tolist(), sample_mm=25.4 / settings.dpi)
    reader = reader or (lambda widths: decode(widths, _hint(symbology)))
    decoded, failure = _decoded(analysed, reader, min(count_left, count_right))
    gain = _gain(analysed, decoded)
    quiet = _quiet_x(light_left, light_right, decoded, x_px, gain / analysed.sample_mm)
    return Scan(number=number, row=row, start=start + begin, profile=tuple(kept.tolist()),
                analysed=analysed, decoded=decoded, failure=failure, quiet_zones_x=quiet,
                bar_gain_mm=gain if decoded else None, symbol_row=symbol_row,
                grades=_grades(analysed, decoded, quiet, (need_left, need_right)))  # fmt: skip


def _decoded(analysed: Analysed, reader: _Reader,
             light: int) -> tuple[Decoded | None, tuple[str, str] | None]:  # fmt: skip
    """The reference decode's reading, or why it failed (English, Chinese)."""
    if light < 1:
        return None, _NO_MARGIN
    try:
        return reader(analysed.widths_mm), None
    except NotDecoded as error:
        return None, (str(error), error.message_zh)


_NO_MARGIN = (
    "no light margin: the bars run to the edge of the image or into print",
    "没有空白区：条延伸到了图像边缘或其他图文中",
)


def _gain(analysed: Analysed, decoded: Decoded | None) -> float:
    """The bars' growth in millimetres (negative: shrinkage): the least-squares fit of each
    element's width to its nominal modules × X plus the gain (bars) or less it (spaces)."""
    if decoded is None:
        return 0.0
    widths = np.array(analysed.widths_mm)
    nominal = _nominal_modules(widths, decoded)
    signs = np.where(np.arange(len(widths)) % 2 == 0, 1.0, -1.0)
    solution = np.linalg.lstsq(np.column_stack([nominal, signs]), widths, rcond=None)[0]
    return float(solution[1])


def _nominal_modules(widths: NDArray[np.float64], decoded: Decoded) -> NDArray[np.float64]:
    """Each element's width in modules as printed: two-width symbols' wide elements are the
    wider half of their bars or of their spaces (gain moves all bars alike); the others' as
    the encoder draws the data read, or, if it would draw it otherwise (another code set
    chosen), each width rounded to whole modules."""
    if decoded.ratio is not None:
        nominal = np.ones(len(widths))
        for parity in (0, 1):
            kind = widths[parity::2]
            middle = (kind.min() + kind.max()) / 2
            nominal[parity::2] = np.where(kind > middle, decoded.ratio, 1.0)
        return nominal
    try:
        modules = encode(decoded.data, decoded.symbology).rows[0].modules
    except TiaomaError:
        modules = ""
    drawn = element_widths(modules)
    if len(drawn) == len(widths):
        return np.array(drawn[::-1] if decoded.reversed else drawn, dtype=np.float64)
    x = widths.sum() / decoded.modules
    rounded: NDArray[np.float64] = np.maximum(np.round(widths / x), 1.0)
    return rounded


def _quiet_x(light_left: float, light_right: float, decoded: Decoded | None, x_px: float | None,
             gain_px: float) -> tuple[float, float]:  # fmt: skip
    """The quiet zones in X, left and right as the symbol reads (a reversed symbol swaps them),
    measured from where the outer bars' edges would be without print gain (our reading: the
    gain is the press's, the margin the designer's; half of it spreads into each margin)."""
    if not x_px:
        return 0.0, 0.0
    left, right = (light_left + gain_px / 2) / x_px, (light_right + gain_px / 2) / x_px
    return (right, left) if decoded is not None and decoded.reversed else (left, right)


def _grades(analysed: Analysed, decoded: Decoded | None, quiet: tuple[float, float],
            needed: tuple[int, int]) -> dict[str, Grade]:  # fmt: skip
    """Each parameter's grade (§5.5, Table 1); decodability is 0 where the decode failed."""
    contrast = analysed.symbol_contrast
    return {
        "decode": grades.pass_fail(decoded is not None),
        "symbol_contrast": grades.symbol_contrast(contrast),
        "minimum_reflectance": grades.minimum_reflectance(analysed.r_min, analysed.r_max),
        "minimum_edge_contrast": grades.edge_contrast(analysed.edge_contrast_min),
        "modulation": grades.modulation(analysed.modulation),
        "defects": grades.defects(analysed.defects),
        "decodability": grades.decodability(decoded.decodability if decoded else 0.0),
        "quiet_zones": grades.pass_fail(
            quiet[0] >= needed[0] - QUIET_ZONE_TOLERANCE_X
            and quiet[1] >= needed[1] - QUIET_ZONE_TOLERANCE_X
        ),
    }


def _mean_x_px(scans: tuple[Scan, ...]) -> float | None:
    widths = [
        sum(scan.analysed.widths_mm) / scan.analysed.sample_mm / scan.decoded.modules
        for scan in scans if scan.decoded
    ]  # fmt: skip
    return sum(widths) / len(widths) if widths else None


def _bar_gain_mm(scans: tuple[Scan, ...]) -> float | None:
    gains = [scan.bar_gain_mm for scan in scans if scan.bar_gain_mm is not None]
    return sum(gains) / len(gains) if gains else None


def _judged(verification: Verification) -> Verification:
    from tiaoma.verify.advice import advice  # noqa: PLC0415 - advice reads Verification

    requirements = (*_REQUIREMENTS, _gs1_requirement(verification))
    verdicts = tuple(_verdict(verification, requirement) for requirement in requirements)
    return replace(verification, verdicts=verdicts, advice=tuple(advice(verification)))


def _gs1_requirement(verification: Verification) -> _Requirement:
    """GS1's requirement for the symbology: GS1 DataBar's, ITF-14's in general distribution
    (by its X), else the retail one."""
    symbology = GRADABLE[verification.symbology]
    if symbology in _DATABAR:
        return _GS1_DATABAR
    if symbology is Symbology.ITF14:
        wide = verification.x_mm is not None and verification.x_mm >= ITF14_LOW_GRADE_FROM_MM
        return _GS1_ITF14_WIDE if wide else _GS1_ITF14_NARROW
    return _GS1_RETAIL


def _verdict(verification: Verification, requirement: _Requirement) -> Verdict:
    name, name_zh, minimum, aperture, wavelengths = requirement
    required = f"{minimum}/{aperture or 'any'}/{'660' if wavelengths else 'any'}"
    applies = (aperture is None or verification.aperture == aperture) and (
        wavelengths is None or verification.wavelength in wavelengths
    )
    passed = verification.grade.value >= minimum if applies else None
    return Verdict(name, name_zh, required, passed)
