"""Renderers: exact geometry, whole-pixel PNGs, and zxing-cpp decoding what we draw."""

from __future__ import annotations

import io
import random
import re
import warnings
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests import system
from tiaoma import checksum
from tiaoma.errors import InvalidComponent
from tiaoma.render import ArtworkWarning, geometry_for, layout
from tiaoma.render.png import pixels_per_module, to_image, to_png
from tiaoma.render.svg import to_svg
from tiaoma.symbols import upcean


def with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


def decode(png: bytes) -> list[tuple[str, str, str]]:
    image = Image.open(io.BytesIO(png)).convert("L")
    results = zxingcpp.read_barcodes(image, try_downscale=False)
    return [(r.format.name, r.text, r.symbology_identifier) for r in results]


def test_standard_ean13_size() -> None:
    # Seed 001 / GB 12904: 37.29 mm x 26.26 mm at magnification 1.00, bars 22.85 mm.
    symbol = upcean.ean13("6936983800013")
    geometry = geometry_for(symbol)
    drawing = layout(symbol, geometry)
    assert round(drawing.width * drawing.module_mm, 3) == 37.29
    assert round(drawing.height * drawing.module_mm, 3) == 26.26
    assert geometry.bar_height_mm == pytest.approx(22.85)
    assert geometry.magnification == pytest.approx(1.0)
    svg = to_svg(drawing).decode()
    assert 'width="37.29mm" height="26.26mm"' in svg


def test_svg_bar_edges_lie_where_the_specification_puts_them() -> None:
    # Every bar's left edge is (11 + module index) x 0.330 mm x magnification, within 0.001 mm.
    for magnification in (0.8, 1.0, 1.37, 2.0):
        symbol = upcean.ean13("6901234567892")
        drawing = layout(symbol, geometry_for(symbol, magnification=magnification))
        svg = to_svg(drawing).decode()
        path = re.search(r'<path d="(M[^"]+)"', svg)
        assert path is not None
        bars = [(float(x), float(w)) for x, w in re.findall(r"M([\d.]+) [\d.]+h([\d.]+)", path[1])]
        module = 0.330 * magnification
        modules = symbol.rows[0].modules
        starts = [
            i
            for i in range(len(modules))
            if modules[i] == "1" and (i == 0 or modules[i - 1] == "0")
        ]
        assert len(bars) == len(starts)
        for (x, width), start in zip(bars, starts, strict=True):
            assert abs(x - (11 + start) * module) < 0.001
            end = modules.find("0", start) % (len(modules) + 1)  # the last bar ends the symbol
            assert abs(width - (end - start) * module) < 0.001


def test_bar_width_reduction_keeps_centres() -> None:
    symbol = upcean.ean13("6901234567892")
    plain = layout(symbol, geometry_for(symbol))
    reduced = layout(symbol, geometry_for(symbol, bwr_mm=0.02))
    svg = to_svg(reduced).decode()
    first = re.search(r'<path d="M([\d.]+) [\d.]+h([\d.]+)', svg)
    assert first is not None
    assert float(first[1]) == pytest.approx(11 * 0.33 + 0.01, abs=1e-4)
    assert float(first[2]) == pytest.approx(0.33 - 0.02, abs=1e-4)
    assert plain.bwr_modules == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"magnification": 0.1}, "Magnification 0.1 is outside 0.80-2.00"),
        ({"magnification": 2.5}, "Magnification 2.5 is outside"),
        ({"bar_height_mm": 0.1}, "Impossible bar height"),
        ({"bwr_mm": 0.3}, "Impossible bar width reduction"),
        ({"foreground": "black"}, "Impossible colour: black"),
        ({"magnification": 1.0, "module_mm": 0.33}, "magnification or module width, not both"),
    ],
)
def test_impossible_geometry_says_the_limit_and_the_value(
    kwargs: dict[str, object], message: str
) -> None:
    symbol = upcean.ean13("6936983800013")
    with pytest.raises(InvalidComponent, match=message) as raised:
        geometry_for(symbol, **kwargs)  # type: ignore[arg-type]
    assert raised.value.message_zh


