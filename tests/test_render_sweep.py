"""Decode sweep: every symbology tiaoma draws, as PNG and as SVG, read back by zxing-cpp.

Proves that every rendered PNG (magnifications 0.8-2.0, 150-1200 dpi) and every SVG rasterised
by cairosvg decodes with zxing-cpp to exactly the input, one result, with the symbology
identifier a scanner sends. Each symbology gets its gallery example and random valid data; a
seeded draw pairs each input with a magnification and a dpi so that every value of both is
used for every symbology.

What "exactly the input" is, in the form zxing-cpp reports it (ISO/IEC 15420, 15424):

* UPC-A reads as its EAN-13 (a leading 0), UPC-E as its UPC-A expansion as an EAN-13.
* A main symbol with its add-on is one ]E3 packet: the 13 digits, then the add-on's.
* GS1 data (GS1-128, DataBar, GS1 QR Code, GS1 DataMatrix) as ``(AI)value`` text, parentheses
  in values unescaped; a DataBar GTIN as ``(01)`` and its 14 digits.
* ITF and Code 39 drawn without a check character, whose last character happens to be the
  check of those before, read as checked (]I1, ]A1): a reader cannot tell.

zxing-cpp cannot read an EAN-2 or EAN-5 add-on alone (its reader looks for one only after an
EAN/UPC main symbol): the add-on drawn alone is set beside a drawn EAN-13, at the 7-module gap
its own left quiet zone gives, and read as that ]E3 packet. An EAN-8 with an add-on is left
out: no standard gives it an identifier and zxing-cpp versions disagree (]E3 or ]E4).

SVGs are rasterised at 300 and 600 dpi: X is then 3 pixels or more at every magnification. At
150 and 200 dpi, X of 1.5-3 pixels with cairosvg's anti-aliased edges on no pixel grid, zxing-cpp
misses some Code 39, Code 128, DataBar and add-on symbols (27 of 288 in a trial): the whole-pixel
PNG writer is what low resolutions are for.
"""

from __future__ import annotations

import io
import itertools
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from tests import system
from tiaoma import ai, checksum, upc
from tiaoma.errors import InvalidComponent
from tiaoma.render import Geometry, artwork, geometry_for, layout
from tiaoma.render.gallery import EXAMPLES
from tiaoma.render.png import RESOLUTION, pixels_per_module
from tiaoma.symbols import code39
from tiaoma.symbols.base import Symbol, Symbology
from tiaoma.symbols.choose import encode

MAGNIFICATIONS = (0.8, 1.0, 1.25, 1.5, 2.0)
DPIS = (150, 200, 300, 600, 1200)
SVG_DPIS = (300, 600)
RANDOM_INPUTS = 7  # besides the gallery example, for each symbology
ADDONS = {Symbology.EAN2, Symbology.EAN5}
UPC_EAN = {Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE}
# DataBar that carries a GTIN alone, and the symbologies that carry GS1 element strings.
DATABAR_GTIN = {Symbology.DATABAR_OMNI, Symbology.DATABAR_TRUNCATED, Symbology.DATABAR_STACKED,
                Symbology.DATABAR_STACKED_OMNI, Symbology.DATABAR_LIMITED}  # fmt: skip
GS1 = {Symbology.GS1_128, Symbology.DATABAR_EXPANDED, Symbology.DATABAR_EXPANDED_STACKED,
       Symbology.GS1_QR, Symbology.GS1_DATAMATRIX, Symbology.GS1_HANXIN}  # fmt: skip
#: What zxing-cpp cannot read: tiaoma's own reader reads it back.
HAN_XIN = {Symbology.HANXIN, Symbology.GS1_HANXIN}
MAIN_FOR_ADDON = "6936983800013"  # the EAN-13 an add-on drawn alone is read beside
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CHINESE = "中国商品条码编码中心北京上海广州深圳条形码二维码"


@dataclass(frozen=True)
class Case:
    """One input: the data, its symbology and the encoder's options (an add-on, a check)."""

    symbology: Symbology
    data: str
    options: dict[str, Any] = field(default_factory=dict, hash=False)

    def symbol(self) -> Symbol:
        return encode(self.data, self.symbology, **self.options)

    def __str__(self) -> str:
        options = "".join(f", {name}={value!r}" for name, value in self.options.items())
        return f"encode({self.data!r}, Symbology.{self.symbology.name}{options})"


# --- random valid data --------------------------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _gtin(rng: random.Random, length: int, *, first: str = string.digits) -> str:
    body = rng.choice(first) + _digits(rng, length - 2)
    return body + checksum.calc_check_digit(body)


def _upce(rng: random.Random) -> str:
    body = rng.choice("01") + _digits(rng, 6)
    return body + upc.calc_check_digit(body)


