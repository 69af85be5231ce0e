"""GS1 Composite symbols: golden rows, Zint module for module on 500 random symbols of every
family (linear kind x CC-A/CC-B, GS1-128 x CC-C), the encodation openings, and bad input.

BWIPP's comparison is in test_symbols_composite_bwipp.py (it takes longer).
"""

from __future__ import annotations

import random

import pytest
import zint

from tests.composite_cases import FAMILIES, ORACLES, Case, cases
from tests.oracles import zint_modules, zxing_read
from tiaoma.errors import InvalidComponent, InvalidFormat, InvalidLength, TiaomaError
from tiaoma.symbols import _pdf417_tables, code128, databar, upcean
from tiaoma.symbols.base import Symbology
from tiaoma.symbols.composite import (
    LINEAR_KINDS,
    check_codewords,
    component_codewords,
    composite,
    encode,
    kind_for,
    split,
)

GS1 = zint.InputMode.GS1
OPTION = {"A": 1, "B": 2, "C": 3}
#: Zint adjusts the separator of a linked DataBar Expanded over its first four finder
#: patterns only; BWIPP, and tiaoma, over every one (ISO/IEC 24724 7.2.7: the separator
#: alternates over each finder). Modules before the fifth finder: guard 2, 4 x 49, check 17.
ZINT_EXPANDED_SEPARATOR = 2 + 4 * 49 + 17


def zint_rows(kind: str, component: str, case: Case) -> list[str]:
    return zint_modules(
        ORACLES[kind][0],
        case.zint_data,
        input_mode=GS1,
        primary=case.zint_primary,
        option_1=OPTION[component],
    )


# --- golden ---------------------------------------------------------------------------------

# EAN-13 9012345678906 with (99)1234-abcd in CC-A (4 columns, 3 rows): Zint and BWIPP draw
# exactly these rows; the three 2X separator rows carry the guard marks of ISO/IEC 24723 11.4.
EAN13_CC_A = [
    "110110111011100110111011110100010100000010001001110100111011010110000001100110010000100011011000101",
    "110110110011100010011101100111110001000101101001100100100001101011111101101011100010000011001000101",
    "110110100010001011101111110110011100100011101001100110100000011101011001011110001001000011101000101",
    "000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010",
    "001000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010",
    "000101000110101100110011011011110100111010110001010101010000100010010010001110100111001010100001010",
]  # fmt: skip


def test_ean13_cc_a_golden() -> None:
    symbol = composite("ean13", "9012345678906", "(99)1234-abcd")
    assert [row.modules for row in symbol.rows] == EAN13_CC_A
    assert [row.height for row in symbol.rows] == [2.0] * 6 + [None]
    assert symbol.symbology is Symbology.EAN13
    assert symbol.data == "9012345678906|(99)1234-abcd"
    # The digits move with the linear component: 1 module for the separators, 2 aligned.
    assert [item.x for item in symbol.text] == [-6.0 + 3, 24.0 + 3, 71.0 + 3]


def test_cc_c_rows_are_pdf417() -> None:
    symbol = composite("gs1-128", "(01)09521234543213", "(10)ABC123(11)240101", component="C")
    heights = [row.height for row in symbol.rows]
    assert heights == [3.0] * (len(heights) - 2) + [1.0, None]
    for row in symbol.rows[:-2]:
        assert row.modules.startswith(_pdf417_tables.START)
        assert row.modules.rstrip("0").endswith(_pdf417_tables.STOP)
    # ISO/IEC 24723 12.3 f): the linear component 7 modules right of CC-C's left edge.
    linear = code128.gs1_128("(01)09521234543213", linked="C").rows[0].modules
    assert symbol.rows[-1].modules[7 : 7 + len(linear)] == linear


# --- the tables and the arithmetic --------------------------------------------------------------


def test_cluster_patterns_follow_the_standard() -> None:
    """ISO/IEC 15438: 929 distinct patterns per cluster, 4 bars and 4 spaces in 17 modules, and
    (b1 - b2 + b3 - b4 + 9) mod 9 equal to the cluster number 0, 3 or 6."""
    for number, cluster in enumerate(_pdf417_tables.CLUSTERS):
        assert len(set(cluster)) == 929
        for modules in cluster:
            runs = modules.replace("01", "0 1").replace("10", "1 0").split()
            bars = [len(run) for run in runs[::2]]
            assert len(modules) == 17
            assert len(runs) == 8
            assert (bars[0] - bars[1] + bars[2] - bars[3] + 9) % 9 == 3 * number


