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
from tiaoma.errors import passes
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


_KEY = checksum.KeySpec(_LENGTH, "a GLN", "参与方位置代码")


def calc_check_digit(body: str) -> str:
    """The check digit of the first 12 digits of a GLN."""
    return _KEY.check_digit(body)


def validate(number: str) -> str:
    """Return the compact GLN if it has 13 digits and a correct check digit, else raise.

    >>> validate("6936983800010")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '6936983800010': expected 3, got 0
    """
    return _KEY.validate(number)


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid GLN."""
    return passes(validate, number)


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
