"""Forgiving input: what people paste from Chinese documents, spreadsheets and web pages.

Full-width forms (``０-９``, ``Ａ-Ｚ``, ``（０１）``) become ASCII; the ideographic space and the
many dashes are treated as the ASCII space and hyphen. That step is public API,
:func:`tiaoma.text.halfwidth`; this module adds the checks the identifier modules share.

>>> compact(" 6 9 3-6983８０００１３ ")
'6936983800013'
>>> compact("\ufeff6936983800013")   # the byte-order mark of a file saved as "UTF-8" by Excel
'6936983800013'
"""

from __future__ import annotations

import re
from typing import Any

from tiaoma.errors import EMPTY, NOT_DIGITS, NOT_TEXT, InvalidFormat
from tiaoma.text import halfwidth

__all__ = ["compact", "halfwidth", "require_digits", "require_text"]

_SEPARATORS = re.compile(r"[\s\-]+")


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
