"""tiaoma.verify on GS1 DataBar and the linear components of GS1 Composite symbols: the
reference decode of each scan (tiaoma.verify._databar, our reading of ISO/IEC 24724's), read
back from every width pattern tiaoma's encoders draw and checked against zxing-cpp's reading;
symbols drawn by tiaoma's renderer at 600 dpi (X = 8 pixels) grade 4.0 and lose grade
monotonically as they are degraded; the GS1 verdicts of DataBar (1.5/10/660) and ITF-14 in
general distribution (0.5/20/660 from X 0.635 mm); damaged symbols get F and the reason."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageFilter, ImageOps

from tiaoma import checksum
from tiaoma.render import artwork, geometry_for
from tiaoma.scan import read
from tiaoma.symbols import composite, databar
from tiaoma.symbols._databar_widths import symbol_character
from tiaoma.symbols.base import Symbol, Symbology
from tiaoma.symbols.choose import encode
from tiaoma.verify import _databar, grading
from tiaoma.verify.decode import NotDecoded, decode, decode_expanded_row, element_widths
from tiaoma.verify.grading import Verification, VerifyError, verify
from tiaoma.verify.report import as_json

DPI = 600
#: White around the artwork: tiaoma draws GS1 DataBar without a quiet zone (ISO/IEC 24724
#: asks for none), so an Omnidirectional's last bar is the image's edge; on a label there is
#: paper beyond it, and a verifier needs light there to see the bar's edge.
MARGIN = 40


def scan_widths(symbol: Symbol, row: int = 0, x: float = 0.33) -> list[float]:
    """A row's element widths from its first bar to its last, in millimetres."""
    modules = symbol.rows[row].modules
    return [x * width for width in element_widths(modules.strip("0"))]


def _png(pixels: np.ndarray) -> bytes:
    image = Image.fromarray(np.clip(np.round(pixels), 0, 255).astype(np.uint8), "L")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def _pixels(symbol: Symbol, **geometry: float) -> np.ndarray:
    png = artwork(symbol, geometry_for(symbol, **geometry), "png", dpi=DPI)  # type: ignore[arg-type]
    image = ImageOps.expand(Image.open(io.BytesIO(png)).convert("L"), MARGIN, fill=255)
    return np.asarray(image, dtype=np.float64)


def _graded(pixels: np.ndarray, **options: object) -> Verification:
    (graded,) = verify(_png(pixels), **options)  # type: ignore[arg-type]
    return graded


# --- the reference decode on the encoders' widths ---------------------------------------------


def _gtin14(rng: random.Random, indicator: str) -> str:
    body = indicator + "".join(rng.choice("0123456789") for _ in range(12))
    return body + checksum.calc_check_digit(body)


@pytest.mark.parametrize("linked", [False, True])
def test_omnidirectional_and_limited_read_back_what_was_encoded(linked: bool) -> None:
    rng = random.Random(24 + linked)
    for _ in range(150):
        omni = databar.omnidirectional(_gtin14(rng, rng.choice("0123456789")), linked=linked)
        for symbol in (omni, databar.limited(_gtin14(rng, rng.choice("01")), linked=linked)):
            widths = scan_widths(symbol)
            for given, backwards in ((widths, False), (widths[::-1], True)):
                decoded = decode(given)
                assert decoded.data == symbol.data
                assert decoded.symbology is symbol.symbology
                assert (decoded.decodability, decoded.reversed) == (1.0, backwards)
                assert decoded.linked is linked
                assert decoded.modules == pytest.approx(sum(given) / 0.33)


EXPANDED = [
    "(01)96901234567895(3202)000150",  # method 0101 (3202)
    "(01)96901234567895(3203)012345",  # method 0101 (3203)
    "(01)90012345678908(3103)001750",  # method 0100
    "(01)98898765432106(3202)012345(15)991231",  # method 0111 with a date
    "(01)98898765432106(3103)054321",  # method 0111 without a date (too heavy for 0100)
    "(01)98898765432106(3922)795(30)5",  # method 01100
    "(01)98898765432106(3932)978795(30)12",  # method 01101
    "(01)09501101020917(17)261231(10)AB-12",  # method 1, numeric then alphanumeric
    "(01)09501101020917",  # method 1 alone
    "(8020)ABC123abc!%25(415)5412345678908",  # method 00, ISO/IEC 646 and back
    "(253)9501101020917ABCdef!",
    "(90)abc",
    "(01)09501101020917(8200)http://www.abc.net",  # the longest here: 21 data characters
    "(01)09501101020917(10)1",  # one digit left over at the end
    "(01)09501101020917(21)12345",
]


