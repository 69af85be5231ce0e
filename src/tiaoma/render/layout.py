"""Lay a symbol out on paper: bars, text and marks in module units, ready for any writer.

The writers multiply by one scale: millimetres per module for vector output (SVG, PDF, EPS),
whole pixels per module for PNG. Sizes follow GB 12904 for EAN/UPC (module 0.330 mm at
magnification 1.00, 0.80-2.00 allowed; bar height 22.85 mm; the whole symbol 37.29 × 26.26 mm;
guard bars 5X longer; quiet zones 11X/7X) and GS1 General Specifications 5.2-5.5 otherwise.

>>> from tiaoma.symbols import upcean
>>> drawing = layout(upcean.ean13("6936983800013"), geometry_for(upcean.ean13("6936983800013")))
>>> round(drawing.width * drawing.module_mm, 2), round(drawing.height * drawing.module_mm, 2)
(37.29, 26.26)
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from tiaoma.errors import InvalidComponent, define
from tiaoma.symbols.base import Symbol, Symbology

__all__ = [
    "MAGNIFICATION_RANGE", "ArtworkWarning", "Drawing", "Geometry", "Glyphs", "Placement", "Rect",
    "geometry_for", "layout", "placement", "runs",
]  # fmt: skip

MAGNIFICATION = define(
    "render.magnification",
    "Magnification {found} is outside {low:.2f}-{high:.2f} (GB 12904): drawn only on explicit "
    "request (allow_any_magnification=True, or tiaoma render --any-magnification)",
    "放大系数 {found} 超出 GB 12904 规定的 {low:.2f}-{high:.2f}：仅在明确要求时绘制"
    "（allow_any_magnification=True 或 tiaoma render --any-magnification）",
)
GEOMETRY = define(
    "render.geometry",
    "Impossible {what}: {found} (expected {expected})",
    "{what_zh}无效：{found}（应为 {expected}）",
)

RATIO_FOR_X = define(
    "render.ratio_for_x",
    "Wide:narrow ratio {ratio} is too small for X {x_mm} mm: {standard} asks for 2.2-3.0 when X "
    "is under 0.50 mm (ratio option, or X of 0.50 mm or more)",
    "宽窄比 {ratio} 对 {x_mm} 毫米的 X 过小：{standard} 规定 X 小于 0.50 毫米时宽窄比应为 2.2-3.0"
    "（请调整宽窄比，或用不小于 0.50 毫米的 X）",
)

NOMINAL_MODULE_MM = 0.330  # GB 12904 7.1.1
MAGNIFICATION_RANGE = (0.80, 2.00)  # GB 12904 7.1.3; seed 001
UPC_EAN = {Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE}
# Bar heights at magnification 1.00 (GB 12904 table 5; ISO/IEC 15420 annex): EAN-8 is lower.
_BAR_HEIGHT_MM = {Symbology.EAN8: 18.23}
EAN_BAR_HEIGHT_MM = 22.85
GUARD_EXTENSION = 5.0  # modules the guard bars reach below the others (GB 12904 figure 9)
# Modules from the bars' foot to the symbol's foot: (26.26 mm - 22.85 mm) / 0.330 mm.
EAN_TEXT_BAND = (26.26 - EAN_BAR_HEIGHT_MM) / NOMINAL_MODULE_MM
# The symbologies of wide and narrow elements, and the standard that bounds their ratio.
_RATIO_STANDARDS = {
    Symbology.CODE39: "ISO/IEC 16388", Symbology.CODE39_EXTENDED: "ISO/IEC 16388",
    Symbology.ITF: "ISO/IEC 16390", Symbology.ITF14: "ISO/IEC 16390",
}  # fmt: skip
#: Below this X (mm) the wide:narrow ratio must be at least SMALL_X_MIN_RATIO.
SMALL_X_MM = 0.50
SMALL_X_MIN_RATIO = 2.2
# Default module widths of the other families (GS1 GenSpecs 5.12.3 symbol specification
# tables, the "target" X for general retail and logistics).
_DEFAULT_MODULE_MM = {
    Symbology.ITF14: 0.635, Symbology.ITF: 0.635, Symbology.GS1_128: 0.495,
    Symbology.CODE128: 0.33, Symbology.CODE39: 0.33, Symbology.CODE39_EXTENDED: 0.33,
    Symbology.QR: 0.5, Symbology.GS1_QR: 0.5, Symbology.DATAMATRIX: 0.5,
    Symbology.GS1_DATAMATRIX: 0.5, Symbology.PDF417: 0.33,
    Symbology.HANXIN: 0.5, Symbology.GS1_HANXIN: 0.5,
}  # fmt: skip
BEARER_STYLES = ("frame", "horizontal")
#: Light space between the bottom bearer bar and the top of the digits (GS1 GenSpecs 5.3.2.5).
BEARER_TEXT_GAP_MM = 1.02
#: The height of OCR-B's digits, in em (their outlines reach 773 of 1000 units).
DIGIT_HEIGHT = 0.773
RED_LIGHT_CONTRAST_MIN = 0.40  # ISO/IEC 15416 symbol contrast grade C (1.5 needs C or better)


class ArtworkWarning(UserWarning):
    """Artwork that can be drawn but may not scan or may break the rules (red bars...)."""


@dataclass(frozen=True)
class Geometry:
    """The physical choices: module width, bar height, print-gain compensation, text, colours."""

    module_mm: float
    bar_height_mm: float
    bwr_mm: float = 0.0
    show_text: bool = True
    light_margin_mark: bool = True
    foreground: str = "#000000"
    background: str = "#FFFFFF"
    #: GB 12904 7.1.2 (table 4): bars of the digits 1, 2, 7, 8 narrowed or widened by X/13.
    adjust_digits: bool = False
    #: Bearer bars (ITF-14) as a frame round the symbol and its quiet zones, or "horizontal":
    #: only above and below the bars, for printing without plates (GS1 GenSpecs 5.3.2.5).
    bearer: str = "frame"
    #: The module widths (mm) a raster writer must keep when it rounds X to whole pixels:
    #: GB 12904's magnification range for EAN/UPC, ``None`` where nothing limits X.
    module_range_mm: tuple[float, float] | None = None

    @property
    def magnification(self) -> float:
        return self.module_mm / NOMINAL_MODULE_MM


@dataclass(frozen=True, slots=True)
class Rect:
    """A dark rectangle in module units, y downwards from the top-left of the quiet zone."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Glyphs:
    """Text drawn from the OCR-B outlines: ``em`` is the font size, in module units."""

    text: str
    x: float  # left edge of the first glyph
    baseline: float
    em: float


