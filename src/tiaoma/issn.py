"""ISSN, the International Standard Serial Number (国际标准连续出版物号), and its EAN-13.

An ISSN is seven digits + a mod-11 check character (weights 8 to 2; ``X`` stands for 10),
ISO 3297. Its barcode is an EAN-13: GS1 prefix 977 (GS1 prefix list, GenSpecs 1.4.4) + the
seven digits + a 2-digit variant (price or sequence variant, often ``00``) + a GS1 mod-10 check
digit (GenSpecs 7.9.1; seed 004 works ``977167121601X`` → ``X = 4``). The symbol may carry a
2-digit add-on (the issue number, 期号) or a 5-digit one (ISO/IEC 15420 add-ons), kept apart in
:attr:`Issn.addon`.

>>> serial = parse("9771671216014 05")
>>> serial.issn, serial.variant, serial.addon
('16712161', '01', '05')
>>> from_ean13("9771671216014"), to_ean13("1671-2161", variant="01")
('16712161', '9771671216014')
>>> format("16712161"), format("977167121601405")
('1671-2161', '977 1671216 01 4 05')
"""

from __future__ import annotations

import enum
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
from tiaoma.isbn import CHECK_CHAR, split_addon
from tiaoma.isbn import compact as _compact_labelled

__all__ = [
    "Issn",
    "IssnFormat",
    "calc_check_digit",
    "compact",
    "format",
    "from_ean13",
    "is_valid",
    "parse",
    "to_ean13",
    "validate",
]

PREFIX = define(
    "issn.prefix",
    "Invalid prefix {found!r} for the ISSN EAN-13 {value!r}: expected 977",
    "ISSN 的 EAN-13 代码“{value}”前缀“{found}”无效：应为 977",
)
VARIANT = define(
    "issn.variant",
    "Invalid ISSN variant {value!r}: expected 2 digits",
    "ISSN 变体代码“{value}”无效：应为 2 位数字",
)

_EXPECTED = (
    "8 characters (ISSN) or 13 digits (EAN-13), optionally followed by a 2- or 5-digit add-on"
)
_DIGITS = "0123456789"


class IssnFormat(enum.Enum):
    """How the ISSN was written: the 8-character ISSN or its EAN-13."""

    ISSN = 8
    EAN_13 = 13


@dataclass(frozen=True, slots=True)
class Issn:
    """A validated ISSN; ``ean13`` and ``variant`` are known only when an EAN-13 was given."""

    value: str
    format: IssnFormat
    issn: str
    ean13: str | None
    variant: str | None
    addon: str | None

    @property
    def check_digit(self) -> str:
        """The ISSN's own check character (a digit or X), not the EAN-13's."""
        return self.issn[7]


def compact(number: str) -> str:
    """Half-width, drop spaces, hyphens and an ``ISSN`` label, and write ``x`` as ``X``."""
    return _compact_labelled(number)


def _issn_check_char(body: str) -> str:
    # ISO 3297: weights 8..2, the check character makes the sum ≡ 0 (mod 11).
    total = sum(weight * int(digit) for weight, digit in zip(range(8, 1, -1), body, strict=True))
    check = -total % 11
    return "X" if check == 10 else str(check)


def calc_check_digit(body: str) -> str:
    """The check character of a 7-digit ISSN body, or the check digit of a 12-digit EAN-13 body.

    >>> calc_check_digit("1671216"), calc_check_digit("2434561"), calc_check_digit("977167121601")
    ('1', 'X', '4')
    """
    body = _text.require_digits(compact(body), expected="an ISSN", expected_zh="ISSN")
    if len(body) == 7:
        return _issn_check_char(body)
    if len(body) == 12:
        return checksum.calc_check_digit(body)
    raise InvalidLength(LENGTH, value=body, expected="7 or 12 digits", found=len(body))


def _validated_issn(value: str) -> str:
    for position, char in enumerate(value[:7], 1):
        if char not in _DIGITS:
            raise InvalidFormat(NOT_DIGITS, value=value, char=char, position=position)
    if value[7] not in _DIGITS + "X":
        raise InvalidFormat(CHECK_CHAR, value=value, char=value[7])
    expected = _issn_check_char(value[:7])
    if value[7] != expected:
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[7])
    return value


def _validated_ean13(value: str) -> str:
    _text.require_digits(value, expected="an ISSN", expected_zh="ISSN")
    if not checksum.mod10_ok(value):
        expected = checksum.calc_check_digit(value[:12])
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[12])
    if value[:3] != "977":
        raise InvalidComponent(PREFIX, value=value, found=value[:3])
    return value


def _split(number: str) -> tuple[str, str | None]:
    """The validated ISSN or EAN-13 and the add-on digits, if any."""
    value = compact(number)
    if not value:
        raise InvalidFormat(EMPTY, expected="an ISSN", expected_zh="ISSN")
    main, addon = split_addon(value)
    if len(main) == 8:
        return _validated_issn(main), None
    if len(main) == 13:
        return _validated_ean13(main), addon
    raise InvalidLength(LENGTH, value=main, expected=_EXPECTED, found=len(main))


def validate(number: str) -> str:
    """Return the compact ISSN or EAN-13 (add-on digits appended, if any) or raise.

    >>> validate("ISSN 1671-2161"), validate("9771671216014 05")
    ('16712161', '977167121601405')
    >>> validate("1671-2162")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '16712162': expected 1, got 2
    """
    main, addon = _split(number)
    return main + (addon or "")


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid ISSN or ISSN EAN-13 (with or without an add-on)."""
    return passes(validate, number)


def _issn_of(main: str) -> str:
    if len(main) == 8:
        return main
    return main[3:10] + _issn_check_char(main[3:10])


def from_ean13(number: str) -> str:
    """The 8-character ISSN of an ISSN EAN-13 (an ISSN is returned as it is)."""
    main, _ = _split(number)
    return _issn_of(main)


def _require_variant(variant: str) -> str:
    _text.require_text(variant)  # an int 1 is no variant "01": say so rather than guess
    if len(variant) != 2 or not variant.isdigit() or not variant.isascii():
        raise InvalidFormat(VARIANT, value=variant)
    return variant


def to_ean13(number: str, *, variant: str | None = None) -> str:
    """The EAN-13 of an ISSN: 977 + 7 digits + variant + check digit; an add-on is left out.

    ``variant`` defaults to the EAN-13's own when one is given, else to ``00``.
    """
    main, _ = _split(number)
    if variant is None:
        variant = main[10:12] if len(main) == 13 else "00"
    body = "977" + _issn_of(main)[:7] + _require_variant(variant)
    return body + checksum.calc_check_digit(body)


def parse(number: str) -> Issn:
    """Validate ``number`` and give the ISSN, the EAN-13 and its variant, and the add-on."""
    main, addon = _split(number)
    if len(main) == 8:
        return Issn(main, IssnFormat.ISSN, main, None, None, None)
    return Issn(main, IssnFormat.EAN_13, _issn_of(main), main, main[10:12], addon)


def format(number: str) -> str:
    """``1234-5679`` for an ISSN; prefix, ISSN digits, variant, check (and add-on) for an EAN."""
    main, addon = _split(number)
    if len(main) == 8:
        return f"{main[:4]}-{main[4:]}"
    text = f"{main[:3]} {main[3:10]} {main[10:12]} {main[12]}"
    return text if addon is None else f"{text} {addon}"
