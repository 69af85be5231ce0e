"""ISMN, the International Standard Music Number (国际标准乐谱号), for printed music.

ISO 10957:2009: an ISMN-13 is the GS1 prefix 979 (GS1 prefix list, GenSpecs 1.4.4) + the
ISMN element 0 + a publisher element and an item element, 8 digits together + a GS1 mod-10
check digit (GenSpecs 7.9.1): it *is* the music's EAN-13. The old 10-character ISMN is ``M`` +
the same 8 digits + the same check digit, computed as if ``M`` were 979-0 (ISO 10957:1993
gave ``M`` the value 3, which weighs as 979-0 does). The publisher element is 3 to 7 digits,
its length fixed by the range its first digits fall in (the International ISMN Agency's
ranges, which python-stdnum ships too); the item element takes the rest. As for ISBN, a
barcode may carry a 2- or 5-digit add-on symbol after the EAN-13 (ISO/IEC 15420 add-ons),
kept apart in :attr:`Ismn.addon`.

>>> music = parse("979-0-2306-7118-7")
>>> music.ismn13, music.ismn10, music.publisher, music.item
('9790230671187', 'M230671187', '2306', '7118')
>>> validate("M-2306-7118-7"), to_ismn13("M-2306-7118-7")
('M230671187', '9790230671187')
>>> format("9790060115615"), format("M230671187")
('979-0-060-11561-5', 'M-2306-7118-7')
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from tiaoma import _text, checksum
from tiaoma.errors import (
    CHECKSUM,
    EMPTY,
    LENGTH,
    NOT_DIGITS,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    define,
    passes,
)
from tiaoma.isbn import split_addon

__all__ = [
    "Ismn",
    "IsmnFormat",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "parse",
    "to_ismn10",
    "to_ismn13",
    "validate",
]

PREFIX = define(
    "ismn.prefix",
    "Invalid prefix {found!r} for the ISMN {value!r}: expected 9790 (979-0)",
    "ISMN“{value}”的前缀“{found}”无效：应为 9790（979-0）",
)
LETTER_M = define(
    "ismn.m",
    "Invalid first character {char!r} of the ISMN {value!r}: a 10-character ISMN starts with M",
    "ISMN“{value}”的首字符“{char}”无效：10 位 ISMN 以 M 开头",
)

_EXPECTED = (
    "10 characters (M + 9 digits) or 13 digits, optionally followed by a 2- or 5-digit add-on"
)
_EXPECTED_ZH = "10 个字符（M 加 9 位数字）或 13 位数字，后可接 2 位或 5 位附加码"
_ISMN_PREFIX = "9790"
_DIGITS = "0123456789"
# "ISMN", "ISMN-13:", "ISMN：" written before the number; compacting has dropped the hyphen.
_LABEL = re.compile(r"^ISMN(?:1[03])?:?")
# The International ISMN Agency's ranges: the publisher element's length by its first digits.
_PUBLISHER_RANGES = (
    (3, "000", "099"),
    (4, "1000", "3999"),
    (5, "40000", "69999"),
    (6, "700000", "899999"),
    (7, "9000000", "9999999"),
)


class IsmnFormat(enum.Enum):
    """How the ISMN was written: ``M`` + 9 digits, or the 13-digit EAN."""

    ISMN_10 = 10
    ISMN_13 = 13


@dataclass(frozen=True, slots=True)
class Ismn:
    """A validated ISMN in both forms, its parts, and the barcode's add-on if there was one."""

    value: str
    format: IsmnFormat
    ismn13: str
    ismn10: str
    publisher: str
    item: str
    check_digit: str
    addon: str | None

    @property
    def ean13(self) -> str:
        """The EAN-13 printed as the barcode: the ISMN-13 itself."""
        return self.ismn13


def compact(number: str) -> str:
    """Half-width, drop spaces, hyphens and an ``ISMN`` label, and write ``m`` as ``M``."""
    return _LABEL.sub("", _text.compact(number).upper())