@dataclass(frozen=True)
class Drawing:
    """Everything a writer draws, in module units, and the scale to millimetres."""

    width: float
    height: float
    bars: tuple[Rect, ...]
    texts: tuple[Glyphs, ...]
    module_mm: float
    bwr_modules: float
    foreground: str
    background: str
    #: :attr:`Geometry.module_range_mm`: what whole-pixel rounding may not leave.
    module_range_mm: tuple[float, float] | None = None


@cache
def font() -> dict[str, Any]:
    """The OCR-B outlines (``scripts/generate_font.py``), read on first use."""
    text = resources.files("tiaoma.data").joinpath("ocrb.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _advance(em: float) -> float:
    """The width of one OCR-B character (a monospaced face) at font size ``em``."""
    ratio: float = font()["glyphs"]["0"]["advance"] / font()["units_per_em"]
    return em * ratio


def _require_range(value: float, low: float, high: float, what: str, what_zh: str) -> None:
    if not low <= value <= high:
        raise InvalidComponent(GEOMETRY, what=what, what_zh=what_zh, found=value,
                               expected=f"{low:g} to {high:g}")  # fmt: skip


def geometry_for(
    symbol: Symbol,
    *,
    magnification: float | None = None,
    module_mm: float | None = None,
    bar_height_mm: float | None = None,
    bwr_mm: float = 0.0,
    show_text: bool = True,
    light_margin_mark: bool = True,
    foreground: str = "#000000",
    background: str = "#FFFFFF",
    allow_any_magnification: bool = False,
    adjust_digits: bool = False,
    bearer: str = "frame",
) -> Geometry:
    """The geometry of ``symbol`` from the choices a designer makes, checked against the rules.

    EAN/UPC: ``magnification`` 0.80-2.00 sets X = 0.330 mm × magnification and the bar height
    (GB 12904); outside that range only with ``allow_any_magnification`` and a warning.
    ``adjust_digits`` draws the bars of the digits 1, 2, 7 and 8 1/13 module narrower or wider
    as GB 12904 7.1.2 (table 4) has it, to help scanners tell them apart. ``bearer`` draws an
    ITF-14's bearer bars as a ``"frame"`` or ``"horizontal"`` bars above and below only.
    """
    geometry, problems = _geometry(
        symbol.symbology,
        symbol.modules_per_x,
        magnification=magnification,
        module_mm=module_mm,
        bar_height_mm=bar_height_mm,
        bwr_mm=bwr_mm,
        show_text=show_text,
        light_margin_mark=light_margin_mark,
        foreground=foreground,
        background=background,
        allow_any=allow_any_magnification,
        adjust_digits=adjust_digits,
        bearer=bearer,
    )
    _check_ratio(symbol, geometry.module_mm * symbol.modules_per_x)
    for problem in problems:
        warnings.warn(problem, ArtworkWarning, stacklevel=2)
    return geometry


def _check_ratio(symbol: Symbol, x_mm: float) -> None:
    """ISO/IEC 16388 (Code 39) and 16390 (ITF): a wide:narrow ratio of at least 2.2 when X is
    under 0.50 mm; the encoders keep it within 2.0-3.0, but only the geometry knows X."""
    standard = _RATIO_STANDARDS.get(symbol.symbology)
    if standard is None or x_mm >= SMALL_X_MM - 1e-9:
        return
    widest = max(end - start for row in symbol.rows for start, end in _runs_both(row.modules))
    ratio = widest / symbol.modules_per_x
    if ratio < SMALL_X_MIN_RATIO - 1e-9:
        raise InvalidComponent(RATIO_FOR_X, ratio=f"{ratio:g}", x_mm=f"{x_mm:.3f}",
                               standard=standard)  # fmt: skip


def _runs_both(modules: str) -> list[tuple[int, int]]:
    """[start, end) of every run of dark modules and of light ones."""
    light = runs(modules.translate(_INVERT))
    return runs(modules) + light


_INVERT = str.maketrans("01", "10")


@lru_cache(maxsize=4096)  # a run of artwork asks for one geometry thousands of times
def _geometry(
    symbology: Symbology,
    modules_per_x: int,
    *,
    magnification: float | None,
    module_mm: float | None,
    bar_height_mm: float | None,
    bwr_mm: float,
    show_text: bool,
    light_margin_mark: bool,
    foreground: str,
    background: str,
    allow_any: bool,
    adjust_digits: bool,
    bearer: str,
) -> tuple[Geometry, tuple[str, ...]]:
    """The geometry and the warnings it deserves (kept, so they are given on every call)."""
    # X may span several modules (a 5:2 wide:narrow ratio draws X as 2): size the module.
    module, problem = _module_mm(symbology, magnification, module_mm, allow_any)
    module /= modules_per_x
    scale = module / NOMINAL_MODULE_MM
    height = bar_height_mm
    if height is None:
        default = _BAR_HEIGHT_MM.get(symbology, EAN_BAR_HEIGHT_MM)
        height = default * scale if symbology in UPC_EAN else max(15.0, 40 * module)
    _require_range(height, 2 * module, 1000.0, "bar height (mm)", "条高（毫米）")
    _require_range(bwr_mm, 0.0, 0.5 * module, "bar width reduction (mm)", "条宽减少量（毫米）")
    if bearer not in BEARER_STYLES:
        raise InvalidComponent(GEOMETRY, what="bearer bars", what_zh="保护框", found=bearer,
                               expected=" or ".join(BEARER_STYLES))  # fmt: skip
    problems = tuple(p for p in (problem, _colour_problem(foreground, background)) if p)
    module_range = _module_range(symbology, modules_per_x) if problem is None else None
    geometry = Geometry(module, height, bwr_mm, show_text, light_margin_mark, foreground,
                        background, adjust_digits, bearer, module_range)  # fmt: skip
    return geometry, problems


def _module_range(symbology: Symbology, modules_per_x: int) -> tuple[float, float] | None:
    """The module widths a raster writer must keep X within: GB 12904's magnification range
    for EAN/UPC (nothing limits the others), unless the caller chose to go outside it."""
    if symbology not in UPC_EAN:
        return None
    low, high = MAGNIFICATION_RANGE
    return NOMINAL_MODULE_MM * low / modules_per_x, NOMINAL_MODULE_MM * high / modules_per_x


def _module_mm(symbology: Symbology, magnification: float | None, module_mm: float | None,
               allow_any: bool) -> tuple[float, str | None]:  # fmt: skip
    if module_mm is not None and magnification is not None:
        raise InvalidComponent(GEOMETRY, what="size", what_zh="尺寸", found="both given",
                               expected="magnification or module width, not both")  # fmt: skip
    if module_mm is None:
        nominal = _DEFAULT_MODULE_MM.get(symbology, NOMINAL_MODULE_MM)
        module_mm = nominal * (1.0 if magnification is None else magnification)
    problem = None
    if symbology in UPC_EAN:
        found = round(module_mm / NOMINAL_MODULE_MM, 4)
        low, high = MAGNIFICATION_RANGE
        if not low <= found <= high:
            if not allow_any:
                raise InvalidComponent(MAGNIFICATION, found=found, low=low, high=high)
            problem = (f"magnification {found} is outside {low}-{high} (GB 12904): use it only "
                       "where the print process is accurate enough")  # fmt: skip
    _require_range(module_mm, 0.05, 50.0, "module width (mm)", "模块宽度（毫米）")
    return module_mm, problem


def _rgb(colour: str) -> tuple[float, float, float]:
    text = colour.lstrip("#")
    if len(text) != 6 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise InvalidComponent(GEOMETRY, what="colour", what_zh="颜色", found=colour,
                               expected="#RRGGBB")  # fmt: skip
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


@lru_cache(maxsize=1024)  # a run of artwork uses one pair of colours
def _colour_problem(foreground: str, background: str) -> str | None:
    dark, light = _rgb(foreground), _rgb(background)
    contrast = light[0] - dark[0]
    if dark[0] > 0.5 and dark[0] > 2 * max(dark[1], dark[2], 0.01):
        return f"red bars ({foreground}) do not scan: scanners use red light"
    if contrast < RED_LIGHT_CONTRAST_MIN:
        return (f"low contrast under red light between {foreground} and {background}: "
                f"{contrast:.0%}, below {RED_LIGHT_CONTRAST_MIN:.0%}")  # fmt: skip
    return None


@dataclass(frozen=True)
class Placement:
    """Where ``layout`` puts things for one symbol shape and geometry, before any bar is known.

    Everything here follows from the symbol's shape (symbology, size, rows, guards, text
    positions) and the geometry, never from its modules or characters: the template writers
    (:mod:`tiaoma.render.template`) reuse one placement for every symbol of that shape.
    """

    symbol: Symbol
    geometry: Geometry
    origin_x: float
    origin_y: float
    rows: tuple[tuple[float, float], ...]  # (top, height) of each row, in modules
    addon_drop: float
    guard_extension: float
    width: float
    height: float
    #: The foot of the bearer bars' frame: above the text, which goes outside it.
    frame_height: float

    def bar(self, row: int, start: int, end: int) -> Rect:
        """The rectangle of the dark run [start, end) of row ``row``.

        Guard bars and add-ons reach down only in the linear rows (those of the bar height):
        a composite's 2D rows and separator marks above an EAN/UPC keep their own heights.
        """
        top, height = self.rows[row]
        symbol = self.symbol
        if symbol.rows[row].height is not None:
            return Rect(self.origin_x + start, top, end - start, height)
        extra = self.guard_extension if any(g0 <= start < g1 for g0, g1 in symbol.guards) else 0.0
        if symbol.addon_start is not None and start >= symbol.addon_start:
            # Add-on bars start below their digits and end level with the guard bars.
            top, extra = top + self.addon_drop, self.guard_extension - self.addon_drop
        return Rect(self.origin_x + start, top, end - start, height + extra)

    def glyphs(self) -> list[Glyphs]:
        """The text runs, placed."""
        symbol, geometry = self.symbol, self.geometry
        if not geometry.show_text:
            return []
        bar_height = geometry.bar_height_mm / geometry.module_mm
        return [Glyphs(g.text, g.x + self.origin_x, g.baseline + self.origin_y, g.em)
                for g in _texts(symbol, geometry, bar_height)]  # fmt: skip

    def frame(self) -> list[Rect]:
        """The bearer bars, if any."""
        thickness = float(self.symbol.bearer_bars)
        if not thickness:
            return []
        width, height = self.width, self.frame_height
        bars = [Rect(0, 0, width, thickness), Rect(0, height - thickness, width, thickness)]
        if self.geometry.bearer == "frame":  # GS1 GenSpecs 5.3.2.5: the frame's sides
            side = height - 2 * thickness
            bars += [Rect(0, thickness, thickness, side),
                     Rect(width - thickness, thickness, thickness, side)]  # fmt: skip
        return bars


def placement(symbol: Symbol, geometry: Geometry) -> Placement:
    """The :class:`Placement` of ``symbol`` at ``geometry``."""
    module = geometry.module_mm
    quiet = symbol.quiet_zone
    frame = symbol.bearer_bars
    sides = frame if geometry.bearer == "frame" else 0
    bar_height = geometry.bar_height_mm / module
    origin_x, origin_y = quiet.left + sides, quiet.top + frame
    rows = []
    y = float(origin_y)
    for row in symbol.rows:
        height = bar_height if row.height is None else row.height
        rows.append((y, height))
        y += height
    frame_height = y + quiet.bottom + frame
    if frame:  # the digits go below the frame (GS1 GenSpecs 5.3.2.5)
        height = frame_height + _below_frame(symbol, geometry)
    else:
        height = y + _below_bars(symbol, geometry) + quiet.bottom
    width = quiet.left + symbol.width + quiet.right + 2 * sides
    guard_extension = GUARD_EXTENSION if symbol.symbology in UPC_EAN else 0.0
    addon_drop = _addon_drop(symbol, geometry)
    return Placement(symbol, geometry, origin_x, origin_y, tuple(rows), addon_drop,
                     guard_extension, width, height, frame_height)  # fmt: skip


def layout(symbol: Symbol, geometry: Geometry) -> Drawing:
    """Place every bar, guard, text and mark of ``symbol`` at ``geometry``."""
    place = placement(symbol, geometry)
    bars = [place.bar(index, start, end) for index, row in enumerate(symbol.rows)
            for start, end in runs(row.modules)]  # fmt: skip
    if geometry.adjust_digits:
        bars = _adjusted(symbol, bars, place.origin_x)
    bars += place.frame()
    return Drawing(place.width, place.height, tuple(bars), tuple(place.glyphs()),
                   geometry.module_mm, geometry.bwr_mm / geometry.module_mm, geometry.foreground,
                   geometry.background, geometry.module_range_mm)  # fmt: skip


def _adjusted(symbol: Symbol, bars: list[Rect], origin_x: float) -> list[Rect]:
    """The bars with GB 12904 table 4 applied. A character's outer edges stay put: where it
    begins with a space (left half, add-ons) its bars' left edges move, where it begins with a
    bar (right half) their right edges, so the spaces take up what the bars give."""
    modules = symbol.rows[0].modules
    moves: dict[int, tuple[float, float]] = {}
    for first, end, change in symbol.adjustments:
        edge = (change, 0.0) if modules[first] == "0" else (0.0, change)
        for start, _ in runs(modules[first:end]):
            moves[first + start] = edge
    adjusted = []
    for bar in bars:
        left, right = moves.get(round(bar.x - origin_x), (0.0, 0.0))
        adjusted.append(Rect(bar.x - left, bar.y, bar.w + left + right, bar.h))
    return adjusted


def _rows_height(symbol: Symbol, bar_height: float) -> float:
    return sum(bar_height if row.height is None else row.height for row in symbol.rows)


def _linear_top(symbol: Symbol) -> float:
    """Modules above the first row of the bar height: a composite's 2D rows and separator."""
    top = 0.0
    for row in symbol.rows:
        if row.height is None:
            break
        top += row.height
    return top


def _below_bars(symbol: Symbol, geometry: Geometry) -> float:
    if symbol.symbology in UPC_EAN:
        return EAN_TEXT_BAND if geometry.show_text else GUARD_EXTENSION
    if geometry.show_text and symbol.text:
        return _text_em(symbol, geometry) * 1.25
    return 0.0


def _below_frame(symbol: Symbol, geometry: Geometry) -> float:
    if geometry.show_text and symbol.text:
        return BEARER_TEXT_GAP_MM / geometry.module_mm + _text_em(symbol, geometry) * 1.0
    return 0.0


def _addon_drop(symbol: Symbol, geometry: Geometry) -> float:
    """Room above an add-on's bars for its digits (GS1 GenSpecs 5.2.3.6)."""
    return _ean_em() if symbol.addon_start is not None and geometry.show_text else 0.0


def _ean_em() -> float:
    # Seven modules per digit: the OCR-B advance fills one symbol character's width.
    return 7.0 / _advance(1.0)


def _text_em(symbol: Symbol, geometry: Geometry) -> float:
    """Font size of the other symbologies: about 2.5 mm, narrower if the text must fit."""
    longest = max(len(item.text) for item in symbol.text)
    fits = symbol.width / max(longest, 1) / (_advance(1.0) * 1.05)
    return min(2.5 / geometry.module_mm * 1.4, fits)


def runs(modules: str) -> list[tuple[int, int]]:
    """[start, end) of every run of dark modules."""
    runs: list[tuple[int, int]] = []
    index, size = 0, len(modules)
    while True:
        start = modules.find("1", index)
        if start < 0:
            return runs
        end = modules.find("0", start)
        end = size if end < 0 else end
        runs.append((start, end))
        index = end


def _texts(symbol: Symbol, geometry: Geometry, bar_height: float) -> list[Glyphs]:
    if not symbol.text:
        return []
    rows_height = _rows_height(symbol, bar_height)
    if symbol.symbology in UPC_EAN:
        em = _ean_em()
        baseline = rows_height + EAN_TEXT_BAND - 1.0
    else:
        em = _text_em(symbol, geometry)
        baseline = rows_height + em * 1.05
        if symbol.bearer_bars:  # below the frame, 1.02 mm clear of it
            below_frame = symbol.quiet_zone.bottom + symbol.bearer_bars
            gap = BEARER_TEXT_GAP_MM / geometry.module_mm
            baseline = rows_height + below_frame + gap + em * DIGIT_HEIGHT
    advance = _advance(em)
    # An add-on's digits sit above its bars, at the top of the linear rows (under a
    # composite's 2D rows, beside them).
    addon_line = _linear_top(symbol) + em * 0.82
    glyphs = []
    for item in symbol.text:
        is_addon = symbol.addon_start is not None and item.x >= symbol.addon_start
        line = addon_line if is_addon else baseline
        glyphs.append(Glyphs(item.text, item.x - advance * len(item.text) / 2, line, em))
    if symbol.light_margin_mark and geometry.light_margin_mark:
        # GB 12904: ">" at the right edge of the right quiet zone marks its extent.
        right = symbol.width + symbol.quiet_zone.right - advance
        glyphs.append(Glyphs(">", right, baseline, em))
    return glyphs
