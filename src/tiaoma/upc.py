"""UPC-A (UCC-12, GTIN-12) and UPC-E, its zero-suppressed 8-digit form.

A UPC-A is a number system digit + 5-digit manufacturer code + 5-digit item number + check
digit; in China it is only for goods exported to North America, applied for through the coding
center (domain.md 2.3). UPC-E squeezes out the zeros of some UPC-A numbers of number system 0 or
1 (GS1 General Specifications 5.2.2.4, "zero suppression"): the last of its six data digits
says where the zeros were. The check digit is always the UPC-A's, carried over unchanged.

    UPC-A: N, manufacturer, item     condition            UPC-E: N, six digits, check
    N AB d00 00CDE                   d = 0, 1 or 2        N ABCDE d
    N ABC00 000DE                    C = 3..9             N ABCDE 3
    N ABCD0 0000E                    D ≠ 0                N ABCDE 4
    N ABCDE 0000d                    E ≠ 0, d = 5..9      N ABCDE d

UPC-E is read from 8 digits (number system, six digits, check digit), from 7 (number system and
six digits: the check digit is computed) or from 6 (number system 0 implied).

>>> to_upc_a("04252614")
'042100005264'
>>> to_upc_e("042100005264")
'04252614'
>>> validate("425261")          # 6 digits: number system 0 and the check digit are filled in
'04252614'
>>> parse("036000291452").upc_e is None   # item number 29145 leaves no zeros to suppress
True
>>> format("042100005264"), format("04252614")
('0 42100 00526 4', '0 425261 4')
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tiaoma import _text, checksum, prefixes
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
    "Upc",
    "UpcFormat",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "parse",
    "to_upc_a",
    "to_upc_e",
    "validate",
]

NUMBER_SYSTEM = define(
    "upc.number_system",
    "Invalid number system for UPC-E {value!r}: expected 0 or 1, got {found!r}",
    "“{value}”的 UPC-E 系统字符无效：应为 0 或 1，实为“{found}”",
)
NOT_SUPPRESSIBLE = define(
    "upc.not_suppressible",
    "UPC-A {value!r} has no UPC-E form: expected manufacturer code ending in 000, 100 or 200"
    " with item 00000-00999, in 00 with item 00000-00099, in 0 with item 00000-00009, or"
    " item 00005-00009; got manufacturer {manufacturer} and item {item}",
    "UPC-A“{value}”不能消零压缩为 UPC-E：厂商代码应以 000、100 或 200 结尾且商品项目代码为"
    " 00000-00999，或以 00 结尾且项目代码为 00000-00099，或以 0 结尾且项目代码为 00000-00009，"
    "或项目代码为 00005-00009；实为厂商代码 {manufacturer}、项目代码 {item}",
)

_EXPECTED_LENGTHS = "12 digits (UPC-A) or 6, 7 or 8 digits (UPC-E)"
_UPC_E_NUMBER_SYSTEMS = ("0", "1")


class UpcFormat(enum.Enum):
    """How the UPC was written: the full UPC-A or the zero-suppressed UPC-E."""

    UPC_A = 12
    UPC_E = 8


@dataclass(frozen=True, slots=True)
class Upc:
    """A validated UPC in both forms (GS1 General Specifications 5.2.2.4)."""

    value: str
    format: UpcFormat
    number_system: str
    upc_a: str
    upc_e: str | None
    check_digit: str

    @property
    def manufacturer_code(self) -> str:
        """The five digits after the number system in the UPC-A form."""
        return self.upc_a[1:6]

    @property
    def item_number(self) -> str:
        """The five digits before the check digit in the UPC-A form."""
        return self.upc_a[6:11]

    @property
    def gtin13(self) -> str:
        """The GTIN-13 form (a leading zero), the form GS1's tables and EAN scanners use."""
        return "0" + self.upc_a

    @property
    def issuer(self) -> Issuer | None:
        """Who the GS1 prefix belongs to (number system 2 is restricted circulation)."""
        return prefixes.issuer(self.gtin13)


def compact(number: str) -> str:
    """Half-width the digits and drop spaces and hyphens."""
    return _text.compact(number)


def _digits(number: str) -> str:
    return _text.require_digits(compact(number), expected="a UPC", expected_zh="UPC 代码")


def _expand_body(upc_e: str) -> str:
    """The 11-digit UPC-A body of a 7-digit UPC-E body (number system + six digits)."""
    system, six = upc_e[0], upc_e[1:7]
    last = six[5]
    if last in "012":
        return system + six[0:2] + last + "0000" + six[2:5]
    if last == "3":
        return system + six[0:3] + "00000" + six[3:5]
    if last == "4":
        return system + six[0:4] + "00000" + six[4]
    return system + six[0:5] + "0000" + last