def test_check_codewords_vanish_at_the_generator_roots() -> None:
    """A codeword polynomial with its check codewords is divisible by (x - 3^i), i = 1..k."""
    data = [920, 901, 12, 345, 678, 1, 2]
    for count in (4, 8, 16):
        word = data + check_codewords(data, count)
        for i in range(1, count + 1):
            root = pow(3, i, 929)
            assert sum(c * pow(root, len(word) - 1 - n, 929) for n, c in enumerate(word)) % 929 == 0


def test_byte_compaction() -> None:
    """Six bytes in five base-900 codewords after 924; a leftover byte is its own codeword."""
    six = "".join(format(b, "08b") for b in b"\x00\x00\x00\x00\x01\x00")
    assert component_codewords(six, "B") == [920, 924, 0, 0, 0, 0, 256]
    seven = six + "00000101"
    assert component_codewords(seven, "C") == [9, 920, 901, 0, 0, 0, 0, 256, 5]
    assert component_codewords("0" * 59, "A") == [0] * 6  # 59 bits in six codewords


def test_linkage_keywords_keep_the_defaults() -> None:
    number = "09521234543213"
    assert databar.omnidirectional(number, linked=False) == databar.omnidirectional(number)
    assert databar.limited(number, linked=True) != databar.limited(number)
    assert code128.gs1_128(f"(01){number}", linked=None) == code128.gs1_128(f"(01){number}")
    # CC-A/B over data ending in set C: Code A (101) before the check character.
    values = code128.gs1_128(f"(01){number}", linked="A").rows[0].modules
    assert code128.PATTERNS[101] in values[-35:-13]


# --- Zint, module for module ---------------------------------------------------------------


@pytest.mark.parametrize(("kind", "component"), FAMILIES, ids=str)
def test_equal_to_zint(kind: str, component: str) -> None:
    """500 random symbols of the family, every module equal to Zint's."""
    unequal = []
    for case in cases(kind, component):
        theirs = zint_rows(kind, component, case)
        ours = case.rows
        if kind == "databar-expanded" and len(ours) == len(theirs):
            separator = len(ours) - 2
            cut = ZINT_EXPANDED_SEPARATOR
            theirs[separator] = theirs[separator][:cut] + ours[separator][cut:]
        if ours != theirs:
            unequal.append(case.primary + " " + case.data)
    assert unequal == [], f"{len(unequal)} of {len(cases(kind, component))}: {unequal[:3]}"


@pytest.mark.parametrize("kind", ["ean13", "upca", "upce"])
@pytest.mark.parametrize("component", ["A", "B"])
def test_addons_equal_to_zint(kind: str, component: str) -> None:
    """An EAN/UPC with a 2- or 5-digit add-on under the 2D part: Zint's modules, 60 random
    symbols a family (Zint takes the main symbol without its check digit, as the others)."""
    rng = random.Random(f"addon/{kind}/{component}")
    for case in cases(kind, component)[:60]:
        addon = "".join(rng.choice("0123456789") for _ in range(rng.choice((2, 5))))
        symbol = composite(kind, f"{case.primary}+{addon}", case.data, component=component)
        zint_case = case._replace(zint_primary=f"{case.zint_primary}+{addon}")
        assert [row.modules for row in symbol.rows] == zint_rows(kind, component, zint_case)
        assert symbol.data == f"{case.primary}+{addon}|{case.data}"
        assert symbol.symbology_identifier == "]E3"  # read with its add-on
        # The 2D part and the separator end over the main symbol; the add-on comes after.
        assert symbol.addon_start is not None
        assert all(not row.modules[symbol.addon_start :].strip("0") for row in symbol.rows[:-1])


def test_guards_move_with_the_linear_part() -> None:
    """The renderer draws the guard bars longer where the composite says they are."""
    alone = upcean.ean13("9012345678906")
    symbol = composite("ean13", "9012345678906", "(99)1234-abcd")
    offset = symbol.rows[-1].modules.index(alone.rows[0].modules)
    assert offset == 3  # 1 for the separator's marks, 2 aligning the 2D part (12.3)
    assert symbol.guards == tuple((start + offset, end + offset) for start, end in alone.guards)
    assert symbol.addon_start is None
    assert symbol.light_margin_mark


