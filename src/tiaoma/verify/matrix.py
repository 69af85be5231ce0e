"""A QR Code, Data Matrix or Han Xin Code symbol in an image graded as ISO/IEC 15415 (GB/T
23704-2017 is identical to its 2011 edition) says, from the image's resolution alone.

The steps and their sources:

- zxing-cpp (:mod:`tiaoma.scan`) reads the symbol: its symbology, data, size and corners
  (Han Xin Code: tiaoma's own reader);
- the grid: the corners give a first mapping from module coordinates to pixels; then along
  the lines whose modules the symbology fixes (QR Code's timing patterns and finder patterns,
  ISO/IEC 18004 §6.3; Data Matrix's clock tracks and L-shaped finder, ISO/IEC 16022 §5.1.2)
  each uniform run's edges are found where the reflectance crosses the global threshold, and
  the centres of those runs (which print growth does not move) fix a perspective mapping;
- each module's reflectance is the image seen through the synthetic aperture
  (:mod:`tiaoma.verify.image`'s disc, default 80 % of X as the GS1 General Specifications
  §5.5.3 advise) at the module's centre;
- symbol contrast SC = Rmax - Rmin over the symbol and its quiet zone, the global threshold
  GT = (Rmax + Rmin) / 2, each module's modulation MOD = 2 |R - GT| / SC;
- the codewords read from our own modules (:mod:`tiaoma.verify._qr_structure`,
  :mod:`tiaoma.verify._dm_structure`) and each Reed-Solomon block corrected: unused error
  correction UEC = 1 - 2e / (d - p) in the worst block; a block past correction
  fails the decode (grade 0);
- modulation's grade from the codewords: a codeword's grade is its worst module's, and a
  block's the highest level at which, counting its codewords graded below that level as
  erasures, the notional UEC still grades at least as high; reflectance margin the same with
  the modules the error correction had to put right graded 0;
- fixed pattern damage: each segment (QR Code's three finder patterns with their separators
  and its timing patterns; Data Matrix's L1, L2, QZL1, QZL2 and the clock tracks, OCTASA)
  graded the same way, on the count (finders) or share (tracks) of its modules graded below a
  level; the lowest segment's grade, and for Data Matrix not above the grade the segments'
  mean maps to (4 → 4, from 3.5 → 3, from 3.0 → 2, from 2.5 → 1);
- axial non-uniformity ANU = |X̄ - Ȳ| / mean(X̄, Ȳ) of the regular grid fitted to the
  measured centres; grid non-uniformity GNU: the largest distance of a measured centre from
  that regular grid, in X;
- print growth (dark runs' width over nominal, across and down, in X) is reported, not graded;
- the symbol grade is the lowest parameter grade, written grade/aperture/wavelength
  (``4.0/08/660``; §5.1, the aperture in thousandths of an inch as ISO/IEC 15416's reference
  numbers).

The thresholds are ISO/IEC 15415's as docs/research/issue-24.md §3 gives them (the standard's
own text was not available to us, so its clauses are not cited here). What is our reading,
not the standards' text: the grey level of a pixel taken in proportion to reflectance unless
calibrated; codewords below a level counted as erasures, those read wrong (reflectance
margin) as errors; the segments' allowances :data:`FINDER_ALLOWANCE` and
:data:`TRACK_ALLOWANCE`; GNU measured along the fixed patterns' lines only; the requirements
of GS1 (1.5/08/660 for GS1 QR Code and GS1 DataMatrix) and GB/T 33993 (1.5 under GB/T
23704); the advice.

Han Xin Code (ISO/IEC 20830, GB/T 21049) takes the same path: zxing-cpp reads none, so
tiaoma's own reader (:mod:`tiaoma.readers.hanxin`) finds it and gives its corners and
version, and :mod:`tiaoma.verify._hx_structure` its structure (four finder patterns graded as
QR Code's, our reading).

>>> from tiaoma.render import artwork, geometry_for
>>> from tiaoma.symbols.matrix import qr
>>> symbol = qr("https://id.gs1.org/01/06901234567892")
>>> graded = grade_matrix(artwork(symbol, geometry_for(symbol), "png", dpi=600), aperture="08")
>>> graded.result, graded.size, graded.parameter("unused_error_correction").shown
('4.0/08/660', '3', '100%')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tiaoma import commodity2d, scan
from tiaoma._reed_solomon import Uncorrectable
from tiaoma.errors import define
from tiaoma.symbols.base import Symbology
from tiaoma.verify import grades, image
from tiaoma.verify._dm_structure import SIZES, dm_layout
from tiaoma.verify._hx_structure import hx_layout
from tiaoma.verify._layout import Layout, Line, Reading
from tiaoma.verify._qr_structure import qr_layout
from tiaoma.verify.grades import Grade
from tiaoma.verify.grading import (
    _BAD_APERTURE,
    _BAD_DPI,
    _NO_DPI,
    _RESOLUTION,
    MIN_PIXELS_PER_MODULE,
    Verdict,
    VerifyError,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

__all__ = ["MATRIX_SYMBOLOGIES", "MatrixGrade", "Parameter", "SegmentGrade", "grade_matrix"]

_NO_MATRIX = define(
    "verify-no-matrix",
    "{source}: no QR Code or Data Matrix could be read; if one is printed there, as printed it "
    "grades 0 (F)",
    "{source}：未能识读 QR 码或数据矩阵码；若图中印有此类符号，按印刷现状其等级为 0（F）",
)
_NOT_MATRIX = define(
    "verify-not-matrix",
    "{source}: found {found}; 2D grading covers QR Code and Data Matrix (ISO/IEC 15415); "
    "grade linear symbols with tiaoma verify",
    "{source}：找到 {found}；二维码质量分级适用于 QR 码和数据矩阵码（ISO/IEC 15415）；"
    "一维条码请用 tiaoma verify 分级",
)
_HAN_XIN_UNREADABLE = define(
    "verify-hanxin-unreadable",
    "{source}: a Han Xin Code was found but cannot be read ({reason}): as printed it grades 0 (F)",
    "{source}：找到汉信码但无法识读（{reason_zh}）：按印刷现状其等级为 0（F）",
)
_SIZE_UNKNOWN = define(
    "verify-matrix-size",
    "{source}: {symbology} of size {size} is not graded (QR Code versions 1-40 and Data "
    "Matrix ECC 200 sizes of ISO/IEC 16022 are)",
    "{source}：不支持 {size} 规格的 {symbology} 分级（支持 QR 码版本 1-40 和 ISO/IEC 16022 "
    "的数据矩阵码 ECC 200 规格）",
)

_MATRIX = (Symbology.QR, Symbology.GS1_QR, Symbology.DATAMATRIX, Symbology.GS1_DATAMATRIX)
#: What zxing-cpp reads and this grades (Han Xin Code is read by tiaoma's own reader).
MATRIX_SYMBOLOGIES = frozenset(symbology.label for symbology in _MATRIX)
_GS1_MATRIX = (Symbology.GS1_QR.label, Symbology.GS1_DATAMATRIX.label)
#: A crop larger than this is averaged down by a whole factor first (memory stays bounded;
#: 2000 × 2000 pixels still give a version-40 QR Code 10 pixels per module).
MAX_CROP_PIXELS = 4_000_000
#: GS1 General Specifications §5.5.3: the aperture is normally 80 % of the minimum X.
APERTURE_OF_X = 0.8
#: Our reading: the modules a finder pattern segment may have graded below a level.
FINDER_ALLOWANCE = {4: 0, 3: 1, 2: 2, 1: 3}
#: Our reading: the share of a track's (timing, clock, quiet zone) modules, likewise.
TRACK_ALLOWANCE = {4: 0.0, 3: 0.09, 2: 0.13, 1: 0.17}
#: ISO/IEC 15415: the lower bound of grades 4, 3, 2, 1.
_SC = (70.0, 55.0, 40.0, 20.0)
_MOD = (0.50, 0.40, 0.30, 0.20)
_UEC = (0.62, 0.50, 0.37, 0.25)
#: ... and the upper bound of grades 4, 3, 2, 1 where less is better.
_ANU = (0.06, 0.08, 0.10, 0.12)
_GNU = (0.38, 0.50, 0.63, 0.75)
#: Samples per module along a line of the fixed patterns, for finding its edges.
_STEPS_PER_MODULE = 16

PARAMETERS = (
    ("decode", "译码"), ("symbol_contrast", "符号反差"), ("modulation", "调制比"),
    ("reflectance_margin", "反射率余量"), ("fixed_pattern_damage", "固定图形损坏"),
    ("axial_nonuniformity", "轴向不一致性"), ("grid_nonuniformity", "网格不一致性"),
    ("unused_error_correction", "未使用的纠错容量"),
)  # fmt: skip


#: (name, Chinese name, minimum grade, aperture or None for any, wavelengths, GS1 only)
def _commodity_code(graded: MatrixGrade) -> bool:
    """GB/T 33993 is about the symbols that carry a commodity 2D code (tiaoma.commodity2d)."""
    return commodity2d.is_valid(graded.data)


def _gs1_symbol(graded: MatrixGrade) -> bool:
    return graded.symbology in _GS1_MATRIX


#: (name, Chinese name, least grade, aperture, wavelengths, which symbols it is about).
_Requirement = tuple[str, str, float, str | None, range | None, Callable[[Any], bool]]
_REQUIREMENTS: tuple[_Requirement, ...] = (
    ("GB/T 33993 commodity 2D code (our reading: 1.5 under GB/T 23704)",
     "GB/T 33993 商品二维码（我们的理解：按 GB/T 23704 不低于 1.5）", 1.5, None, None,
     _commodity_code),
    ("GS1 General Specifications, GS1 QR Code / GS1 DataMatrix (our reading: 1.5/08/660)",
     "GS1 通用规范，GS1 QR 码 / GS1 数据矩阵码（我们的理解：1.5/08/660）", 1.5, "08",
     range(650, 671), _gs1_symbol),
)  # fmt: skip


def _stepped(value: float, bounds: tuple[float, ...], *, less_is_better: bool = False) -> Grade:
    """The whole grade 4-0 of a value against the lower (or upper) bounds of 4, 3, 2, 1."""
    for whole, bound in zip((4, 3, 2, 1), bounds, strict=True):
        if (value <= bound) if less_is_better else (value >= bound):
            return Grade(float(whole), grades.letter(whole))
    return Grade(0.0, "F")


def _whole(value: int) -> Grade:
    return Grade(float(value), grades.letter(value))


@dataclass(frozen=True)
class Parameter:
    """One graded parameter: what was measured (as shown) and its grade."""

    name: str
    name_zh: str
    measured: float | None
    shown: str
    grade: Grade


@dataclass(frozen=True)
class SegmentGrade:
    """One fixed pattern segment: its modules, how many read wrong, its grade."""

    name: str
    name_zh: str
    modules: int
    damaged: int
    grade: Grade


@dataclass(frozen=True)
class MatrixGrade:
    """One 2D symbol graded."""

    source: str
    symbology: str
    data: str
    """What zxing-cpp read."""
    size: str
    rows: int
    columns: int
    parameters: tuple[Parameter, ...]
    segments: tuple[SegmentGrade, ...]
    aperture: str
    wavelength: int
    dpi: float
    """The resolution measured at (after any averaging down of a huge image)."""
    x_mm: float
    print_growth: tuple[float, float]
    """Dark modules' growth over nominal, across and down, in X (negative: shrinkage)."""
    r_max: float
    r_min: float
    global_threshold: float
    block_errors: tuple[int | None, ...]
    """Codewords in error per Reed-Solomon block (None: past correction)."""
    reflectance: NDArray[np.float64] = field(repr=False, compare=False)
    """(rows, columns) each module's reflectance through the aperture."""
    module_grades: NDArray[np.int64] = field(repr=False, compare=False)
    """(rows, columns) each module's reflectance margin grade 0-4 (-1: not known)."""
    centres: NDArray[np.float64] = field(repr=False, compare=False)
    """(rows + 1, columns + 1, 2) the grid's corners in :attr:`picture`'s pixels."""
    picture: Image.Image = field(repr=False, compare=False)
    verdicts: tuple[Verdict, ...] = ()
    advice: tuple[tuple[str, str], ...] = ()

    @property
    def grade(self) -> Grade:
        """ISO/IEC 15415 §5.1: the lowest parameter grade."""
        return min((parameter.grade for parameter in self.parameters), key=lambda g: g.value)

    @property
    def result(self) -> str:
        """grade/aperture/wavelength, e.g. ``4.0/08/660``."""
        return f"{self.grade.value:.1f}/{self.aperture}/{self.wavelength}"

    @property
    def pixels_per_module(self) -> float:
        return self.x_mm / 25.4 * self.dpi

    def parameter(self, name: str) -> Parameter:
        return next(parameter for parameter in self.parameters if parameter.name == name)


