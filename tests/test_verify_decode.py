"""The reference decode and decodability V: our encoders' symbols read back, V worked out by hand
for damaged widths, and nonsense refused with a reason."""

from __future__ import annotations

import io
import math
import random
from itertools import groupby

import pytest
import zxingcpp
from PIL import Image

from tiaoma import checksum, upc
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols import code39, code128, itf, upcean
from tiaoma.symbols.base import Symbol, Symbology
from tiaoma.verify.decode import Decoded, NotDecoded, decode

X = 0.33  # mm, the module of an EAN-13 at magnification 1.00 (GB 12904)


def widths_of(symbol: Symbol, module: float = 1.0) -> list[float]:
    """Each element's width, first bar to last bar: its run of modules times ``module``."""
    return [module * len(list(run)) for _, run in groupby(symbol.rows[0].modules)]


def ean13_modules(number: str) -> str:
    """An EAN-13's modules for any 13 digits, even a wrong check digit (the encoder refuses)."""
    left = "".join(upcean._SETS[name][int(digit)]
                   for name, digit in zip(upcean.EAN13_PARITY[int(number[0])], number[1:7],
                                          strict=True))  # fmt: skip
    right = "".join(upcean.SET_C[int(digit)] for digit in number[7:])
    return f"101{left}01010{right}101"


def runs(modules: str) -> list[float]:
    return [float(len(list(run))) for _, run in groupby(modules)]


def fails(widths: list[float], symbology: Symbology | None = None) -> NotDecoded:
    with pytest.raises(NotDecoded) as caught:
        decode(widths, symbology)
    return caught.value


# --- every symbology round-trips ---------------------------------------------------------------

ROUND_TRIPS = [
    # (symbol, symbology read, data read): the data as zxing-cpp's HRI shows it
    (upcean.ean13("6901234567892"), Symbology.EAN13, "6901234567892"),  # seed 001's example
    (upcean.ean13("6936983800013"), Symbology.EAN13, "6936983800013"),
    (upcean.ean13("4006381333931"), Symbology.EAN13, "4006381333931"),
    (upcean.upca("012000000133"), Symbology.UPCA, "012000000133"),
    (upcean.upca("036000291452"), Symbology.UPCA, "036000291452"),
    (upcean.ean8("96385074"), Symbology.EAN8, "96385074"),
    (upcean.ean8("12345670"), Symbology.EAN8, "12345670"),
    (upcean.upce("0120130"), Symbology.UPCE, "01201303"),  # number system 0
    (upcean.upce("0425261"), Symbology.UPCE, "04252614"),
    (upcean.upce("1123456"), Symbology.UPCE, "11234562"),  # number system 1: sets swapped
    (itf.itf14("6936983800013", indicator="1"), Symbology.ITF14, "16936983800010"),
    (itf.itf14("06901234567892", ratio=2.5), Symbology.ITF14, "06901234567892"),
    (itf.itf("1234"), Symbology.ITF, "1234"),
    (itf.itf("123456", ratio=2.5), Symbology.ITF, "123456"),
    (itf.itf("00", ratio=2), Symbology.ITF, "00"),
    (itf.itf("9876543210987654"), Symbology.ITF, "9876543210987654"),
    (code128.code128("AIM"), Symbology.CODE128, "AIM"),  # set B
    (code128.code128("Hello, World!"), Symbology.CODE128, "Hello, World!"),
    (code128.code128("12345678"), Symbology.CODE128, "12345678"),  # set C
    (code128.code128("ABC\x01DEF"), Symbology.CODE128, "ABC<SOH>DEF"),  # set A, control shown
    (code128.code128("a\x01bcdef"), Symbology.CODE128, "a<SOH>bcdef"),  # B with Shift to A
    (code128.code128("abc123456def"), Symbology.CODE128, "abc123456def"),  # B, C, B
    (code128.code128("a\tb"), Symbology.CODE128, "a\tb"),  # a tab alone keeps it text
    (code128.code128("aéb"), Symbology.CODE128, "aéb"),  # one FNC4
    (code128.code128("é1234ÿÿÿÿ"), Symbology.CODE128, "é1234ÿÿÿÿ"),  # FNC4 latched
    (code128.gs1_128("(01)09501101530003(10)AB"), Symbology.GS1_128, "(01)09501101530003(10)AB"),
    (code128.gs1_128("(10)AB-1(01)06901234567892"), Symbology.GS1_128,
     "(10)AB-1(01)06901234567892"),  # an FNC1 after the variable-length (10)
    (code39.code39("CODE39"), Symbology.CODE39, "CODE39"),
    (code39.code39("CODE39", check=True), Symbology.CODE39, "CODE39W"),  # check kept, as zxing
    (code39.code39("A-B. $/+%", ratio=3), Symbology.CODE39, "A-B. $/+%"),
    (code39.code39("X", ratio=2.5), Symbology.CODE39, "X"),
]  # fmt: skip
ROUND_TRIP_IDS = [f"{symbol.symbology.name}-{data}" for symbol, _, data in ROUND_TRIPS]