@pytest.mark.parametrize("data", EXPANDED)
def test_expanded_reads_back_its_element_string(data: str) -> None:
    for linked in (False, True):
        symbol = databar.expanded(data, linked=linked)
        widths = scan_widths(symbol)
        decoded = decode(widths)
        assert (decoded.data, decoded.symbology, decoded.linked) == (
            data, Symbology.DATABAR_EXPANDED, linked,
        )  # fmt: skip
        assert decoded.decodability == 1.0
        assert decoded.modules == pytest.approx(sum(widths) / 0.33)
        assert decode(widths[::-1]).data == data


def test_the_combination_numbers_are_the_encoders_for_every_value() -> None:
    """Annex B's order, inverted: every value of the Omnidirectional and Expanded sets, and a
    sample of Limited's two million."""
    sets = [(databar.OUTSIDE, range(2841)), (databar.INSIDE, range(1597)),
            (databar.EXPANDED_SET, range(4192)),
            (databar.LIMITED_SET, random.Random(5).sample(range(2013571), 3000))]  # fmt: skip
    for groups, values in sets:
        elements = 7 if groups is databar.LIMITED_SET else 4
        for value in values:
            assert _databar._value(symbol_character(value, groups, elements), groups) == value


def test_zxing_reads_what_the_reference_decode_reads() -> None:
    """The oracle of decodability: each symbol drawn with the encoder's widths, and with one
    character's element a module wider and its neighbour a module narrower (a character no
    set has), is read by zxing-cpp exactly when the reference decode reads it."""
    for data in ("(01)24012345678905", "(01)15012345678907", EXPANDED[0]):
        symbol = encode(data, _kind(data))
        widths = [round(w / 0.33) for w in scan_widths(symbol)]
        for shift in (0, 1):
            moved = list(widths)
            moved[3] += shift
            moved[4] -= shift
            assert _reads(moved) is (shift == 0)
            assert _zxing_reads(moved) is (shift == 0)


def _kind(data: str) -> Symbology:
    if "(3202)" in data:
        return Symbology.DATABAR_EXPANDED
    return Symbology.DATABAR_LIMITED if data.startswith("(01)1") else Symbology.DATABAR_OMNI


def _reads(widths: list[int]) -> bool:
    try:
        decode([float(w) for w in widths])
    except NotDecoded:
        return False
    return True


def _zxing_reads(widths: list[int], px: int = 4) -> bool:
    row = np.concatenate([np.full(w * px, 0 if i % 2 == 0 else 255) for i, w in enumerate(widths)])
    line = np.concatenate([np.full(10 * px, 255), row, np.full(10 * px, 255)]).astype(np.uint8)
    image = Image.fromarray(np.tile(line, (60, 1)), "L")
    return bool(zxingcpp.read_barcodes(image, try_downscale=False))


def _modules(symbol: Symbol) -> list[float]:
    return [float(round(w / 0.33)) for w in scan_widths(symbol)]


def test_widths_that_do_not_read_say_where() -> None:
    omni = _modules(databar.omnidirectional("24012345678905"))
    limited = _modules(databar.limited("15012345678907"))
    with pytest.raises(NotDecoded, match="expected 45 elements for GS1 DataBar Limited, found 43"):
        decode(limited[:-2], Symbology.DATABAR_LIMITED)
    with pytest.raises(NotDecoded, match="expected 45 elements for GS1 DataBar Omnidirectional"):
        decode(omni[:-2], Symbology.DATABAR_OMNI)
    with pytest.raises(NotDecoded, match=r"1 \+ 21 per pair of characters"):
        decode(omni[:-4], Symbology.DATABAR_EXPANDED)
    # character 1 (1 1 4 1 2 1 3 3) with its 2nd and 3rd elements swapped: 1 4 1 1 2 1 3 3
    broken = [*omni[:2], 4.0, 1.0, *omni[4:]]
    with pytest.raises(_databar.DataBarFailed) as raised:
        _databar.read_omni(broken, None)
    assert str(raised.value) == (
        "character 1 (elements 2-9) reads 14112133 (modules): no GS1 DataBar character"
    )
    assert raised.value.reason_zh.startswith("第 1 个字符（元素 2-9）读作 14112133")
    # the left finder's 5 and 6 made 6 and 5: (2, 6, 5, 1, 1) is no Omnidirectional finder
    finder = [*omni[:10], 6.0, 5.0, *omni[12:]]
    with pytest.raises(_databar.DataBarFailed, match=r"the left finder \(elements 10-14\) is no"):
        _databar.read_omni(finder, None)
    with pytest.raises(_databar.DataBarFailed, match="no GS1 DataBar character"):
        _databar.read_limited([*limited[:1], *[2.0] * 13, 0.5, *limited[15:]], None)
    with pytest.raises(_databar.DataBarFailed, match="the check character"):
        _databar.read_limited([*limited[:15], *[1.0] * 12, 3.0, 3.0, *limited[29:]], None)