def _random_text(rng: random.Random, alphabet: str, longest: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))


def _element_string(rng: random.Random) -> str:
    """A GTIN and up to two of expiry date, net weight, batch and serial: within GS1-128's 48
    characters and DataBar Expanded's capacity."""
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(3000))
    batch, serial = (_random_text(rng, CSET82, 8).replace("(", "\\(") for _ in range(2))
    optional = [f"(17){day:%y%m%d}", f"(3103){rng.randrange(10**6):06d}", f"(10){batch}",
                f"(21){serial}"]  # fmt: skip
    return f"(01){_gtin(rng, 14)}" + "".join(rng.sample(optional, rng.randint(0, 2)))


def _looks_checked(characters: str) -> bool:
    """Whether Code 39 data ends in the mod-43 check of what comes before it."""
    return len(characters) > 1 and characters[-1] == code39.check_character(characters[:-1])


def _ean_case(symbology: Symbology, length: int) -> Callable[[random.Random], Case]:
    def make(rng: random.Random) -> Case:
        number = _upce(rng) if symbology is Symbology.UPCE else _gtin(rng, length)
        # A main symbol with its add-on (an ISSN's issue, an ISBN's price); not EAN-8's.
        if symbology is not Symbology.EAN8 and rng.random() < 0.4:
            return Case(symbology, number, {"addon_digits": _digits(rng, rng.choice((2, 5)))})
        return Case(symbology, number)

    return make


def _itf_case(rng: random.Random) -> Case:
    if rng.random() < 0.5:
        return Case(Symbology.ITF, _digits(rng, 2 * rng.randint(3, 9) - 1), {"check_digit": True})
    return Case(Symbology.ITF, _digits(rng, 2 * rng.randint(3, 10)))


def _code39_case(rng: random.Random) -> Case:
    # Without '$ / + %' a reader cannot take the data for full ASCII pairs.
    data = _random_text(rng, code39.CHARSET[:-4], 20)
    return Case(Symbology.CODE39, data, {"check": True} if rng.random() < 0.5 else {})


def _code39_extended_case(rng: random.Random) -> Case:
    # Data a reader can tell from standard Code 39, and from data with a check character.
    while True:
        data = _random_text(rng, "".join(map(chr, range(32, 127))), 20)
        if not all(c in code39.CHARSET for c in data) and not _looks_checked(
            code39.extended_characters(data)
        ):
            return Case(Symbology.CODE39_EXTENDED, data)


def _gtin14(rng: random.Random) -> str:
    return _gtin(rng, 14)


def _printable(rng: random.Random) -> str:
    return _random_text(rng, "".join(map(chr, range(32, 127))) + "éÀÿ", 20)


def _text(rng: random.Random) -> str:
    return _random_text(rng, string.ascii_letters + string.digits + " " + CHINESE, 60)


#: Random valid data of each symbology: a Case where the encoder takes options, else the data.
RANDOM: dict[Symbology, Callable[[random.Random], Case | str]] = {
    Symbology.EAN13: _ean_case(Symbology.EAN13, 13),
    Symbology.EAN8: _ean_case(Symbology.EAN8, 8),
    Symbology.UPCA: _ean_case(Symbology.UPCA, 12),
    Symbology.UPCE: _ean_case(Symbology.UPCE, 8),
    Symbology.EAN5: lambda rng: _digits(rng, 5),
    Symbology.EAN2: lambda rng: _digits(rng, 2),
    Symbology.ITF14: lambda rng: _gtin(rng, rng.choice((13, 14))),  # a GTIN-13 as 0 + 13
    Symbology.ITF: _itf_case,
    Symbology.CODE128: _printable,
    Symbology.GS1_128: _element_string,
    Symbology.CODE39: _code39_case,
    Symbology.CODE39_EXTENDED: _code39_extended_case,
    Symbology.DATABAR_OMNI: _gtin14,
    Symbology.DATABAR_TRUNCATED: lambda rng: _gtin(rng, 13),  # carried as a GTIN-14
    Symbology.DATABAR_STACKED: _gtin14,
    Symbology.DATABAR_STACKED_OMNI: _gtin14,
    Symbology.DATABAR_LIMITED: lambda rng: _gtin(rng, 14, first="01"),
    Symbology.DATABAR_EXPANDED: _element_string,
    Symbology.DATABAR_EXPANDED_STACKED: _element_string,
    Symbology.QR: _text,
    Symbology.GS1_QR: _element_string,
    Symbology.DATAMATRIX: _text,
    Symbology.GS1_DATAMATRIX: _element_string,
    Symbology.PDF417: _text,
    Symbology.HANXIN: _text,
    Symbology.GS1_HANXIN: _element_string,
}


