"""ITF and ITF-14: golden patterns, Zint module for module, zxing-cpp."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import pytest
import zint

from tests.oracles import zint_modules, zxing_read
from tiaoma import checksum
from tiaoma.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from tiaoma.render import geometry_for
from tiaoma.symbols import Symbology, itf

RANDOM_CASES = 1000


def runs(modules: str) -> list[int]:
    return [len(list(group)) for _, group in itertools.groupby(modules)]


def random_digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


# --- golden cases --------------------------------------------------------------------------


def test_digit_table_is_two_of_five() -> None:
    # ISO/IEC 16390 table 1: each digit five elements, exactly two wide, all distinct; the
    # weights 1-2-4-7-0 of the wide elements give the digit (0 is 4 + 7).
    assert len(set(itf.NARROW_WIDE)) == 10
    for digit, elements in enumerate(itf.NARROW_WIDE):
        assert elements.count("w") == 2
        value = sum(w for w, e in zip((1, 2, 4, 7, 0), elements, strict=True) if e == "w")
        assert value == (digit or 11), digit


def test_start_pair_and_stop_by_hand() -> None:
    # Start nnnn; pair 1 (bars wnnnw) with 2 (spaces nwnnw); stop wide bar, narrow space,
    # narrow bar; ratio 3 (ISO/IEC 16390 figure of the symbol structure, worked by hand).
    pair = ["111", "0", "1", "000", "1", "0", "1", "0", "111", "000"]  # b s b s ... of 1 and 2
    assert itf.itf("12").rows[0].modules == "1010" + "".join(pair) + "11101"


def test_itf14_layout() -> None:
    # Seed 001's GTIN-13 6936983800013 in a case: GTIN-14 16936983800010 (GS1 GenSpecs 3.3.4).
    symbol = itf.itf14("6936983800013", indicator="1")
    assert symbol.data == "16936983800010"
    assert symbol.symbology is Symbology.ITF14
    assert symbol.symbology_identifier == "]I1"
    assert symbol.width == 4 + 7 * 18 + 5
    assert (symbol.quiet_zone.left, symbol.quiet_zone.right) == (10, 10)
    assert symbol.text[0].text == "16936983800010"
    # GS1 GenSpecs 5.3.2.5: 4.8 mm at X = 1.016 mm is 4.7X; 5X is what Zint draws by default.
    assert symbol.bearer_bars == itf.BEARER_BAR == 5
    reference = zint.Symbol()
    reference.symbology = zint.Symbology.ITF14
    reference.encode("1693698380001")
    assert reference.border_width == symbol.bearer_bars


@pytest.mark.parametrize(
    ("number", "data"),
    [
        ("16936983800010", "16936983800010"),  # a GTIN-14
        ("6936983800013", "06936983800013"),  # a GTIN-13, indicator 0 as GS1 carries it
        ("012345678905", "00012345678905"),  # a GTIN-12
        ("69012341", "00000069012341"),  # a GTIN-8
        ("６９３６９８３８０００１３", "06936983800013"),  # full width, pasted from a document
    ],
)
def test_itf14_carries_any_gtin_as_14_digits(number: str, data: str) -> None:
    assert itf.itf14(number).data == data


def test_ratio_scales_modules() -> None:
    # Ratio 2.5 (GS1's target for ITF-14): narrow 2 modules, wide 5; quiet zones 10X = 20.
    symbol = itf.itf14("16936983800010", ratio=2.5)
    ratio3 = runs(itf.itf14("16936983800010").rows[0].modules)
    assert runs(symbol.rows[0].modules) == [5 if r == 3 else 2 for r in ratio3]
    assert (symbol.quiet_zone.left, symbol.bearer_bars) == (20, 10)


# --- Zint, module for module ---------------------------------------------------------------


def test_random_itf_matches_zint() -> None:
    rng = random.Random(25)
    for _ in range(RANDOM_CASES):
        digits = random_digits(rng, 2 * rng.randint(1, 20))
        assert itf.itf(digits).rows[0].modules == zint_modules(zint.Symbology.C25INTER, digits)[0]


def test_random_itf_with_check_digit_matches_zint() -> None:
    rng = random.Random(26)
    for _ in range(RANDOM_CASES):
        digits = random_digits(rng, 2 * rng.randint(1, 20) - 1)
        ours = itf.itf(digits, check_digit=True)
        assert ours.data == with_check(digits)
        # Zint: option_2 = 1 appends the mod-10 check digit.
        assert ours.rows[0].modules == zint_modules(zint.Symbology.C25INTER, digits, option_2=1)[0]


def test_random_itf14_matches_zint() -> None:
    rng = random.Random(14)
    for _ in range(RANDOM_CASES):
        number = with_check(random_digits(rng, 13))
        # Zint takes the 13 digits without the check digit and adds it.
        assert (
            itf.itf14(number).rows[0].modules == zint_modules(zint.Symbology.ITF14, number[:-1])[0]
        )


def test_random_itf14_from_gtin13_and_indicator() -> None:
    rng = random.Random(15)
    for _ in range(RANDOM_CASES):
        gtin13 = with_check(random_digits(rng, 12))
        indicator = rng.choice("12345678")
        symbol = itf.itf14(gtin13, indicator=indicator)
        assert symbol.data == with_check(indicator + gtin13[:12])
        assert (
            symbol.rows[0].modules == zint_modules(zint.Symbology.ITF14, indicator + gtin13[:12])[0]
        )


# --- an independent reader -----------------------------------------------------------------


def test_zxing_reads_itf_and_itf14() -> None:
    rng = random.Random(16)
    for index in range(100):
        number = with_check(random_digits(rng, 13))
        symbol = itf.itf14(number, ratio=(2.25, 2.5, 3)[index % 3])
        found = zxing_read(symbol)  # drawn by tiaoma's renderer, bearer bars included
        assert (found.format.name, found.text, found.symbology_identifier) == ("ITF", number, "]I1")
    # Plain ITF without a check digit; zxing-cpp reads ITF of 6 digits and more by default.
    for _ in range(100):
        digits = random_digits(rng, 2 * rng.randint(3, 12))
        assert zxing_read(itf.itf(digits)).text == digits


# --- bad input -----------------------------------------------------------------------------

BAD_INPUT: list[tuple[Callable[[], object], type[Exception], str]] = [
    # ITF takes digits in pairs (ISO/IEC 16390): an odd count has no symbol.
    (lambda: itf.itf("123"), InvalidLength, "expected an even number of digits .* got 3"),
    # With a check digit the data must be odd so that data + check is even.
    (lambda: itf.itf("1234", check_digit=True), InvalidLength, "an odd number of digits"),
    # Digits only.
    (lambda: itf.itf("12A4"), InvalidFormat, "'A' at position 3"),
    (lambda: itf.itf(""), InvalidFormat, "Empty value"),
    # ITF-14 takes a GTIN: a wrong check digit is never drawn.
    (lambda: itf.itf14("16936983800011"), InvalidChecksum, "expected 0, got 1"),
    # Neither a GTIN length.
    (lambda: itf.itf14("123456789"), InvalidLength, "expected 8, 12, 13 or 14 digits"),
    # Indicator 9 is for variable measure items, 0 for no packaging level: 1-8 for cases.
    (lambda: itf.itf14("6936983800013", indicator="9"), InvalidComponent, "Invalid indicator"),
    # A ratio outside 2.0-3.0.
    (lambda: itf.itf14("16936983800010", ratio=1.0), InvalidComponent, "ratio 1.0"),
    # ITF-14: 2.25-3.0 (GS1 GenSpecs 5.3), so 2.2 is refused though plain ITF may have it.
    (
        lambda: itf.itf14("16936983800010", ratio=2.2),
        InvalidComponent,
        "ratio 2.2: expected 2.25-3.0 for ITF-14",
    ),
    # ISO/IEC 16390: at least 2.2 below X 0.50 mm, checked when X is known.
    (
        lambda: geometry_for(itf.itf("1234", ratio=2), module_mm=0.4),
        InvalidComponent,
        r"ratio 2 is too small for X 0\.400 mm: ISO/IEC 16390",
    ),
]


def test_conforming_ratios_are_drawn() -> None:
    assert geometry_for(itf.itf14("16936983800010", ratio=2.25)).module_mm * 4 == 0.635
    assert geometry_for(itf.itf("1234", ratio=2)).module_mm == 0.635  # default X: 2.0 allowed
    assert geometry_for(itf.itf("1234", ratio=2.2), module_mm=0.3).module_mm * 5 == 0.3


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT)
def test_bad_input_is_never_drawn(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