def _suppress_body(upc_a: str) -> str | None:
    """The 7-digit UPC-E body of an 11- or 12-digit UPC-A, or ``None`` if it has none.

    The four cases exclude each other, so the UPC-E found is the only canonical one.
    """
    system, maker, item = upc_a[0], upc_a[1:6], upc_a[6:11]
    if maker[2] in "012" and maker[3:] == "00" and item[:2] == "00":
        return system + maker[:2] + item[2:] + maker[2]
    if maker[2] in "3456789" and maker[3:] == "00" and item[:3] == "000":
        return system + maker[:3] + item[3:] + "3"
    if maker[3] != "0" and maker[4] == "0" and item[:4] == "0000":
        return system + maker[:4] + item[4] + "4"
    if maker[4] != "0" and item[:4] == "0000" and item[4] in "56789":
        return system + maker + item[4]
    return None


def _require_upc_e_system(value: str) -> None:
    # GS1 reserves UPC-E for number systems 0 and 1; zint and biip refuse the others too.
    if value[0] not in _UPC_E_NUMBER_SYSTEMS:
        raise InvalidComponent(NUMBER_SYSTEM, value=value, found=value[0])


def calc_check_digit(body: str) -> str:
    """The check digit of an 11-digit UPC-A body, or of a 6- or 7-digit UPC-E body.

    A UPC-E's check digit is the one of its UPC-A expansion (GS1 GenSpecs 5.2.2.4.2).

    >>> calc_check_digit("04210000526"), calc_check_digit("0425261"), calc_check_digit("425261")
    ('4', '4', '4')
    """
    body = _digits(body)
    if len(body) == 11:
        return checksum.calc_check_digit(body)
    if len(body) in (6, 7):
        body = body.zfill(7)
        _require_upc_e_system(body)
        return checksum.calc_check_digit(_expand_body(body))
    raise InvalidLength(
        LENGTH, value=body, expected="11 digits (UPC-A) or 6 or 7 (UPC-E)", found=len(body)
    )


def _validated_upc_e(value: str) -> str:
    """The 8-digit UPC-E of a 6-, 7- or 8-digit input, its check digit verified or filled in."""
    _require_upc_e_system(value.zfill(7))  # the whole input in the message, not just the body
    body = value[:7] if len(value) == 8 else value.zfill(7)
    expected = checksum.calc_check_digit(_expand_body(body))
    if len(value) == 8 and value[7] != expected:
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[7])
    return body + expected


def _validated_upc_a(value: str) -> str:
    if not checksum.mod10_ok(value):
        expected = checksum.calc_check_digit(value[:11])
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[11])
    return value


def validate(number: str) -> str:
    """Return the canonical UPC: the 12-digit UPC-A, or the 8-digit UPC-E, else raise.

    >>> validate("0 42100 00526 4")
    '042100005264'
    >>> validate("04252613")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '04252613': expected 4, got 3
    """
    value = _digits(number)
    if len(value) == 12:
        return _validated_upc_a(value)
    if len(value) in (6, 7, 8):
        return _validated_upc_e(value)
    raise InvalidLength(LENGTH, value=value, expected=_EXPECTED_LENGTHS, found=len(value))


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid UPC-A or UPC-E."""
    return passes(validate, number)


def to_upc_a(number: str) -> str:
    """The 12-digit UPC-A of any UPC: a UPC-E is expanded, its check digit carried over."""
    value = validate(number)
    if len(value) == 12:
        return value
    return _expand_body(value) + value[7]


def to_upc_e(number: str) -> str:
    """The 8-digit zero-suppressed UPC-E of any UPC; raise if the UPC-A has none.

    >>> to_upc_e("012000000133")   # manufacturer ending in 000 (case 0-2)
    '01201303'
    >>> to_upc_e("012345678905")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidComponent: UPC-A '012345678905' has no UPC-E form: ...
    """
    value = validate(number)
    if len(value) == 8:
        return value
    _require_upc_e_system(value)
    body = _suppress_body(value)
    if body is None:
        raise InvalidComponent(
            NOT_SUPPRESSIBLE, value=value, manufacturer=value[1:6], item=value[6:11]
        )
    return body + value[11]


def parse(number: str) -> Upc:
    """Validate ``number`` and give both of its forms and its parts.

    >>> upc = parse("04252614")
    >>> upc.format.name, upc.upc_a, upc.manufacturer_code, upc.item_number
    ('UPC_E', '042100005264', '42100', '00526')
    """
    value = validate(number)
    upc_format = UpcFormat(len(value))
    upc_a = to_upc_a(value)
    suppressed = _suppress_body(upc_a) if upc_a[0] in _UPC_E_NUMBER_SYSTEMS else None
    if upc_format is UpcFormat.UPC_E:
        # A UPC-E in a non-canonical spelling (e.g. 'N AB0DE 3') keeps its own spelling.
        upc_e: str | None = value
    else:
        upc_e = None if suppressed is None else suppressed + upc_a[11]
    return Upc(value, upc_format, value[0], upc_a, upc_e, value[-1])


def format(number: str) -> str:
    """The grouping printed under the bars: ``N MMMMM IIIII C`` or ``N DDDDDD C``."""
    value = validate(number)
    if len(value) == 12:
        return f"{value[0]} {value[1:6]} {value[6:11]} {value[11]}"
    return f"{value[0]} {value[1:7]} {value[7]}"
