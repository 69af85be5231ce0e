"""Artwork by template: the same bytes as the general writers, written many times faster.

A member company's artwork, a label sheet or a web page of barcodes draws thousands of symbols
of one shape: the same symbology, size, rows and text positions, at the same geometry. All that
depends only on the shape (the placement, the document's head, the ``>`` mark, bearer bars) is
worked out once per shape; the bars are pasted a few at a time, each piece written once per
position and pattern and kept; the digits are pasted from pieces kept per position and
character. So an EAN-13 costs a dozen dictionary look-ups instead of laying out and formatting
thirty bars and fourteen glyphs.

Every piece is made by the general writers' own functions (:mod:`tiaoma.render.svg`,
:mod:`tiaoma.render.png`) from the general layout (:mod:`tiaoma.render.layout`), and the tests
hold :func:`svg` and :func:`png` to the general writers' output byte for byte.

>>> from tiaoma.symbols import upcean
>>> from tiaoma.render import geometry_for, layout
>>> from tiaoma.render.svg import to_svg
>>> symbol = upcean.ean13("6936983800013")
>>> geometry = geometry_for(symbol)
>>> svg(symbol, geometry) == to_svg(layout(symbol, geometry))
True
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from functools import reduce
from itertools import accumulate
from operator import getitem, or_
from typing import Any

import numpy as np

from tiaoma.render.layout import Geometry, Glyphs, Placement, font, layout, placement, runs
from tiaoma.render.png import (
    Image,
    Scanlines,
    encode,
    font_extent,
    packed_rows,
    paint_bar,
    palette,
    paste,
    pixel_scale,
    place_glyph,
    to_png,
)
from tiaoma.render.svg import (
    bar_subpath,
    document_body,
    document_ends,
    glyph_defs,
    glyph_use,
    to_svg,
)
from tiaoma.symbols.base import Symbol

__all__ = ["png", "svg"]

#: A piece: up to four bars with the light modules before each; no bar is ever cut in two.
_PIECE = re.compile(r"(?:0*1+){1,4}")
#: Bounds on what is kept, so that a long-running server's memory stays flat (a few tens of
#: MB at worst; an EAN-13 needs about 300 pieces, a QR code's rows rarely repeat).
MAX_SHAPES = 16
PIECES_PER_SHAPE = 1 << 14


def _shape_key(symbol: Symbol, geometry: Geometry) -> tuple[Any, ...]:
    """Everything the placement depends on, and nothing of the modules or characters."""
    return (
        symbol.symbology,
        symbol.quiet_zone,
        symbol.guards,
        symbol.addon_start,
        symbol.bearer_bars,
        symbol.light_margin_mark,
        tuple([(len(row.modules), row.height) for row in symbol.rows]),
        tuple([(item.x, item.width, len(item.text)) for item in symbol.text]),
        geometry,
    )


def _piece_keys(modules: str) -> Iterator[tuple[int, str]]:
    """(start, modules) of each piece of a row, made in C: no Python loop per piece."""
    found = _PIECE.findall(modules)
    # One start more than there are pieces (the end): zip stops at the pieces' end.
    return zip(accumulate(map(len, found), initial=0), found, strict=False)


class _Kept(dict[Any, Any]):
    """A dictionary that forgets everything once it holds ``limit`` entries."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