def grade_matrix(
    source: bytes | str | Path | Image.Image,
    *,
    dpi: float | None = None,
    aperture: str | None = None,
    wavelength: int = 660,
    calibration: image.Calibration | None = None,
    max_pixels: int | None = None,
) -> MatrixGrade:
    """Grade the first QR Code or Data Matrix symbol in an image (its first page).

    ``dpi`` overrides the resolution the file states; ``aperture`` is the synthetic
    aperture's reference number (``"08"`` = 0.200 mm), by default 80 % of the X measured;
    ``wavelength`` (nm) is only recorded; ``max_pixels`` bounds the page as
    :func:`tiaoma.scan.read_images` does. :class:`~tiaoma.verify.grading.VerifyError` says in
    English and Chinese why an image cannot be graded."""
    name, page, stated_dpi = _page(source, max_pixels)
    found, version = _found(page, name)
    resolution = _resolution(name, stated_dpi if dpi is None else dpi)
    grey, origin, factor = _crop(page, found)
    corners = (np.array(found.corners, dtype=np.float64) - origin) / factor
    layout = _layout(grey, found, name, version)
    measured_dpi = resolution / factor
    x_px = _module_px(corners, layout)
    _check_pixels(x_px, found, name, resolution, factor)
    grey, corners = _trimmed(grey, corners, (layout.quiet_zone + 2) * x_px)
    x_mm = x_px * 25.4 / measured_dpi
    reference = aperture or _default_aperture(x_mm)
    diameter_px = _aperture_mm(reference) / 25.4 * measured_dpi
    reflect = image.reflectance(grey, calibration)
    seen = _Aperture.of(reflect, diameter_px)
    graded = _grade(seen, layout, corners)
    result = MatrixGrade(
        source=name, symbology=found.symbology, data=found.data, size=layout.size,
        rows=layout.rows, columns=layout.columns, aperture=f"{int(reference):02d}",
        wavelength=wavelength, dpi=measured_dpi, x_mm=graded.pitch_px * 25.4 / measured_dpi,
        picture=_picture(grey), **graded.fields,
    )  # fmt: skip
    return _judged(result)


