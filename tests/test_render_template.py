"""The template writers give the general writers' output: SVG byte for byte, PNG pixel for
pixel (the same scanlines; only the deflate stream is made differently)."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.numbers import sample_gtins
from tiaoma import checksum
from tiaoma.render import geometry_for, layout, template
from tiaoma.render._deflate import repeat_block, zlib_stream
from tiaoma.render.gallery import EXAMPLES
from tiaoma.render.png import Scanlines, to_png
from tiaoma.render.svg import to_svg
from tiaoma.symbols import upcean
from tiaoma.symbols.base import Symbol
from tiaoma.symbols.choose import encode

GEOMETRIES = [
    {},
    {"magnification": 0.8},
    {"magnification": 2.0, "bwr_mm": 0.02},
    {"show_text": False},
    {"light_margin_mark": False, "foreground": "#003366", "background": "#FFFFEE"},
    {"bar_height_mm": 10.0, "bwr_mm": 0.05},
    {"adjust_digits": True},
    {"bearer": "horizontal", "magnification": 0.5},
]


def _examples() -> list[Symbol]:
    return [encode(data, symbology) for symbology, data, _ in EXAMPLES]


def _png_parts(png: bytes) -> tuple[bytes, bytes]:
    """The chunks before the image data, and the image data decompressed."""
    start = png.index(b"IDAT")
    length = int.from_bytes(png[start - 4 : start], "big")
    return png[: start - 4], zlib.decompress(png[start + 4 : start + 4 + length])


@pytest.mark.parametrize("options", GEOMETRIES)
def test_every_symbology_as_svg_and_png(options: dict[str, object]) -> None:
    for symbol in _examples():
        try:
            geometry = geometry_for(symbol, **options)  # type: ignore[arg-type]
        except ValueError:  # bwr too wide for a narrow module, a bar height for a matrix
            continue
        drawing = layout(symbol, geometry)
        assert template.svg(symbol, geometry) == to_svg(drawing), symbol.symbology
        for module_px in (1, 3):
            fast = template.png(symbol, geometry, module_px=module_px, dpi=300)
            assert _png_parts(fast) == _png_parts(to_png(drawing, module_px=module_px, dpi=300))
        ours = template.png(symbol, geometry, dpi=600, bwr_px=1)
        assert _png_parts(ours) == _png_parts(to_png(drawing, dpi=600, bwr_px=1))


def _ean_or_upc(number: str, addon: str | None, rng: random.Random) -> Symbol:
    if rng.random() < 0.5:
        return upcean.ean13(number, addon_digits=addon)
    body = "0" + number[1:11]
    return upcean.upca(body + checksum.calc_check_digit(body), addon_digits=addon)


def test_random_ean_upc_with_add_ons_at_random_sizes() -> None:
    rng = random.Random(7)
    for number in sample_gtins(300, seed=3):
        symbol = _ean_or_upc(number, rng.choice([None, "07", "52495"]), rng)
        geometry = geometry_for(symbol, magnification=rng.choice([0.8, 1.0, 1.37, 2.0]))
        drawing = layout(symbol, geometry)
        assert template.svg(symbol, geometry) == to_svg(drawing)
        px = rng.choice([1, 2, 4, 8])
        assert _png_parts(template.png(symbol, geometry, module_px=px)) == _png_parts(
            to_png(drawing, module_px=px)
        )


def test_kept_pieces_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template, "PIECES_PER_SHAPE", 8)
    monkeypatch.setattr(template, "_svg_shapes", template._Kept(1))
    numbers = sample_gtins(20, seed=11)
    geometry = geometry_for(upcean.ean13(numbers[0]), magnification=1.11)
    for number in numbers:
        symbol = upcean.ean13(number)
        assert template.svg(symbol, geometry) == to_svg(layout(symbol, geometry))
    shape = next(iter(template._svg_shapes.values()))
    assert all(len(pieces) <= 256 for pieces in shape.bars)
    other = geometry_for(upcean.ean13(numbers[0]), magnification=1.12)
    template.svg(upcean.ean13(numbers[0]), other)
    assert len(template._svg_shapes) == 1


@given(
    top=st.binary(max_size=300),
    row=st.binary(max_size=600),
    repeat=st.integers(0, 400),
    bottom=st.binary(max_size=300),
)
def test_zlib_stream_round_trips(top: bytes, row: bytes, repeat: int, bottom: bytes) -> None:
    assert zlib.decompress(zlib_stream(top, row, repeat, bottom)) == top + row * repeat + bottom


def test_repeat_block_copies_any_length_from_any_distance() -> None:
    for distance in (1, 2, 30, 257, 1000, 32768):
        for total in (3, 4, 258, 259, 260, 261, 516, 5000):
            head = bytes(range(256)) * (distance // 256 + 1)
            stream = b"\x78\x01" + _stored(head[-distance:]) + repeat_block(distance, total)
            stream += b"\x03\x00"  # a final, empty block with fixed codes
            expected = head[-distance:] + (head[-distance:] * (total // distance + 1))[:total]
            assert zlib.decompressobj().decompress(stream) == expected


def _stored(data: bytes) -> bytes:
    """A non-final stored block."""
    size = len(data)
    return b"\x00" + size.to_bytes(2, "little") + (size ^ 0xFFFF).to_bytes(2, "little") + data


def test_scanlines_of_finds_the_longest_repeat() -> None:
    image = np.zeros((9, 8), dtype=bool)
    image[2:7, 3] = True
    lines = Scanlines.of(image)
    assert (len(lines.top), lines.repeat, len(lines.bottom)) == (4, 5, 4)
    assert Scanlines.of(np.zeros((0, 8), dtype=bool)).repeat == 0
    stripes = np.zeros((4, 8), dtype=bool)
    stripes[::2] = True
    assert Scanlines.of(stripes).repeat == 1
