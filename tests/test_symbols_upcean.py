"""EAN/UPC encoders: golden patterns from the standards and seeds, and Zint module for module."""

from __future__ import annotations

import random

import pytest
import zint

from tests.oracles import zint_modules
from tiaoma import checksum, upc
from tiaoma.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from tiaoma.symbols import Symbology, upcean

RANDOM_CASES = 1000


def with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


def random_bodies(length: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        with_check("".join(rng.choice("0123456789") for _ in range(length)))
        for _ in range(RANDOM_CASES)
    ]


def test_seed_001_table_3_golden_pattern() -> None:
    # Seed 001 §6 and oracles.md: 6901234567892, leading 6 -> left sets ABBBAA.
    symbol = upcean.ean13("6901234567892")
    assert upcean.left_parity("6901234567892") == "ABBBAA"
    assert symbol.rows[0].modules == (
        "101"
        "0001011"
        "0100111"
        "0110011"
        "0011011"
        "0111101"
        "0100011"  # 9 0 1 2 3 4: A B B B A A
        "01010"
        "1001110"
        "1010000"
        "1000100"
        "1001000"
        "1110100"
        "1101100"
        "101"  # 5 6 7 8 9 2: C
    )
    assert symbol.symbology_identifier == "]E0"
    assert symbol.width == 95


@pytest.mark.parametrize(
    ("leading", "sets"),
    # ISO/IEC 15420 table 6 (GB 12904 table 3): every leading digit's left-half sets.
    list(
        enumerate(
            (
                "AAAAAA",
                "AABABB",
                "AABBAB",
                "AABBBA",
                "ABAABB",
                "ABBAAB",
                "ABBBAA",
                "ABABAB",
                "ABABBA",
                "ABBABA",
            )
        )
    ),
)
def test_leading_digit_parity(leading: int, sets: str) -> None:
    assert upcean.left_parity(with_check(f"{leading}00000000000")) == sets


def test_character_sets_are_the_standards() -> None:
    # ISO/IEC 15420 table 1: every character is 7 modules, 2 bars and 2 spaces; A odd parity.
    for code in upcean.SET_A + upcean.SET_B + upcean.SET_C:
        assert len(code) == 7
        assert code.count("01") + code.count("10") in (3, 4)
    assert all(code.count("1") % 2 == 1 for code in upcean.SET_A)
    assert all(code.count("1") % 2 == 0 for code in upcean.SET_B)
    assert upcean.SET_C[0] == "1110010"


def test_layout_facts() -> None:
    ean13 = upcean.ean13("6936983800013")
    assert (ean13.quiet_zone.left, ean13.quiet_zone.right) == (11, 7)  # GB 12904
    assert ean13.guards == ((0, 3), (45, 50), (92, 95))
    assert [item.text for item in ean13.text] == ["6", "936983", "800013"]
    assert ean13.light_margin_mark
    ean8 = upcean.ean8(with_check("6901234"))
    assert (ean8.width, ean8.quiet_zone.left, ean8.quiet_zone.right) == (67, 7, 7)
    assert upcean.upce("04252614").width == 51


@pytest.mark.parametrize(
    ("encoder", "zint_symbology", "length", "zint_data"),
    [
        (upcean.ean13, zint.Symbology.EANX, 12, lambda v: v[:-1]),
        (upcean.ean8, zint.Symbology.EANX, 7, lambda v: v[:-1]),  # Zint takes EAN-8 as 7 digits
        (upcean.upca, zint.Symbology.UPCA, 11, lambda v: v[:-1]),
    ],
)
def test_random_numbers_match_zint(encoder, zint_symbology, length, zint_data) -> None:  # type: ignore[no-untyped-def]
    for value in random_bodies(length, seed=length):
        assert encoder(value).rows[0].modules == zint_modules(zint_symbology, zint_data(value))[0]


def test_random_upce_match_zint() -> None:
    rng = random.Random(8)
    for _ in range(RANDOM_CASES):
        system = rng.choice("01")
        written = upc.validate(system + "".join(rng.choice("0123456789") for _ in range(6)))
        symbol = upcean.upce(written)
        # The symbol carries the canonical zero suppression of the number's UPC-A.
        assert symbol.data == upc.to_upc_e(upc.to_upc_a(written))
        assert symbol.rows[0].modules == zint_modules(zint.Symbology.UPCE, symbol.data[:7])[0]


@pytest.mark.parametrize("addon_length", [2, 5])
@pytest.mark.parametrize(
    ("encoder", "zint_symbology", "length"),
    [
        (upcean.ean13, zint.Symbology.EANX, 12),
        (upcean.ean8, zint.Symbology.EANX, 7),
        (upcean.upca, zint.Symbology.UPCA, 11),
    ],
)
def test_random_addons_match_zint(encoder, zint_symbology, length, addon_length) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(addon_length * 100 + length)
    for value in random_bodies(length, seed=length + 50):
        extra = "".join(rng.choice("0123456789") for _ in range(addon_length))
        ours = encoder(value, addon_digits=extra).rows[0].modules
        main = value[:-1] if len(value) == 8 else value  # Zint reads 8 digits as an EAN-13 body
        assert ours == zint_modules(zint_symbology, f"{main}+{extra}")[0], (value, extra)


def test_upce_with_addon_and_isbn_issn_addons() -> None:
    assert (
        upcean.upce("04252614", addon_digits="12").rows[0].modules
        == zint_modules(zint.Symbology.UPCE, "0425261+12")[0]
    )
    # ISSN with its issue number, ISBN with its price: EAN-13 + add-on.
    issn = upcean.ean13("9771671216014", addon_digits="05")
    assert issn.data == "9771671216014+05"
    assert issn.rows[0].modules == zint_modules(zint.Symbology.EANX, "9771671216014+05")[0]
    book = upcean.ean13("9787111213826", addon_digits="52499")
    assert book.rows[0].modules == zint_modules(zint.Symbology.ISBNX, "9787111213826+52499")[0]
    assert upcean.addon("52499").symbology is Symbology.EAN5
    assert upcean.addon("05").symbology is Symbology.EAN2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: upcean.ean13("6901234567890"), InvalidChecksum, "expected 2, got 0"),
        (lambda: upcean.ean13("69012341"), InvalidLength, "expected 13 digits"),
        (lambda: upcean.ean8("6901234567892"), InvalidLength, "expected 8 digits"),
        (lambda: upcean.upca("6901234567892"), InvalidLength, "expected 12 digits"),
        # Number system 2 has no UPC-E.
        (lambda: upcean.upce("24252614"), InvalidComponent, "expected 0 or 1, got '2'"),
        (lambda: upcean.addon("123"), InvalidLength, "expected 2 or 5 digits"),
        (lambda: upcean.addon("1a"), InvalidFormat, "Invalid character 'a'"),
        (lambda: upcean.ean13("6901234567892", addon_digits="1234"), InvalidLength, "2 or 5"),
    ],
)
def test_invalid_data_is_never_drawn(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()


def test_a_symbol_with_its_add_on_reads_as_e3() -> None:
    """ISO/IEC 15424 / 15420: a scanner sends ]E3 for a main symbol with its add-on."""
    assert upcean.ean13("9771671216014", addon_digits="05").symbology_identifier == "]E3"
    assert upcean.ean13("9771671216014").symbology_identifier == "]E0"