# --- input: the page, the symbol, its size, the crop ---


def _page(source: bytes | str | Path | Image.Image,
          max_pixels: int | None) -> tuple[str, Image.Image, float | None]:  # fmt: skip
    if isinstance(source, bytes | str | Path):
        page, stated = scan.read_images(source, pages=1, max_pixels=max_pixels)[0]
        return ("<bytes>" if isinstance(source, bytes) else str(source)), page, stated
    info = source.info.get("dpi")
    stated = float(info[0]) if isinstance(info, tuple) and info and info[0] else None
    return "<image>", source.convert("L"), stated


def _found(page: Image.Image, name: str) -> tuple[scan.Found, str | None]:
    """The first QR Code or Data Matrix zxing-cpp reads, else the first Han Xin Code tiaoma's
    own reader reads (with its version: zxing-cpp reads no Han Xin)."""
    found = scan.read(page, hanxin=False)  # Han Xin once, below, with its version
    matrix = [item for item in found if item.symbology in MATRIX_SYMBOLOGIES]
    if matrix:
        return matrix[0], None
    from tiaoma.readers.hanxin import HanXinError  # noqa: PLC0415 - only when it is needed

    try:
        han_xin = _han_xin(page)
    except HanXinError as error:  # finder patterns found, the symbol not read
        if not found:
            raise VerifyError(_HAN_XIN_UNREADABLE, source=name, reason=str(error),
                              reason_zh=error.message_zh) from None  # fmt: skip
        han_xin = None  # what zxing-cpp read is the likelier subject
    if han_xin is not None:
        return han_xin
    if found:
        kinds = ", ".join(sorted({item.symbology for item in found}))
        raise VerifyError(_NOT_MATRIX, source=name, found=kinds)
    raise VerifyError(_NO_MATRIX, source=name)


def _han_xin(page: Image.Image) -> tuple[scan.Found, str] | None:
    from tiaoma.readers.hanxin import read_hanxin  # noqa: PLC0415 - only when it is needed

    reads = [read for read in read_hanxin(image.grey_array(page)) if not read.mirrored]
    if not reads:
        return None
    read = reads[0]
    return scan.han_xin_found(read), str(read.version)


def _resolution(name: str, dpi: float | None) -> float:
    if dpi is None:
        raise VerifyError(_NO_DPI, source=name)
    if not 50 <= dpi <= 20000:
        raise VerifyError(_BAD_DPI, dpi=dpi)
    return float(dpi)


def _aperture_mm(reference: str) -> float:
    try:
        return image.aperture_mm(reference)
    except ValueError:
        raise VerifyError(_BAD_APERTURE, aperture=reference) from None


def _default_aperture(x_mm: float) -> str:
    """80 % of X as a reference number (thousandths of an inch, ISO/IEC 15416 Table 2)."""
    number = round(APERTURE_OF_X * x_mm / image.APERTURE_STEP_MM)
    return f"{min(max(number, 1), 80):02d}"