def test_checksums_and_data_that_do_not_agree() -> None:
    # left finders (2, 7, 4, 1, 1) and (3, 5, 5, 1, 1): the first with the second's finder
    omni = scan_widths(databar.omnidirectional("24012345600005"))
    other = scan_widths(databar.omnidirectional("24012345600012"))
    assert omni[9:14] != other[9:14]
    with pytest.raises(NotDecoded, match="finder pair does not agree"):
        decode([*omni[:9], *other[9:14], *omni[14:]], Symbology.DATABAR_OMNI)
    limited = scan_widths(databar.limited("15012345678907"))
    foreign = scan_widths(databar.limited("05012345678900"))
    with pytest.raises(NotDecoded, match="check character does not agree"):
        decode([*limited[:15], *foreign[15:29], *limited[29:]], Symbology.DATABAR_LIMITED)
    expanded = scan_widths(databar.expanded(EXPANDED[0]))
    changed = scan_widths(databar.expanded("(01)96901234567895(3202)000151"))
    with pytest.raises(NotDecoded, match="check character does not agree"):
        decode([*expanded[:14], *changed[14:]], Symbology.DATABAR_EXPANDED)
    longer = scan_widths(databar.expanded(EXPANDED[3]))
    with pytest.raises(NotDecoded, match="finder patterns A1 D2, expected A1 A2"):
        decode([*longer[:22], *longer[64:]], Symbology.DATABAR_EXPANDED)
    with pytest.raises(NotDecoded, match="2 symbol characters: GS1 DataBar Expanded has 4-22"):
        decode([*expanded[:22], 0.33], Symbology.DATABAR_EXPANDED)


def _omni_of_values(values: list[int]) -> list[float]:
    """Omnidirectional's scan widths for four character values, laid out and checked as
    ISO/IEC 24724 lays them out (the finders by the mod 79 checksum)."""
    characters = [symbol_character(value, databar.OUTSIDE if index % 2 == 0 else databar.INSIDE,
                                   4) for index, value in enumerate(values)]  # fmt: skip
    check = _databar._weighted(characters, 79)
    check += check >= 8
    check += check >= 72
    left, right = divmod(check, 9)
    elements = [1, *characters[0], *databar.FINDERS[left], *characters[1][::-1], *characters[3],
                *databar.FINDERS[right][::-1], *characters[2][::-1], 1, 1]  # fmt: skip
    return [float(width) for width in elements]


def test_values_beyond_the_symbol_value_are_refused() -> None:
    """Characters at the top of their sets give a value no symbol encodes: past 2 x 10^13
    (Omnidirectional: 10^13 for the linkage flag and 13 digits) and past 2 015 133 531 096
    + 2 x 10^12 (Limited)."""
    with pytest.raises(NotDecoded, match="more than 13 digits"):
        decode(_omni_of_values([2840, 1596, 2840, 1596]), Symbology.DATABAR_OMNI)
    top = symbol_character(2013570, databar.LIMITED_SET, 7)
    check = [int(w) for w in databar.LIMITED_CHECKS[_databar._weighted([top, top], 89)]]
    limited = [float(w) for w in [1, *top, *check, *top, 1, 1]]
    with pytest.raises(NotDecoded, match="more than 2 000 000 000 000"):
        decode(limited, Symbology.DATABAR_LIMITED)


