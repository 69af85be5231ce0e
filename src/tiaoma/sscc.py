"""SSCC, the Serial Shipping Container Code (系列货运包装箱代码) of a logistic unit.

18 digits: extension digit + GS1 company prefix + serial reference + check digit (GS1 General
Specifications, logistic units and AI (00)). The extension digit (0-9) is the member's to use, to
stretch the serial reference; the company prefix starts right after it, so its length is
looked up on digits 2-14 like a GTIN-13's. The check digit is the GS1 mod-10 one (GenSpecs 7.9.1).

>>> number = parse("106141411234567897")
>>> number.extension_digit, number.company_prefix, number.serial_reference, number.check_digit
('1', '0614141', '123456789', '7')
>>> format("106141411234567897")
'1 0614141 123456789 7'
>>> calc_check_digit("10614141123456789")
'7'
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaoma import _text, checksum, prefixes
from tiaoma.errors import passes
from tiaoma.prefixes import Issuer

__all__ = ["Sscc", "calc_check_digit", "compact", "format", "is_valid", "parse", "validate"]

_LENGTH = 18


@dataclass(frozen=True, slots=True)
class Sscc:
    """A validated SSCC and its parts; the company prefix is ``None`` when GS1's table has none."""

    value: str
    extension_digit: str
    issuer: Issuer | None
    company_prefix: str | None
    serial_reference: str | None
    check_digit: str


def compact(number: str) -> str:
    """Half-width the digits and drop spaces and hyphens."""
    return _text.compact(number)


_KEY = checksum.KeySpec(_LENGTH, "an SSCC", "SSCC")


def calc_check_digit(body: str) -> str:
    """The check digit of the first 17 digits of an SSCC."""
    return _KEY.check_digit(body)


def validate(number: str) -> str:
    """Return the compact SSCC if it has 18 digits and a correct check digit, else raise.

    >>> validate("106141411234567890")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '106141411234567890': expected 7, got 0
    """
    return _KEY.validate(number)


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid SSCC."""
    return passes(validate, number)


def parse(number: str) -> Sscc:
    """Validate ``number`` and split it into extension digit, company prefix and serial."""
    value = validate(number)
    digits13 = value[1:14]
    length = prefixes.company_prefix_length(digits13)
    company_prefix = digits13[:length] if length else None
    serial = value[1 + length : 17] if length else None
    return Sscc(value, value[0], prefixes.issuer(digits13), company_prefix, serial, value[17])


def format(number: str) -> str:
    """Extension digit, company prefix, serial reference and check digit, spaced.

    Without a known company prefix, prefix and serial stay one group (as biip's HRI does).
    """
    sscc = parse(number)
    if sscc.company_prefix is None or sscc.serial_reference is None:
        return f"{sscc.extension_digit} {sscc.value[1:17]} {sscc.check_digit}"
    return " ".join(
        (sscc.extension_digit, sscc.company_prefix, sscc.serial_reference, sscc.check_digit)
    )
