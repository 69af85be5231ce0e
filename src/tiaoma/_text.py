"""Forgiving input: what people paste from Chinese documents, spreadsheets and web pages.

Full-width forms (``０-９``, ``Ａ-Ｚ``, ``（０１）``) become ASCII; the ideographic space and the
many dashes are treated as the ASCII space and hyphen.

>>> compact(" 6 9 3-6983８０００１３ ")
'6936983800013'
>>> halfwidth("（０１）０６９０１２３４５６７８９２")
'(01)06901234567892'
>>> compact("\ufeff6936983800013")   # the byte-order mark of a file saved as "UTF-8" by Excel
'6936983800013'
"""

from __future__ import annotations

import re
from typing import Any

from tiaoma.errors import EMPTY, NOT_DIGITS, NOT_TEXT, InvalidFormat

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_HALFWIDTH: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = ord(" ")
for _dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63":
    _HALFWIDTH[ord(_dash)] = ord("-")
# The byte-order mark Excel and Notepad put before "UTF-8" files, and the zero-width characters
# web pages hide in copied text, are not part of any code.
for _invisible in "\ufeff\u200b\u200c\u200d\u2060":
    _HALFWIDTH[ord(_invisible)] = None
_SEPARATORS = re.compile(r"[\s\-]+")


def halfwidth(value: str) -> str:
    """Full-width ASCII forms, the ideographic space and dashes to their ASCII equivalents."""
    return value.translate(_HALFWIDTH)


def require_text(value: Any) -> str:
    """Return ``value`` if it is a ``str``; otherwise raise :class:`InvalidFormat`."""
    if not isinstance(value, str):
        raise InvalidFormat(NOT_TEXT, type=type(value).__name__)
    return value


def compact(value: Any) -> str:
    """Half-width the text and drop whitespace and hyphens (``6 936983-800013``)."""
    text = require_text(value)
    if text.isascii() and text.isdigit():
        return text
    return _SEPARATORS.sub("", halfwidth(text))


def require_digits(value: str, *, expected: str = "digits", expected_zh: str = "数字") -> str:
    """Raise unless ``value`` is a non-empty string of ASCII digits; return it."""
    if not value:
        raise InvalidFormat(EMPTY, expected=expected, expected_zh=expected_zh)
    if not (value.isascii() and value.isdigit()):
        position, char = next((i, c) for i, c in enumerate(value, 1) if c not in "0123456789")
        raise InvalidFormat(NOT_DIGITS, value=value, char=char, position=position)
    return value
