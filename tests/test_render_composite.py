"""GS1 Composite artwork: every family drawn (SVG, PNG at 600 dpi, PDF, EPS), its linear part
read back by zxing-cpp (which has no composite reader), its 2D part sampled module by module
against :func:`composite`'s rows; EAN/UPC composites drawn as GS1 GenSpecs shows them (guard
bars 5X longer, digits under the bars, the > mark); sizes worked out by hand; an EAN-13 with
CC-A equal to Zint's own raster pixel for pixel.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import zint
import zxingcpp
from PIL import Image

from tests import system
from tests.composite_cases import FAMILIES, cases
from tiaoma import upc
from tiaoma.render import artwork, geometry_for, layout
from tiaoma.render.layout import EAN_BAR_HEIGHT_MM, GUARD_EXTENSION, NOMINAL_MODULE_MM, Geometry
from tiaoma.render.png import pixels_per_module, to_png
from tiaoma.render.svg import to_svg
from tiaoma.render.vector import to_eps, to_pdf
from tiaoma.symbols import upcean
from tiaoma.symbols.base import Symbol
from tiaoma.symbols.composite import composite

Dark = npt.NDArray[np.bool_]
DPI = 600
#: EAN-13 9012345678906 with (99)1234-abcd: CC-A of 3 rows over the 3 separator rows.
EAN13, CC_A = "9012345678906", "(99)1234-abcd"
#: zxing-cpp's name of each linear kind's format.
FORMATS = {
    "ean13": "EAN13", "ean8": "EAN8", "upca": "EAN13", "upce": "UPCE", "gs1-128": "Code128",
    "databar-omni": "DataBarOmni", "databar-truncated": "DataBarOmni",
    "databar-stacked": "DataBarStk", "databar-stacked-omni": "DataBarStk",
    "databar-limited": "DataBarLtd", "databar-expanded": "DataBarExp",
    "databar-expanded-stacked": "DataBarExpStk",
}  # fmt: skip
#: The 2D part read alone where zxing-cpp knows its symbology: CC-B is a MicroPDF417, CC-C
#: a PDF417 (both with codeword 920 first, which zxing-cpp passes on as bytes).
TWO_D_FORMATS = {"A": set(), "B": {"MicroPDF417"}, "C": {"PDF417"}}


def _dark(picture: bytes) -> Dark:
    return np.asarray(Image.open(io.BytesIO(picture)).convert("L")) < 128


def _rows_at(symbol: Symbol, geometry: Geometry) -> list[tuple[float, float]]:
    """(top, height) of each row in modules from the picture's top: the composite's rows
    stacked under the top quiet zone, the linear rows at the bar height."""
    bar_height = geometry.bar_height_mm / geometry.module_mm
    rows, top = [], float(symbol.quiet_zone.top)
    for row in symbol.rows:
        height = bar_height if row.height is None else row.height
        rows.append((top, height))
        top += height
    return rows


def _sampled(dark: Dark, symbol: Symbol, geometry: Geometry, scale: float) -> list[str]:
    """Each row read back at its module centres (``scale`` pixels per module)."""
    left = symbol.quiet_zone.left
    xs = [round((left + i + 0.5) * scale) for i in range(symbol.width)]
    found = []
    for top, height in _rows_at(symbol, geometry):
        y = round((top + height / 2) * scale)
        found.append("".join("1" if dark[y, x] else "0" for x in xs))
    return found


def _guard_band(dark: Dark, symbol: Symbol, geometry: Geometry, scale: float) -> str:
    """The modules dark half-way down the 5X guard extension, under the linear row."""
    top, height = _rows_at(symbol, geometry)[-1]
    y = round((top + height + GUARD_EXTENSION / 2) * scale)
    left = symbol.quiet_zone.left
    return "".join("1" if dark[y, round((left + i + 0.5) * scale)] else "0"
                   for i in range(symbol.width))  # fmt: skip


PLAIN = {"ean13": upcean.ean13, "ean8": upcean.ean8, "upca": upcean.upca, "upce": upcean.upce}


def _guards_expected(symbol: Symbol, kind: str, number: str) -> str:
    """The dark modules of the plain EAN/UPC symbol's guard bars (its guard ranges), where the
    plain symbol lies in the composite's linear row: what reaches into the text band."""
    alone = PLAIN[kind](number)
    modules = alone.rows[0].modules
    offset = symbol.rows[-1].modules.index(modules)
    inside = {offset + i for start, end in alone.guards for i in range(start, end)}
    return "".join("1" if m == "1" and i in inside else "0"
                   for i, m in enumerate(symbol.rows[-1].modules))  # fmt: skip