def test_expanded_data_that_is_no_element_string() -> None:
    with pytest.raises(_databar.DataBarFailed, match="no GS1 element string"):
        _databar.expanded_data("000" + "00" + format(8 + 11 * 2 + 3, "07b") + "0000")
    with pytest.raises(_databar.DataBarFailed, match="ends inside a field"):
        _databar.expanded_data("01" + "00" + "0101")
    with pytest.raises(_databar.DataBarFailed, match="alphanumeric character out of range"):
        _databar.expanded_data("0" + "00" + "00" + "0000" + "111111")
    with pytest.raises(_databar.DataBarFailed, match="ISO/IEC 646 character out of range"):
        _databar.expanded_data("0" + "00" + "00" + "0000" + "00100" + "11111111")


# --- grading images -------------------------------------------------------------------------

SYMBOLS = [
    ("(01)24012345678905", Symbology.DATABAR_OMNI),
    ("(01)24012345678905", Symbology.DATABAR_TRUNCATED),
    ("(01)15012345678907", Symbology.DATABAR_LIMITED),
    ("(01)96901234567895(3202)000150", Symbology.DATABAR_EXPANDED),
    ("(01)09501101020917(17)261231(10)AB-12", Symbology.DATABAR_EXPANDED),
]


@pytest.mark.parametrize(("data", "symbology"), SYMBOLS)
def test_databar_drawn_by_tiaoma_grades_four_and_reads_as_zxing_reads(
    data: str, symbology: Symbology
) -> None:
    pixels = _pixels(encode(data, symbology))
    graded = _graded(pixels)
    (zxing,) = read(_png(pixels))
    assert graded.decoded_data == zxing.data == data
    assert graded.grade.value == 4.0, [scan.grades for scan in graded.scans]
    assert not graded.linked
    # GS1 DataBar's own verdict: 1.5/10/660, so not judged at the default 06 and 670 nm
    gs1 = graded.verdicts[-1]
    assert (gs1.name, gs1.required, gs1.passed) == (
        "GS1 General Specifications, GS1 DataBar (general retail)", "1.5/10/660", None,
    )  # fmt: skip
    assert _graded(pixels, aperture="10", wavelength=660).verdicts[-1].passed is True


COMPOSITES = [
    ("6901234567892|(10)ABC123", None, Symbology.EAN13, False),
    ("(01)24012345678905|(10)ABC123", "databar-omni", Symbology.DATABAR_OMNI, True),
    ("(01)15012345678907|(10)ABC123", "databar-limited", Symbology.DATABAR_LIMITED, True),
    ("(01)96901234567895(3202)000150|(10)ABC123", "databar-expanded",
     Symbology.DATABAR_EXPANDED, True),
    ("(01)96901234567895(3202)000150|(10)ABC123", "gs1-128", Symbology.GS1_128, False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "linear", "linked"), COMPOSITES)
def test_a_composite_symbols_linear_component_is_graded(
    text: str, kind: str | None, linear: Symbology, linked: bool
) -> None:
    graded = _graded(_pixels(composite.encode(text, linear_kind=kind)))
    assert graded.symbology == linear.label
    assert (
        graded.decoded_data
        == graded.data
        == composite.split(text)[0].replace("6901234567892", "6901234567892")
    )
    assert graded.grade.value == 4.0
    assert graded.linked is linked  # EAN/UPC and GS1-128 carry no linkage flag
    advised = " ".join(english for english, _ in graded.advice)
    assert ("2D component above it was not graded" in advised) is linked
    assert as_json(graded)["linked"] is linked


def _degraded(change: Callable[[np.ndarray, float], np.ndarray], amounts: list[float],
              measure: Callable[[Verification], float]) -> list[float]:  # fmt: skip
    pixels = _pixels(encode(*SYMBOLS[0]))
    return [measure(_graded(change(pixels, amount))) for amount in amounts]


def _monotonic(values: list[float]) -> bool:
    return all(a >= b for a, b in pairwise(values))


def test_blur_lowers_modulation_and_grade_monotonically() -> None:
    def blurred(pixels: np.ndarray, radius: float) -> np.ndarray:
        image = Image.fromarray(pixels.astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius))
        return np.asarray(image, dtype=np.float64)

    modulation = _degraded(blurred, [0, 1.5, 2.5, 3.5], lambda g: g.scans[4].analysed.modulation)
    assert _monotonic(modulation)
    assert modulation[0] - modulation[-1] > 0.3
    grades = _degraded(blurred, [0, 2.5, 3.5], lambda g: g.grade.value)
    assert _monotonic(grades)
    assert grades[0] == 4.0 > grades[-1]