def cases(symbology: Symbology) -> list[Case]:
    """The gallery example and random valid data, the same on every run."""
    rng = random.Random(f"sweep {symbology.name}")
    found = [Case(symbology, data) for s, data, _ in EXAMPLES if s is symbology]
    for _ in range(RANDOM_INPUTS):
        made = RANDOM[symbology](rng)
        found.append(made if isinstance(made, Case) else Case(symbology, made))
    return found


# --- the sampled grid ---------------------------------------------------------------------

Plan = list[tuple[Case, float, int]]


def _drawable(case: Case, magnification: float, dpi: int) -> bool:
    """False only where the dpi is too low for one whole pixel a module."""
    symbol = case.symbol()
    try:
        geometry = geometry_for(symbol, magnification=magnification)
        pixels_per_module(layout(symbol, geometry), dpi=dpi)
    except InvalidComponent as error:
        if error.code != RESOLUTION:
            raise
        return False
    return True


def png_plan(symbology: Symbology) -> Plan:
    """Each input at a magnification and a dpi drawn by a seeded rng, every value used once at
    least; an impossible pair is dropped, and a value it leaves unused is paired again."""
    rng = random.Random(f"grid {symbology.name}")
    inputs = cases(symbology)

    def draw(values: tuple[Any, ...]) -> list[Any]:
        return rng.sample(values, len(values)) + rng.choices(values, k=len(inputs) - len(values))

    paired = zip(inputs, draw(MAGNIFICATIONS), draw(DPIS), strict=True)
    plan = [(case, m, d) for case, m, d in paired if _drawable(case, m, d)]
    for magnification in sorted(set(MAGNIFICATIONS) - {m for _, m, _ in plan}):
        dpi = next(d for d in reversed(DPIS) if _drawable(inputs[0], magnification, d))
        plan.append((inputs[0], magnification, dpi))
    for dpi in sorted(set(DPIS) - {d for _, _, d in plan}):
        magnification = next(m for m in reversed(MAGNIFICATIONS) if _drawable(inputs[0], m, dpi))
        plan.append((inputs[0], magnification, dpi))
    return plan


# --- what zxing-cpp should report ---------------------------------------------------------


def expected(case: Case) -> tuple[str, str]:
    """The text and symbology identifier zxing-cpp reports for ``case``'s symbol."""
    if case.symbology in UPC_EAN | ADDONS:
        return _upc_ean_expected(case)
    text, identifier = _carried(case), case.symbol().symbology_identifier
    # Drawn without a check character, data whose last character is one reads as checked.
    if case.symbology in (Symbology.ITF, Symbology.ITF14) and checksum.mod10_ok(text):
        identifier = "]I1"
    if case.symbology is Symbology.CODE39 and _looks_checked(text):
        identifier = "]A1"
    return text, identifier


def _upc_ean_expected(case: Case) -> tuple[str, str]:
    """As an EAN-13 (EAN-8 as itself); with an add-on, its digits follow in one ]E3 packet."""
    if case.symbology in ADDONS:  # read beside its main symbol
        return MAIN_FOR_ADDON + case.data, "]E3"
    main = case.data
    if case.symbology in (Symbology.UPCA, Symbology.UPCE):
        main = "0" + upc.to_upc_a(main)
    addon = case.options.get("addon_digits")
    return (main + addon, "]E3") if addon else (main, case.symbol().symbology_identifier)


def _carried(case: Case) -> str:
    """The data as zxing-cpp gives it: check characters included, GS1 data bracketed."""
    data, symbology, options = case.data, case.symbology, case.options
    if symbology is Symbology.ITF and options.get("check_digit"):
        return data + checksum.calc_check_digit(data)
    if symbology is Symbology.ITF14:
        return data.zfill(14)
    if symbology is Symbology.CODE39 and options.get("check"):
        return data + code39.check_character(data)
    if symbology in DATABAR_GTIN:
        return f"(01){data.zfill(14)}"
    if symbology in GS1:  # parentheses in values escaped in the input, not in what is read
        return ai.parse(data).bracketed().replace("\\(", "(")
    return data


# --- drawing and reading ------------------------------------------------------------------

Draw = Callable[[Symbol, Geometry], bytes]


def png_writer(dpi: int) -> Draw:
    """tiaoma's PNG at ``dpi``."""
    return lambda symbol, geometry: artwork(symbol, geometry, "png", dpi=dpi)


def svg_rasterised(dpi: int) -> Draw:
    """tiaoma's SVG, rasterised by cairosvg at ``dpi``."""
    cairosvg = system.cairosvg()  # type: ignore[no-untyped-call]

    def draw(symbol: Symbol, geometry: Geometry) -> bytes:
        png: bytes = cairosvg.svg2png(bytestring=artwork(symbol, geometry, "svg"), dpi=dpi)
        return png

    return draw