def _rounded(*values: float) -> tuple[float, ...]:
    return tuple(round(value, 6) for value in values)


def _linear_text(kind: str, primary: str) -> str:
    """What zxing-cpp reports for the linear part: EAN/UPC as EAN-13 (UPC-E as its GTIN-13
    by UPC-A), the others the element string."""
    if kind == "upce":
        return upc.to_upc_a(primary).zfill(13)
    if kind in {"upca", "ean13"}:
        return primary.zfill(13)
    return primary


def _read(dark: Dark, **options: object) -> list[tuple[str, str]]:
    image = np.where(dark, 0, 255).astype(np.uint8)
    found = zxingcpp.read_barcodes(image, try_downscale=False, **options)  # type: ignore[arg-type]
    return [(result.format.name, result.text) for result in found]


# --- every family ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "component"), FAMILIES, ids=str)
def test_every_family_drawn_read_and_sampled(kind: str, component: str) -> None:
    cairosvg = system.cairosvg()
    for case in cases(kind, component)[:2]:
        symbol = composite(kind, case.primary, case.data, component=component)
        geometry = geometry_for(symbol)
        drawing = layout(symbol, geometry)
        scale, _ = pixels_per_module(drawing, dpi=DPI)
        dark = _dark(artwork(symbol, geometry, "png", dpi=DPI))
        assert dark.shape == (round(drawing.height * scale), round(drawing.width * scale))
        assert _sampled(dark, symbol, geometry, scale) == case.rows
        found = _read(dark)
        assert (FORMATS[kind], _linear_text(kind, case.primary)) in found
        # Nothing else is read (zxing-cpp finds CC-B and CC-C on their own at times, CC-A never).
        assert {name for name, _ in found} - {FORMATS[kind]} <= TWO_D_FORMATS[component]
        # The SVG, drawn in millimetres, rasterised at 600 dpi: the same modules.
        svg = artwork(symbol, geometry, "svg")
        # The template writers (artwork's) write what the general ones do.
        assert svg == to_svg(drawing)
        assert artwork(symbol, geometry, "png", dpi=DPI) == to_png(drawing, dpi=DPI)
        width, height = drawing.width * drawing.module_mm, drawing.height * drawing.module_mm
        assert f'width="{width:.4f}'.rstrip("0").rstrip(".") in svg.decode()
        assert f'height="{height:.4f}'.rstrip("0").rstrip(".") in svg.decode()
        rasterised = _dark(cairosvg.svg2png(bytestring=svg, dpi=DPI))
        svg_scale = drawing.module_mm * DPI / 25.4
        assert _sampled(rasterised, symbol, geometry, svg_scale) == case.rows


# --- EAN/UPC composites as GS1 GenSpecs draws them --------------------------------------------


@pytest.mark.parametrize("kind", ["ean13", "ean8", "upca", "upce"])
@pytest.mark.parametrize("component", ["A", "B"])
def test_ean_upc_guard_bars_reach_down_in_the_linear_row_only(kind: str, component: str) -> None:
    for case in cases(kind, component)[:3]:
        symbol = composite(kind, case.primary, case.data, component=component)
        geometry = geometry_for(symbol, show_text=False)  # the digits would fill the band
        scale, _ = pixels_per_module(layout(symbol, geometry), dpi=DPI)
        dark = _dark(artwork(symbol, geometry, "png", dpi=DPI))
        expected = _guards_expected(symbol, kind, case.primary)
        assert expected.count("1") >= 5  # UPC-E: 2 and 3 guard bars
        assert _guard_band(dark, symbol, geometry, scale) == expected
        # Nothing of the 2D part or the separator is drawn longer than its 2X rows.
        drawing = layout(symbol, geometry)
        linear_top = _rows_at(symbol, geometry)[-1][0] - symbol.quiet_zone.top
        upper = [bar for bar in drawing.bars if bar.y < linear_top]
        assert upper
        assert all(bar.h == 2.0 for bar in upper)