def test_out_of_range_magnification_on_request_warns() -> None:
    symbol = upcean.ean13("6936983800013")
    with pytest.warns(ArtworkWarning, match="outside 0.8-2.0"):
        geometry = geometry_for(symbol, magnification=0.6, allow_any_magnification=True)
    assert geometry.module_mm == pytest.approx(0.198)


@pytest.mark.parametrize(
    ("foreground", "background", "warning"),
    [
        ("#FF0000", "#FFFFFF", "red bars"),  # red bars vanish under red scanner light
        ("#000000", "#FF2020", None),  # black on red: fine for scanners
        ("#777777", "#999999", "low contrast"),
        ("#000080", "#FFFFFF", None),  # navy on white: dark under red light
    ],
)
def test_colour_warnings(foreground: str, background: str, warning: str | None) -> None:
    symbol = upcean.ean13("6936983800013")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        geometry_for(symbol, foreground=foreground, background=background)
    messages = [str(w.message) for w in caught if issubclass(w.category, ArtworkWarning)]
    assert bool(messages) == (warning is not None)
    if warning:
        assert warning in messages[0]


def test_pixels_per_module_and_too_low_dpi() -> None:
    symbol = upcean.ean13("6936983800013")
    drawing = layout(symbol, geometry_for(symbol, magnification=0.8))
    # 3 px at 300 dpi would be X 0.254 mm, magnification 0.77: the nearest inside GB 12904's
    # range is 4 px (issue 24, item 5).
    assert pixels_per_module(drawing, dpi=300) == (4, 0.3387)
    with pytest.warns(ArtworkWarning):
        any_size = geometry_for(symbol, magnification=0.6, allow_any_magnification=True)
    with pytest.raises(InvalidComponent, match=r"too low for a 0\.198 mm module") as raised:
        pixels_per_module(layout(symbol, any_size), dpi=40)
    assert "至少需要" in raised.value.message_zh


@pytest.mark.parametrize("magnification", [0.8, 0.85, 1.0, 1.5, 1.95, 2.0])
@pytest.mark.parametrize("dpi", [150, 300, 600, 1200, 2400])
def test_whole_pixel_x_stays_within_gb12904(magnification: float, dpi: int) -> None:
    # PNG artwork at 0.8 or 2.0 rounded X outside 0.80-2.00 without a word, while 0.79 is
    # refused: the module is the whole-pixel width nearest the request inside the range.
    symbol = upcean.ean13("6936983800013")
    drawing = layout(symbol, geometry_for(symbol, magnification=magnification))
    pixels, actual = pixels_per_module(drawing, dpi=dpi)
    assert 0.80 <= pixels * 25.4 / dpi / 0.33 <= 2.00
    in_range = [n for n in range(1, 200) if 0.264 <= n * 25.4 / dpi <= 0.66]
    wanted = 0.33 * magnification * dpi / 25.4
    assert abs(pixels - wanted) == min(abs(n - wanted) for n in in_range)
    image = to_image(drawing, dpi=dpi)
    assert image.shape[1] == round(drawing.width) * pixels  # every module that many pixels
    assert actual == round(pixels * 25.4 / dpi, 4)


def test_no_whole_pixel_x_in_range_is_refused_and_any_size_is_not_moved() -> None:
    symbol = upcean.ean13("6936983800013")
    drawing = layout(symbol, geometry_for(symbol, magnification=2.0))
    # at 30 dpi one pixel is 0.847 mm (magnification 2.57): nothing in the range
    with pytest.raises(InvalidComponent, match=r"30 dpi has no whole number of pixels") as raised:
        to_png(drawing, dpi=30)
    assert "放大系数范围" in raised.value.message_zh
    with pytest.warns(ArtworkWarning):  # asked for outside the range: drawn as asked
        any_size = geometry_for(symbol, magnification=0.6, allow_any_magnification=True)
    assert pixels_per_module(layout(symbol, any_size), dpi=600) == (5, 0.2117)


