"""Code 39, mod-43 check and full ASCII: golden patterns, Zint module for module, zxing-cpp."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from fractions import Fraction

import pytest
import zint

from tests.oracles import zint_modules, zxing_read
from tiaoma.errors import InvalidComponent, InvalidFormat
from tiaoma.render import geometry_for
from tiaoma.symbols import Symbology, code39

RANDOM_CASES = 1000


def runs(modules: str) -> list[int]:
    return [len(list(group)) for _, group in itertools.groupby(modules)]


# --- golden cases --------------------------------------------------------------------------


def test_start_stop_character() -> None:
    # ISO/IEC 16388 table 1: '*' is narrow bar, wide space, narrow bar, narrow space, wide bar,
    # narrow space, wide bar, narrow space, narrow bar.
    symbol = code39.code39("A", ratio=2)
    assert symbol.rows[0].modules.startswith("100101101101" + "0")  # '*' then the 1X gap
    assert symbol.rows[0].modules.endswith("0" + "100101101101")
    # 'A' is wide bar, narrow x3, wide space, narrow, narrow, wide bar (table 1).
    star, gap, a = "100101101101", "0", "110101001011"
    assert symbol.rows[0].modules == star + gap + a + gap + star
    # The default ratio 3: wide elements 3 modules.
    star, a = "100010111011101", "111010100010111"
    assert code39.code39("A").rows[0].modules == star + gap + a + gap + star


def test_character_table_is_three_of_nine() -> None:
    # Every character: 9 elements, 5 bars and 4 spaces, exactly 3 wide; all 44 distinct.
    assert len(code39.NARROW_WIDE) == 44
    assert len(set(code39.NARROW_WIDE.values())) == 44
    for char, elements in code39.NARROW_WIDE.items():
        assert (len(elements), elements.count("w")) == (9, 3), char
    # The four characters '$ / + %' have three wide spaces and narrow bars only.
    for char in "$/+%":
        assert code39.NARROW_WIDE[char][::2] == "nnnnn", char


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ("CODE39", "W"),  # C12+O24+D13+E14+3+9 = 75; 75 mod 43 = 32 -> W
        ("0", "0"),  # the value 0
        ("%", "%"),  # 42, the last
        ("AB-. $/+%", "-"),  # 10+11+36+37+38+39+40+41+42 = 294 = 6 x 43 + 36 -> '-'
    ],
)
def test_mod43_check_character(data: str, check: str) -> None:
    # ISO/IEC 16388 check character: values of table 1 summed, modulo 43, worked by hand.
    assert code39.check_character(data) == check


def test_full_ascii_table() -> None:
    # ISO/IEC 16388 full ASCII table: a few rows of every kind.
    table = {
        "\x00": "%U", "\x01": "$A", "\x1a": "$Z", "\x1b": "%A", "\x1f": "%E",
        " ": " ", "!": "/A", "$": "/D", "%": "/E", "+": "/K", ",": "/L", "-": "-", ".": ".",
        "/": "/O", "0": "0", ":": "/Z", ";": "%F", "?": "%J", "@": "%V", "A": "A",
        "[": "%K", "_": "%O", "`": "%W", "a": "+A", "z": "+Z", "{": "%P", "\x7f": "%T",
    }  # fmt: skip
    for char, pair in table.items():
        assert code39.extended_characters(char) == pair, repr(char)
    assert len(set(code39.FULL_ASCII)) == 128


def test_layout_and_text() -> None:
    symbol = code39.code39("CODE39", check=True)
    assert symbol.text[0].text == "*CODE39W*"
    assert symbol.data == "CODE39"
    assert symbol.symbology is Symbology.CODE39
    # 9 characters (start, 6 data, check, stop) of 15 modules at ratio 3 and 8 gaps.
    assert symbol.width == 9 * 15 + 8
    assert (symbol.quiet_zone.left, symbol.quiet_zone.right) == (10, 10)
    extended = code39.code39_extended("ab\x01")
    assert extended.text[0].text == "*ab *"
    assert extended.symbology_identifier == "]A4"


@pytest.mark.parametrize(
    ("ratio", "narrow", "wide"),
    [(2, 1, 2), (2.5, 2, 5), (3, 1, 3), (Fraction(9, 4), 4, 9), (2.2, 5, 11), (3.0, 1, 3)],
)
def test_ratio_scales_modules(ratio: float, narrow: int, wide: int) -> None:
    # The same elements as Zint's ratio-2 symbol, narrow and wide widened to whole modules;
    # quiet zones and gaps stay 10X and 1X.
    symbol = code39.code39("AB12", ratio=ratio)
    zint_runs = runs(zint_modules(zint.Symbology.CODE39, "AB12")[0])  # Zint draws ratio 2
    assert runs(symbol.rows[0].modules) == [wide if r == 2 else narrow for r in zint_runs]
    assert symbol.quiet_zone.left == 10 * narrow


# --- Zint, module for module ---------------------------------------------------------------


def random_data(rng: random.Random, alphabet: str, longest: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))


@pytest.mark.parametrize("check", [False, True])
def test_random_code39_matches_zint(check: bool) -> None:
    rng = random.Random(39 + check)
    for _ in range(RANDOM_CASES):
        data = random_data(rng, code39.CHARSET, 40)
        ours = code39.code39(data, check=check, ratio=2).rows[0].modules
        # Zint: option_2 = 1 adds the mod-43 check character.
        assert ours == zint_modules(zint.Symbology.CODE39, data, option_2=int(check))[0], data


@pytest.mark.parametrize("check", [False, True])
def test_random_extended_matches_zint(check: bool) -> None:
    rng = random.Random(139 + check)
    ascii_all = "".join(map(chr, range(128)))
    for _ in range(RANDOM_CASES):
        # Zint allows 86 symbol characters: 40 ASCII characters are at most 80 (+1 check).
        data = random_data(rng, rng.choice([ascii_all, "abcXYZ019 -.", "\x00\x7f!@[`{"]), 40)
        ours = code39.code39_extended(data, check=check, ratio=2).rows[0].modules
        theirs = zint_modules(zint.Symbology.EXCODE39, data, option_2=int(check))[0]
        assert ours == theirs, repr(data)


# --- an independent reader -----------------------------------------------------------------


def looks_checked(characters: str) -> bool:
    """Whether the last Code 39 character happens to be the check of those before it: the
    check is optional, so a reader then reports one (]A1, ]A5) whether meant or not."""
    return len(characters) > 1 and characters[-1] == code39.check_character(characters[:-1])


def test_zxing_reads_code39() -> None:
    rng = random.Random(7)
    # Without '$ / + %' a reader cannot take the data for full ASCII pairs.
    alphabet = code39.CHARSET[:-4]
    for index in range(100):
        data = random_data(rng, alphabet, 20)
        check = index % 2 == 1
        # ratio 2 is drawn only at X >= 0.50 mm, which zxing_read's default geometry is not
        result = zxing_read(code39.code39(data, check=check, ratio=(2.2, 2.5, 3)[index % 3]))
        # zxing-cpp passes the check character on and says so: ]A1 (ISO/IEC 15424).
        characters = data + (code39.check_character(data) if check else "")
        assert (result.format.name, result.text) == ("Code39", characters)
        assert result.symbology_identifier == ("]A1" if looks_checked(characters) else "]A0")


def test_zxing_reads_full_ascii() -> None:
    rng = random.Random(8)
    printable = "".join(map(chr, range(32, 127)))
    read = 0
    for _ in range(100):
        data = random_data(rng, printable, 20)
        if all(c in code39.CHARSET for c in data) or looks_checked(
            code39.extended_characters(data)
        ):
            # A reader cannot tell such data from standard Code 39, or from data with a
            # check character (zxing-cpp then reads the pairs as plain Code 39).
            continue
        result = zxing_read(code39.code39_extended(data))
        assert (result.format.name, result.text, result.symbology_identifier) == (
            "Code39Ext",
            data,
            "]A4",
        )
        read += 1
    assert read >= 90


# --- bad input -----------------------------------------------------------------------------

BAD_INPUT: list[tuple[Callable[[], object], type[Exception], str]] = [
    # Small letters are not in standard Code 39 (seed 003's set): full ASCII needs extended.
    (lambda: code39.code39("abc"), InvalidFormat, "'a' at position 1"),
    # '*' is the start/stop character, never data.
    (lambda: code39.code39("A*B"), InvalidFormat, r"'\*' at position 2"),
    # Nothing to encode.
    (lambda: code39.code39(""), InvalidFormat, "Empty value"),
    # The check character is computed on Code 39 characters only.
    (lambda: code39.check_character("a"), InvalidFormat, "position 1"),
    # Full ASCII stops at 127: no Latin-1, no Chinese.
    (lambda: code39.code39_extended("é"), InvalidFormat, "ASCII characters 0-127"),
    (lambda: code39.code39_extended("条码"), InvalidFormat, "ASCII characters 0-127"),
    # Ratios outside ISO/IEC 16388's 2.0-3.0.
    (lambda: code39.code39("A", ratio=1.5), InvalidComponent, "ratio 1.5: expected 2.0-3.0"),
    (lambda: code39.code39("A", ratio=3.5), InvalidComponent, "ratio 3.5"),
    (lambda: code39.code39("A", ratio=float("nan")), InvalidComponent, "ratio nan"),
    # A ratio no whole-module pattern of reasonable size can draw.
    (lambda: code39.code39("A", ratio=2.1234), InvalidComponent, "denominator at most 10"),
    # Below X 0.50 mm ISO/IEC 16388 asks for 2.2 at least: 2.0 at the default X 0.33 mm (the
    # old default) is refused once X is known (issue 24, item 5).
    (
        lambda: geometry_for(code39.code39("A", ratio=2)),
        InvalidComponent,
        r"ratio 2 is too small for X 0\.330 mm: ISO/IEC 16388",
    ),
    (
        lambda: geometry_for(code39.code39_extended("a", ratio=2.125), module_mm=0.49),
        InvalidComponent,
        r"ratio 2\.125 is too small for X 0\.490 mm",
    ),
]


def test_conforming_ratios_are_drawn() -> None:
    # The default 3 at the default X; 2.2 at the least; 2.0 from X 0.50 mm up.
    for symbol, module_mm in ((code39.code39("A"), None), (code39.code39("A", ratio=2.2), 0.33),
                              (code39.code39("A", ratio=2), 0.5)):  # fmt: skip
        geometry = geometry_for(symbol, module_mm=module_mm)
        assert geometry.module_mm * symbol.modules_per_x == pytest.approx(module_mm or 0.33)


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT)
def test_bad_input_is_never_drawn(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