@pytest.mark.parametrize(
    ("kind", "number", "plain"),
    [("ean13", EAN13, upcean.ean13), ("ean8", "90123450", upcean.ean8),
     ("upca", "012345678905", upcean.upca), ("upce", "01234565", upcean.upce)],
)  # fmt: skip
def test_digits_and_mark_where_the_plain_symbol_has_them(kind: str, number: str, plain) -> None:  # type: ignore[no-untyped-def]
    symbol = composite(kind, number, CC_A)
    alone = plain(number)
    ours, theirs = layout(symbol, geometry_for(symbol)), layout(alone, geometry_for(alone))
    # The composite adds the top quiet zone, the 2D rows and the separator above the linear
    # part; the linear part's left edge stays where the plain symbol's is.
    above = symbol.quiet_zone.top + sum(row.height or 0.0 for row in symbol.rows)
    assert ours.height == pytest.approx(theirs.height + above)
    # The plain symbol's module 0 is the composite's guards[0][0]: the linear part moves by
    # ``shift`` in the picture (its quiet zone takes the move up: no shift at all).
    shift = symbol.quiet_zone.left + symbol.guards[0][0] - alone.quiet_zone.left
    assert shift == 0
    assert [run.text for run in ours.texts] == [run.text for run in theirs.texts]
    for mine, its in zip(ours.texts, theirs.texts, strict=True):
        assert (mine.x, mine.baseline) == pytest.approx((its.x + shift, its.baseline + above))
    assert (">" in "".join(run.text for run in ours.texts)) == (kind in {"ean13", "ean8"})
    # Every bar of the plain symbol, in the composite, one for one and as long: the guard
    # bars 5X longer than the others.
    bar_height = EAN_BAR_HEIGHT_MM / NOMINAL_MODULE_MM * 0.99
    if kind == "ean8":
        bar_height *= 18.23 / 22.85
    linear = [_rounded(bar.x, bar.y - above, bar.w, bar.h) for bar in ours.bars
              if bar.h >= bar_height]  # fmt: skip
    assert linear == [_rounded(bar.x + shift, bar.y, bar.w, bar.h) for bar in theirs.bars]
    assert {round(bar.h - min(b.h for b in theirs.bars), 6) for bar in theirs.bars} == {
        0,
        GUARD_EXTENSION,
    }


def test_ean13_cc_a_size_worked_out_by_hand() -> None:
    # X 0.330 mm at magnification 1.00 (GB 12904). Width: 8 + 99 + 6 = 113 modules, the
    # EAN-13's own 11 + 95 + 7 (the composite is 4 modules wider, inside its quiet zones):
    # 37.29 mm. Height: 2X top quiet zone 0.66 + CC-A 3 rows x 2X 1.98 + separator 3 x 2X
    # 1.98 + bars 22.85 + text band 26.26 - 22.85 = 3.41: 30.88 mm.
    symbol = composite("ean13", EAN13, CC_A)
    for magnification, width, height in ((1.0, "37.29", "30.88"), (2.0, "74.58", "61.76")):
        geometry = geometry_for(symbol, magnification=magnification)
        assert geometry.bar_height_mm == pytest.approx(22.85 * magnification)
        svg = artwork(symbol, geometry, "svg").decode()
        assert f'width="{width}mm" height="{height}mm"' in svg
        pdf = artwork(symbol, geometry, "pdf")
        points = [float(v) * 72 / 25.4 for v in (width, height)]
        assert f"/MediaBox [0 0 {points[0]:.4f} {points[1]:.4f}]".encode() in pdf
    # The linear part keeps an EAN-13's bar height: the guard bars 5X longer.
    drawing = layout(symbol, geometry_for(symbol))
    heights = sorted({round(bar.h * drawing.module_mm, 3) for bar in drawing.bars})
    assert heights == [0.66, 22.85, round(22.85 + 5 * 0.33, 3)]


def _vector_pixels(kind: str, picture: bytes, tmp_path: Path) -> Dark:
    if kind == "pdf":
        import pypdfium2

        page = pypdfium2.PdfDocument(picture)[0]
        return np.asarray(page.render(scale=DPI / 72).to_pil().convert("L")) < 128
    system.require(shutil.which("gs") is not None, "ghostscript")
    (tmp_path / "a.eps").write_bytes(picture)
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dEPSCrop", "-sDEVICE=pnggray",
                    f"-r{DPI}", f"-sOutputFile={tmp_path / 'a.png'}", str(tmp_path / "a.eps")],
                   check=True)  # fmt: skip
    return _dark((tmp_path / "a.png").read_bytes())


