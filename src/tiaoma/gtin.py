"""GTIN-8, GTIN-12, GTIN-13 and GTIN-14: the Global Trade Item Number (商品条码代码).

A GTIN-13 is GS1 prefix + company prefix remainder + item reference + check digit (GS1 General
Specifications 3.3.2; GB 12904; seed 001: ``6936983800013`` = 693 · 69838 · 0001 · 3). The
company prefix (厂商识别代码) includes the GS1 prefix; its length comes from GS1's company-prefix
table (:mod:`tiaoma.prefixes`). GTIN-14 adds an indicator digit (1-8 for trade units, 9 for
variable measure items) and a new check digit (GS1 GenSpecs 3.3.4). GTIN-8 (EAN-8, 缩短码) has
no company prefix: in China the coding center assigns each one individually (GS1 GenSpecs 3.3.3).

>>> number = parse("6936983800013")
>>> number.format.name, number.company_prefix, number.item_reference, number.check_digit
('GTIN_13', '69369838', '0001', '3')
>>> number.issuer.organisation
'GS1 China'
>>> to_gtin14("6936983800013", indicator="1")
'16936983800010'
>>> format("6936983800013")
'6 936983 800013'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tiaoma import _text, checksum, prefixes
from tiaoma._bilingual import Bilingual
from tiaoma.errors import (
    CHECKSUM,
    LENGTH,
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    define,
    passes,
)
from tiaoma.prefixes import Issuer

__all__ = [
    "Gtin",
    "GtinFormat",
    "GtinKind",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "parse",
    "to_gtin13",
    "to_gtin14",
    "validate",
]

INDICATOR = define(
    "gtin.indicator",
    "Invalid indicator digit {found!r} for a GTIN-14: expected {expected}",
    "GTIN-14 的指示符“{found}”无效：应为 1-8 之间的数字",
)
NOT_GTIN13 = define(
    "gtin.not_gtin13",
    "{value!r} has no GTIN-13 form: its {format} does not start with zeros",
    "“{value}”不能表示为 GTIN-13：该 {format} 不以 0 开头",
)

_LENGTHS = (8, 12, 13, 14)
_EXPECTED_LENGTHS = "8, 12, 13 or 14 digits"


class GtinFormat(enum.Enum):
    """The length a GTIN was written in."""

    GTIN_8 = 8
    GTIN_12 = 12
    GTIN_13 = 13
    GTIN_14 = 14


class GtinKind(Bilingual):
    """What a number is used for, read from its GS1 prefix (GS1 GenSpecs 1.4.4 prefix list)."""

    TRADE_ITEM = ("trade item", "商品条码")
    RESTRICTED_CIRCULATION = (
        "restricted circulation number (in-store code)",
        "店内码（限域流通代码）",
    )
    ISBN = ("book (ISBN)", "图书（ISBN）")
    ISSN = ("serial publication (ISSN)", "连续出版物（ISSN）")
    COUPON = ("coupon", "优惠券")
    REFUND_RECEIPT = ("refund receipt", "退款凭证")
    DEMONSTRATION = ("demonstration number", "GS1 示例号码")
    UNALLOCATED = ("prefix not allocated by GS1", "GS1 未分配的前缀")


@dataclass(frozen=True, slots=True)
class Gtin:
    """A validated GTIN and its parts (GS1 GenSpecs 3.3.2-3.3.4)."""

    value: str
    format: GtinFormat
    issuer: Issuer | None
    company_prefix: str | None
    item_reference: str | None
    check_digit: str

    @property
    def indicator(self) -> str | None:
        """The GTIN-14 indicator digit (``None`` for the shorter formats)."""
        return self.value[0] if self.format is GtinFormat.GTIN_14 else None

    @property
    def gtin14(self) -> str:
        """The 14-digit form used in databases and in AI (01)."""
        return self.value.zfill(14)

    @property
    def gtin13(self) -> str | None:
        """The 13-digit form, when the number has one (a GTIN-14 with indicator 0 has)."""
        return self.gtin14[1:] if self.gtin14[0] == "0" else None

    @property
    def kind(self) -> GtinKind:
        return _kind(self.issuer, gtin8_based=_gtin8_based(self.value))

    @property
    def is_china(self) -> bool:
        """Issued under a GS1 China (中国物品编码中心) prefix: 690-699, and 680-681 since GS1
        allocated them (GS1's prefix list, :mod:`tiaoma.prefixes`).

        A GTIN-8 (EAN-8, 缩短码) is read by its GS1-8 prefix, also when written in 12-14 digits; a
        GTIN-14 by the GTIN it groups, past its indicator digit (GS1 GenSpecs figure 2.1.8.2-1).
        A Chinese number needs no foreign-code filing (境外码备案), which only GTINs issued by
        another GS1 member organisation do.

        >>> [parse(number).is_china for number in ("69012341", "6901234567892", "16901234567899")]
        [True, True, True]
        >>> [parse(number).is_china for number in ("4006381333931", "9771234567003")]
        [False, False]
        """
        return self.issuer is not None and self.issuer.organisation == "GS1 China"

    @property
    def is_variable_measure(self) -> bool:
        """A GTIN-14 with indicator 9: a variable measure trade item (GS1 GenSpecs 3.3.4)."""
        return self.indicator == "9"

    def as_dict(self) -> dict[str, object]:
        """Every part and derived fact, JSON-ready (the command line's and the API's form)."""
        issuer = self.issuer
        return {
            "value": self.value,
            "format": self.format.name,
            "kind": self.kind.name,
            "kind_zh": self.kind.chinese,
            "gtin14": self.gtin14,
            "gtin13": self.gtin13,
            "indicator": self.indicator,
            "gs1_prefix": issuer.prefix if issuer else None,
            "organisation": issuer.organisation if issuer else None,
            "organisation_zh": issuer.organisation_zh if issuer else None,
            "company_prefix": self.company_prefix,
            "company_prefix_length": len(self.company_prefix) if self.company_prefix else None,
            "item_reference": self.item_reference,
            "check_digit": self.check_digit,
            "is_china": self.is_china,
        }


def _kind(issuer: Issuer | None, *, gtin8_based: bool) -> GtinKind:
    if issuer is None:
        return GtinKind.UNALLOCATED
    organisation = issuer.organisation
    if issuer.is_restricted_circulation:
        return GtinKind.RESTRICTED_CIRCULATION
    special = {
        "Bookland (ISBN)": GtinKind.ISBN,
        "Serial publications (ISSN)": GtinKind.ISSN,
        "Refund receipts": GtinKind.REFUND_RECEIPT,
        "Used for demonstrations and examples of the GS1 system": GtinKind.DEMONSTRATION,
    }
    if organisation in special and not gtin8_based:
        return special[organisation]
    if "coupon" in organisation.lower():
        return GtinKind.COUPON
    return GtinKind.TRADE_ITEM


def compact(number: str) -> str:
    """Half-width the digits and drop spaces and hyphens."""
    return _text.compact(number)


def calc_check_digit(body: str) -> str:
    """The check digit for the first 7, 11, 12 or 13 digits of a GTIN."""
    body = _text.require_digits(compact(body), expected="a GTIN body", expected_zh="商品条码代码")
    if len(body) + 1 not in _LENGTHS:
        raise InvalidLength(LENGTH, value=body, expected="7, 11, 12 or 13 digits", found=len(body))
    return checksum.calc_check_digit(body)


def validate(number: str) -> str:
    """Return the compact GTIN if it is a well-formed GTIN-8/12/13/14 with a correct check digit.

    >>> validate("６９３６９８３８０００１３")
    '6936983800013'
    >>> validate("6936983800010")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '6936983800010': expected 3, got 0
    """
    number = compact(number)
    if len(number) in _LENGTHS and number.isascii() and number.isdigit():
        if checksum.mod10_ok(number):
            return number
    else:
        _text.require_digits(number, expected="a GTIN", expected_zh="商品条码代码")
        raise InvalidLength(LENGTH, value=number, expected=_EXPECTED_LENGTHS, found=len(number))
    expected = calc_check_digit(number[:-1])
    raise InvalidChecksum(CHECKSUM, value=number, expected=expected, found=number[-1])


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid GTIN of any length (fast path for clean digit strings)."""
    if type(number) is str and len(number) in _LENGTHS and number.isascii() and number.isdigit():
        return checksum.mod10_ok(number)
    return passes(validate, number)


def parse(number: str) -> Gtin:
    """Validate ``number`` and split it into its parts."""
    value = validate(number)
    gtin_format = GtinFormat(len(value))
    if _gtin8_based(value):
        return _parse_gtin8(value, gtin_format)
    digits13 = value.zfill(13)[-13:]
    issuer = prefixes.issuer(digits13)
    length = prefixes.company_prefix_length(digits13)
    if length is None:
        return Gtin(value, gtin_format, issuer, None, None, value[-1])
    # GS1 writes the parts on the GTIN-13 form: a GTIN-12's company prefix keeps the leading
    # zero ('0614141'), a GTIN-14's item reference leaves out the indicator.
    return Gtin(value, gtin_format, issuer, digits13[:length], digits13[length:12], value[-1])


def _gtin8_based(value: str) -> bool:
    """A GTIN-8, or a GTIN-8 in a longer form: padded with zeros in a 12-14 digit field (AI (01),
    databases), or a GTIN-14 of a grouping of GTIN-8 items, indicator + 00000 + the GTIN-8's
    first seven digits (GS1 GenSpecs figure 2.1.8.2-1). GS1 keeps GTIN-13 prefixes
    0000000-0000099 free so that the two never collide."""
    return len(value) == 8 or value.zfill(14)[1:6] == "00000"


# GS1 GenSpecs 2.1.11.1: GTIN-8s starting with 0 or 2 are restricted circulation numbers for
# use inside a company (RCN-8), whatever the GS1-8 prefix list would say of their first digits.
_RCN8 = Issuer("0", "Used to issue Restricted Circulation Numbers within a company")


def _parse_gtin8(value: str, gtin_format: GtinFormat) -> Gtin:
    # GTIN-8s are looked up on their own digits: padded to 13 they would collide with the
    # "unused to avoid collision with GTIN-8" ranges 0000001-0000099.
    eight = value[-8:]
    if eight[0] in "02":
        issuer: Issuer | None = Issuer(eight[0], _RCN8.organisation)
    else:
        issuer = prefixes.issuer(eight)
    item = eight[3:7] if issuer else None
    return Gtin(value, gtin_format, issuer, None, item, value[-1])


def to_gtin14(number: str, *, indicator: str) -> str:
    """The GTIN-14 of a trade unit: indicator 1-8 + the first 12 digits of the GTIN-13 + check.

    GS1 GenSpecs 3.3.4 and 2.1.2: cases and other trade units that do not cross a retail till.

    >>> to_gtin14("6901234567892", indicator="3")
    '36901234567893'
    """
    value = validate(number)
    digit = _text.compact(indicator)
    if digit not in tuple("12345678"):
        raise InvalidComponent(INDICATOR, found=digit, expected="a digit 1-8")
    body = digit + value.zfill(13)[-13:-1]
    return body + calc_check_digit(body)


def to_gtin13(number: str) -> str:
    """The GTIN-13 form of a GTIN-8/12/13, or of a GTIN-14 whose indicator is 0."""
    value = validate(number)
    padded = value.zfill(14)
    if padded[0] != "0":
        raise InvalidComponent(NOT_GTIN13, value=value, format=GtinFormat(len(value)).name)
    return padded[1:]


def format(number: str) -> str:
    """The human-readable grouping printed under the bars (GB 12904 for EAN-13).

    >>> format("69012341"), format("012345678905"), format("16936983800010")
    ('6901 2341', '0 12345 67890 5', '1 69 36983 80001 0')
    """
    value = validate(number)
    groups = {8: (4, 4), 12: (1, 5, 5, 1), 13: (1, 6, 6), 14: (1, 2, 5, 5, 1)}[len(value)]
    parts, start = [], 0
    for size in groups:
        parts.append(value[start : start + size])
        start += size
    return " ".join(parts)