@pytest.mark.parametrize(("symbol", "symbology", "data"), ROUND_TRIPS, ids=ROUND_TRIP_IDS)
def test_round_trip(symbol: Symbol, symbology: Symbology, data: str) -> None:
    widths = widths_of(symbol, X)
    decoded = decode(widths)
    assert (decoded.symbology, decoded.data, decoded.reversed) == (symbology, data, False)
    assert decoded.decodability == pytest.approx(1.0, abs=1e-9)
    assert decoded.modules == pytest.approx(symbol.width / symbol.modules_per_x)
    # the measured X: a wide:narrow ratio p/q draws X as q modules of 0.33 mm
    assert sum(widths) / decoded.modules == pytest.approx(X * symbol.modules_per_x)
    two_widths = symbology in (Symbology.ITF, Symbology.ITF14, Symbology.CODE39)
    assert (decoded.ratio is not None) == two_widths


@pytest.mark.parametrize(("symbol", "symbology", "data"), ROUND_TRIPS, ids=ROUND_TRIP_IDS)
def test_upside_down(symbol: Symbol, symbology: Symbology, data: str) -> None:
    decoded = decode(widths_of(symbol, X)[::-1])
    assert (decoded.symbology, decoded.data, decoded.reversed) == (symbology, data, True)
    assert decoded.decodability == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(("symbol", "symbology", "data"), ROUND_TRIPS, ids=ROUND_TRIP_IDS)
def test_told_the_symbology(symbol: Symbol, symbology: Symbology, data: str) -> None:
    assert decode(widths_of(symbol), symbol.symbology)[:2] == (symbology, data)


