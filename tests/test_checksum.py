"""GS1 mod-10 and price/weight check digits: seeds, the GS1 General Specifications, stdnum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from tiaoma import checksum
from tiaoma.errors import InvalidChecksum, InvalidFormat, InvalidLength


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("977167121601", "4"),  # seed 004's worked example (an ISSN EAN-13)
        ("693698380001", "3"),  # seed 001: 6936983800013
        ("690123456789", "2"),  # oracles.md: Zint's EAN-13 example 6901234567892
        ("00001234560001234", "9"),  # SSCC-length body, GS1 GenSpecs 7.9.1 works for any length
        ("0", "0"),  # shortest body
        ("１６９３６９８３８０００１", "0"),  # full-width digits pasted from a Chinese document
    ],
)
def test_calc_check_digit(body: str, digit: str) -> None:
    assert checksum.calc_check_digit(body) == digit


@pytest.mark.parametrize(
    ("field", "digit"),
    [
        ("2875", "9"),  # GS1 GenSpecs 7.9.3's four-digit example
        ("14685", "6"),  # GS1 GenSpecs 7.9.4's five-digit example
        ("0000", "0"),
        ("00000", "0"),
        ("9999", "6"),  # every table's last row: 7 + 7 + 7 + 1 = 22, x3 = 66
    ],
)
def test_price_check_digit(field: str, digit: str) -> None:
    assert checksum.price_check_digit(field) == digit


@pytest.mark.parametrize(
    ("field", "error", "message"),
    [
        ("123", InvalidLength, "expected 4 or 5 digits, got 3"),
        ("123456", InvalidLength, "expected 4 or 5 digits, got 6"),
        ("12a4", InvalidFormat, "Invalid character 'a' at position 3"),
        ("", InvalidFormat, "Empty value: expected a 4- or 5-digit price"),
    ],
)
def test_price_check_digit_bad_input(field: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        checksum.price_check_digit(field)


def test_five_digit_price_check_digit_property() -> None:
    # The defining property (GS1 GenSpecs 7.9.4): the "5-" product of the check digit is
    # 10 minus the units digit of the weighted sum.
    five_plus = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
    two_minus = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
    five_minus = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
    weights = (five_plus, two_minus, five_minus, five_plus, two_minus)
    for value in range(0, 100_000, 7):
        field = f"{value:05d}"
        total = sum(w[int(d)] for w, d in zip(weights, field, strict=True))
        assert five_minus[int(checksum.price_check_digit(field))] == -total % 10


@pytest.mark.parametrize(
    ("number", "error", "message"),
    [
        ("6936983800010", InvalidChecksum, "expected 3, got 0"),
        ("7", InvalidLength, "expected at least 2 digits, got 1"),
        ("69369838OOO13", InvalidFormat, "'O' at position 9"),
    ],
)
def test_validate_errors(number: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        checksum.validate(number)
    assert not checksum.is_valid(number)


def test_validate_accepts_any_length() -> None:
    assert checksum.validate("6936-9838-0001-3") == "6936983800013"
    assert checksum.is_valid("00")


@given(st.text("0123456789", min_size=1, max_size=30))
def test_agrees_with_stdnum(body: str) -> None:
    digit = checksum.calc_check_digit(body)
    assert digit == ean.calc_check_digit(body)
    assert checksum.mod10_ok(body + digit)
    assert checksum.is_valid(body + digit)
