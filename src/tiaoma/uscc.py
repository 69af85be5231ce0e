"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: the registration authority (1), the kind of organisation (1), the administrative
division of registration (6, GB/T 2260), the organisation code (9, GB 11714, with its own check
character) and a check character over the first 17 (GB 32100 clause 5). The alphabet has 31
characters: the digits and the capitals without I, O, Z, S, V. The check character is
``31 - (Σ value × 3^i mod 31) mod 31`` over the 17 characters, weights 3^i mod 31 from the left.

>>> validate("91110000600037341L")
'91110000600037341L'
>>> calc_check_digit("91110000600037341")
'L'
>>> validate("91110000600037341A")
Traceback (most recent call last):
  ...
tiaoma.errors.InvalidChecksum: Invalid check digit for '91110000600037341A': expected L, got A
"""

from __future__ import annotations

from tiaoma import _text
from tiaoma.errors import CHECKSUM, LENGTH, InvalidChecksum, InvalidFormat, InvalidLength, define
from tiaoma.errors import passes as _passes

__all__ = ["ALPHABET", "calc_check_digit", "compact", "is_valid", "validate"]

#: GB 32100 table 1: the 31 characters and their values 0-30 (no I, O, Z, S, V).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_LENGTH = 18

CHARACTER = define(
    "uscc.character",
    "Invalid character {char!r} at position {position} of {value!r}: a unified social credit "
    "code uses digits and the capitals except I, O, Z, S, V",
    "“{value}”第 {position} 位的字符“{char}”无效：统一社会信用代码只含数字和除 I、O、Z、S、V "
    "以外的大写字母",
)

DIVISION = define(
    "uscc.division",
    "Invalid character {char!r} at position {position} of {value!r}: positions 3-8 are the "
    "administrative division code (GB/T 2260), digits only",
    "“{value}”第 {position} 位的字符“{char}”无效：第 3-8 位是行政区划码（GB/T 2260），只能是数字",
)


def compact(code: str) -> str:
    """Half-width, upper-case, without spaces and hyphens."""
    return _text.compact(code).upper()


def _require_characters(code: str) -> str:
    for position, char in enumerate(code, 1):
        if char not in _VALUES:
            raise InvalidFormat(CHARACTER, value=code, char=char, position=position)
    return code


def calc_check_digit(body: str) -> str:
    """The check character of the first 17 characters (GB 32100 clause 5)."""
    body = _require_characters(compact(body))
    if len(body) != _LENGTH - 1:
        raise InvalidLength(LENGTH, value=body, expected="17 characters", found=len(body))
    total = sum(_VALUES[char] * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str) -> str:
    """Return the compact code if it has 18 valid characters and a correct check character."""
    code = compact(code)
    if not code:
        _text.require_digits(
            code, expected="a unified social credit code", expected_zh="统一社会信用代码"
        )
    if len(code) != _LENGTH:
        raise InvalidLength(LENGTH, value=code, expected="18 characters", found=len(code))
    _require_characters(code)
    if not code[2:8].isdigit():  # the administrative division, GB/T 2260
        position, char = next((i, c) for i, c in enumerate(code[2:8], 3) if not c.isdigit())
        raise InvalidFormat(DIVISION, value=code, char=char, position=position)
    expected = calc_check_digit(code[:-1])
    if code[-1] != expected:
        raise InvalidChecksum(CHECKSUM, value=code, expected=expected, found=code[-1])
    return code


def is_valid(code: str) -> bool:
    """Whether ``code`` is a valid unified social credit code."""
    return _passes(validate, code)
