"""ISBN, the International Standard Book Number (中国标准书号), and its EAN-13 "Bookland" form.

ISBN-10 is nine digits + a mod-11 check character (weights 10 to 2; ``X`` stands for 10; ISO
2108 up to the 1992 edition). ISBN-13 is the GS1 "Bookland" prefix 978 or 979 (GS1 prefix
list, GenSpecs 1.4.4) + the nine digits + a new GS1 mod-10 check digit (GenSpecs 7.9.1; ISO
2108 since 2005): it *is* the book's EAN-13. Only 978 numbers have an ISBN-10; 979-0 is the
ISMN range of printed music, not an ISBN. A barcode may carry a 2- or 5-digit add-on symbol
after the EAN-13 (ISO/IEC 15420 add-ons); Chinese books often print a 5-digit price add-on.
The add-on is kept apart in :attr:`Isbn.addon`.

>>> book = parse("9787111213826 52499")
>>> book.isbn13, book.isbn10, book.addon
('9787111213826', '7111213823', '52499')
>>> to_isbn13("7-111-21382-3"), to_isbn10("978-7-111-21382-6")
('9787111213826', '7111213823')
>>> format("9787111213826")
'978-711121382-6'
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

__all__ = [
    "Isbn",
    "IsbnFormat",
    "calc_check_digit",
    "compact",
    "format",
    "is_valid",
    "parse",
    "split_addon",
    "to_isbn10",
    "to_isbn13",
    "validate",
]

CHECK_CHAR = define(
    "check_char",
    "Invalid check character {char!r} at the end of {value!r}: expected a digit or X",
    "“{value}”末位的校验字符“{char}”无效：应为数字或 X",
)
PREFIX = define(
    "isbn.prefix",
    "Invalid prefix {found!r} for the ISBN {value!r}: expected 978 or 979",
    "ISBN“{value}”的前缀“{found}”无效：应为 978 或 979",
)
ISMN = define(
    "isbn.ismn",
    "{value!r} is not an ISBN: expected prefix 978 or 979-1 to 979-9, got 979-0 (ISMN, music)",
    "“{value}”不是 ISBN：应以 978 或 979-1 至 979-9 开头，实为 979-0（ISMN，乐谱）",
)
NO_ISBN10 = define(
    "isbn.no_isbn10",
    "The ISBN {value!r} has no ISBN-10 form: expected prefix 978, got {found!r}",
    "ISBN“{value}”没有 10 位形式：前缀应为 978，实为 {found}",
)

_EXPECTED = "10 or 13 characters, optionally followed by a 2- or 5-digit add-on"
_BOOKLAND = ("978", "979")
_ADDON_LENGTHS = (2, 5)
_DIGITS = "0123456789"
# "ISBN", "ISBN-13:", "ISSN：" written before the number; compacting has dropped the hyphen.
_LABEL = re.compile(r"^(?:ISBN|ISSN)(?:1[03])?:?")


class IsbnFormat(enum.Enum):
    """How the ISBN was written."""

    ISBN_10 = 10
    ISBN_13 = 13


@dataclass(frozen=True, slots=True)
class Isbn:
    """A validated ISBN in both forms, with the barcode's add-on if there was one."""

    value: str
    format: IsbnFormat
    isbn13: str
    isbn10: str | None
    check_digit: str
    addon: str | None

    @property
    def prefix(self) -> str:
        """The GS1 "Bookland" prefix, 978 or 979."""
        return self.isbn13[:3]

    @property
    def ean13(self) -> str:
        """The EAN-13 printed as the barcode: the ISBN-13 itself."""
        return self.isbn13


def compact(number: str) -> str:
    """Half-width, drop spaces, hyphens and an ``ISBN`` label, and write ``x`` as ``X``."""
    return _LABEL.sub("", _text.compact(number).upper())


def split_addon(value: str) -> tuple[str, str | None]:
    """Split a compact EAN-13 + 2- or 5-digit add-on; other lengths come back whole.

    Add-ons follow only EAN-13 symbols, so 15 and 18 characters are read as 13 + add-on
    (ISO/IEC 15420), never as an ISBN-10 + add-on.

    >>> split_addon("977167121601405"), split_addon("9787111213826")
    (('9771671216014', '05'), ('9787111213826', None))
    """
    if len(_text.require_text(value)) - 13 not in _ADDON_LENGTHS:
        return value, None
    for position, char in enumerate(value[13:], 14):
        if char not in _DIGITS:
            raise InvalidFormat(NOT_DIGITS, value=value, char=char, position=position)
    return value[:13], value[13:]


def _require_present(value: str) -> str:
    if not value:
        raise InvalidFormat(EMPTY, expected="an ISBN", expected_zh="ISBN")
    return value