# The encodation methods (ISO/IEC 24723 5.2-5.4), each opening once over EAN-13 and GS1-128.
OPENINGS = [
    "(10)ABC123",  # method 10 without a date: the batch
    "(11)991231",  # a date alone: FNC1 written as a latch and an alphanumeric FNC1
    "(17)250630(10)LOT7",  # a date and the batch that follows it
    "(17)250630(21)S1",  # a date and another AI: FNC1 first
    "(90)1A",  # AI (90): digits and a letter of table 3, nothing more
    "(90)123Q",  # a number too large for table 3: 10 bits and the letter
    "(90)7XYZWQ(21)ABC",  # alpha mode, then AI (21) dropped into the field
    "(90)12B345678(8004)0614141ABC",  # numeric mode, AI (8004) dropped
    "(90)3Ka-b(99)x",  # alphanumeric mode with ISO/IEC 646 characters
    "(90)0A",  # a leading zero: general-purpose field
    "(99)1234567",  # an odd digit left at the end of numeric mode
    "(99)12345678901234567890123",  # the odd digit in the last 4-6 bits
]


@pytest.mark.parametrize("data", OPENINGS)
@pytest.mark.parametrize("kind", ["ean13", "gs1-128", "databar-limited"])
def test_openings_equal_to_zint(kind: str, data: str) -> None:
    primary = {"ean13": "9012345678906", "gs1-128": "(01)09521234543213",
               "databar-limited": "(01)09521234543213"}[kind]  # fmt: skip
    zint_primary = {"ean13": "901234567890", "gs1-128": "[01]09521234543213",
                    "databar-limited": "09521234543213"}[kind]  # fmt: skip
    for component in ("A", "B"):
        try:
            symbol = composite(kind, primary, data, component=component)
        except InvalidLength:
            assert component == "A"
            continue
        case = Case(primary, zint_primary, primary, data, [])
        assert [row.modules for row in symbol.rows] == zint_rows(kind, component, case)


def test_auto_takes_the_smallest_component() -> None:
    assert composite("ean13", "9012345678906", "(10)A").rows[0].height == 2.0
    small = composite("ean8", "96385074", "(10)A")
    large = composite("ean8", "96385074", "(99)" + "Ab" * 20)
    assert len(small.rows[0].modules) == 72  # CC-A, 3 columns without a left RAP
    assert len(large.rows[0].modules) == 82  # CC-B, MicroPDF417 of 3 columns
    cc_c = composite("gs1-128", "(01)09521234543213", "(99)" + "Ab" * 45 + "(91)" + "x" * 90)
    assert cc_c.rows[0].height == 3.0


def test_every_kind_draws() -> None:
    primaries = {"ean13": "9012345678906", "ean8": "96385074", "upca": "012345678905",
                 "upce": "01234565", "databar-limited": "(01)09521234543213"}  # fmt: skip
    for kind in LINEAR_KINDS:
        symbol = composite(kind, primaries.get(kind, "(01)09521234543213"), "(10)ABC")
        assert len({len(row.modules) for row in symbol.rows}) == 1, kind
        assert symbol.data.endswith("|(10)ABC")


# --- bad input ------------------------------------------------------------------------------

BAD = [
    # (kind, primary, 2D data, component, error, code): why the case matters
    ("ean13", "9012345678906", "(99)" + "1" * 57, "A", InvalidLength, "composite.too_long"),
    ("ean13", "9012345678906", "".join(f"(9{n})" + "1" * 90 for n in range(1, 5)), "B",
     InvalidLength, "composite.too_long"),  # 368 digits, CC-B holds 338
    ("ean13", "9012345678906", "(99)" + "a" * 90 + "(91)" + "b" * 90 + "(92)" + "c" * 90,
     "auto", InvalidLength, "composite.too_long"),  # auto tries CC-A, then CC-B
    ("gs1-128", "(01)09521234543213", "".join(f"(9{n})" + "a" * 90 for n in range(1, 10)) * 3,
     "C", InvalidLength, "composite.too_long"),  # past CC-C's 865 codewords
    ("ean13", "9012345678906", "(10)A", "C", InvalidComponent, "composite.cc_c_linear"),
    ("ean13", "9012345678906", "(10)A", "D", InvalidComponent, "composite.kind"),
    ("qr", "9012345678906", "(10)A", "A", InvalidComponent, "composite.kind"),
    ("ean13", "9012345678905", "(10)A", "A", TiaomaError, "checksum"),  # the linear's check
    ("ean13", "9012345678906", "(17)251340", "A", TiaomaError, None),  # month 13
    ("ean13", "9012345678906", "(21)A(21)B", "A", TiaomaError, None),  # AI twice
    # One message over both components (GS1 GenSpecs 4.14): a second, other GTIN is refused.
    ("databar-omni", "(01)09521234543213", "(01)00000000000017", "A", TiaomaError,
     "ai_duplicate"),
    # Add-ons: 2 or 5 digits after the EAN/UPC's own, and only there.
    ("ean13", "9012345678906+123", "(10)A", "A", TiaomaError, "length"),
    ("upca", "012345678905+1a", "(10)A", "A", TiaomaError, "not_digits"),
    ("ean13", "9012345678906+", "(10)A", "A", TiaomaError, "empty"),
    ("gs1-128", "(01)09521234543213+12", "(10)A", "A", TiaomaError, None),
    # GS1 GenSpecs 2.1.3.5: add-ons go with EAN-13, UPC-A and UPC-E.
    ("ean8", "96385074+12", "(10)A", "A", InvalidComponent, "composite.addon"),
]  # fmt: skip


