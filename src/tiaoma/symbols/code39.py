"""Code 39 (ISO/IEC 16388; seed 003), its mod-43 check character and full-ASCII Code 39.

Each character is five bars and four spaces, three of the nine wide (hence "3 of 9"), and
characters are separated by a narrow intercharacter gap; ``*`` starts and stops every symbol
(ISO/IEC 16388 table 1). The 43 data characters are ``0-9``, ``A-Z``, space and
``- . $ / + %``. The optional check character is the sum of the characters' values (table 1:
``0``-``9`` are 0-9, ``A``-``Z`` 10-35, then ``-`` 36, ``.`` 37, space 38, ``$`` 39, ``/`` 40,
``+`` 41, ``%`` 42) modulo 43, placed before the stop character (ISO/IEC 16388 annex on the
check character). Full ASCII Code 39 writes the other ASCII characters as pairs: ``$``, ``%``,
``/`` or ``+`` followed by a letter (ISO/IEC 16388 annex, full ASCII table).

The wide:narrow ratio N may be 2.0-3.0 (ISO/IEC 16388 dimensions clause; at least 2.2 when
X is under 0.50 mm, which :func:`tiaoma.render.geometry_for` checks once X is known). The
default 3 conforms at every X, keeps X one module and gives a scanner the widest margin
between narrow and wide under print gain; 2 is the ratio of Zint's module patterns. With a
ratio p/q in lowest terms each narrow element is q modules and each wide one p, so one X is
then q modules (quiet zones and gaps are scaled with it).

Golden case: ISO/IEC 16388's start/stop character ``*`` is ``bWbwBwBwb`` (b/w narrow bar and
space, B/W wide): at ratio 3, ``1000101110111010``... then the one-module gap; at ratio 2,
``100101101101``.

>>> symbol = code39("CODE39")
>>> symbol.rows[0].modules[:16]
'1000101110111010'
>>> symbol.text[0].text, symbol.quiet_zone.left
('*CODE39*', 10)
>>> check_character("CODE39")
'W'
>>> code39("CODE39", ratio=2).rows[0].modules[:13]
'1001011011010'
>>> extended_characters("a1")
'+A1'
"""

from __future__ import annotations

from fractions import Fraction

from tiaoma._text import require_text
from tiaoma.errors import EMPTY, InvalidComponent, InvalidFormat, define
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = [
    "CHARSET",
    "NARROW_WIDE",
    "check_character",
    "code39",
    "code39_extended",
    "extended_characters",
    "module_widths",
]

CHARACTER = define(
    "code39.character",
    "Invalid character {char!r} at position {position} of {value!r}: expected {expected}",
    "“{value}”第 {position} 位的字符“{char}”无效：应为{expected_zh}",
)
RATIO = define(
    "symbol.ratio",
    "Invalid wide:narrow ratio {found}: expected {expected}",
    "宽窄比 {found} 无效：应为{expected_zh}",
)

#: The 43 data characters in the order of their check-character values (ISO/IEC 16388 table 1).
CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
_STANDARD_EXPECTED = "0-9, A-Z, space or - . $ / + % (Code 39)"
_STANDARD_EXPECTED_ZH = "0-9、A-Z、空格或 - . $ / + %（Code 39）"

# ISO/IEC 16388 table 1: bar, space, bar, ... of each character, ``n`` narrow and ``w`` wide,
# in the order of CHARSET and then the start/stop character.
_ELEMENTS = (
    "nnnwwnwnn", "wnnwnnnnw", "nnwwnnnnw", "wnwwnnnnn", "nnnwwnnnw", "wnnwwnnnn", "nnwwwnnnn",
    "nnnwnnwnw", "wnnwnnwnn", "nnwwnnwnn", "wnnnnwnnw", "nnwnnwnnw", "wnwnnwnnn", "nnnnwwnnw",
    "wnnnwwnnn", "nnwnwwnnn", "nnnnnwwnw", "wnnnnwwnn", "nnwnnwwnn", "nnnnwwwnn", "wnnnnnnww",
    "nnwnnnnww", "wnwnnnnwn", "nnnnwnnww", "wnnnwnnwn", "nnwnwnnwn", "nnnnnnwww", "wnnnnnwwn",
    "nnwnnnwwn", "nnnnwnwwn", "wwnnnnnnw", "nwwnnnnnw", "wwwnnnnnn", "nwnnwnnnw", "wwnnwnnnn",
    "nwwnwnnnn", "nwnnnnwnw", "wwnnnnwnn", "nwwnnnwnn", "nwnwnwnnn", "nwnwnnnwn", "nwnnnwnwn",
    "nnnwnwnwn", "nwnnwnwnn",
)  # fmt: skip
#: Each character's elements (ISO/IEC 16388 table 1).
NARROW_WIDE = dict(zip(CHARSET + "*", _ELEMENTS, strict=True))


def _full_ascii_table() -> tuple[str, ...]:
    """The Code 39 characters of each ASCII character 0-127 (ISO/IEC 16388 full ASCII)."""
    table: list[str] = []
    for code in range(128):
        char = chr(code)
        if char in CHARSET and char not in "$/+%":
            table.append(char)
        elif code == 0:
            table.append("%U")
        elif code <= 26:
            table.append("$" + chr(64 + code))
        elif code <= 31:
            table.append("%" + chr(65 + code - 27))  # ESC FS GS RS US: %A-%E
        elif code <= 44 or code in {47, 58}:
            table.append("/" + chr(65 + code - 33))  # ! " # $ % & ' ( ) * + , / : -> /A-/Z
        elif code <= 63:
            table.append("%" + chr(70 + code - 59))  # ; < = > ? -> %F-%J
        elif code == 64:
            table.append("%V")
        elif code <= 95:
            table.append("%" + chr(75 + code - 91))  # [ \ ] ^ _ -> %K-%O
        elif code == 96:
            table.append("%W")
        elif code <= 122:
            table.append("+" + chr(code - 32))
        else:
            table.append("%" + chr(80 + code - 123))  # { | } ~ DEL -> %P-%T
    return tuple(table)