def _require_mod11_form(value: str) -> None:
    """Digits, then a final digit or X: the shape of an ISBN-10 (and of an ISSN)."""
    for position, char in enumerate(value[:-1], 1):
        if char not in _DIGITS:
            raise InvalidFormat(NOT_DIGITS, value=value, char=char, position=position)
    if value[-1] not in _DIGITS + "X":
        raise InvalidFormat(CHECK_CHAR, value=value, char=value[-1])


def _isbn10_check_char(body: str) -> str:
    # ISO 2108 (ISBN-10): weights 10..2, the check character makes the sum ≡ 0 (mod 11).
    total = sum(weight * int(digit) for weight, digit in zip(range(10, 1, -1), body, strict=True))
    check = -total % 11
    return "X" if check == 10 else str(check)


def calc_check_digit(body: str) -> str:
    """The check character of a 9-digit ISBN-10 body or the check digit of a 12-digit ISBN-13 body.

    >>> calc_check_digit("711121382"), calc_check_digit("080442957")
    ('3', 'X')
    >>> calc_check_digit("978711121382")
    '6'
    """
    body = _text.require_digits(compact(body), expected="an ISBN", expected_zh="ISBN")
    if len(body) == 9:
        return _isbn10_check_char(body)
    if len(body) == 12:
        return checksum.calc_check_digit(body)
    raise InvalidLength(LENGTH, value=body, expected="9 or 12 digits", found=len(body))


def _validated_isbn10(value: str) -> str:
    _require_mod11_form(value)
    expected = _isbn10_check_char(value[:9])
    if value[9] != expected:
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[9])
    return value


def _validated_isbn13(value: str) -> str:
    _text.require_digits(value, expected="an ISBN", expected_zh="ISBN")
    if not checksum.mod10_ok(value):
        expected = checksum.calc_check_digit(value[:12])
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[12])
    if value[:3] not in _BOOKLAND:
        raise InvalidComponent(PREFIX, value=value, found=value[:3])
    if value.startswith("9790"):
        raise InvalidComponent(ISMN, value=value)
    return value


def _split(number: str) -> tuple[str, str | None]:
    """The validated ISBN (10 or 13) and the add-on digits, if any."""
    isbn, addon = split_addon(_require_present(compact(number)))
    if len(isbn) == 10:
        return _validated_isbn10(isbn), None
    if len(isbn) == 13:
        return _validated_isbn13(isbn), addon
    raise InvalidLength(LENGTH, value=isbn, expected=_EXPECTED, found=len(isbn))


def validate(number: str) -> str:
    """Return the compact ISBN (add-on digits appended, if any) or raise.

    >>> validate("ISBN 978-7-111-21382-6")
    '9787111213826'
    >>> validate("7-111-21382-X")
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidChecksum: Invalid check digit for '711121382X': expected 3, got X
    """
    isbn, addon = _split(number)
    return isbn + (addon or "")


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid ISBN-10 or ISBN-13 (with or without an add-on)."""
    return passes(validate, number)


def to_isbn13(number: str) -> str:
    """The ISBN-13 (the EAN-13) of an ISBN-10 or ISBN-13; an add-on is left out."""
    isbn, _ = _split(number)
    if len(isbn) == 13:
        return isbn
    body = "978" + isbn[:9]
    return body + checksum.calc_check_digit(body)


def to_isbn10(number: str) -> str:
    """The ISBN-10 of an ISBN; 979 numbers have none.

    >>> to_isbn10("9791032300824")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidComponent: The ISBN '9791032300824' has no ISBN-10 form: ...
    """
    isbn, _ = _split(number)
    if len(isbn) == 10:
        return isbn
    if isbn[:3] != "978":
        raise InvalidComponent(NO_ISBN10, value=isbn, found=isbn[:3])
    return isbn[3:12] + _isbn10_check_char(isbn[3:12])


def parse(number: str) -> Isbn:
    """Validate ``number`` and give both of its forms and its add-on."""
    isbn, addon = _split(number)
    isbn13 = to_isbn13(isbn)
    isbn10 = to_isbn10(isbn) if isbn13.startswith("978") else None
    return Isbn(isbn, IsbnFormat(len(isbn)), isbn13, isbn10, isbn[-1], addon)


def format(number: str) -> str:
    """Prefix, body and check character hyphenated, the add-on after a space.

    The registration group and registrant are not split: that needs the ISBN range table of
    the International ISBN Agency, which the project does not ship.
    """
    isbn, addon = _split(number)
    # ISBN-13: prefix, body, check; ISBN-10: body, check.
    text = f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}" if len(isbn) == 13 else f"{isbn[:9]}-{isbn[9]}"
    return text if addon is None else f"{text} {addon}"