def test_low_contrast_lowers_symbol_contrast_monotonically() -> None:
    def lowered(pixels: np.ndarray, ink: float) -> np.ndarray:
        return ink + pixels / 255 * (255 - ink)

    contrasts = _degraded(lowered, [0, 60, 120, 170],
                          lambda g: g.scans[4].grades["symbol_contrast"].value)  # fmt: skip
    assert _monotonic(contrasts)
    assert contrasts[0] == 4.0 > contrasts[-1]


def test_a_spot_in_the_widest_space_raises_defects_monotonically() -> None:
    """The left finder's 6-module space (modules 25-30 of the symbol: 2 guard modules, a
    16-module character and the finder's first two before it) gets a grey spot 12 pixels
    wide across the middle rows."""
    symbol = encode(*SYMBOLS[0])
    assert symbol.rows[0].modules[25:31] == "0" * 6  # the left finder's 6-module space
    middle = MARGIN + 8 * encode(*SYMBOLS[0]).quiet_zone.left + 8 * 28

    def spotted(pixels: np.ndarray, grey: float) -> np.ndarray:
        out = pixels.copy()
        out[MARGIN + 40 : MARGIN + 300, middle - 6 : middle + 6] = 255 - grey
        return out

    defects = _degraded(spotted, [0, 60, 110], lambda g: g.scans[4].grades["defects"].value)
    assert _monotonic(defects)
    assert defects[0] == 4.0 > defects[-1]
    # darker still, the spot is a bar: the scan through it no longer decodes at all
    scan = _degraded(spotted, [0, 60, 110, 150], lambda g: g.scans[4].grade.value)
    assert _monotonic(scan)
    assert scan[-1] == 0.0


def test_a_damaged_databar_grades_f_with_the_reason() -> None:
    """The left finder's 6-module space filled in across the inspection band: zxing-cpp still
    reads the symbol above and below it; every scan finds two elements fewer and fails, the
    grade is 0 (F), the reason in both languages."""
    pixels = _pixels(encode(*SYMBOLS[0]))
    light = 8 * encode(*SYMBOLS[0]).quiet_zone.left  # the artwork's own light margin
    pixels[MARGIN + 30 : MARGIN + 340, MARGIN + light + 8 * 25 : MARGIN + light + 8 * 31] = 0
    graded = _graded(pixels)
    assert (graded.grade.value, graded.grade.letter) == (0.0, "F")
    assert graded.scans[4].failure == (
        "expected 45 elements for GS1 DataBar Omnidirectional, found 43",
        "译码失败：GS1 DataBar Omnidirectional 应有 45 个元素，实为 43 个",
    )
    assert graded.advice[0][0].startswith("The reference decode failed on 10 of 10 scans")


def test_a_databar_nobody_reads_is_refused_with_the_reason() -> None:
    pixels = _pixels(encode(*SYMBOLS[2]))
    pixels[:, MARGIN + 8 * 30 : MARGIN + 8 * 40] = 0  # the check character blotted out
    with pytest.raises(VerifyError) as raised:
        _graded(pixels)
    assert raised.value.code == "verify-undecodable"
    assert str(raised.value).endswith("as printed the symbol grades 0 (F)")
    assert "按印刷现状符号等级为 0（F）" in raised.value.message_zh


# --- ITF-14 in general distribution ---------------------------------------------------------


@pytest.mark.parametrize(
    ("magnification", "required", "name_part", "name_zh_part"),
    [(1.0, "0.5/20/660", "X ≥ 0.635 mm", "X ≥ 0.635 毫米"),
     (0.5, "1.5/10/660", "X < 0.635 mm", "X < 0.635 毫米")],
)  # fmt: skip
def test_itf14_has_its_own_gs1_verdict_in_both_languages(
    magnification: float, required: str, name_part: str, name_zh_part: str
) -> None:
    symbol = encode("16936983800010", Symbology.ITF14)
    pixels = _pixels(symbol, magnification=magnification)
    aperture = required.split("/")[1]
    graded = _graded(pixels, aperture=aperture, wavelength=660)
    gs1 = graded.verdicts[-1]
    assert gs1.name.startswith("GS1 General Specifications, ITF-14 in general distribution")
    assert name_part in gs1.name
    assert gs1.name_zh.startswith("GS1 通用规范（ITF-14，非零售储运")
    assert name_zh_part in gs1.name_zh
    assert gs1.required == required
    assert gs1.passed is True
    assert _graded(pixels).verdicts[-1].passed is None  # graded with 06: GS1 says nothing


# --- the stacked forms: each row graded as a linear symbol -----------------------------------