#: The Code 39 character pair (or single character) of every ASCII character.
FULL_ASCII = _full_ascii_table()


def _require_characters(value: str, allowed: str, expected: str, expected_zh: str) -> str:
    value = require_text(value)
    if not value:
        raise InvalidFormat(EMPTY, expected=expected, expected_zh=expected_zh)
    for position, char in enumerate(value, 1):
        if char not in allowed:
            raise InvalidFormat(
                CHARACTER,
                value=value,
                char=char,
                position=position,
                expected=expected,
                expected_zh=expected_zh,
            )
    return value


def check_character(data: str) -> str:
    """The mod-43 check character of Code 39 characters ``data`` (ISO/IEC 16388)."""
    value = _require_characters(data, CHARSET, _STANDARD_EXPECTED, _STANDARD_EXPECTED_ZH)
    return CHARSET[sum(CHARSET.index(char) for char in value) % 43]


def extended_characters(data: str) -> str:
    """The Code 39 characters that carry ASCII ``data`` in full ASCII Code 39."""
    value = _require_characters(
        data, "".join(map(chr, range(128))), "ASCII characters 0-127", "ASCII 0-127 号字符"
    )
    return "".join(FULL_ASCII[ord(char)] for char in value)


def module_widths(ratio: float | Fraction) -> tuple[int, int]:
    """Narrow and wide element widths in modules for a wide:narrow ratio of 2.0-3.0 (Code 39
    and ITF alike): the ratio p/q in lowest terms gives q and p.

    >>> module_widths(2), module_widths(2.5), module_widths(3)
    ((1, 2), (2, 5), (1, 3))
    """
    exact = Fraction(ratio).limit_denominator(10) if 2 <= ratio <= 3 else None
    if exact is None or abs(exact - Fraction(ratio)) > Fraction(1, 1000):
        raise InvalidComponent(
            RATIO,
            found=ratio,
            expected="2.0-3.0, a fraction with denominator at most 10",
            expected_zh="2.0-3.0 之间、分母不超过 10 的分数",
        )
    return exact.denominator, exact.numerator


def _element_modules(elements: str, narrow: int, wide: int) -> str:
    return "".join(
        ("1" if index % 2 == 0 else "0") * (wide if element == "w" else narrow)
        for index, element in enumerate(elements)
    )


# ISO/IEC 16388 annex / ISO/IEC 15424: ]A1 (check character checked and sent), ]A4 full ASCII,
# ]A5 full ASCII with check character.
_IDENTIFIERS = {
    (Symbology.CODE39, False): "]A0",
    (Symbology.CODE39, True): "]A1",
    (Symbology.CODE39_EXTENDED, False): "]A4",
    (Symbology.CODE39_EXTENDED, True): "]A5",
}


def _encode(
    symbology: Symbology,
    data: str,
    characters: str,
    text: str,
    ratio: float | Fraction,
    *,
    check: bool,
) -> Symbol:
    narrow, wide = module_widths(ratio)
    gap = "0" * narrow  # the intercharacter gap is one X (ISO/IEC 16388)
    pattern = gap.join(
        _element_modules(NARROW_WIDE[char], narrow, wide) for char in f"*{characters}*"
    )
    return Symbol(
        symbology,
        data,
        (Row(pattern),),
        QuietZone(10 * narrow, 10 * narrow),  # ISO/IEC 16388: at least 10X each side
        text=(TextItem(text, len(pattern) / 2, float(len(pattern))),),
        modules_per_x=narrow,
        identifier=_IDENTIFIERS[symbology, check],
    )


def code39(data: str, *, check: bool = False, ratio: float | Fraction = 3) -> Symbol:
    """A Code 39 symbol of ``data`` (the 43 characters of :data:`CHARSET`).

    ``ratio`` is the wide:narrow ratio, 2.0-3.0 (ISO/IEC 16388; at least 2.2 when X is under
    0.50 mm); others are refused.

    With ``check`` the mod-43 check character follows the data and is shown in the
    human-readable text, which is the data between ``*`` start and stop characters.
    """
    value = _require_characters(data, CHARSET, _STANDARD_EXPECTED, _STANDARD_EXPECTED_ZH)
    characters = value + (check_character(value) if check else "")
    return _encode(Symbology.CODE39, value, characters, f"*{characters}*", ratio, check=check)


def code39_extended(data: str, *, check: bool = False, ratio: float | Fraction = 3) -> Symbol:
    """A full ASCII Code 39 symbol of any ASCII ``data`` (characters 0-127).

    The check character, when asked for, is computed over the symbol's Code 39 characters
    (the pairs, not the ASCII data). The text shows the ASCII data (control characters as
    spaces) between ``*`` characters.
    """
    characters = extended_characters(data)
    if check:
        characters += check_character(characters)
    shown = "".join(char if char.isprintable() else " " for char in data)
    return _encode(Symbology.CODE39_EXTENDED, data, characters, f"*{shown}*", ratio, check=check)
