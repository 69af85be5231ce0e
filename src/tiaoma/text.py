"""Text as people paste it from Chinese documents, spreadsheets and web pages, made plain.

Chinese input methods type full-width forms (``０-９``, ``Ａ-Ｚ``, ``（``); word processors turn
hyphens into dashes; Excel and web pages hide a byte-order mark or zero-width characters in
copied text. :func:`halfwidth` undoes all of it and leaves everything else, Chinese included, as
typed. The identifier modules' ``compact`` functions start from it; it is public for the other
things an application takes as typed, such as a mobile number or a certificate number.

>>> halfwidth("（０１）０６９０１２３４５６７８９２")
'(01)06901234567892'
>>> halfwidth("物编注字第１００００１号")
'物编注字第100001号'
>>> halfwidth("１３８—００１３\u30008000\u200b")
'138-0013 8000'
"""

from __future__ import annotations

__all__ = ["halfwidth"]

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E (Unicode's Halfwidth and Fullwidth
# Forms block); U+3000 is the ideographic space.
_HALFWIDTH: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = ord(" ")
for _dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63":
    _HALFWIDTH[ord(_dash)] = ord("-")
# The byte-order mark Excel and Notepad put before "UTF-8" files, and the zero-width characters
# web pages hide in copied text, are not part of any code.
for _invisible in "\ufeff\u200b\u200c\u200d\u2060":
    _HALFWIDTH[ord(_invisible)] = None


def halfwidth(value: str) -> str:
    """``value`` with full-width ASCII forms, the ideographic space and dashes made ASCII, and
    the byte-order mark and zero-width characters dropped; nothing else changes."""
    return value.translate(_HALFWIDTH)