def test_png_edges_are_whole_pixels() -> None:
    symbol = upcean.ean13("6901234567892")
    image = to_image(layout(symbol, geometry_for(symbol)), module_px=3)
    row = image[10]
    modules = symbol.rows[0].modules
    assert "".join("1" if v else "0" for v in row[11 * 3 : (11 + 95) * 3 : 3]) == modules
    transitions = [i for i in range(1, len(row)) if row[i] != row[i - 1]]
    assert all(t % 3 == 0 for t in transitions)
    reduced = to_image(layout(symbol, geometry_for(symbol)), module_px=3, bwr_px=1)
    assert reduced[10].sum() == row.sum() - sum(
        1 for i in range(len(modules)) if modules[i] == "1" and (i == 0 or modules[i - 1] == "0")
    )


@pytest.mark.parametrize("encoder_length", [("ean13", 12), ("ean8", 7), ("upca", 11)])
def test_pngs_decode_with_zxing_at_every_size(encoder_length: tuple[str, int]) -> None:
    name, length = encoder_length
    encoder = getattr(upcean, name)
    rng = random.Random(length)
    for _ in range(40):
        number = with_check("".join(rng.choice("0123456789") for _ in range(length)))
        symbol = encoder(number)
        magnification = rng.choice([0.8, 0.9, 1.0, 1.25, 1.5, 2.0])
        dpi = rng.choice([150, 200, 300, 600, 1200])
        drawing = layout(symbol, geometry_for(symbol, magnification=magnification))
        found = decode(to_png(drawing, dpi=dpi))
        expected = "0" + number if name == "upca" else number
        assert len(found) == 1, (number, magnification, dpi, found)
        assert found[0][1] in (number, expected)
        assert found[0][2] == "]E0" if name != "ean8" else found[0][2] in ("]E4", "]E0")


def test_upce_png_decodes_to_its_upca() -> None:
    symbol = upcean.upce("04252614")
    found = decode(to_png(layout(symbol, geometry_for(symbol)), dpi=300))
    assert found == [("UPCE", "0042100005264", "]E0")]


def test_svg_rasterised_decodes() -> None:
    cairosvg = system.cairosvg()
    for number in ("6936983800013", "6901234567892", with_check("690123456780")):
        symbol = upcean.ean13(number)
        svg = to_svg(layout(symbol, geometry_for(symbol)))
        png = cairosvg.svg2png(bytestring=svg, dpi=400)
        assert decode(png) == [("EAN13", number, "]E0")]


def _pdf_png(pdf: bytes, dpi: int) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_pdf_decodes_and_has_the_exact_size() -> None:
    from tiaoma.render.vector import to_pdf

    for number, magnification in (("6936983800013", 1.0), ("6901234567892", 0.8)):
        symbol = upcean.ean13(number)
        drawing = layout(symbol, geometry_for(symbol, magnification=magnification))
        pdf = to_pdf(drawing)
        width_pt = 113 * 0.33 * magnification * 72 / 25.4
        assert f"/MediaBox [0 0 {width_pt:.4f}".rstrip("0").encode() in pdf
        assert decode(_pdf_png(pdf, 600)) == [("EAN13", number, "]E0")]


def test_pdf_bar_edges_are_exact() -> None:
    from tiaoma.render.vector import page_content

    symbol = upcean.ean13("6901234567892")
    content = page_content(layout(symbol, geometry_for(symbol)), background=False)
    first = content.splitlines()[1].split()
    assert float(first[0]) == pytest.approx(11 * 0.33 * 72 / 25.4, abs=0.001 * 72 / 25.4)
    assert float(first[2]) == pytest.approx(0.33 * 72 / 25.4, abs=1e-4)