def zxing_text(symbol: Symbol) -> str:
    png = artwork(symbol, geometry_for(symbol), "png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), text_mode=zxingcpp.TextMode.HRI)
    assert len(found) == 1
    return str(found[0].text)


# zxing-cpp reads no ITF shorter than 6 digits (a partial scan of a longer one looks like it).
ZXING_READS = [case for case in ROUND_TRIPS if case[1] is not Symbology.ITF or len(case[2]) >= 6]


@pytest.mark.parametrize(("symbol", "symbology", "data"), ZXING_READS, ids=lambda x: str(x)[:20])
def test_zxing_reads_the_same(symbol: Symbol, symbology: Symbology, data: str) -> None:
    # A decoder we did not write. zxing-cpp 3.1 gives UPC-A and UPC-E as their GTIN-13.
    decoded = decode(widths_of(symbol))
    expected = decoded.data
    if symbology is Symbology.UPCA:
        expected = "0" + expected
    elif symbology is Symbology.UPCE:
        expected = "0" + upc.to_upc_a(expected)
    assert zxing_text(symbol) == expected


@pytest.mark.parametrize("lead", range(10))
def test_ean13_first_digit_from_the_left_sets(lead: int) -> None:
    # ISO/IEC 15420 table 6: the leading digit is no bars, only the sets of the left half
    body = f"{lead}90123456789"
    number = body + checksum.calc_check_digit(body)
    widths = widths_of(upcean.ean13(number), X)
    decoded = decode(widths)
    if lead == 0:  # the bars of a UPC-A: so called, 12 digits, as zxing-cpp's formats
        assert decoded[:2] == (Symbology.UPCA, number[1:])
        assert decode(widths, Symbology.UPCA)[:2] == (Symbology.UPCA, number[1:])
    else:
        assert decoded[:2] == (Symbology.EAN13, number)
    assert decode(widths, Symbology.EAN13)[:2] == (Symbology.EAN13, number)


def test_the_content_names_the_result_when_a_pair_shares_bars() -> None:
    gs1 = widths_of(code128.gs1_128("(01)09501101530003"))
    assert decode(gs1, Symbology.CODE128).symbology is Symbology.GS1_128
    case = widths_of(itf.itf14("6936983800013", indicator="1"))
    assert decode(case, Symbology.ITF).symbology is Symbology.ITF14
    not_itf14 = widths_of(itf.itf("12345678901234"))  # 14 digits, 4 is no check digit
    assert decode(not_itf14).symbology is Symbology.ITF


# --- V worked out by hand --------------------------------------------------------------------


def test_ean13_bar_widened() -> None:
    # 4006381333931: first character 0 in set A, space 3 bar 2 space 1 bar 1 (elements 4-7).
    # Its bar widened by 0.2 module: T = 7.2, e1 = 3 + 2.2 = 5.2, e2 = 2.2 + 1 = 3.2; in
    # modules of T/7, e1 = 5.2 x 7 / 7.2 = 5.056 (0.056 from 5), e2 = 3.2 x 7 / 7.2 = 28/9 =
    # 3.111 (1/9 from 3). V = 1 - 2 x 1/9 = 7/9: 2/9 of the half module's margin is gone.
    widths = widths_of(upcean.ean13("4006381333931"), X)
    assert widths[3:7] == pytest.approx([3 * X, 2 * X, X, X])
    widths[4] += 0.2 * X
    decoded = decode(widths)
    assert decoded.data == "4006381333931"
    assert decoded.decodability == pytest.approx(7 / 9)


def test_ean13_print_gain_shows_in_1_2_7_8() -> None:
    # Every bar 0.3 module wider, every space 0.3 narrower: the edge-to-similar-edge distances
    # do not change (V stays 1 for 0, 3, 4, 5, 6, 9), but 7 and 8 in set C (bars 1 + 1 = 2
    # modules, told from 1 and 2, bars 4, by the threshold 3) now have bars of 2 + 2 x 0.3 =
    # 2.6: 0.4 of their 1-module margin left. V = 0.4 (6901234567892 has both on the right;
    # its 1 and 2 in set B, bars 4, only move further from 3).
    widths = widths_of(upcean.ean13("6901234567892"), X)
    gained = [w + (0.3 if index % 2 == 0 else -0.3) * X for index, w in enumerate(widths)]
    decoded = decode(gained)
    assert decoded.data == "6901234567892"
    assert decoded.decodability == pytest.approx(0.4)


def test_ean13_more_gain_reads_7_as_1_and_the_check_digit_says_so() -> None:
    # 0.6 module: the bars of 7 and 8 are 3.2 modules, above the threshold 3: read as 1 and 2
    widths = widths_of(upcean.ean13("6901234567892"), X)
    gained = [w + (0.6 if index % 2 == 0 else -0.6) * X for index, w in enumerate(widths)]
    assert "check digit 2, expected" in str(fails(gained))


def test_itf_wide_bar_narrowed() -> None:
    # ITF 1234 at ratio 3, X = 1: 18 narrow elements, 9 wide. The first bar of digit 1 (wide,
    # bars w n n n w) narrowed by 0.9: N = (9 x 3 - 0.9) / 9 / 1 = 2.9. That character: S =
    # 2.1 + 3 x 1 + 3 = 8.1, Z = 8.1 / (3 + 2 x 2.9) = 0.92045, RT = (2.9 + 1) / 2 x Z =
    # 1.79489, margin (2.9 - 1) / 2 x Z = 0.87443; the narrowed bar is 2.1 - 1.79489 =
    # 0.30511 above RT: V = 0.30511 / 0.87443 = 0.34893. The other characters keep more than
    # their margin (for 5 narrow elements of 1 and 2 wide of 3: 0.99432 / 0.97159 > 1).
    widths = widths_of(itf.itf("1234"))
    assert widths[4:14:2] == [3, 1, 1, 1, 3]
    widths[4] -= 0.9
    decoded = decode(widths)
    assert (decoded.data, decoded.ratio) == ("1234", pytest.approx(2.9))
    narrow = 8.1 / (3 + 2 * 2.9)
    assert decoded.decodability == pytest.approx((2.1 - 1.95 * narrow) / (0.95 * narrow))
    assert decoded.decodability == pytest.approx(0.34893, abs=1e-5)


def test_code128_edge_shifted() -> None:
    # AIM's start B is 2 1 1 2 1 4. The edge between its first space and second bar moved
    # 0.3 module right: 2 1.3 0.7 2 1 4, p = 11 still. e1 = 2 + 1.3 = 3.3 and e3 = 0.7 + 2 =
    # 2.7 are 0.3 from 3: V = 1 - 2 x 0.3 = 0.4 (e2 = 1.3 + 0.7 = 2 is untouched).
    widths = widths_of(code128.code128("AIM"))
    assert widths[:6] == [2, 1, 1, 2, 1, 4]
    widths[1] += 0.3
    widths[2] -= 0.3
    decoded = decode(widths)
    assert decoded.data == "AIM"
    assert decoded.decodability == pytest.approx(0.4)


def test_code128_last_bar_widened() -> None:
    # The stop's last bar is 2 modules of p/11 (p the stop's first six elements): at 2.3 it
    # has 1 - 2 x 0.3 = 0.4 of its half-module margin left.
    widths = widths_of(code128.code128("AIM"))
    widths[-1] += 0.3
    assert decode(widths).decodability == pytest.approx(0.4)


def test_code39_wide_bar_narrowed() -> None:
    # *A* at ratio 2: 18 narrow, 9 wide. A is w n n n n w n n w; its first bar narrowed by 0.3
    # to 1.7: N = (18 - 0.3) / 9 = 1.96667. For A: S = 11.7, Z = 11.7 / (6 + 3 x 1.96667) =
    # 0.98319, RT = 2.96667 / 2 x Z = 1.45840, margin 0.96667 / 2 x Z = 0.47521; 1.7 is
    # 0.24160 above RT: V = 0.24160 / 0.47521 = 0.50840.
    widths = widths_of(code39.code39("A", ratio=2))
    assert widths[10:19] == [2, 1, 1, 1, 1, 2, 1, 1, 2]
    widths[10] -= 0.3
    decoded = decode(widths)
    ratio = 17.7 / 9
    narrow = 11.7 / (6 + 3 * ratio)
    assert (decoded.data, decoded.ratio) == ("A", pytest.approx(ratio))
    expected = (1.7 - (ratio + 1) / 2 * narrow) / ((ratio - 1) / 2 * narrow)
    assert decoded.decodability == pytest.approx(expected)
    assert decoded.decodability == pytest.approx(0.50840, abs=1e-5)


# --- widening a bar lowers V until the decode fails --------------------------------------------

WIDENED = [
    # (symbol, element widened, from 0): a bar or space inside a character, narrow or not
    pytest.param(upcean.ean13("6901234567892"), 4, id="EAN-13 left, 9's bar of 1"),
    pytest.param(upcean.ean13("6901234567892"), 34, id="EAN-13 right, 5's bar of 3"),
    pytest.param(upcean.upce("0120130"), 8, id="UPC-E, 2's bar of 2"),
    pytest.param(upcean.ean8("96385074"), 40, id="EAN-8 right, 4's bar of 1"),
    pytest.param(itf.itf14("6936983800013", indicator="1"), 6, id="ITF-14 narrow bar"),
    pytest.param(itf.itf("1234"), 15, id="ITF narrow space"),
    pytest.param(code128.code128("AIM"), 8, id="Code 128 bar"),
    pytest.param(code128.gs1_128("(01)09501101530003"), 14, id="GS1-128 bar"),
    pytest.param(code39.code39("CODE39"), 14, id="Code 39 narrow bar"),
]


@pytest.mark.parametrize(("symbol", "element"), WIDENED)
def test_widening_lowers_v_until_the_decode_fails(symbol: Symbol, element: int) -> None:
    widths = widths_of(symbol, X)
    last = decode(widths).decodability
    for step in range(1, 200):
        widened = list(widths)
        widened[element] += 0.05 * step * X
        try:
            decoded = decode(widened)
        except NotDecoded:
            assert step > 1
            return
        assert decoded.data == decode(widths).data  # a wrong reading would be worse
        assert decoded.decodability <= last
        last = decoded.decodability
    pytest.fail("a bar 10 modules wider still decodes")


# --- what is refused, and why ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("widths", "reason"),
    [
        ([], "no elements to decode"),
        ([X], "1 element fits no symbology (EAN-13/UPC-A 59,"),
        ([X, X], "2 elements: a scan starts and ends with a bar, so their number is odd"),
        ([X] * 58, "58 elements: a scan starts and ends with a bar"),
        ([X, -X, X], "element 2 is -0.33: widths must be positive numbers"),
        ([X, 0, X], "element 2 is 0: widths must be positive numbers"),
        ([X, math.nan, X], "element 2 is nan: widths must be positive"),
        ([X, math.inf, X], "element 2 is inf: widths must be positive"),
        ([X, "1", X], "element 2 is '1': widths must be positive"),
        ([X, None, X], "element 2 is None: widths must be positive"),
        ([X, 1e-9, X], "element 2 is less than a millionth of the widest"),
        # all alike: each character reads (e = 3.5 modules), the guards (e = 2) do not
        ([X] * 59, "as EAN/UPC: the guard pattern at elements 1-3 is not bars and spaces of 1"),
        ([X] * 101, "101 elements fit no symbology"),
    ],
    ids=lambda x: str(x)[:20],
)
def test_nonsense_is_refused_with_a_reason(widths: list[float], reason: str) -> None:
    assert str(fails(widths)).startswith(reason)


