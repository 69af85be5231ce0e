"""tiaoma.verify.image: the bars' height found robustly (issue 24, item 5).

A Code 128 drawn by tiaoma and blurred by about half a module measured a bar height of 0.17 mm
instead of 15.4 mm: the reader's corners sat at the bars' foot, the rows above no longer agreed
pixel for pixel with that faded row, and all ten scans were drawn at the foot of the bars.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from tiaoma.render import artwork, geometry_for
from tiaoma.symbols import code128, upcean
from tiaoma.symbols.base import Symbol
from tiaoma.verify import image
from tiaoma.verify.grading import verify

DPI = 600


def _blurred(symbol: Symbol, modules: float, path: Path) -> tuple[Path, float, float]:
    """``symbol`` as tiaoma's PNG, blurred by a Gaussian of ``modules`` modules; with the
    pixels per module and the bars' drawn height in mm (X rounded to whole pixels)."""
    geometry = geometry_for(symbol)
    picture = Image.open(io.BytesIO(artwork(symbol, geometry, "png", dpi=DPI))).convert("L")
    module_px = round(geometry.module_mm * DPI / 25.4)
    if modules:
        picture = picture.filter(ImageFilter.GaussianBlur(modules * module_px))
    picture.save(path, dpi=(DPI, DPI))
    drawn_mm = geometry.bar_height_mm * module_px * 25.4 / DPI / geometry.module_mm
    return path, module_px, drawn_mm


@pytest.mark.parametrize("modules", [0.0, 0.25, 0.45, 0.5, 0.55, 0.6])
def test_bar_height_of_a_blurred_code128(tmp_path: Path, modules: float) -> None:
    symbol = code128.code128("TIAOMA-2024")
    path, _, drawn_mm = _blurred(symbol, modules, tmp_path / "blurred.png")
    (graded,) = verify(path)
    assert drawn_mm == pytest.approx(15.4, abs=0.02)
    # The half-contrast rows at the blurred ends are where the printed edges were.
    assert graded.bar_height_mm == pytest.approx(drawn_mm, abs=3 * 25.4 / DPI)
    # The ten scans spread from 10 % to 90 % of the bars (ISO/IEC 15416 §5.1.2).
    rows = [scan.row for scan in graded.scans]
    bars = graded.bars
    assert rows[0] == pytest.approx(bars.top + 0.1 * bars.height, abs=1)
    assert rows[-1] == pytest.approx(bars.top + 0.9 * bars.height, abs=1)
    assert rows[-1] - rows[0] > 0.75 * drawn_mm / 25.4 * DPI


def test_blur_leaves_the_ean13_guard_bars_and_digits_out(tmp_path: Path) -> None:
    # Below the bars an EAN-13 has its guard bars and digits only: not the bars' profile.
    symbol = upcean.ean13("6936983800013")
    for modules in (0.0, 0.5):
        path, _, drawn_mm = _blurred(symbol, modules, tmp_path / f"ean{modules}.png")
        (graded,) = verify(path)
        assert graded.bar_height_mm == pytest.approx(drawn_mm, abs=3 * 25.4 / DPI)


def test_corners_at_the_foot_find_the_whole_bars() -> None:
    # The reader's corners on the last rows of blurred bars: found again from the middle.
    bars = np.ones((200, 120))
    for left in range(10, 110, 12):
        bars[20:180, left : left + 5] = 0.0
    blurred = np.asarray(
        Image.fromarray((bars * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(3)),
        dtype=np.float64,
    )
    corners = np.array([[10.0, 176.0], [110.0, 176.0], [110.0, 178.0], [10.0, 178.0]])
    found = image.bars(blurred, corners)
    assert found is not None
    assert (found.top, found.bottom) == pytest.approx((20, 180), abs=2)
    assert (found.left, found.right) == pytest.approx((10, 111), abs=3)  # first, last bar
    # A row of something else (the digits) does not correlate with the bars.
    assert image.bars(np.ones((50, 120)), corners[:, :] - [0, 150]) is None