def test_eps_decodes(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from tiaoma.render.vector import to_eps

    system.require(shutil.which("gs") is not None, "ghostscript")
    symbol = upcean.ean13("6936983800013", addon_digits="12")
    (tmp_path / "a.eps").write_bytes(to_eps(layout(symbol, geometry_for(symbol))))
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dEPSCrop", "-sDEVICE=pnggray",
                    "-r600", f"-sOutputFile={tmp_path / 'a.png'}", str(tmp_path / "a.eps")],
                   check=True)  # fmt: skip
    assert decode((tmp_path / "a.png").read_bytes()) == [("EAN13", "6936983800013", "]E0")]


def test_text_with_spaces_and_characters_ocrb_lacks() -> None:
    # Code 39 data "CODE 39": the space glyph has an advance but no outline to fill.
    from tiaoma.symbols.base import Symbology
    from tiaoma.symbols.choose import encode

    symbol = encode("CODE 39", Symbology.CODE39)
    drawing = layout(symbol, geometry_for(symbol))
    assert decode(to_png(drawing, dpi=300)) == [("Code39", "CODE 39", "]A0")]
    assert b"<use" in to_svg(drawing)


def test_gallery_draws_every_symbology(tmp_path: Path) -> None:
    from tiaoma.render.gallery import EXAMPLES, write_gallery
    from tiaoma.symbols.base import Symbology

    page = write_gallery(tmp_path)
    assert {symbology for symbology, _, _ in EXAMPLES} == set(Symbology)
    assert page.read_text(encoding="utf-8").count("<figure>") == len(EXAMPLES)
    assert len(list(tmp_path.glob("*.png"))) == len(EXAMPLES)


def test_digits_1_2_7_8_adjusted_by_a_thirteenth_of_a_module() -> None:
    """GB 12904 7.1.2, table 4 (seed 001): 6901234567892 has 1 and 2 in set B (+1/13 bars),
    7 and 8 in set C (-1/13) and 2 in set C (+1/13); characters keep their outer edges."""
    symbol = upcean.ean13("6901234567892")
    plain = layout(symbol, geometry_for(symbol))
    adjusted = layout(symbol, geometry_for(symbol, adjust_digits=True))
    x = 0.33
    changes = {}
    for before, after in zip(plain.bars, adjusted.bars, strict=True):
        start = round(before.x) - 11
        changes[start] = (round((after.w - before.w) * x, 4), round((after.x - before.x) * x, 4))
    third = round(x / 13, 4)
    assert changes[18] == changes[22] == (third, -third)  # 1 in set B: left edges move
    assert changes[64] == changes[68] == (-third, 0.0)  # 7 in set C: right edges move
    assert changes[85] == (third, 0.0)  # the check digit 2 in set C
    assert changes[6] == changes[0] == (0.0, 0.0)  # 9 and the guard are not adjusted
    assert sum(1 for w, _ in changes.values() if w) == 2 * 5
    svg = to_svg(adjusted)
    assert svg != to_svg(plain)
    assert upcean.upce("04252614").adjustments[0] == (10, 17, -1 / 13)
    assert upcean.addon("52495").adjustments == ((13, 20, -1 / 13),)
    assert upcean.ean13("6901234567892", addon_digits="12").adjustments[-1] == (115, 122, -1 / 13)


@pytest.mark.parametrize("dpi", [300, 600, 1200])
def test_adjusted_digits_still_decode(dpi: int) -> None:
    for number in ("6901234567892", "6921168509256", with_check("671278127812")):
        symbol = upcean.ean13(number)
        drawing = layout(symbol, geometry_for(symbol, adjust_digits=True))
        assert decode(to_png(drawing, dpi=dpi)) == [("EAN13", number, "]E0")]