@pytest.mark.parametrize("case", BAD, ids=lambda case: f"{case[0]}-{case[3]}-{case[5]}")
def test_bad_input(case: tuple[str, str, str, str, type[TiaomaError], str | None]) -> None:
    kind, primary, data, component, error, code = case
    with pytest.raises(error) as raised:
        composite(kind, primary, data, component=component)
    if code is not None:
        assert raised.value.code == code
    assert raised.value.message_zh  # every error speaks Chinese too
    assert str(raised.value)


def test_too_long_message_names_the_sizes() -> None:
    with pytest.raises(InvalidLength) as raised:
        composite("upce", "01234565", "(99)" + "1" * 57, component="A")
    message = str(raised.value)
    assert "CC-A" in message
    assert "UPC-E" in message
    assert "CC-A" in raised.value.message_zh


def test_upca_and_upce_primaries() -> None:
    # UPC-E's GTIN for the pairing rules is its UPC-A: (10) needs (01), which it gives.
    assert composite("upce", "01234565", "(10)A").data == "01234565|(10)A"
    assert upcean.upce("01234565").width == 51


# --- artwork --------------------------------------------------------------------------------

READ_BACK = [
    # (kind, primary, format zxing-cpp names, text it reads (plain) from the linear component)
    ("ean13", "9012345678906", "EAN13", "9012345678906"),
    ("upca", "012345678905", "EAN13", "0012345678905"),  # zxing-cpp reports UPC-A as EAN-13
    ("gs1-128", "(01)09521234543213", "Code128", "0109521234543213"),
    ("databar-omni", "(01)09521234543213", "DataBarOmni", "0109521234543213"),
    ("databar-expanded", "(01)09521234543213(3103)000150", "DataBarExp",
     "01095212345432133103000150"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "primary", "name", "text"), READ_BACK)
def test_linear_component_reads_from_the_artwork(
    kind: str, primary: str, name: str, text: str
) -> None:
    """Drawn by tiaoma's own renderer with the 2D rows above, the linear component still reads
    (zxing-cpp reads no composite 2D component; Zint and BWIPP judge that part)."""
    symbol = composite(kind, primary, "(17)251231(21)SERIAL7")
    assert symbol.quiet_zone.top == 2  # PDF417's quiet zone above the 2D component
    result = zxing_read(symbol, pixels=3)
    assert result.format.name == name
    assert result.text == text


# --- text in, composite out ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("9012345678906|(99)1234-abcd", "ean13"),
        ("012345678905|(10)A", "upca"),
        ("96385074|(10)A", "ean8"),
        ("012345678905+12|(10)A", "upca"),  # the add-on does not count
        ("9012345678906+12345|(10)A", "ean13"),
        ("(01)09521234543213|(10)A", "gs1-128"),
        ("]C1010952123454321310AB|(21)A", "gs1-128"),
    ],
)
def test_encode_chooses_the_linear_kind(text: str, kind: str) -> None:
    primary, cc_data = split(text)
    assert kind_for(primary) == kind
    assert encode(text) == composite(kind, primary, cc_data)


def test_encode_takes_a_kind() -> None:
    text = "(01)09521234543213|(10)A"
    assert encode(text, linear_kind="databar-limited") == composite(
        "databar-limited", "(01)09521234543213", "(10)A"
    )


@pytest.mark.parametrize("text", ["9012345678906", "|(10)A", "9012345678906| "])
def test_split_wants_both_parts(text: str) -> None:
    with pytest.raises(InvalidFormat) as raised:
        split(text)
    assert raised.value.code == "composite.split"
    assert "线性数据|二维数据" in raised.value.message_zh
