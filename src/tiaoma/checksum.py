"""GS1 check digits: the mod-10 check digit of every GS1 key, and the price/weight check digits.

The mod-10 rule (GS1 General Specifications 7.9.1; seed 004): number the digits from the right,
the check digit's position being 1; digits in even positions weigh 3, odd positions 1; the
check digit brings the weighted sum to a multiple of 10. It serves GTIN-8/12/13/14, SSCC, GLN,
GSIN, GSRN and the rest alike.

>>> calc_check_digit("977167121601")   # seed 004's worked example
'4'
>>> calc_check_digit("693698380001")   # seed 001: 6936983800013
'3'
>>> validate("6936983800013")
'6936983800013'
>>> price_check_digit("2875"), price_check_digit("14685")   # GS1 General Specifications 7.9.3/7.9.4
('9', '6')
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaoma import _text
from tiaoma.errors import CHECKSUM, LENGTH, InvalidChecksum, InvalidLength, passes

__all__ = [
    "KeySpec",
    "calc_check_digit",
    "compact",
    "is_valid",
    "price_check_digit",
    "validate",
]


def compact(number: str) -> str:
    """Drop spaces and hyphens, half-width full-width digits."""
    return _text.compact(number)


def _weighted_sum(digits: bytes, *, with_check_digit: bool) -> int:
    # Summing the ASCII codes and removing the '0' offsets afterwards avoids an int() per digit.
    ones = digits[::-2] if with_check_digit else digits[-2::-2]
    threes = digits[-2::-2] if with_check_digit else digits[::-2]
    return sum(ones) + 3 * sum(threes) - 48 * (len(ones) + 3 * len(threes))


def mod10_ok(digits: str) -> bool:
    """Whether an ASCII-digit string ends in its correct mod-10 check digit (no other checks)."""
    return _weighted_sum(digits.encode("ascii"), with_check_digit=True) % 10 == 0


def calc_check_digit(body: str) -> str:
    """The mod-10 check digit to append to ``body`` (the number without its check digit)."""
    body = _text.require_digits(compact(body))
    return str(-_weighted_sum(body.encode("ascii"), with_check_digit=False) % 10)


def validate(number: str) -> str:
    """Return the compact number if its last digit is its mod-10 check digit, else raise."""
    number = _text.require_digits(compact(number))
    if len(number) < 2:
        raise InvalidLength(LENGTH, value=number, expected="at least 2 digits", found=len(number))
    expected = calc_check_digit(number[:-1])
    if number[-1] != expected:
        raise InvalidChecksum(CHECKSUM, value=number, expected=expected, found=number[-1])
    return number


@dataclass(frozen=True)
class KeySpec:
    """A fixed-length GS1 key (GLN, SSCC, ...): its length and its names for messages."""

    length: int
    name: str
    name_zh: str

    def _digits(self, number: str, length: int) -> str:
        value = _text.require_digits(compact(number), expected=self.name, expected_zh=self.name_zh)
        if len(value) != length:
            raise InvalidLength(LENGTH, value=value, expected=f"{length} digits", found=len(value))
        return value

    def validate(self, number: str) -> str:
        """Digits, length, then the mod-10 check digit; the compact key or an error."""
        value = self._digits(number, self.length)
        if not mod10_ok(value):
            expected = calc_check_digit(value[:-1])
            raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[-1])
        return value

    def check_digit(self, body: str) -> str:
        """The check digit of a body of ``length - 1`` digits."""
        return calc_check_digit(self._digits(body, self.length - 1))


def is_valid(number: str) -> bool:
    """Whether ``number`` ends in a correct mod-10 check digit."""
    return passes(validate, number)


# GS1 General Specifications 7.9.3, the weighting factors of the price/weight check digits:
# "2-" doubles and subtracts the tens digit, "3" triples, "5+" multiplies by 5 and adds the tens
# digit, "5-" multiplies by 5 and subtracts the tens digit; each keeps the units digit.
_WEIGHT_2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_WEIGHT_3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_WEIGHT_5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_WEIGHT_5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
_FOUR_DIGIT_WEIGHTS = (_WEIGHT_2_MINUS, _WEIGHT_2_MINUS, _WEIGHT_3, _WEIGHT_5_MINUS)
_FIVE_DIGIT_WEIGHTS = (
    _WEIGHT_5_PLUS,
    _WEIGHT_2_MINUS,
    _WEIGHT_5_MINUS,
    _WEIGHT_5_PLUS,
    _WEIGHT_2_MINUS,
)


def price_check_digit(field: str) -> str:
    """The check digit of a 4- or 5-digit price or weight field (GS1 GenSpecs 7.9.3, 7.9.4).

    Four digits: the weighted sum times 3, units digit. Five digits: the digit whose "5-"
    product equals 10 minus the units digit of the weighted sum (mod 10).
    """
    field = _text.require_digits(
        compact(field), expected="a 4- or 5-digit price", expected_zh="4 位或 5 位价格"
    )
    if len(field) == 4:
        total = sum(table[int(d)] for table, d in zip(_FOUR_DIGIT_WEIGHTS, field, strict=True))
        return str(total * 3 % 10)
    if len(field) == 5:
        total = sum(table[int(d)] for table, d in zip(_FIVE_DIGIT_WEIGHTS, field, strict=True))
        return str(_WEIGHT_5_MINUS.index(-total % 10))
    raise InvalidLength(LENGTH, value=field, expected="4 or 5 digits", found=len(field))