@pytest.mark.parametrize("bearer", ["frame", "horizontal"])
def test_itf14_digits_go_below_the_bearer_bars(bearer: str) -> None:
    """GS1 GenSpecs 5.3.2.5: the digits sit outside the bearer bars, at least 1.02 mm below."""
    from tiaoma.symbols import itf

    symbol = itf.itf14("16936983800010")
    geometry = geometry_for(symbol, bearer=bearer)
    drawing = layout(symbol, geometry)
    x = geometry.module_mm
    frame = [bar for bar in drawing.bars if bar.x == 0 or bar.x + bar.w == drawing.width]
    assert len(frame) == (4 if bearer == "frame" else 2)
    frame_foot = max(bar.y + bar.h for bar in frame)
    (digits,) = drawing.texts
    assert (digits.baseline - 0.773 * digits.em - frame_foot) * x >= 1.02 - 1e-9
    assert drawing.height > frame_foot
    png = to_png(drawing, dpi=300)
    assert decode(png) == [("ITF", "16936983800010", "]I1")]


def test_bearer_style_must_be_known() -> None:
    from tiaoma.symbols import itf

    with pytest.raises(InvalidComponent, match="bearer bars"):
        geometry_for(itf.itf14("16936983800010"), bearer="round")


def test_points_per_mm_makes_the_pdf_page_sizes() -> None:
    # An inch is 25.4 mm and 72 points (ISO 32000-1 8.3.2.3): A4 (ISO 216) is 595.276 x 841.89 pt.
    from tiaoma.render.vector import POINTS_PER_MM

    inch = 25.4 * POINTS_PER_MM
    a4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
    assert inch == pytest.approx(72)
    assert a4 == pytest.approx((595.276, 841.89), abs=1e-3)


def test_pdf_document_places_symbols_on_pages_of_any_size() -> None:
    # The hall's certificates and forms: symbols placed by page_content on pages it composes.
    import pypdfium2

    from tiaoma.render.vector import POINTS_PER_MM, page_content, pdf_document

    symbol = upcean.ean13("6936983800013")
    drawing = layout(symbol, geometry_for(symbol))
    a4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
    a6 = (105 * POINTS_PER_MM, 148 * POINTS_PER_MM)
    at = (20 * POINTS_PER_MM, 250 * POINTS_PER_MM)
    pdf = pdf_document([(*a4, page_content(drawing, *at)), (*a6, page_content(drawing))])
    document = pypdfium2.PdfDocument(pdf)
    assert [page.get_size() for page in document] == [
        pytest.approx(a4, abs=1e-3),
        pytest.approx(a6, abs=1e-3),
    ]
    for page in document:
        image = page.render(scale=300 / 72).to_pil().convert("L")
        found = zxingcpp.read_barcodes(image, try_downscale=False)
        assert [(r.format.name, r.text) for r in found] == [("EAN13", "6936983800013")]
    # The first page's symbol sits where it was put: 20 mm in, its foot 250 mm up the page.
    first = zxingcpp.read_barcodes(document[0].render(scale=300 / 72).to_pil().convert("L"))[0]
    left_mm = min(point.x for point in (first.position.top_left, first.position.bottom_left))
    assert left_mm * 25.4 / 300 == pytest.approx(20 + 11 * 0.33, abs=0.5)


def test_pdf_document_writes_each_glyph_once() -> None:
    # ISO 32000-1 8.10: one form XObject per OCR-B character, however many pages use it.
    from tiaoma.render.vector import page_content, pdf_document

    symbol = upcean.ean13("6936983800013")
    drawing = layout(symbol, geometry_for(symbol))
    page = (200.0, 100.0, page_content(drawing))
    characters = {char for run in drawing.texts for char in run.text if not char.isspace()}
    for pages in ([page], [page] * 3):
        assert pdf_document(pages).count(b"/Subtype /Form") == len(characters)
    assert pdf_document([(200.0, 100.0, "")]).count(b"/Subtype /Form") == 0