def _grey(picture: bytes) -> Image.Image:
    return Image.open(io.BytesIO(picture)).convert("L")


def _beside_main(addon: Image.Image, main: Image.Image, main_symbol: Symbol) -> Image.Image:
    """The add-on's picture right of the main symbol's, cut just after its end guard bars: the
    add-on's own left quiet zone is then the gap. Tops aligned, as both symbols' bars start."""
    drawing = layout(main_symbol, geometry_for(main_symbol))
    bars_end = main_symbol.quiet_zone.left + main_symbol.width
    cut = round(main.width * bars_end / drawing.width)
    height = max(main.height, addon.height)
    pixels = np.full((height, cut + addon.width), 255, dtype=np.uint8)
    pixels[: main.height, :cut] = np.asarray(main)[:, :cut]
    pixels[: addon.height, cut:] = np.asarray(addon)
    return Image.fromarray(pixels)


def picture(case: Case, magnification: float, draw: Draw) -> Image.Image:
    """``case`` drawn by ``draw`` at ``magnification``, as the grey image a scanner sees."""
    symbol = case.symbol()
    image = _grey(draw(symbol, geometry_for(symbol, magnification=magnification)))
    if case.symbology not in ADDONS:
        return image
    main = encode(MAIN_FOR_ADDON, Symbology.EAN13)
    main_image = _grey(draw(main, geometry_for(main, magnification=magnification)))
    return _beside_main(image, main_image, main)


def read(image: Image.Image, case: Case) -> list[tuple[str, str]]:
    """Every (text, symbology identifier) zxing-cpp (Han Xin: tiaoma's reader) finds."""
    if case.symbology in HAN_XIN:
        return _read_han_xin(image)
    # A symbol printed with an add-on is read with it, never as its main symbol alone.
    with_addon = case.symbology in ADDONS or "addon_digits" in case.options
    addon = zxingcpp.EanAddOnSymbol.Require if with_addon else zxingcpp.EanAddOnSymbol.Ignore
    results = zxingcpp.read_barcodes(image, try_downscale=False, text_mode=zxingcpp.TextMode.HRI,
                                     ean_add_on_symbol=addon)  # fmt: skip
    return [(r.text, r.symbology_identifier) for r in results]


def _read_han_xin(image: Image.Image) -> list[tuple[str, str]]:
    from tiaoma import ai
    from tiaoma.readers.hanxin import read_hanxin

    return [
        (ai.parse(found.text).bracketed(), Symbology.GS1_HANXIN.identifier) if found.gs1
        else (found.text, Symbology.HANXIN.identifier)
        for found in read_hanxin(np.asarray(image.convert("L")))
    ]  # fmt: skip


def misreads(plan: Plan, writers: dict[str, Draw]) -> list[str]:
    """Every input of ``plan`` drawn by every writer that zxing-cpp does not read as expected."""
    failures = []
    for (case, magnification, _), (name, draw) in itertools.product(plan, writers.items()):
        found = read(picture(case, magnification, draw), case)
        if found != [expected(case)]:
            failures.append(f"{case} at magnification {magnification}, {name}: "
                            f"expected {[expected(case)]}, found {found}")  # fmt: skip
    return failures


# --- the sweep ----------------------------------------------------------------------------


def test_every_symbology_is_swept_at_every_size() -> None:
    assert set(RANDOM) == set(Symbology)
    for symbology in Symbology:
        inputs = cases(symbology)
        assert len(inputs) == RANDOM_INPUTS + 1
        assert inputs[0].data in {data for s, data, _ in EXAMPLES if s is symbology}
        plan = png_plan(symbology)
        assert {m for _, m, _ in plan} == set(MAGNIFICATIONS), symbology
        assert {d for _, _, d in plan} == set(DPIS), symbology
        assert {case for case, _, _ in plan} == set(inputs), symbology


@pytest.mark.parametrize("symbology", list(Symbology), ids=lambda s: s.name)
def test_png_decodes_at_every_size(symbology: Symbology) -> None:
    failures = []
    for case, magnification, dpi in png_plan(symbology):
        failures += misreads([(case, magnification, dpi)], {f"PNG {dpi} dpi": png_writer(dpi)})
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("symbology", list(Symbology), ids=lambda s: s.name)
def test_svg_rasterised_decodes(symbology: Symbology) -> None:
    writers = {f"SVG at {dpi} dpi": svg_rasterised(dpi) for dpi in SVG_DPIS}
    failures = misreads(png_plan(symbology), writers)
    assert not failures, "\n".join(failures)