@pytest.mark.parametrize("kind", ["pdf", "eps"])
def test_pdf_and_eps_draw_the_guards_and_the_2d_part(kind: str, tmp_path: Path) -> None:
    symbol = composite("upca", "012345678905", CC_A)
    geometry = geometry_for(symbol, show_text=False)  # the digits would fill the guard band
    drawing = layout(symbol, geometry)
    picture = to_pdf(drawing) if kind == "pdf" else to_eps(drawing)
    dark = _vector_pixels(kind, picture, tmp_path)
    scale = drawing.module_mm * DPI / 25.4
    assert abs(dark.shape[0] - drawing.height * scale) <= 1
    assert _sampled(dark, symbol, geometry, scale) == [row.modules for row in symbol.rows]
    expected = _guards_expected(symbol, "upca", "012345678905")
    assert _guard_band(dark, symbol, geometry, scale) == expected


# --- Zint's raster ----------------------------------------------------------------------------


def _zint_raster(primary: str, data: str, module_px: int, height: float) -> Dark:
    """Zint's own bitmap of an EAN-13 composite with CC-A, without its text."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.EANX_CC
    symbol.input_mode = zint.InputMode.GS1
    symbol.primary = primary
    symbol.option_1 = 1
    symbol.show_text = False
    symbol.scale = module_px / 2  # Zint's raster: 2 pixels per module at scale 1
    symbol.height = height  # the 2D rows and the separator, 2X each, and the bars
    symbol.encode(data.replace("(", "[").replace(")", "]"))
    symbol.buffer()
    pixels = np.asarray(symbol.bitmap)
    dark: Dark = pixels.sum(axis=2) < 3 * 128
    return dark


@pytest.mark.parametrize("dpi", [150, 600])
def test_ean13_cc_a_equal_to_zints_raster(dpi: int) -> None:
    # Without text (Zint's font is not OCR-B), every pixel of the whole picture: quiet zones,
    # the 2D rows, the separator, the bars at GB 12904's height and the guard bars 5X longer.
    # Zint draws no quiet zone above the 2D part; ours is 2X, and light.
    for case in [None, *cases("ean13", "A")[:20]]:
        primary, data = (EAN13, CC_A) if case is None else (case.primary, case.data)
        symbol = composite("ean13", primary, data, component="A")
        geometry = geometry_for(symbol, show_text=False)
        drawing = layout(symbol, geometry)
        scale, _ = pixels_per_module(drawing, dpi=dpi)
        ours = _dark(artwork(symbol, geometry, "png", dpi=dpi))
        bar_height = geometry.bar_height_mm / geometry.module_mm
        assert bar_height == pytest.approx(EAN_BAR_HEIGHT_MM / NOMINAL_MODULE_MM)
        above = sum(row.height or 0.0 for row in symbol.rows)
        theirs = _zint_raster(primary, data, scale, above + bar_height)
        top = symbol.quiet_zone.top * scale
        assert not ours[:top].any()
        assert ours[top:].shape == theirs.shape
        assert np.array_equal(ours[top:], theirs), (primary, data)


# --- add-ons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number"),
    [("ean13", EAN13), ("upca", "012345678905"), ("upce", "01234565")],
)
@pytest.mark.parametrize("addon", ["12", "12345"])
def test_addon_drawn_beside_and_read(kind: str, number: str, addon: str) -> None:
    symbol = composite(kind, f"{number}+{addon}", CC_A)
    geometry = geometry_for(symbol)
    drawing = layout(symbol, geometry)
    scale, _ = pixels_per_module(drawing, dpi=DPI)
    dark = _dark(artwork(symbol, geometry, "png", dpi=DPI))
    assert _sampled(dark, symbol, geometry, scale) == [row.modules for row in symbol.rows]
    found = _read(dark, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Require)
    main = _linear_text(kind, number)
    assert (FORMATS[kind], f"{main}{addon}") in found
    # The add-on's digits above its bars, both below the top of the linear row.
    linear_top = _rows_at(symbol, geometry)[-1][0] - symbol.quiet_zone.top
    addon_x = symbol.quiet_zone.left + (symbol.addon_start or 0)
    addon_runs = [run for run in drawing.texts if run.text == addon and run.x > addon_x]
    addon_bars = [bar for bar in drawing.bars if bar.x - symbol.quiet_zone.left
                  >= (symbol.addon_start or 0)]  # fmt: skip
    assert len(addon_runs) == 1
    assert addon_bars
    glyph_top = addon_runs[0].baseline - addon_runs[0].em * 0.773
    assert linear_top + symbol.quiet_zone.top <= glyph_top
    assert addon_runs[0].baseline < min(bar.y for bar in addon_bars)
