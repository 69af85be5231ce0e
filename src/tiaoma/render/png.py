"""PNG on a whole-pixel grid: every module is the same whole number of pixels.

A scanner decodes bar widths as ratios; bars that straddle pixels come out one pixel wider or
narrower at random, which is how loose renderers make decoders misread. Here the module is
``round(X × dpi / 25.4)`` pixels (at least one), every edge falls on a pixel boundary, and
:func:`pixels_per_module` says what X the pixels actually give. Where the drawing says X must
stay in a range (an EAN/UPC: GB 12904's magnification 0.80-2.00), the module is the nearest
whole number of pixels inside it: at 600 dpi magnification 0.80 would round to 6 pixels, X
0.254 mm (0.77), so it is drawn 7 pixels wide, X 0.296 mm (0.90). A printer gets artwork that
conforms rather than a warning to act on; a resolution with no whole-pixel X in the range is
refused. Bar width reduction is taken
off whole pixels. The image is a 1-bit palette PNG with its resolution in the pHYs chunk.

>>> from tiaoma.symbols import upcean
>>> from tiaoma.render import geometry_for, layout
>>> symbol = upcean.ean13("6936983800013")
>>> drawing = layout(symbol, geometry_for(symbol))
>>> pixels_per_module(drawing, dpi=600)
(8, 0.3387)
>>> to_png(drawing, dpi=600)[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import math
import struct
import zlib
from functools import cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tiaoma.errors import InvalidComponent, define
from tiaoma.render._deflate import zlib_stream
from tiaoma.render.layout import Drawing, Glyphs, Rect, font
from tiaoma.render.svg import MISSING_ADVANCE

__all__ = [
    "Scanlines",
    "encode",
    "font_extent",
    "packed_rows",
    "paint_bar",
    "pixel_scale",
    "pixels_per_module",
    "place_glyph",
    "to_image",
    "to_png",
]

RESOLUTION_RANGE = define(
    "render.resolution_range",
    "{dpi} dpi has no whole number of pixels per module between {low} and {high} mm (GB 12904's "
    "magnification range): choose another resolution",
    "{dpi} dpi 下没有介于 {low} 与 {high} 毫米之间的整像素模块宽度（GB 12904 放大系数范围）："
    "请换一个分辨率",
)
RESOLUTION = define(
    "render.resolution",
    "{dpi} dpi is too low for a {module_mm} mm module: it needs at least {needed} dpi for one "
    "whole pixel per module",
    "{dpi} dpi 分辨率过低：{module_mm} 毫米的模块至少需要 {needed} dpi 才能占满一个像素",
)
MM_PER_INCH = 25.4
Image = npt.NDArray[np.bool_]


def pixels_per_module(drawing: Drawing, *, dpi: float) -> tuple[int, float]:
    """Whole pixels per module at ``dpi``, and the module width in mm they really give.

    >>> from tiaoma.symbols import upcean
    >>> from tiaoma.render import geometry_for, layout
    >>> symbol = upcean.ean13("6936983800013")
    >>> pixels_per_module(layout(symbol, geometry_for(symbol, magnification=0.8)), dpi=600)
    (7, 0.2963)
    """
    return _whole_pixels(drawing.module_mm, dpi, drawing.module_range_mm)


def _whole_pixels(module_mm: float, dpi: float,
                  within: tuple[float, float] | None = None) -> tuple[int, float]:  # fmt: skip
    pixels = round(module_mm * dpi / MM_PER_INCH)
    if within is not None:
        pixels = _nearest_within(pixels, dpi, within)
    if pixels < 1:
        needed = int(MM_PER_INCH / module_mm / 0.5) + 1
        raise InvalidComponent(RESOLUTION, dpi=dpi, module_mm=module_mm, needed=needed)
    return pixels, round(pixels * MM_PER_INCH / dpi, 4)


def _nearest_within(pixels: int, dpi: float, within: tuple[float, float]) -> int:
    """``pixels`` moved to the nearest count whose module width lies in ``within`` (mm)."""
    low, high = (mm * dpi / MM_PER_INCH for mm in within)
    fewest, most = max(1, math.ceil(low - 1e-9)), math.floor(high + 1e-9)
    if fewest > most:
        raise InvalidComponent(RESOLUTION_RANGE, dpi=dpi, low=round(within[0], 4),
                               high=round(within[1], 4))  # fmt: skip
    return min(max(pixels, fewest), most)


def to_image(drawing: Drawing, *, dpi: float = 600, module_px: int | None = None,
             bwr_px: int | None = None) -> Image:  # fmt: skip
    """The drawing as a boolean image, ``True`` where it is dark.

    ``module_px`` fixes the pixels per module (then ``dpi`` only labels the file); ``bwr_px``
    the bar width reduction in pixels (else the drawing's, rounded to whole pixels).
    """
    scale, reduction = pixel_scale(drawing.module_mm, drawing.bwr_modules, dpi=dpi,
                                   module_px=module_px, bwr_px=bwr_px,
                                   module_range_mm=drawing.module_range_mm)  # fmt: skip
    image = np.zeros((round(drawing.height * scale), round(drawing.width * scale)), dtype=bool)
    for bar in drawing.bars:
        paint_bar(image, bar, scale, reduction)
    for run in drawing.texts:
        for index, char in enumerate(run.text):
            glyph = place_glyph(run, index, char, scale)
            if glyph is not None:
                paste(image, *glyph)
    return image


def pixel_scale(module_mm: float, bwr_modules: float, *, dpi: float, module_px: int | None,
                bwr_px: int | None,
                module_range_mm: tuple[float, float] | None = None) -> tuple[int, int]:  # fmt: skip
    """Pixels per module (kept within ``module_range_mm`` if given) and the bar width reduction
    in whole pixels."""
    scale = (module_px if module_px is not None
             else _whole_pixels(module_mm, dpi, module_range_mm)[0])  # fmt: skip
    reduction = bwr_px if bwr_px is not None else round(bwr_modules * scale)
    return scale, reduction


def paint_bar(image: Image, bar: Rect, scale: int, reduction: int) -> None:
    """Darken one bar, ``reduction`` pixels narrower (the odd one taken off the right)."""
    x0, x1 = round(bar.x * scale), round((bar.x + bar.w) * scale)
    cut_left, cut_right = reduction // 2, reduction - reduction // 2
    image[round(bar.y * scale) : round((bar.y + bar.h) * scale),
          x0 + cut_left : max(x0 + cut_left, x1 - cut_right)] = True  # fmt: skip


def place_glyph(run: Glyphs, index: int, char: str, scale: float) -> tuple[Image, int, int] | None:
    """The bitmap of the ``index``-th character of ``run`` and its top-left pixel, if it draws."""
    data = font()
    glyph = data["glyphs"].get(char)
    if not glyph or not glyph["polygons"]:  # a space has an advance but nothing to fill
        return None
    size = run.em * scale / data["units_per_em"]
    x = run.x * scale
    for _ in range(index):  # added up as a reader's pen moves, one advance at a time
        x += MISSING_ADVANCE * size
    bitmap, left, top = _glyph_bitmap(char, round(size, 6), round(x % 1, 2))
    return bitmap, int(x) + left, round(run.baseline * scale) + top


def paste(image: Image, bitmap: Image, left: int, top: int) -> None:
    height, width = image.shape
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + bitmap.shape[0], height), min(left + bitmap.shape[1], width)
    if y1 > y0 and x1 > x0:
        image[y0:y1, x0:x1] |= bitmap[y0 - top : y1 - top, x0 - left : x1 - left]


@cache
def _glyph_bitmap(char: str, size: float, shift: float) -> tuple[Image, int, int]:
    """A glyph filled by the even-odd rule at pixel centres; its offset from the pen position."""
    contours = [np.array(polygon, dtype=float).reshape(-1, 2) * size
                for polygon in font()["glyphs"][char]["polygons"]]  # fmt: skip
    for contour in contours:
        contour[:, 0] += shift
        contour[:, 1] *= -1  # font y is up, image y is down
    points = np.concatenate(contours)
    left, top = int(np.floor(points[:, 0].min())), int(np.floor(points[:, 1].min()))
    right, bottom = int(np.ceil(points[:, 0].max())), int(np.ceil(points[:, 1].max()))
    bitmap = np.zeros((bottom - top + 1, right - left + 1), dtype=bool)
    starts = np.concatenate(contours)
    ends = np.concatenate([np.roll(contour, -1, axis=0) for contour in contours])
    columns = np.arange(left, right + 1) + 0.5
    for row in range(top, bottom + 1):
        y = row + 0.5
        crossing = (starts[:, 1] <= y) != (ends[:, 1] <= y)
        if not crossing.any():
            continue
        s, e = starts[crossing], ends[crossing]
        xs = np.sort(s[:, 0] + (y - s[:, 1]) * (e[:, 0] - s[:, 0]) / (e[:, 1] - s[:, 1]))
        inside = np.searchsorted(xs, columns) % 2 == 1
        bitmap[row - top] = inside
    return bitmap, left, top


@cache
def font_extent() -> tuple[float, float]:
    """The lowest and highest y of any OCR-B glyph, in font units (y up)."""
    ys = [y for glyph in font()["glyphs"].values() for polygon in glyph["polygons"]
          for y in polygon[1::2]]  # fmt: skip
    return min(ys), max(ys)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def palette(foreground: str, background: str) -> bytes:
    """The PLTE entries: index 0 the light colour, 1 the dark."""
    return bytes.fromhex(background.lstrip("#")) + bytes.fromhex(foreground.lstrip("#"))


def to_png(drawing: Drawing, *, dpi: float = 600, module_px: int | None = None,
           bwr_px: int | None = None) -> bytes:  # fmt: skip
    """The drawing as a 1-bit palette PNG, its resolution recorded (pHYs) for print and grading."""
    image = to_image(drawing, dpi=dpi, module_px=module_px, bwr_px=bwr_px)
    height, width = image.shape
    colours = palette(drawing.foreground, drawing.background)
    return encode(Scanlines.of(image), width, height, colours, dpi)


class Scanlines(NamedTuple):
    """The PNG's uncompressed image data, each row a filter byte (0, none) and its packed bits:
    ``top + row * repeat + bottom``, the repeated row told apart so it need not be compressed."""

    top: bytes
    row: bytes
    repeat: int
    bottom: bytes

    @classmethod
    def of(cls, image: Image) -> Scanlines:
        """The image's scanlines, its longest run of equal rows as the repeated row."""
        rows = packed_rows(image)
        start, stop = _longest_repeat(rows)
        return cls(rows[:start].tobytes(), rows[start].tobytes() if stop > start else b"",
                   stop - start, rows[stop:].tobytes())  # fmt: skip


def packed_rows(image: Image) -> npt.NDArray[np.uint8]:
    """Each row of the image as a PNG scanline: a filter byte (0, none) and its packed bits."""
    packed = np.packbits(image, axis=1)
    return np.concatenate([np.zeros((len(packed), 1), dtype=np.uint8), packed], axis=1)


def _longest_repeat(rows: npt.NDArray[np.uint8]) -> tuple[int, int]:
    """[start, stop) of the longest run of equal consecutive rows."""
    if not len(rows):
        return 0, 0
    same = np.concatenate([[False], (rows[1:] == rows[:-1]).all(axis=1), [False]])
    # same[i]: row i equals row i - 1. Where it turns true, the run's first row is the one
    # before; where it turns false, the run's last row is the one before.
    edges = np.flatnonzero(np.diff(same.astype(np.int8)))
    if not len(edges):
        return 0, 1
    starts, stops = edges[::2], edges[1::2] + 1
    longest = int(np.argmax(stops - starts))
    return int(starts[longest]), int(stops[longest])


def encode(lines: Scanlines, width: int, height: int, palette: bytes, dpi: float) -> bytes:
    """A 1-bit palette PNG of ``lines``, ``palette`` (light, dark), resolution ``dpi``."""
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)),
            _chunk(b"PLTE", palette),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib_stream(*lines)),
            _chunk(b"IEND", b""),
        )
    )