def test_not_a_list_at_all() -> None:
    assert str(fails(None)) == "the widths are not a list of numbers"  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [59, 43, 33, 37, 29, 61, 67])
def test_random_widths_of_a_symbol_s_count_are_refused(count: int) -> None:
    generator = random.Random(count)
    widths = [generator.uniform(0.1, 1.5) for _ in range(count)]
    assert str(fails(widths))


def test_random_widths_give_a_decode_or_a_reason_nothing_else() -> None:
    generator = random.Random(15416)
    results: list[Decoded | NotDecoded] = []
    for _ in range(1500):
        count = generator.choice([1, 3, 17, 25, 27, 29, 33, 37, 43, 59, 61, 99])
        widths = [generator.choice([generator.uniform(0.2, 1.2), 0.33 * generator.randint(1, 4)])
                  for _ in range(count)]  # fmt: skip
        try:
            results.append(decode(widths))
        except NotDecoded as error:  # anything else fails the test
            results.append(error)
    refused = [r for r in results if isinstance(r, NotDecoded)]
    assert all(str(error) and error.message_zh for error in refused)
    assert all(0 <= r.decodability <= 1 for r in results if isinstance(r, Decoded))
    assert len(refused) > 1400  # the few read are short ITFs, whose every 2 of 5 is a digit


