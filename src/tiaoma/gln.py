"""GLN, the Global Location Number (参与方位置代码): a company, a site, a function.

13 digits: GS1 company prefix + location reference + check digit (GS1 General Specifications,
GLN rules and AI (414)); the company prefix is looked up in GS1's table as for a GTIN-13, and
the check digit is the GS1 mod-10 one (GenSpecs 7.9.1).

>>> location = parse("6936983800013")
>>> location.company_prefix, location.location_reference, location.check_digit
('69369838', '0001', '3')
>>> location.issuer.organisation_zh
'中国物品编码中心'
>>> format("6936983800013")
'69369838 0001 3'
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaoma import _text, checksum, prefixes
from tiaoma.errors import CHECKSUM, LENGTH, InvalidChecksum, InvalidLength, TiaomaError
from tiaoma.prefixes import Issuer

__all__ = ["Gln", "calc_check_digit", "compact", "format", "is_valid", "parse", "validate"]

_LENGTH = 13


@dataclass(frozen=True, slots=True)
class Gln:
    """A validated GLN and its parts; the company prefix is ``None`` when GS1's table has none."""

    value: str
    issuer: Issuer | None
    company_prefix: str | None
    location_reference: str | None
    check_digit: str


def compact(number: str) -> str:
    """Half-width the digits and drop spaces and hyphens."""
    return _text.compact(number)


def _digits(number: str, expected_length: int) -> str:
    value = _text.require_digits(compact(number), expected="a GLN", expected_zh="参与方位置代码")
    if len(value) != expected_length:
        raise InvalidLength(
            LENGTH, value=value, expected=f"{expected_length} digits", found=len(value)
        )
    return value


def calc_check_digit(body: str) -> str:
    """The check digit of the first 12 digits of a GLN."""
    return checksum.calc_check_digit(_digits(body, _LENGTH - 1))


def validate(number: str) -> str:
    """Return the compact GLN if it has 13 digits and a correct check digit, else raise.

    >>> validate("6936983800010")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '6936983800010': expected 3, got 0
    """
    value = _digits(number, _LENGTH)
    if not checksum.mod10_ok(value):
        expected = checksum.calc_check_digit(value[:-1])
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[-1])
    return value


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid GLN."""
    try:
        validate(number)
    except TiaomaError:
        return False
    return True


def parse(number: str) -> Gln:
    """Validate ``number`` and split it into company prefix and location reference."""
    value = validate(number)
    length = prefixes.company_prefix_length(value)
    company_prefix = value[:length] if length else None
    reference = value[length:12] if length else None
    return Gln(value, prefixes.issuer(value), company_prefix, reference, value[12])


def format(number: str) -> str:
    """Company prefix, location reference and check digit, spaced (the 13 digits if unknown)."""
    gln = parse(number)
    if gln.company_prefix is None or gln.location_reference is None:
        return gln.value
    # A 12-digit company prefix leaves an empty location reference: one GLN per allocation.
    parts = (gln.company_prefix, gln.location_reference, gln.check_digit)
    return " ".join(part for part in parts if part)
