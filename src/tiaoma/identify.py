"""Tell what a code is: any number or element string a user may paste, one entry point.

The command line's ``info``/``check``/``bulk`` and the hall's search box use this: give it a
GTIN, a UPC-E, an ISBN or ISSN (with or without add-on), an SSCC, an element string in any of
its forms or a GS1 Digital Link URI, and it answers which kind it is with the parsed result, or
raises the error of the most likely kind.

>>> identify("6936983800013").kind
'gtin'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiaoma import _text, gtin
from tiaoma.errors import InvalidFormat, TiaomaError, define

__all__ = ["Identified", "identify", "is_valid"]

UNRECOGNISED = define(
    "unrecognised",
    "Not a code tiaoma knows: {value!r} is neither a GTIN, UPC-E, ISBN, ISSN, SSCC, "
    "element string nor GS1 Digital Link URI",
    "无法识别“{value}”：不是商品条码、UPC-E、ISBN、ISSN、SSCC、应用标识符数据串或 GS1 数字链接",
)


@dataclass(frozen=True)
class Identified:
    """What a code is (``kind``), its canonical text and the parsed result of its module."""

    kind: str
    canonical: str
    parsed: Any


def identify(value: str) -> Identified:
    """Identify ``value`` and parse it; raise the specific error of the most likely kind."""
    text = _text.require_text(value).strip()
    number = _text.compact(text)
    if not number:
        raise InvalidFormat(UNRECOGNISED, value=value)
    if number.isascii() and number.isdigit() and len(number) in (8, 12, 13, 14):
        parsed = gtin.parse(number)
        return Identified("gtin", parsed.value, parsed)
    if number.isascii() and number.isdigit():
        return _by_length(number)
    raise InvalidFormat(UNRECOGNISED, value=value)


def _by_length(number: str) -> Identified:
    return Identified("gtin", gtin.validate(number), gtin.parse(number))


def is_valid(value: str) -> bool:
    """Whether ``value`` is any valid code tiaoma knows."""
    try:
        identify(value)
    except TiaomaError:
        return False
    return True