class _Pieces(_Kept):
    """Pieces made on first use by ``make(key)``: looked up in C, no Python call on a hit."""

    def __init__(self, make: Callable[[Any], Any], shared_by: int) -> None:
        super().__init__(max(256, PIECES_PER_SHAPE // shared_by))
        self.make = make

    def __missing__(self, key: Any) -> Any:
        return self.keep(key, self.make(key))


def _mark(place: Placement) -> str:
    """The text runs after the symbol's own: the > light-margin mark, if drawn."""
    runs = place.glyphs()
    return "".join(run.text for run in runs[len(place.symbol.text) :])


class _SvgShape:
    """The SVG of one shape: its fixed parts, and the pieces made so far."""

    def __init__(self, place: Placement) -> None:
        self.place = place
        geometry = place.geometry
        self.scale = geometry.module_mm
        self.reduction = geometry.bwr_mm / geometry.module_mm
        self.runs = place.glyphs()
        frame = place.frame()
        self.frame = "".join(bar_subpath(bar, self.scale, self.reduction) for bar in frame)
        # One dictionary per row of (start, modules) -> subpaths, one per text position of
        # character -> <use>: a symbol is then a join over look-ups.
        rows = len(place.rows)
        self.bars = [_Pieces(functools.partial(self._bar_piece, row), rows)
                     for row in range(rows)]  # fmt: skip
        # One slot per character position, all runs in a row: a symbol's text is then one
        # string, its characters and the > mark, mapped over the slots.
        self.slots = [_Pieces(functools.partial(glyph_use, run, index, module_mm=self.scale), 1)
                      for run in self.runs for index in range(len(run.text))]  # fmt: skip
        self.mark = _mark(place)
        self.defs = _Pieces(glyph_defs, 1)
        colours = (geometry.foreground, geometry.background)
        self.head, self.tail = document_ends(place.width * self.scale, place.height * self.scale,
                                             colours)  # fmt: skip

    def _bar_piece(self, row: int, key: tuple[int, str]) -> str:
        start, modules = key
        bars = (self.place.bar(row, start + s, start + e) for s, e in runs(modules))
        return "".join(bar_subpath(bar, self.scale, self.reduction) for bar in bars)

    def write(self, symbol: Symbol) -> bytes:
        path = []
        for pieces, row in zip(self.bars, symbol.rows, strict=True):
            path.append("".join(map(pieces.__getitem__, _piece_keys(row.modules))))
        path.append(self.frame)
        text = "".join([item.text for item in symbol.text]) + self.mark if self.slots else ""
        uses = "".join(map(getitem, self.slots, text))
        return document_body(self.head, "".join(path), self.defs[frozenset(text)], uses,
                             self.tail)  # fmt: skip


class _PngShape:
    """The PNG of one shape at one pixel scale: its fixed pixels, and the pieces made so far.

    The rows that every bar crosses from top to bottom and no text reaches (the band) are all
    alike: an image is held with the band as one row, as one integer whose bits are the PNG's
    scanlines. Pasting a piece is then one ``|`` of two integers (a numpy slice costs more in
    overhead than the few hundred pixels it moves), and the band's rows are repeated by the
    zlib writer without being compressed (:mod:`tiaoma.render._deflate`).
    """

    def __init__(self, place: Placement, scale: int, reduction: int) -> None:
        self.place = place
        self.scale, self.reduction = scale, reduction
        geometry = place.geometry
        self.palette = palette(geometry.foreground, geometry.background)
        self.runs = place.glyphs()
        base = self._blank()
        self.height, self.width = base.shape
        for bar in place.frame():
            paint_bar(base, bar, scale, reduction)
        self.band = self._band()
        self.stride = packed_rows(base).shape[1]
        self.size = (self.height - max(self.band[1] - self.band[0] - 1, 0)) * self.stride
        self.base = self._collapse(base)
        rows = len(place.rows)
        self.bars = [_Pieces(functools.partial(self._bar_piece, row), rows)
                     for row in range(rows)]  # fmt: skip
        self.slots = [_Pieces(functools.partial(self._glyph_piece, run, index), 1)
                      for run in self.runs for index in range(len(run.text))]  # fmt: skip
        self.mark = _mark(place)

    def _blank(self) -> Image:
        place = self.place
        return np.zeros((round(place.height * self.scale), round(place.width * self.scale)),
                        dtype=bool)  # fmt: skip

    def _band(self) -> tuple[int, int]:
        """The longest run of pixel rows crossed by every possible bar of one row, untouched
        by text: [start, stop)."""
        scale, place = self.scale, self.place
        text_rows = [_text_rows(run, scale) for run in self.runs]
        best = (0, 0)
        for index, row in enumerate(place.symbol.rows):
            bars = [place.bar(index, x, x + 1) for x in range(len(row.modules))]
            start = max(round(bar.y * scale) for bar in bars)
            stop = min(round((bar.y + bar.h) * scale) for bar in bars)
            for text_start, text_stop in text_rows:
                if text_start < stop and start < text_stop:  # keep the longer side
                    upper, lower = (start, text_start), (text_stop, stop)
                    start, stop = max(upper, lower, key=lambda r: r[1] - r[0])
            if stop - start > best[1] - best[0]:
                best = (start, stop)
        return best

    def _collapse(self, image: Image) -> int:
        """The image's scanlines, its band as one row, as an integer."""
        rows = packed_rows(image)
        start, stop = self.band
        if stop > start:
            if not (rows[start:stop] == rows[start]).all():  # pragma: no cover - a bug if so
                raise RuntimeError("a piece differs across the repeated rows")
            rows = np.concatenate([rows[: start + 1], rows[stop:]])
        return int.from_bytes(rows.tobytes(), "big")

    def _bar_piece(self, row: int, key: tuple[int, str]) -> int:
        start, modules = key
        image = self._blank()
        for s, e in runs(modules):
            paint_bar(image, self.place.bar(row, start + s, start + e), self.scale, self.reduction)
        return self._collapse(image)

    def _glyph_piece(self, run: Glyphs, index: int, char: str) -> int:
        image = self._blank()
        glyph = place_glyph(run, index, char, self.scale)
        if glyph is not None:
            paste(image, *glyph)
        return self._collapse(image)

    def write(self, symbol: Symbol, dpi: float) -> bytes:
        image = self.base
        for pieces, row in zip(self.bars, symbol.rows, strict=True):
            image = reduce(or_, map(pieces.__getitem__, _piece_keys(row.modules)), image)
        text = "".join([item.text for item in symbol.text]) + self.mark if self.slots else ""
        image = reduce(or_, map(getitem, self.slots, text), image)
        raw = image.to_bytes(self.size, "big")
        start, stop = self.band
        top, stride = start * self.stride, self.stride
        if stop > start:
            lines = Scanlines(raw[:top], raw[top : top + stride], stop - start, raw[top + stride :])
        else:
            lines = Scanlines(raw, b"", 0, b"")
        return encode(lines, self.width, self.height, self.palette, dpi)


def _text_rows(run: Glyphs, scale: int) -> tuple[int, int]:
    """Pixel rows any character of ``run`` may reach, with a row to spare each side."""
    low, high = font_extent()
    size = run.em * scale / font()["units_per_em"]
    baseline = round(run.baseline * scale)
    return baseline + math.floor(-high * size) - 1, baseline + math.ceil(-low * size) + 2


_svg_shapes: _Kept = _Kept(MAX_SHAPES)
_png_shapes: _Kept = _Kept(MAX_SHAPES)


def svg(symbol: Symbol, geometry: Geometry) -> bytes:
    """``to_svg(layout(symbol, geometry))``, from the pieces kept for the symbol's shape."""
    if geometry.adjust_digits:  # bars that depend on their whole character: no pieces
        return to_svg(layout(symbol, geometry))
    key = _shape_key(symbol, geometry)
    shape: _SvgShape | None = _svg_shapes.get(key)
    if shape is None:
        shape = _svg_shapes.keep(key, _SvgShape(placement(symbol, geometry)))
    return shape.write(symbol)


def png(symbol: Symbol, geometry: Geometry, *, dpi: float = 600, module_px: int | None = None,
        bwr_px: int | None = None) -> bytes:  # fmt: skip
    """``to_png(layout(symbol, geometry), ...)``, from the pieces kept for the symbol's shape."""
    if geometry.adjust_digits:  # bars that depend on their whole character: no pieces
        return to_png(layout(symbol, geometry), dpi=dpi, module_px=module_px, bwr_px=bwr_px)
    place_key = _shape_key(symbol, geometry)
    scale, reduction = pixel_scale(geometry.module_mm, geometry.bwr_mm / geometry.module_mm,
                                   dpi=dpi, module_px=module_px, bwr_px=bwr_px,
                                   module_range_mm=geometry.module_range_mm)  # fmt: skip
    key = (place_key, scale, reduction)
    shape: _PngShape | None = _png_shapes.get(key)
    if shape is None:
        shape = _png_shapes.keep(key, _PngShape(placement(symbol, geometry), scale, reduction))
    return shape.write(symbol, dpi)