def _digits_of(value: str) -> str:
    """``value`` (an ISMN or its body) in digits, ``M`` read as 979-0; raises on a character
    out of place, naming its position in ``value``."""
    start = 1 if len(value) in (9, 10) else 0  # M + 8 digits (+ check digit)
    if start and value[0] != "M":
        raise InvalidFormat(LETTER_M, value=value, char=value[0])
    for position, char in enumerate(value[start:], start + 1):
        if char not in _DIGITS:
            raise InvalidFormat(NOT_DIGITS, value=value, char=char, position=position)
    digits = _ISMN_PREFIX + value[1:] if start else value
    if not digits.startswith(_ISMN_PREFIX):
        raise InvalidComponent(PREFIX, value=value, found=digits[:4])
    return digits


def calc_check_digit(body: str) -> str:
    """The check digit of an ISMN body, ``M`` + 8 digits or 979-0 + 8 digits: the GS1 mod-10
    check digit of 979-0 + 8 digits in both cases (ISO 10957).

    >>> calc_check_digit("M23067118"), calc_check_digit("979023067118")
    ('7', '7')
    """
    body = compact(body)
    if not body:
        raise InvalidFormat(EMPTY, expected="an ISMN", expected_zh="ISMN")
    if len(body) not in (9, 12):
        raise InvalidLength(LENGTH, value=body, expected="9 or 12 characters", found=len(body))
    return checksum.calc_check_digit(_digits_of(body))


def _validated(value: str) -> str:
    """The ISMN-10 or ISMN-13 ``value`` if its letter, prefix and check digit are right."""
    digits = _digits_of(value)
    expected = checksum.calc_check_digit(digits[:12])
    if value[-1] != expected:
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[-1])
    return value


def _split(number: str) -> tuple[str, str | None]:
    """The validated ISMN (10 or 13) and the add-on digits, if any."""
    value = compact(number)
    if not value:
        raise InvalidFormat(EMPTY, expected="an ISMN", expected_zh="ISMN")
    ismn, addon = split_addon(value)
    if len(ismn) == 10:
        return _validated(ismn), None
    if len(ismn) == 13:
        return _validated(ismn), addon
    raise InvalidLength(
        LENGTH, value=ismn, expected=_EXPECTED, expected_zh=_EXPECTED_ZH, found=len(ismn)
    )


def validate(number: str) -> str:
    """Return the compact ISMN (add-on digits appended, if any) or raise.

    >>> validate("ISMN 979-0-2306-7118-7")
    '9790230671187'
    >>> validate("M-2306-7118-6")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for 'M230671186': expected 7, got 6
    """
    ismn, addon = _split(number)
    return ismn + (addon or "")


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid ISMN-10 or ISMN-13 (with or without an add-on)."""
    return passes(validate, number)


def to_ismn13(number: str) -> str:
    """The ISMN-13 (the EAN-13) of an ISMN; an add-on is left out."""
    ismn, _ = _split(number)
    return _ISMN_PREFIX + ismn[1:] if len(ismn) == 10 else ismn


def to_ismn10(number: str) -> str:
    """The 10-character ISMN (``M`` + 9 digits) of an ISMN; every ISMN-13 has one."""
    return "M" + to_ismn13(number)[4:]


def _publisher_length(digits: str) -> int:
    """The publisher element's length, from the 8 digits after 979-0 (the agency's ranges)."""
    return next(size for size, low, high in _PUBLISHER_RANGES if low <= digits[:size] <= high)


def parse(number: str) -> Ismn:
    """Validate ``number`` and give both of its forms, its publisher and item, and its add-on."""
    ismn, addon = _split(number)
    ismn13 = _ISMN_PREFIX + ismn[1:] if len(ismn) == 10 else ismn
    digits = ismn13[4:12]
    size = _publisher_length(digits)
    return Ismn(
        ismn, IsmnFormat(len(ismn)), ismn13, "M" + ismn13[4:], digits[:size], digits[size:],
        ismn[-1], addon,
    )  # fmt: skip


def format(number: str) -> str:
    """Prefix (979-0 or M), publisher, item and check digit hyphenated, an add-on after a space."""
    music = parse(number)
    lead = "979-0" if music.format is IsmnFormat.ISMN_13 else "M"
    text = f"{lead}-{music.publisher}-{music.item}-{music.check_digit}"
    return text if music.addon is None else f"{text} {music.addon}"