STACKED = [
    (encode("(01)24012345678905", Symbology.DATABAR_STACKED), False),
    (encode("(01)24012345678905", Symbology.DATABAR_STACKED_OMNI), False),
    (composite.encode("(01)24012345678905|(10)ABC123", linear_kind="databar-stacked"), True),
    (composite.encode("(01)24012345678905|(10)ABC123", linear_kind="databar-stacked-omni"), True),
]


@pytest.mark.parametrize(("symbol", "linked"), STACKED, ids=["stacked", "omni", "cc", "cc-omni"])
def test_each_row_of_a_stacked_symbol_is_graded(symbol: Symbol, linked: bool) -> None:
    graded = _graded(_pixels(symbol))
    assert graded.decoded_data == graded.data == "(01)24012345678905"
    assert graded.symbology == "GS1 DataBar Stacked"  # zxing-cpp names both forms so
    assert [scan.symbol_row for scan in graded.scans] == [1] * 10 + [2] * 10
    assert graded.scans[0].row < graded.scans[9].row < graded.scans[10].row < graded.scans[19].row
    assert graded.grade.value == 4.0
    assert graded.linked is linked
    assert graded.verdicts[-1].required == "1.5/10/660"
    # the rows' heights: Stacked 5X and 7X, Stacked Omnidirectional 33X and 33X (X 8 pixels)
    heights = (5 + 7) if symbol.rows[-1].height == 7.0 else (33 + 33)
    assert graded.bar_height_mm == pytest.approx(heights * 8 * 25.4 / DPI, abs=0.1)


def test_a_damaged_row_gives_the_stacked_symbol_its_grade() -> None:
    """Stacked Omnidirectional's bottom row blurred across: its scans lose modulation, the top
    row's do not, and the symbol grades as its bottom row."""
    symbol = STACKED[1][0]
    pixels = _pixels(symbol)
    bottom = MARGIN + 8 * 36  # below the 33X top row and the three separator rows
    band = Image.fromarray(pixels[bottom:].astype(np.uint8)).filter(ImageFilter.GaussianBlur(3))
    pixels[bottom:] = np.asarray(band, dtype=np.float64)
    graded = _graded(pixels)
    top = [scan.grade.value for scan in graded.scans if scan.symbol_row == 1]
    low = [scan.grade.value for scan in graded.scans if scan.symbol_row == 2]
    assert top == [4.0] * 10
    assert max(low) < 4.0
    assert graded.grade.value == pytest.approx(sum(low) / 10, abs=0.05)


def test_a_stacked_symbol_whose_rows_do_not_agree_fails_every_scan() -> None:
    """Two rows of two different symbols: each row reads, the pair does not (another left
    finder); the scans say why; a row alone says so too. The grading's own steps, by hand."""
    top = databar.stacked("24012345600005").rows[0].modules
    bottom = databar.stacked("24012345600012").rows[2].modules
    rows = [
        grading._Row(None, decode_row(top, top=True), 8.0),  # type: ignore[arg-type]
        grading._Row(None, decode_row(bottom, top=False), 8.0),  # type: ignore[arg-type]
    ]
    data, linked, failure = grading._stacked_data(rows)
    assert (data, linked) == (None, False)
    assert failure is not None
    assert failure[0] == "the finder pair does not agree with the characters' checksum"
    assert grading._stacked_data(rows[:1])[2] == grading._STACKED_HALF
    reader = grading._row_reader(Symbology.DATABAR_STACKED, rows[0].read, None, False, failure)
    with pytest.raises(NotDecoded, match="finder pair does not agree"):
        reader(tuple(scan_widths(databar.stacked("24012345600005"))))


def decode_row(modules: str, *, top: bool) -> _databar.StackedRow:
    return _databar.read_stacked_row([float(w) for w in element_widths(modules.strip("0"))], top)


EXPANDED_STACKED = [
    (databar.expanded_stacked("(01)96901234567895(3202)000150(10)ABC123"), 3, False),
    (databar.expanded_stacked("(01)96901234567895(3202)000150(10)ABC123", segments=2), 6, False),
    (databar.expanded_stacked("(01)09501101020917(8200)http://www.abc.net", segments=6), 3,
     False),
    (composite.encode("(01)96901234567895(3202)000150(10)ABC123|(21)XYZ",
                      linear_kind="databar-expanded-stacked"), 3, True),
]  # fmt: skip


