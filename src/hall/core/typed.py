"""What a person typed into a form, a search or a query string, made fit to look up or keep.

Chinese input methods type full-width digits, letters and spaces (``１２３``, ``　``) and
full-width hyphens; every field that takes digits takes them so (:func:`digits`,
:class:`DigitsField`, :func:`clean_digits`). A name (a company's, a product's, a brand, a
contact's) is printed on certificates and labels, so it refuses what no printer can show:
emoji and control characters (:func:`refuse_unprintable`).

>>> digits("０５７１－８８８８　８８８８")
'057188888888'
>>> typed("杭州\\x00示例 ")
'杭州示例 '
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tiaoma.text import halfwidth

__all__ = ["DigitsField", "IntegerDigitsField", "clean_digits", "digits", "halfwidth_text",
           "refuse_unprintable", "typed"]  # fmt: skip

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: What separates groups of digits as people type them: spaces and hyphens (made ASCII first).
_SEPARATORS = re.compile(r"[\s\-]+")
_SPACES = re.compile(r"\s+")


def typed(text: str) -> str:
    """``text`` without control characters: none belongs in a name, a number or a search, so a
    stray one is dropped like a slip of the keyboard (a NUL never gets this far: the hall's
    RefuseNul middleware answers it with 400, for PostgreSQL cannot compare such text).

    >>> typed("杭州\\x00示例 ")
    '杭州示例 '
    """
    return _CONTROL.sub("", text)


def halfwidth_text(text: str) -> str:
    """``text`` as typed, control characters dropped and full-width forms made ASCII (the
    library's :func:`tiaoma.text.halfwidth`: ``０-９``, ``Ａ-Ｚ``, the ideographic space, the
    dashes); Chinese stays as it is.

    >>> halfwidth_text("ＡＢＣ　１２３")
    'ABC 123'
    """
    return halfwidth(typed(text))


def digits(text: str, *, keep_hyphens: bool = False) -> str:
    """``text`` as a run of ASCII digits would be written if typed plainly: full-width forms
    made ASCII, spaces and hyphens between the groups dropped. Anything else stays, for the
    field's own rule to refuse with its own words.

    >>> digits(" １０ ００ ００ ２５ ")
    '10000025'
    >>> digits("０５７１—８８８８８８８８")
    '057188888888'

    With ``keep_hyphens``, a hyphen (any dash, made ASCII) stays where it means something, as
    before a phone's extension:

    >>> digits("８８８８ ８８８８－１２３", keep_hyphens=True)
    '88888888-123'
    """
    return (_SPACES if keep_hyphens else _SEPARATORS).sub("", halfwidth_text(text))


def clean_digits(value: Any, *, keep_hyphens: bool = False) -> Any:
    """:func:`digits` for a form's ``clean_<field>`` or a field's ``to_python``: text made
    plain, anything else (``None``, a number) left as it is."""
    return digits(value, keep_hyphens=keep_hyphens) if isinstance(value, str) else value


class DigitsField(forms.RegexField):
    """A text field that holds digits (an area code, a phone, a postcode, a division code, a
    GPC brick): full-width digits, spaces and hyphens are taken as typed and kept plain; the
    field's ``regex`` (ASCII digits, one or more, unless given) judges the plain digits, with
    the ``invalid`` message of its ``error_messages``. ``keep_hyphens`` keeps a hyphen that
    means something (``88888888-123``, a phone's extension)."""

    def __init__(self, regex: str = r"^[0-9]+$", *, keep_hyphens: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        self.keep_hyphens = keep_hyphens
        super().__init__(regex, **kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(clean_digits(value, keep_hyphens=self.keep_hyphens)))


#: Unicode's categories of what a name may not hold: control (Cc), format (Cf: zero-width
#: joiners, direction marks), private use (Co), unassigned (Cn) and surrogates (Cs).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


class IntegerDigitsField(forms.IntegerField):
    """A whole number typed as :class:`DigitsField` takes its digits (``１２ ３４`` is 1234)."""

    def to_python(self, value: Any) -> int | None:
        return super().to_python(clean_digits(value))


#: The characters shown as emoji by default (Unicode's Emoji_Presentation) outside the
#: pictographic blocks, and the variation selector and keycap that make any character one.
_EMOJI_ELSEWHERE = frozenset(
    [0x231A, 0x231B, *range(0x23E9, 0x23ED), 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
     *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4,
     0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A,
     0x270B, 0x2728, 0x274C, 0x274E, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797,
     0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55, 0xFE0F, 0x20E3]
)  # fmt: skip


def _is_emoji(char: str) -> bool:
    """Emoji and pictographs: the blocks from U+1F000 (mahjong tiles to the symbols and
    pictographs extended) and the emoji elsewhere; a star or a tick typed as text (★, ✓)
    stays, as printers print it."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or code in _EMOJI_ELSEWHERE


def _ideograph_plane(char: str) -> bool:
    """Planes 2 and 3 hold CJK ideographs only: a rare character of a name (生僻字) added after
    this Python's Unicode (14.0 in 3.11: Extension H, U+31350, came in 15.0) reads unassigned
    here, and is a character all the same."""
    return 0x20000 <= ord(char) <= 0x3FFFF


def refuse_unprintable(value: str) -> None:
    """A validator for names: refuses emoji and control characters, naming the first one.

    >>> refuse_unprintable("杭州示例食品有限公司")
    >>> refuse_unprintable("示例😀")
    Traceback (most recent call last):
      ...
    django.core.exceptions.ValidationError: ['名称不能含表情符号（😀）']
    """
    for char in value or "":
        if _is_emoji(char):
            raise ValidationError(_("名称不能含表情符号（%(char)s）"), code="emoji",
                                  params={"char": char})  # fmt: skip
        if unicodedata.category(char) in _REFUSED_CATEGORIES and not _ideograph_plane(char):
            raise ValidationError(_("名称不能含控制字符或不可见字符（U+%(code)s）"),
                                  code="control", params={"code": f"{ord(char):04X}"})  # fmt: skip