def test_a_wrong_ean13_check_digit() -> None:
    widths = runs(ean13_modules("6901234567893"))
    error = fails(widths, Symbology.EAN13)
    assert str(error) == "check digit 3, expected 2 (6901234567893)"
    assert error.message_zh == "译码失败：校验码为 3，应为 2（6901234567893）"
    assert error.code == "verify-not-decoded"
    # not told the symbology, 59 elements could be Code 39 too: the reason names its reading
    assert str(fails(widths)) == "as EAN/UPC: check digit 3, expected 2 (6901234567893)"


def test_a_character_that_is_none() -> None:
    widths = runs(ean13_modules("6901234567892"))
    # character 5 (elements 20-23) is 3 in set A, 1 4 1 1: its third element 0.1 wide makes
    # T = 6.1 and e1 = (1 + 4) x 7 / 6.1 = 5.74 modules, beyond the last threshold 5.5
    widths[21] = 0.1
    assert str(fails(widths, Symbology.EAN13)) == (
        "character 5 (elements 20-23) matches no EAN/UPC character"
    )


def test_a_wrong_code128_check_character() -> None:
    widths = runs(code128.modules([104, 33, 41, 45, 44, 106]))  # AIM's check is 45
    assert str(fails(widths, Symbology.CODE128)) == "check character 44, expected 45"


def test_a_star_inside_code39() -> None:
    pattern = "".join(code39.NARROW_WIDE[char] for char in "*A*B*")
    widths = []
    for index, element in enumerate(pattern):
        widths.append(2.0 if element == "w" else 1.0)
        if index % 9 == 8 and index < len(pattern) - 1:
            widths.append(1.0)  # the intercharacter gap
    assert str(fails(widths, Symbology.CODE39)).startswith(
        "character 3 (elements 21-29) reads nwnnwnwnn (n narrow, w wide): no character"
    )


@pytest.mark.parametrize(
    ("symbol", "asked", "reason"),
    [
        (upcean.ean13("6901234567892"), Symbology.EAN8, "expected 43 elements for EAN-8, found 59"),
        (upcean.ean13("6901234567892"), Symbology.UPCA,
         "first digit 6: an EAN-13 (6901234567892), not a UPC-A"),
        (itf.itf("1234"), Symbology.ITF14, "4 digits (1234): an ITF-14 has 14"),
        (itf.itf("12345678901234"), Symbology.ITF14, "check digit 4, expected 1 (12345678901234)"),
        (code128.code128("AIM"), Symbology.GS1_128,
         "no FNC1 after the start character: Code 128, not GS1-128"),
        (code128.code128("AIM"), Symbology.QR,
         "the reference decode reads EAN/UPC, ITF, Code 128, Code 39 and GS1 DataBar (one row at "
         "a time), not QR Code"),
    ],
    ids=lambda x: str(x)[:20],
)  # fmt: skip
def test_not_what_was_asked_for(symbol: Symbol, asked: Symbology, reason: str) -> None:
    assert str(fails(widths_of(symbol), asked)) == reason