def _crop(page: Image.Image, found: scan.Found) -> tuple[NDArray[np.uint8], NDArray[np.float64],
                                                          int]:  # fmt: skip
    """The symbol and a margin of a third of its size (room for any quiet zone), as grey
    levels; where the crop starts in the page; the factor it was averaged down by."""
    points = np.array(found.corners, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = (high - low).max() / 3 + 4
    left, top = np.maximum(np.floor(low - margin), 0).astype(int)
    right = int(min(np.ceil(high[0] + margin), page.width))
    bottom = int(min(np.ceil(high[1] + margin), page.height))
    crop = page.crop((int(left), int(top), right, bottom))
    factor = max(1, int(np.ceil(np.sqrt(crop.width * crop.height / MAX_CROP_PIXELS))))
    if factor > 1:
        crop = crop.reduce(factor)
    return image.grey_array(crop), np.array([left, top], dtype=np.float64), factor


def _trimmed(grey: NDArray[np.uint8], corners: NDArray[np.float64],
             margin: float) -> tuple[NDArray[np.uint8], NDArray[np.float64]]:  # fmt: skip
    """Only the symbol and ``margin`` pixels round it (the quiet zone and a little more): the
    aperture is applied to no more than is measured."""
    low = np.maximum(np.floor(corners.min(axis=0) - margin), 0).astype(int)
    high = np.ceil(corners.max(axis=0) + margin).astype(int)
    trimmed = grey[low[1] : high[1], low[0] : high[0]]
    return trimmed, corners - low


def _layout(grey: NDArray[np.uint8], found: scan.Found, name: str,
            version: str | None) -> Layout:  # fmt: skip
    """The symbol's structure: Han Xin Code's from the version its reader gave, QR Code's and
    Data Matrix's from the size zxing-cpp reports."""
    if version is not None:
        return hx_layout(int(version))
    import zxingcpp  # noqa: PLC0415 - comes with tiaoma[scan], as scan.read needed it

    formats = zxingcpp.barcode_formats_from_str("QRCode,DataMatrix")
    reads = zxingcpp.read_barcodes(grey, formats=formats, try_downscale=False)
    same = [read for read in reads if read.text == found.data] or reads  # a neighbour's too?
    extra: Any = same[0].extra if same else {}
    size = str(extra.get("Version", ""))
    is_qr = "QR" in found.symbology
    if is_qr and size.isdigit() and 1 <= int(size) <= 40:
        return qr_layout(int(size))
    rows, _, columns = size.partition("x")
    if not is_qr and rows.isdigit() and columns.isdigit() and (int(rows), int(columns)) in SIZES:
        return dm_layout(int(rows), int(columns))
    raise VerifyError(_SIZE_UNKNOWN, source=name, symbology=found.symbology, size=size or "?")


def _module_px(corners: NDArray[np.float64], layout: Layout) -> float:
    top, left = corners[1] - corners[0], corners[3] - corners[0]
    return float((np.hypot(*top) / layout.columns + np.hypot(*left) / layout.rows) / 2)


def _check_pixels(x_px: float, found: scan.Found, name: str, dpi: float, factor: int) -> None:
    if x_px * factor < MIN_PIXELS_PER_MODULE:
        found_px = x_px * factor
        raise VerifyError(
            _RESOLUTION, source=name, symbology=found.symbology, data=found.data,
            found=f"{found_px:.1f}", dpi=f"{dpi:g}", needed=f"{MIN_PIXELS_PER_MODULE:g}",
            dpi_needed=f"{dpi * MIN_PIXELS_PER_MODULE / found_px:.0f}",
        )  # fmt: skip


def _picture(grey: NDArray[np.uint8]) -> Image.Image:
    from PIL import Image  # noqa: PLC0415 - Pillow comes with tiaoma[scan]

    return Image.fromarray(grey)


# --- the image seen through the aperture, and sampled ---


@dataclass(frozen=True)
class _Aperture:
    """The image as seen through the aperture: each pixel the mean reflectance inside the
    disc centred on it (the image's border continuing outwards), worked out only for the
    pixels a sample needs (a whole-image convolution costs more than the few thousand
    samples a grading takes)."""

    padded: NDArray[np.float64]
    kernel: NDArray[np.float64]

    @classmethod
    def of(cls, reflect: NDArray[np.float64], diameter_px: float) -> _Aperture:
        kernel = image.disc(diameter_px)
        return cls(np.pad(reflect, kernel.shape[0] // 2, mode="edge"), kernel)

    @property
    def shape(self) -> tuple[int, int]:
        reach = self.kernel.shape[0] // 2
        return self.padded.shape[0] - 2 * reach, self.padded.shape[1] - 2 * reach

    def at(self, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> NDArray[np.float64]:
        """The values at these pixels (any shape), in chunks that keep memory small."""
        windows = np.lib.stride_tricks.sliding_window_view(self.padded, self.kernel.shape)
        flat_rows, flat_cols = rows.reshape(-1), cols.reshape(-1)
        values = np.empty(flat_rows.shape, dtype=np.float64)
        for start in range(0, len(values), _CHUNK):
            part = slice(start, start + _CHUNK)
            patches = windows[flat_rows[part], flat_cols[part]]
            values[part] = np.einsum("nij,ij->n", patches, self.kernel)
        return values.reshape(rows.shape)


#: Samples worked out at once (a chunk's patches: this many × the disc's pixels).
_CHUNK = 8192


def _sample(seen: _Aperture, points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Bilinear values at points (x, y) in pixels, pixel ``i`` covering [i, i + 1)."""
    height, width = seen.shape
    x = np.clip(points[..., 0] - 0.5, 0, width - 1.000001)
    y = np.clip(points[..., 1] - 0.5, 0, height - 1.000001)
    x0, y0 = x.astype(np.int64), y.astype(np.int64)
    tx, ty = x - x0, y - y0
    x1, y1 = np.minimum(x0 + 1, width - 1), np.minimum(y0 + 1, height - 1)
    top = seen.at(y0, x0) * (1 - tx) + seen.at(y0, x1) * tx
    bottom = seen.at(y1, x0) * (1 - tx) + seen.at(y1, x1) * tx
    values: NDArray[np.float64] = top * (1 - ty) + bottom * ty
    return values


def _apply(matrix: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.float64]:
    """A 3 × 3 projective transform applied to (..., 2) points."""
    ones = np.ones((*points.shape[:-1], 1))
    mapped = np.concatenate([points, ones], axis=-1) @ matrix.T
    out: NDArray[np.float64] = mapped[..., :2] / mapped[..., 2:]
    return out


def _from_corners(corners: NDArray[np.float64], layout: Layout) -> NDArray[np.float64]:
    """The projective transform from pixels to module coordinates (u, v) through the four
    corners (top left, top right, bottom right, bottom left)."""
    modules = np.array([[0, 0], [layout.columns, 0], [layout.columns, layout.rows],
                        [0, layout.rows]], dtype=np.float64)  # fmt: skip
    rows = []
    for (x, y), (u, v) in zip(corners, modules, strict=True):
        rows.append(([x, y, 1, 0, 0, 0, -u * x, -u * y], u))
        rows.append(([0, 0, 0, x, y, 1, -v * x, -v * y], v))
    return _solve(rows)


def _inverse(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.linalg.inv(matrix), dtype=np.float64)


def _solve(rows: list[tuple[list[float], float]]) -> NDArray[np.float64]:
    system = np.array([row for row, _ in rows], dtype=np.float64)
    target = np.array([value for _, value in rows], dtype=np.float64)
    solution = np.linalg.lstsq(system, target, rcond=None)[0]
    return np.append(solution, 1.0).reshape(3, 3)


# --- the grid measured along the fixed patterns' lines ---


@dataclass(frozen=True)
class _Run:
    """A uniform run of a fixed-pattern line whose two edges were both found."""

    line: Line
    start: int
    stop: int
    dark: bool
    ends: tuple[NDArray[np.float64], NDArray[np.float64]]
    """The pixels where its edges were found."""

    @property
    def centre(self) -> NDArray[np.float64]:
        middle: NDArray[np.float64] = (self.ends[0] + self.ends[1]) / 2
        return middle


def _runs(line: Line, layout: Layout) -> list[tuple[int, int, bool]]:
    """The uniform runs between a line's known edges: consecutive edges with nothing between
    them but one state (the edges' list leaves out those across unknown modules)."""
    known = _states(line, layout)
    runs = []
    for start, stop in zip(line.edges, line.edges[1:], strict=False):
        states = {known.get(at) for at in range(start, stop)}
        if len(states) == 1 and None not in states:
            runs.append((start, stop, bool(states.pop())))
    return runs


def _states(line: Line, layout: Layout) -> dict[int, bool]:
    """Which modules along the line the fixed patterns make dark (by position along it)."""
    states: dict[int, bool] = {}
    fixed = int(line.at)
    for segment in layout.segments:
        for (row, col), dark in zip(segment.cells.tolist(), segment.dark.tolist(), strict=True):
            if line.across and row == fixed:
                states[col] = dark
            elif not line.across and col == fixed:
                states[row] = dark
    return states


def _edge(values: NDArray[np.float64], along: NDArray[np.float64], threshold: float,
          expected: int) -> float | None:  # fmt: skip
    """Where, within half a module of ``expected``, the profile crosses the threshold."""
    side = values > threshold
    changes = np.flatnonzero(side[1:] != side[:-1])
    best: float | None = None
    for index in changes.tolist():
        before, after = values[index], values[index + 1]
        at = along[index] + (threshold - before) / (after - before) * (along[1] - along[0])
        if abs(at - expected) <= 0.5 and (
            best is None or abs(at - expected) < abs(best - expected)
        ):
            best = float(at)
    return best


def _measure(seen: _Aperture, to_pixels: NDArray[np.float64], layout: Layout,
             threshold: float) -> list[_Run]:  # fmt: skip
    """Every fixed-pattern run whose edges are found, along every line."""
    found = []
    for line in layout.lines:
        runs = _runs(line, layout)  # every layout's lines cross known runs
        first, last = min(r[0] for r in runs) - 0.75, max(r[1] for r in runs) + 0.75
        along = np.arange(first, last, 1 / _STEPS_PER_MODULE)
        points = np.stack([along, np.full_like(along, line.at)], axis=-1)
        if not line.across:
            points = points[:, ::-1]
        pixels = _apply(to_pixels, points)
        values = _sample(seen, pixels)
        edges = {at: _edge(values, along, threshold, at) for at in line.edges}
        for start, stop, dark in runs:
            begin, end = edges[start], edges[stop]
            if begin is not None and end is not None:
                ends = (_on_line(to_pixels, line, begin), _on_line(to_pixels, line, end))
                found.append(_Run(line, start, stop, dark, ends))
    return found


def _on_line(to_pixels: NDArray[np.float64], line: Line, along: float) -> NDArray[np.float64]:
    point = np.array([along, line.at] if line.across else [line.at, along], dtype=np.float64)
    return _apply(to_pixels, point)


def _constraints(runs: list[_Run]) -> list[tuple[NDArray[np.float64], int, float]]:
    """Each run's centre: its pixel, the module axis it fixes (0 = u, 1 = v) and the value."""
    return [(run.centre, 0 if run.line.across else 1, (run.start + run.stop) / 2)
            for run in runs]  # fmt: skip


def _fit_projective(runs: list[_Run]) -> NDArray[np.float64] | None:
    """Pixels → modules, least squares on the runs' centres (each fixes one coordinate)."""
    rows = []
    for (x, y), axis, value in _constraints(runs):
        coefficients = [0.0] * 8
        coefficients[3 * axis : 3 * axis + 3] = [x, y, 1.0]
        coefficients[6:] = [-value * x, -value * y]
        rows.append((coefficients, value))
    axes = {axis for _, axis, _ in _constraints(runs)}
    if len(rows) < 10 or axes != {0, 1}:
        return None
    return _solve(rows)


def _fit_affine(runs: list[_Run], *, fallback: NDArray[np.float64]
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    """The regular grid: pixels → modules, affine, least squares; and each centre's distance
    from it (in modules, along the axis it fixes). Too few runs found (a damaged symbol): the
    ``fallback`` grid, no distance."""
    constraints = _constraints(runs)
    counts = [sum(axis == a for _, a, _ in constraints) for axis in (0, 1)]
    if min(counts) < 3:
        return fallback, np.zeros(1)
    matrix = np.eye(3)
    residuals = np.zeros(len(constraints))
    for axis in (0, 1):
        chosen = [i for i, (_, a, _) in enumerate(constraints) if a == axis]
        system = np.array([[*constraints[i][0], 1.0] for i in chosen])
        target = np.array([constraints[i][2] for i in chosen])
        matrix[axis] = np.linalg.lstsq(system, target, rcond=None)[0]
        residuals[chosen] = system @ matrix[axis] - target
    return matrix, residuals


# --- grading ---


@dataclass(frozen=True)
class _Graded:
    pitch_px: float
    fields: dict[str, Any]


def _fitted_grid(
    seen: _Aperture, layout: Layout, corners: NDArray[np.float64]
) -> tuple[NDArray[np.float64], list[_Run]]:
    """Pixels → modules: from the corners, then twice fitted to the runs measured along the
    fixed patterns with the grid before; and the runs the last fit used."""
    to_modules = _from_corners(corners, layout)
    threshold = _module_statistics(_module_values(seen, _inverse(to_modules), layout))[2]
    runs: list[_Run] = []
    for _ in range(2):
        runs = _measure(seen, _inverse(to_modules), layout, threshold)
        fitted = _fit_projective(runs)
        if fitted is not None:
            to_modules = fitted
    return to_modules, runs


def _grade(seen: _Aperture, layout: Layout, corners: NDArray[np.float64]) -> _Graded:
    to_modules, runs = _fitted_grid(seen, layout, corners)
    to_pixels = _inverse(to_modules)
    values = _module_values(seen, to_pixels, layout)
    r_max, r_min, threshold = _module_statistics(values)
    contrast = r_max - r_min
    q = layout.quiet_zone
    inner = np.s_[q : q + layout.rows, q : q + layout.columns]
    inside = values[inner]
    modulation = 2 * np.abs(values - threshold) / contrast if contrast > 0 else values * 0
    module_mod = _module_grades(modulation)
    dark = values < threshold
    reading = layout.read(dark[q : q + layout.rows, q : q + layout.columns])
    corrected, errors = _corrected(reading)
    expected = _expected(layout, reading, corrected, dark)
    wrong = (expected >= 0) & (expected != dark)
    margin = np.where(wrong, 0, module_mod)
    affine, residuals = _fit_affine(runs, fallback=to_modules)
    segments = _segment_grades(layout, margin)
    pitch = _pitches(affine)
    fields = {
        "parameters": _parameters(
            layout, reading, errors=errors, contrast=contrast, module_mod=module_mod[inner],
            margin=margin[inner], wrong=wrong[inner], segments=segments,
            pitch=pitch, deviation=float(np.abs(residuals).max()),
        ),
        "segments": segments, "r_max": r_max, "r_min": r_min,
        "global_threshold": threshold, "block_errors": tuple(errors),
        "print_growth": _growth(runs, affine), "reflectance": inside,
        "module_grades": np.where(expected >= 0, margin, -1)[inner],
        "centres": _grid_corners(to_pixels, layout),
    }  # fmt: skip
    return _Graded(pitch_px=float(np.mean(pitch)), fields=fields)


def _module_values(seen: _Aperture, to_pixels: NDArray[np.float64],
                   layout: Layout) -> NDArray[np.float64]:  # fmt: skip
    """Every module's reflectance at its centre, the quiet zone's ring included."""
    q = layout.quiet_zone
    rows, cols = np.mgrid[-q : layout.rows + q, -q : layout.columns + q]
    points = np.stack([cols + 0.5, rows + 0.5], axis=-1).astype(np.float64)
    return _sample(seen, _apply(to_pixels, points))


def _module_statistics(values: NDArray[np.float64]) -> tuple[float, float, float]:
    r_max, r_min = float(values.max()), float(values.min())
    return r_max, r_min, (r_max + r_min) / 2


def _module_grades(modulation: NDArray[np.float64]) -> NDArray[np.int64]:
    """Each module's modulation grade: 4 from 0.50, 3 from 0.40, 2 from 0.30, 1 from 0.20."""
    grade = np.zeros(modulation.shape, dtype=np.int64)
    for whole, bound in zip((1, 2, 3, 4), reversed(_MOD), strict=True):
        grade[modulation >= bound] = whole
    return grade


def _corrected(reading: Reading) -> tuple[list[int] | None, list[int | None]]:
    """The codewords with every block corrected (None if one is past correction) and the
    errors each block held."""
    values = list(reading.values)
    errors: list[int | None] = []
    for block in reading.blocks:
        codewords = [reading.values[index] for index in block.codewords]
        try:
            fixed, count = reading.field.correct(codewords, block.ec_count)
        except Uncorrectable:
            errors.append(None)
            continue
        errors.append(count)
        for index, value in zip(block.codewords, fixed, strict=True):
            values[index] = value
    return (None if None in errors else values), errors


def _expected(layout: Layout, reading: Reading, corrected: list[int] | None,
              dark: NDArray[np.bool_]) -> NDArray[np.int64]:  # fmt: skip
    """Every module (quiet zone ring included) as it should be: 1 dark, 0 light, -1 not known
    (format and version information, alignment patterns, a block past correction)."""
    q = layout.quiet_zone
    expected = np.full(dark.shape, -1, dtype=np.int64)
    expected[:q, :] = expected[-q:, :] = expected[:, :q] = expected[:, -q:] = 0
    if corrected is not None:
        bits = (np.array(corrected)[:, None] >> np.arange(7, -1, -1)) & 1
        cells = reading.cells + q
        expected[cells[..., 0], cells[..., 1]] = bits ^ reading.inverted
    for segment in layout.segments:
        expected[segment.cells[:, 0] + q, segment.cells[:, 1] + q] = segment.dark
    return expected


def _block_grade(codeword_grades: list[int], wrong: list[bool], ec_count: int,
                 protection: int) -> int:  # fmt: skip
    """The highest level at which the codewords graded below it leave a notional UEC grading
    at least that level: those read wrong count as errors (twice), the others as erasures."""
    best = 0
    for level in (1, 2, 3, 4):
        spent = sum((2 if bad else 1) for grade, bad in zip(codeword_grades, wrong, strict=True)
                    if grade < level)  # fmt: skip
        notional = 1 - spent / (ec_count - protection)
        best = max(best, min(level, int(_stepped(notional, _UEC).value)))
    return best


def _codeword_grade(reading: Reading, module_grades: NDArray[np.int64],
                    wrong: NDArray[np.bool_] | None = None) -> int:  # fmt: skip
    """The lowest of the blocks' grades, a codeword graded by its worst module (and read
    wrong where one of its modules is)."""
    cells = (reading.cells[..., 0], reading.cells[..., 1])
    per_codeword = module_grades[cells].min(axis=1)
    in_error: NDArray[np.bool_] = np.zeros(len(per_codeword), dtype=bool)
    if wrong is not None:
        in_error = np.asarray(wrong[cells].any(axis=1), dtype=bool)
    return min(
        _block_grade([int(per_codeword[i]) for i in block.codewords],
                     [bool(in_error[i]) for i in block.codewords], block.ec_count,
                     block.protection)
        for block in reading.blocks
    )  # fmt: skip


def _segment_grades(layout: Layout, margin: NDArray[np.int64]) -> tuple[SegmentGrade, ...]:
    q, graded = layout.quiet_zone, []
    for segment in layout.segments:
        modules = margin[segment.cells[:, 0] + q, segment.cells[:, 1] + q]
        grade = 0
        for level in (4, 3, 2, 1):
            below = int((modules < level).sum())
            allowed = (below / len(modules) <= TRACK_ALLOWANCE[level] if segment.by_share
                       else below <= FINDER_ALLOWANCE[level])  # fmt: skip
            if allowed:
                grade = level
                break
        graded.append(SegmentGrade(segment.name, segment.name_zh, len(modules),
                                   int((modules == 0).sum()), _whole(grade)))  # fmt: skip
    return tuple(graded)


def _fixed_pattern_grade(layout: Layout, segments: tuple[SegmentGrade, ...]) -> int:
    lowest = int(min(segment.grade.value for segment in segments))
    if not layout.average_segments:
        return lowest
    mean = sum(segment.grade.value for segment in segments) / len(segments)
    averaged = next((whole for whole, bound in ((4, 4.0), (3, 3.5), (2, 3.0), (1, 2.5))
                     if mean >= bound), 0)  # fmt: skip
    return min(lowest, averaged)


def _pitches(to_modules: NDArray[np.float64]) -> tuple[float, float]:
    """The regular grid's module pitch across and down, in pixels."""
    to_pixels = _inverse(to_modules)
    return float(np.hypot(*to_pixels[:2, 0])), float(np.hypot(*to_pixels[:2, 1]))


def _growth(runs: list[_Run], to_modules: NDArray[np.float64]) -> tuple[float, float]:
    """How much wider than nominal the dark runs are, across and down, in X: each run's width
    on the regular grid less its nominal width, dark runs counted plus, light ones minus."""
    growth = []
    for across in (True, False):
        axis = 0 if across else 1
        found = [
            (_apply(to_modules, run.ends[1])[axis] - _apply(to_modules, run.ends[0])[axis]
             - (run.stop - run.start)) * (1 if run.dark else -1)
            for run in runs if run.line.across is across
        ]  # fmt: skip
        growth.append(float(np.mean(found)) if found else 0.0)
    return growth[0], growth[1]


def _grid_corners(to_pixels: NDArray[np.float64], layout: Layout) -> NDArray[np.float64]:
    rows, cols = np.mgrid[0 : layout.rows + 1, 0 : layout.columns + 1]
    return _apply(to_pixels, np.stack([cols, rows], axis=-1).astype(np.float64))


def _parameters(layout: Layout, reading: Reading, *, errors: list[int | None], contrast: float,
                module_mod: NDArray[np.int64], margin: NDArray[np.int64], wrong: NDArray[np.bool_],
                segments: tuple[SegmentGrade, ...], pitch: tuple[float, float],
                deviation: float) -> tuple[Parameter, ...]:  # fmt: skip
    decoded = None not in errors
    unused = min(
        (1 - 2 * count / (block.ec_count - block.protection)) if count is not None else 0.0
        for block, count in zip(reading.blocks, errors, strict=True)
    )
    unused = max(unused, 0.0)
    axial = abs(pitch[0] - pitch[1]) / (sum(pitch) / 2)
    mod_grade = _codeword_grade(reading, module_mod)
    margin_grade = _codeword_grade(reading, margin, wrong) if decoded else 0
    names = dict(PARAMETERS)
    measured: list[tuple[str, float | None, str, Grade]] = [
        ("decode", None, "✓" if decoded else "✗", grades.pass_fail(decoded)),
        ("symbol_contrast", contrast, f"{contrast:.0f} %", _stepped(contrast, _SC)),
        ("modulation", None, f"{mod_grade}", _whole(mod_grade)),
        ("reflectance_margin", None, f"{margin_grade}", _whole(margin_grade)),
        ("fixed_pattern_damage", None, ", ".join(f"{s.grade.value:.0f}" for s in segments),
         _whole(_fixed_pattern_grade(layout, segments))),
        ("axial_nonuniformity", axial, f"{axial:.3f}", _stepped(axial, _ANU, less_is_better=True)),
        ("grid_nonuniformity", deviation, f"{deviation:.2f} X",
         _stepped(deviation, _GNU, less_is_better=True)),
        ("unused_error_correction", unused, f"{unused:.0%}", _stepped(unused, _UEC)),
    ]  # fmt: skip
    return tuple(Parameter(name, names[name], value, shown, grade)
                 for name, value, shown, grade in measured)  # fmt: skip


# --- verdicts and advice ---


def _judged(graded: MatrixGrade) -> MatrixGrade:
    verdicts = tuple(_verdict(graded, requirement) for requirement in _REQUIREMENTS)
    return replace(graded, verdicts=verdicts, advice=tuple(_advice(graded)))


def _verdict(graded: MatrixGrade, requirement: _Requirement) -> Verdict:
    name, name_zh, minimum, aperture, wavelengths, about = requirement
    required = f"{minimum}/{aperture or 'any'}/{'660' if wavelengths else 'any'}"
    applies = (
        (aperture is None or graded.aperture == aperture)
        and (wavelengths is None or graded.wavelength in wavelengths)
        and about(graded)
    )
    passed = graded.grade.value >= minimum if applies else None
    return Verdict(name, name_zh, required, passed)


#: Below this a parameter's grade is worth a word: anything short of A (a 2D symbol's grade
#: is its worst parameter's, so each one below A is what holds it back).
_WORTH_A_WORD = 3.5
#: Print growth (in X) from which it is worth a word.
_GROWTH_WORTH_A_WORD = 0.1


def _advice(graded: MatrixGrade) -> list[tuple[str, str]]:
    """(English, Chinese) pieces of advice for each parameter below A, the worst first."""
    low = sorted((p for p in graded.parameters if p.grade.value < _WORTH_A_WORD),
                 key=lambda p: p.grade.value)  # fmt: skip
    advice = [_ADVICE[parameter.name](graded, parameter) for parameter in low]
    growth = max(graded.print_growth, key=abs)
    if abs(growth) >= _GROWTH_WORTH_A_WORD:
        advice.append(_growth_advice(growth))
    if graded.grade.value >= 3.5 and not advice:
        advice.append(("No faults found: the symbol grades A.", "未发现问题：符号等级为 A。"))
    return advice


def _growth_advice(growth: float) -> tuple[str, str]:
    if growth > 0:
        return (
            f"Dark modules print {growth:.0%} of X wider than nominal (not graded, but it eats "
            "the light modules): shrink the dark modules in the artwork or lower ink spread.",
            f"深色模块比标称宽 {growth:.0%}X（不分级，但会侵占浅色模块）："
            "请在图稿中缩小深色模块或降低油墨扩张。",
        )
    return (
        f"Dark modules print {-growth:.0%} of X narrower than nominal (not graded): check the "
        "print's density and the artwork's module reduction.",
        f"深色模块比标称窄 {-growth:.0%}X（不分级）：请检查印刷密度和图稿的模块缩减量。",
    )


def _decode_advice(graded: MatrixGrade, _: Parameter) -> tuple[str, str]:
    blocks = sum(count is None for count in graded.block_errors)
    return (
        f"The reference decode failed: {blocks} of {len(graded.block_errors)} error correction "
        "blocks hold more errors than they can correct; modules are missing, spotted or joined.",
        f"参考译码失败：{len(graded.block_errors)} 个纠错块中有 {blocks} 个错误超出纠错能力；"
        "模块缺失、有污点或粘连。",
    )


def _contrast_advice(_: MatrixGrade, parameter: Parameter) -> tuple[str, str]:
    return (
        f"Symbol contrast {parameter.shown}: print black, dark blue or dark green modules on a "
        "white or light, matt background (red and warm colours vanish in red light).",
        f"符号反差 {parameter.shown}：请用黑、深蓝或深绿色印模块，白色或浅色哑光底色"
        "（红色和暖色在红光下看不见）。",
    )


def _modulation_advice(_: MatrixGrade, __: Parameter) -> tuple[str, str]:
    return (
        "Low modulation: some modules lie close to the threshold (dark modules too light, "
        "light ones greyed by ink spread, blur or show-through); check density and sharpness.",
        "调制比低：部分模块的反射率接近阈值（深色模块偏浅，或浅色模块因油墨扩张、模糊、透印而发灰）；"
        "请检查印刷密度和清晰度。",
    )


def _margin_advice(graded: MatrixGrade, _: Parameter) -> tuple[str, str]:
    wrong = int((graded.module_grades == 0).sum())
    return (
        f"Low reflectance margin: {wrong} modules read on the wrong side of the threshold or "
        "close to it (spots in light modules, voids in dark ones); check the plate, the ink "
        "coverage and the substrate.",
        f"反射率余量低：{wrong} 个模块读反或接近阈值（浅色模块有污点、深色模块有脱墨）；"
        "请检查印版、墨量和承印物。",
    )


def _fixed_pattern_advice(graded: MatrixGrade, _: Parameter) -> tuple[str, str]:
    worst = [s for s in graded.segments if s.grade.value < _WORTH_A_WORD] or list(graded.segments)
    names = ", ".join(s.name for s in worst)
    names_zh = "、".join(s.name_zh for s in worst)
    return (
        f"Fixed pattern damage in: {names}. Readers find the symbol by these patterns: keep "
        "other printing out of the quiet zone and look for voids, spots or a cut edge there.",
        f"固定图形损坏：{names_zh}。识读器靠这些图形找到符号：请勿在空白区内印其他图文，"
        "并检查该处的脱墨、污点或裁切。",
    )


def _axial_advice(_: MatrixGrade, parameter: Parameter) -> tuple[str, str]:
    return (
        f"Axial non-uniformity {parameter.shown}: the modules are longer along one axis; check "
        "the printer's feed speed, the artwork's scaling and the image's resolution both ways.",
        f"轴向不一致性 {parameter.shown}：模块在一个方向上被拉长；请检查打印机的走纸速度、"
        "图稿的缩放以及图像两个方向的分辨率。",
    )


def _grid_advice(_: MatrixGrade, parameter: Parameter) -> tuple[str, str]:
    return (
        f"Grid non-uniformity {parameter.shown}: modules stray from a regular grid (uneven "
        "feed, a warped or curved substrate, a camera not square to the label).",
        f"网格不一致性 {parameter.shown}：模块偏离规则网格（走纸不匀、承印物翘曲或弯曲、"
        "相机未正对标签）。",
    )


def _unused_advice(_: MatrixGrade, parameter: Parameter) -> tuple[str, str]:
    return (
        f"Only {parameter.shown} of the error correction is left unused: modules read wrong "
        "already use the rest; find the damage (see the marked modules) before it grows.",
        f"未使用的纠错容量仅余 {parameter.shown}：读错的模块已用掉其余部分；"
        "请查找损坏处（见标出的模块），以免进一步恶化。",
    )


_ADVICE = {
    "decode": _decode_advice, "symbol_contrast": _contrast_advice,
    "modulation": _modulation_advice, "reflectance_margin": _margin_advice,
    "fixed_pattern_damage": _fixed_pattern_advice, "axial_nonuniformity": _axial_advice,
    "grid_nonuniformity": _grid_advice, "unused_error_correction": _unused_advice,
}  # fmt: skip