@pytest.mark.parametrize(("symbol", "rows", "linked"), EXPANDED_STACKED,
                         ids=["4-segments", "2-segments", "6-segments", "cc"])  # fmt: skip
def test_each_row_of_expanded_stacked_is_graded(symbol: Symbol, rows: int, linked: bool) -> None:
    """Rows read left to right whichever way they were drawn (every other row of an even
    number of segments runs right to left, the last row of an odd number of pairs does not);
    the finder sequence puts them together."""
    graded = _graded(_pixels(symbol))
    (zxing,) = read(_png(_pixels(symbol)))
    assert graded.decoded_data == zxing.data == graded.data
    assert graded.symbology == "GS1 DataBar Expanded Stacked"
    assert sorted({scan.symbol_row for scan in graded.scans}) == list(range(1, rows + 1))
    assert len(graded.scans) == 10 * rows
    assert graded.grade.value == 4.0
    assert graded.linked is linked
    assert graded.verdicts[-1].required == "1.5/10/660"


def test_expanded_stacked_rows_that_do_not_make_a_symbol() -> None:
    """A row missing, or a row of another symbol: the finder sequence says so (as every row
    reads forwards)."""
    rows = [r.modules for r in databar.expanded_stacked(EXPANDED[3], segments=2).rows
            if r.height > 1]  # fmt: skip
    other = [r.modules for r in databar.expanded_stacked(EXPANDED[7], segments=2).rows
             if r.height > 1]  # fmt: skip
    read = [decode_expanded_row([float(w) for w in element_widths(m.strip("0"))]) for m in rows]
    foreign = decode_expanded_row([float(w) for w in element_widths(other[1].strip("0"))])
    assert _databar.expanded_stacked_data(read)[1] == EXPANDED[3]
    with pytest.raises(_databar.DataBarFailed, match="finder patterns"):
        _databar.expanded_stacked_data(read[:-1])
    with pytest.raises(_databar.DataBarFailed, match="finder patterns A1 E2 B1 D2, expected A1 C2"):
        _databar.expanded_stacked_data([read[0], foreign, *read[2:]])
    with pytest.raises(NotDecoded, match=r"1 \+ 21 per pair of characters"):
        decode_expanded_row([1.0] * 9)


def test_a_stacked_symbol_without_rows_to_measure_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """zxing-cpp read it, but no band of the image reads as one of its rows (as when its
    rows are too short or too damaged to hold a scan): refused with the reader's reading."""
    monkeypatch.setattr(grading, "_stacked_rows", lambda reflect, settings, expanded: [])
    with pytest.raises(VerifyError) as raised:
        _graded(_pixels(STACKED[0][0]))
    assert raised.value.code == "verify-no-bars"
    assert "(01)24012345678905 was read but its bars could not be measured" in str(raised.value)


def test_expanded_stacked_rows_of_two_symbols_fail_the_grading_with_the_reason() -> None:
    rows = [r.modules for r in databar.expanded_stacked(EXPANDED[3], segments=2).rows
            if r.height > 1]  # fmt: skip
    other = databar.expanded_stacked(EXPANDED[7], segments=2).rows[4].modules
    read = [decode_expanded_row([float(w) for w in element_widths(m.strip("0"))])
            for m in (rows[0], other, *rows[2:])]  # fmt: skip
    found = grading._stacked_data([grading._Row(None, one, 8.0) for one in read])  # type: ignore[arg-type]
    assert found[:2] == (None, False)
    assert found[2] is not None
    assert found[2][0] == "finder patterns A1 E2 B1 D2, expected A1 C2 B1 D2"
    assert found[2][1] == "寻像图形为 A1 E2 B1 D2，应为 A1 C2 B1 D2"


@pytest.mark.parametrize(
    "make",
    [lambda: databar.omnidirectional("06936983800013"), lambda: databar.limited("00012345678905"),
     lambda: databar.expanded("(01)06936983800013(10)ABC123")],
)  # fmt: skip
def test_tiaomas_own_artwork_grades_a_as_it_comes(make: Any) -> None:
    """The PNG as tiaoma render writes it, no paper added round it: the artwork's 1X of light
    each side lets the verifier see the last bar's edge (ISO/IEC 24724 asks for no quiet
    zone, and a symbol ends in a bar)."""
    symbol = make()
    (graded,) = verify(artwork(symbol, geometry_for(symbol), "png", dpi=DPI))
    assert graded.grade.letter == "A"
