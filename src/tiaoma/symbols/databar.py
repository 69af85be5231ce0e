"""GS1 DataBar: Omnidirectional, Truncated, Stacked, Stacked Omnidirectional, Limited,
Expanded and Expanded Stacked (ISO/IEC 24724:2011; GS1 General Specifications, GS1 DataBar).

The four GS1 DataBar (formerly RSS-14) forms carry one GTIN-14 as AI (01): its first 13
digits (the check digit is not encoded) split into four symbol characters, two outside
(16 modules) and two inside (15 modules), with two finder patterns chosen by a mod 79
checksum. Limited carries a GTIN-14 whose indicator is 0 or 1 in two 26-module characters and
a mod 89 check character. Expanded carries any GS1 element string in 12-bit symbol
characters (17 modules each), paired around finder patterns, with a mod 211 check character.

The symbol's own guards include the light module at each end; ISO/IEC 24724 requires no
quiet zone beyond it, and Zint adds none, so :class:`~tiaoma.symbols.base.QuietZone` is 0.

>>> symbol = omnidirectional("24012345678905")
>>> symbol.rows[0].modules[:24], symbol.width, symbol.text[0].text
('010100001001000111001111', 96, '(01)24012345678905')
>>> [(len(row.modules), row.height) for row in stacked("24012345678905").rows]
[(50, 5.0), (50, 1.0), (50, 7.0)]
>>> limited("15012345678907").width
79
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaoma import _text, ai, gtin
from tiaoma.errors import InvalidComponent, InvalidFormat, InvalidLength, define
from tiaoma.symbols import _databar_expanded
from tiaoma.symbols._databar_widths import CharacterGroup, modules, symbol_character
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = [
    "expanded",
    "expanded_stacked",
    "limited",
    "omnidirectional",
    "stacked",
    "stacked_omnidirectional",
    "truncated",
]

LIMITED_INDICATOR = define(
    "databar.limited_indicator",
    "GS1 DataBar Limited cannot encode {value!r}: its GTIN-14 indicator digit is {found}, "
    "expected 0 or 1 (use GS1 DataBar Omnidirectional, Truncated or Stacked)",
    "GS1 DataBar 限定式不能表示“{value}”：其 GTIN-14 指示符为 {found}，应为 0 或 1"
    "（请改用全向式、截短式或层排式）",
)
NOT_GTIN_ONLY = define(
    "databar.gtin_only",
    "{symbology} carries AI (01) alone, got {value!r}: use GS1 DataBar Expanded for more",
    "{symbology} 只能表示 AI (01)，实为“{value}”：更多数据请用扩展式 GS1 DataBar",
)

#: Minimum heights in modules (ISO/IEC 24724; GS1 General Specifications, GS1 DataBar):
#: Omnidirectional 33X, Truncated 13X, Limited 10X, Expanded 34X.
OMNI_MIN_HEIGHT = 33
TRUNCATED_HEIGHT = 13.0
LIMITED_MIN_HEIGHT = 10
#: GS1 DataBar Stacked: a 5X top row, a 1X separator and a 7X bottom row.
STACKED_HEIGHTS = (5.0, 1.0, 7.0)
#: GS1 DataBar Stacked Omnidirectional: two 33X rows around a three-row separator.
STACKED_OMNI_ROW_HEIGHT = 33.0

# --- GS1 DataBar Omnidirectional and its stacked forms (ISO/IEC 24724) ---------------------

_G = CharacterGroup
# ISO/IEC 24724: the outside characters, 16 modules; value = odd * T_even + even.
OUTSIDE = (
    _G(0, 12, 4, 8, 1, odd_no_narrow=True, inner=1),
    _G(161, 10, 6, 6, 3, odd_no_narrow=True, inner=10),
    _G(961, 8, 8, 4, 5, odd_no_narrow=True, inner=34),
    _G(2015, 6, 10, 3, 6, odd_no_narrow=True, inner=70),
    _G(2715, 4, 12, 1, 8, odd_no_narrow=True, inner=126),
)
# ISO/IEC 24724: the inside characters, 15 modules; value = even * T_odd + odd.
INSIDE = (
    _G(0, 5, 10, 2, 7, odd_no_narrow=False, inner=4, odd_major=False),
    _G(336, 7, 8, 4, 5, odd_no_narrow=False, inner=20, odd_major=False),
    _G(1036, 9, 6, 6, 3, odd_no_narrow=False, inner=48, odd_major=False),
    _G(1516, 11, 4, 8, 1, odd_no_narrow=False, inner=81, odd_major=False),
)
# ISO/IEC 24724: the nine finder patterns, five elements of 15 modules.
FINDERS = (
    (3, 8, 2, 1, 1),
    (3, 5, 5, 1, 1),
    (3, 3, 7, 1, 1),
    (3, 1, 9, 1, 1),
    (2, 7, 4, 1, 1),
    (2, 5, 6, 1, 1),
    (2, 3, 8, 1, 1),
    (1, 5, 7, 1, 1),
    (1, 3, 9, 1, 1),
)
#: The value of the 13 digits splits into a left and a right pair of characters.
PAIR_BASE = 4537077  # = 2841 outside values * 1597 inside values
INSIDE_VALUES = 1597
GUARD = (1, 1)


#: ISO/IEC 24724 asks for no quiet zone: the guards are part of the symbol, and a symbol ends
#: in a bar. Artwork still carries 1X of light each side, so that the last bar's edge is
#: there to be measured by a verifier (tiaoma verify) whatever the file is placed on.
LIGHT_MARGIN = QuietZone(1, 1)


def _gtin14(value: str, symbology: Symbology) -> str:
    """The validated GTIN-14 of a GTIN of any length, or of an element string of AI (01) alone."""
    text = _text.halfwidth(_text.require_text(value)).strip()
    if text[:1] in {"(", "]"}:
        message = ai.parse(text)
        if [element.ai for element in message] != ["01"]:
            raise InvalidFormat(NOT_GTIN_ONLY, symbology=symbology.label, value=text)
        return message["01"].value
    return gtin.validate(text).zfill(14)


#: ISO/IEC 24724: a composite component above is flagged by adding this to the value of the
#: 13 digits (Omnidirectional and its stacked forms) ...
OMNI_LINKAGE = 10**13
#: ... or this (Limited).
LIMITED_LINKAGE = 2015133531096


def _omni_elements(number: str, linked: bool = False) -> list[int]:
    """The 46 element widths of GS1 DataBar Omnidirectional (ISO/IEC 24724), from the
    left guard's light module to the right guard's."""
    left, right = divmod(int(number[:13]) + OMNI_LINKAGE * linked, PAIR_BASE)
    values = (*divmod(left, INSIDE_VALUES), *divmod(right, INSIDE_VALUES))
    characters = [
        symbol_character(value, OUTSIDE if index % 2 == 0 else INSIDE, 4)
        for index, value in enumerate(values)
    ]
    # Mod 79 checksum, weights 3**n mod 79 over the characters' widths in their own order; the
    # values 8 and 72 are skipped so that no finder pair reads the same both ways.
    checksum = _weighted_sum(characters, 79)
    checksum += checksum >= 8
    checksum += checksum >= 72
    left_finder, right_finder = divmod(checksum, 9)
    return [
        *GUARD,
        *characters[0],
        *FINDERS[left_finder],
        *characters[1][::-1],
        *characters[3],
        *FINDERS[right_finder][::-1],
        *characters[2][::-1],
        *GUARD,
    ]


def _weighted_sum(characters: list[list[int]], modulus: int) -> int:
    widths = [width for character in characters for width in character]
    return sum(width * pow(3, n, modulus) for n, width in enumerate(widths)) % modulus


def _hrt(number: str, width: int) -> tuple[TextItem, ...]:
    return (TextItem(f"(01){number}", width / 2, float(width)),)


def _linear(symbology: Symbology, number: str, row: Row) -> Symbol:
    width = len(row.modules)
    return Symbol(symbology, f"(01){number}", (row,), LIGHT_MARGIN, text=_hrt(number, width))


def omnidirectional(number: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Omnidirectional: 96 modules, one row of flexible height, at least 33X.

    ``number`` is a GTIN-8/12/13/14 or the element string ``(01)…``. ``linked`` sets the
    linkage flag of a composite symbol's linear component (here and in the other forms).
    """
    value = _gtin14(number, Symbology.DATABAR_OMNI)
    row = Row(modules(_omni_elements(value, linked)))
    return _linear(Symbology.DATABAR_OMNI, value, row)


def truncated(number: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Truncated: Omnidirectional's modules at a height of 13X (ISO/IEC 24724
    5.3.1), for small items read by linear scanners only."""
    value = _gtin14(number, Symbology.DATABAR_TRUNCATED)
    row = Row(modules(_omni_elements(value, linked)), TRUNCATED_HEIGHT)
    return _linear(Symbology.DATABAR_TRUNCATED, value, row)


def _halves(number: str, linked: bool = False) -> tuple[str, str]:
    """The two rows of the stacked forms: the left half with a closing bar-space guard, and a
    bar-space guard before the right half (ISO/IEC 24724)."""
    elements = _omni_elements(number, linked)
    return modules(elements[:23]) + "10", "10" + modules(elements[23:], first="1")


def _complement(module: str) -> str:
    return "1" if module == "0" else "0"


def _light_ends(separator: list[str]) -> str:
    """A separator row with its first and last four modules light (ISO/IEC 24724)."""
    separator[:4] = separator[-4:] = ["0"] * 4
    return "".join(separator)


def _stacked_separator(top: str, bottom: str) -> str:
    """GS1 DataBar Stacked's 1X separator: dark where both rows are light, light where both
    are dark, and where they differ the complement of the separator module to its left.

    The alternation is carried from the symbol's left edge (a light module before it), and
    only then are the four modules at each end made light; this is what Zint draws. Starting
    the alternation afresh after the four light modules gives another module 5 in about one
    symbol in eight.
    """
    separator = ["0"] * len(top)
    for i in range(1, len(top)):
        if top[i] == bottom[i]:
            separator[i] = _complement(top[i])
        else:
            separator[i] = _complement(separator[i - 1])
    return _light_ends(separator)


def _omni_separator(row: str, finder: range) -> str:
    """A row of Stacked Omnidirectional's separator next to ``row``: the complement of the
    row, except that over the finder pattern's light elements it alternates dark and light,
    starting dark (ISO/IEC 24724), so that no wide dark area touches the finder."""
    separator = ["0"] * len(row)
    for i in range(4, len(row) - 4):
        separator[i] = _complement(row[i])
        if i in finder and row[i] == "0" and separator[i - 1] == "1":
            separator[i] = "0"
    return _light_ends(separator)


#: The right finder (3, 1, 9, 1, 1), reversed, as the bottom row of Stacked Omnidirectional
#: draws it at modules 17-31.
_FINDER_3_REVERSED = "1" + "0" + "1" * 9 + "0" + "111"


def _bottom_separator(bottom: str) -> str:
    """The separator row above the bottom row, whose right finder is at modules 17-31.

    Under finder (3, 1, 9, 1, 1) Zint puts the dark module for the finder's one-module space
    (module 28) one module to the right, under the next bar (module 29). We follow Zint here,
    the one place where its separator differs from the complement-and-alternate rule as we
    read it; separators are not decoded, so both read the same.
    """
    separator = _omni_separator(bottom, range(17, 32))
    if bottom[17:32] == _FINDER_3_REVERSED:
        separator = separator[:28] + "01" + separator[30:]
    return separator


def stacked(number: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Stacked: two rows of 50 modules, 5X and 7X high, around a 1X separator."""
    value = _gtin14(number, Symbology.DATABAR_STACKED)
    top, bottom = _halves(value, linked)
    rows = tuple(
        Row(modules_, height)
        for modules_, height in zip(
            (top, _stacked_separator(top, bottom), bottom), STACKED_HEIGHTS, strict=True
        )
    )
    return Symbol(
        Symbology.DATABAR_STACKED,
        f"(01){value}",
        rows,
        QuietZone(0, 0),
        text=_hrt(value, len(top)),
    )


def stacked_omnidirectional(number: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Stacked Omnidirectional: two 33X rows of 50 modules and a three-row 1X
    separator (the complements of each row, and a dark-light alternation between)."""
    value = _gtin14(number, Symbology.DATABAR_STACKED_OMNI)
    top, bottom = _halves(value, linked)
    middle = "0000" + "01" * ((len(top) - 8) // 2) + "0000"
    rows = (
        Row(top, STACKED_OMNI_ROW_HEIGHT),
        Row(_omni_separator(top, range(18, 33)), 1.0),  # the left finder: modules 18-32
        Row(middle, 1.0),
        Row(_bottom_separator(bottom), 1.0),
        Row(bottom, STACKED_OMNI_ROW_HEIGHT),
    )
    return Symbol(
        Symbology.DATABAR_STACKED_OMNI,
        f"(01){value}",
        rows,
        QuietZone(0, 0),
        text=_hrt(value, len(top)),
    )


# --- GS1 DataBar Limited (ISO/IEC 24724) ------------------------------------------

# ISO/IEC 24724: the characters, 26 modules in 7 odd and 7 even elements.
LIMITED_SET = (
    _G(0, 17, 9, 6, 3, odd_no_narrow=True, inner=28),
    _G(183064, 13, 13, 5, 4, odd_no_narrow=True, inner=728),
    _G(820064, 9, 17, 3, 6, odd_no_narrow=True, inner=6454),
    _G(1000776, 15, 11, 5, 4, odd_no_narrow=True, inner=203),
    _G(1491021, 11, 15, 4, 5, odd_no_narrow=True, inner=2408),
    _G(1979845, 19, 7, 8, 1, odd_no_narrow=True, inner=1),
    _G(1996939, 7, 19, 1, 8, odd_no_narrow=True, inner=16632),
)
LIMITED_BASE = 2013571
# The 89 check characters of GS1 DataBar Limited (ISO/IEC 24724), 14 elements of
# 18 modules each, indexed by the mod 89 checksum. Transcribed as element widths observed in
# Zint's symbols for each checksum value (tests check all 89 against Zint).
LIMITED_CHECKS = (
    "11111111113311",
    "11111111123211",
    "11111111133111",
    "11111112113211",
    "11111112123111",
    "11111113113111",
    "11111211113211",
    "11111211123111",
    "11111212113111",
    "11111311113111",
    "11121111113211",
    "11121111123111",
    "11121112113111",
    "11121211113111",
    "11131111113111",
    "12111111113211",
    "12111111123111",
    "12111112113111",
    "12111211113111",
    "12121111113111",
    "13111111113111",
    "11111111212311",
    "11111111222211",
    "11111111232111",
    "11111112212211",
    "11111112222111",
    "11111113212111",
    "11111211212211",
    "11111211222111",
    "11111212212111",
    "11111311212111",
    "11121111212211",
    "11121111222111",
    "11121112212111",
    "11121211212111",
    "11131111212111",
    "12111111212211",
    "12111111222111",
    "12111112212111",
    "12111211212111",
    "12121111212111",
    "13111111212111",
    "11111111311311",
    "11111111321211",
    "11111112311211",
    "11121111311211",
    "12111111311211",
    "11111121112311",
    "11111121122211",
    "11111121132111",
    "11111122112211",
    "11121121112211",
    "11121121122111",
    "11121122112111",
    "11121221112111",
    "11131121112111",
    "12111121112211",
    "12111121122111",
    "12121121112111",
    "11112111112311",
    "11112111122211",
    "11112111132111",
    "11112112112211",
    "11112112122111",
    "11112211112211",
    "12112111112211",
    "12112111122111",
    "12112112112111",
    "12112211112111",
    "12122111112111",
    "13112111112111",
    "11211111112311",
    "11211111122211",
    "11211111132111",
    "11211112112211",
    "11211112122111",
    "11211113112111",
    "11211211112211",
    "11211211122111",
    "11221111112211",
    "21111111122211",
    "21111111132111",
    "21111112112211",
    "21111112122111",
    "21111113112111",
    "21111211122111",
    "21111212112111",
    "21121111122111",
    "21111111221211",
)
#: The right guard: a light and a dark module, then five light modules (ISO/IEC 24724).
LIMITED_RIGHT_GUARD = (1, 1, 5)


def limited(number: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Limited: 79 modules (the right guard ends in 5 light modules), one row of
    flexible height, at least 10X. Only GTIN-14s with indicator 0 or 1 fit (ISO/IEC 24724
    6.1): a GTIN-8/12/13 has indicator 0."""
    value = _gtin14(number, Symbology.DATABAR_LIMITED)
    if value[0] not in "01":
        raise InvalidComponent(LIMITED_INDICATOR, value=value, found=value[0])
    left, right = divmod(int(value[:13]) + LIMITED_LINKAGE * linked, LIMITED_BASE)
    characters = [symbol_character(left, LIMITED_SET, 7), symbol_character(right, LIMITED_SET, 7)]
    check = [int(width) for width in LIMITED_CHECKS[_weighted_sum(characters, 89)]]
    elements = [*GUARD, *characters[0], *check, *characters[1], *LIMITED_RIGHT_GUARD]
    return _linear(Symbology.DATABAR_LIMITED, value, Row(modules(elements)))


# --- GS1 DataBar Expanded and Expanded Stacked (ISO/IEC 24724) --------------------

# ISO/IEC 24724: the 12-bit characters, 17 modules; value = odd * T_even + even.
EXPANDED_SET = (
    _G(0, 12, 5, 7, 2, odd_no_narrow=False, inner=4),
    _G(348, 10, 7, 5, 4, odd_no_narrow=False, inner=20),
    _G(1388, 8, 9, 4, 5, odd_no_narrow=False, inner=52),
    _G(2948, 6, 11, 3, 6, odd_no_narrow=False, inner=104),
    _G(3988, 4, 13, 1, 8, odd_no_narrow=False, inner=204),
)
# ISO/IEC 24724: finder patterns A-F; the "2" forms are the reversed ones.
EXPANDED_FINDERS = {
    "A": (1, 8, 4, 1, 1),
    "B": (3, 6, 4, 1, 1),
    "C": (3, 4, 6, 1, 1),
    "D": (3, 2, 8, 1, 1),
    "E": (2, 6, 5, 1, 1),
    "F": (2, 2, 9, 1, 1),
}
# ISO/IEC 24724: the finder sequence for 2 to 11 finder patterns.
FINDER_SEQUENCES = (
    "A1 A2",
    "A1 B2 B1",
    "A1 C2 B1 D2",
    "A1 E2 B1 D2 C1",
    "A1 E2 B1 D2 D1 F2",
    "A1 E2 B1 D2 E1 F2 F1",
    "A1 A2 B1 B2 C1 C2 D1 D2",
    "A1 A2 B1 B2 C1 C2 D1 E2 E1",
    "A1 A2 B1 B2 C1 C2 D1 E2 F1 F2",
    "A1 A2 B1 B2 C1 D2 D1 E2 E1 F2 F1",
)
#: At least 4 symbol characters (3 data characters and the check character).
MIN_DATA_CHARACTERS = 3
EXPANDED_ROW_HEIGHT = 34.0
#: Zint's default for Expanded Stacked: two pairs, four segments, a row.
DEFAULT_SEGMENTS = 4

TOO_LONG = define(
    "databar.too_long",
    "Element string {value!r} is too long for GS1 DataBar Expanded: it needs {found} data "
    "characters of 12 bits, at most {expected} fit (about 74 digits or 41 letters)",
    "元素串“{value}”对扩展式 GS1 DataBar 太长：需要 {found} 个 12 位数据字符，最多 {expected} 个"
    "（约 74 位数字或 41 个字母）",
)
SEGMENTS = define(
    "databar.segments",
    "Invalid number of segments per row {found!r} for GS1 DataBar Expanded Stacked: "
    "expected an even number from 2 to 22",
    "扩展层排式 GS1 DataBar 每行段数 {found} 无效：应为 2 至 22 之间的偶数",
)


def _weight_row(finder: str, right: bool) -> int:
    """The row of the check weights for the character left or right of ``finder`` (A1-F2):
    A1's right is row 0, A2's left row 1, ... F2's right row 22 (A1's left is the check
    character itself; ISO/IEC 24724)."""
    index = 2 * "ABCDEF".index(finder[0]) + int(finder[1]) - 1
    return 2 * index + right - 1


def _expanded_characters(
    message: ai.Gs1Message, min_data: int, linked: bool = False
) -> tuple[list[int], list[str]]:
    """The symbol character values, check character first, and the finder sequence."""
    bits = _databar_expanded.encode(message, min_characters=min_data, linked=linked)
    data = [int(bits[i : i + 12], 2) for i in range(0, len(bits), 12)]
    if len(data) > _databar_expanded.MAX_DATA_CHARACTERS:
        raise InvalidLength(
            TOO_LONG,
            value=message.bracketed(),
            found=len(data),
            expected=_databar_expanded.MAX_DATA_CHARACTERS,
        )
    finders = FINDER_SEQUENCES[(len(data) + 2) // 2 - 2].split()
    checksum = 0
    for position, value in enumerate(data, 1):
        row = _weight_row(finders[position // 2], right=position % 2 == 1)
        widths = symbol_character(value, EXPANDED_SET, 4)
        checksum += sum(w * pow(3, 8 * row + j, 211) for j, w in enumerate(widths))
    check = 211 * (len(data) + 1 - 4) + checksum % 211
    return [check, *data], finders


def _finder(name: str) -> tuple[int, ...]:
    pattern = EXPANDED_FINDERS[name[0]]
    return pattern if name[1] == "1" else pattern[::-1]


def _pair_elements(values: list[int], finders: list[str], pair: int) -> list[int]:
    """A pair: the left character, its finder, the right character reversed."""
    elements = [*symbol_character(values[2 * pair], EXPANDED_SET, 4), *_finder(finders[pair])]
    if 2 * pair + 1 < len(values):
        elements += symbol_character(values[2 * pair + 1], EXPANDED_SET, 4)[::-1]
    return elements


def _message(data: str) -> ai.Gs1Message:
    return ai.parse(data)


def expanded(data: str, *, linked: bool = False) -> Symbol:
    """GS1 DataBar Expanded: one row of flexible height, at least 34X, 4-22 symbol characters.

    ``data`` is a GS1 element string in any form :func:`tiaoma.ai.parse` reads; it is
    validated first. Seed 002's example, (01) with indicator 9 and a net weight of 1.5 lb:

    >>> symbol = expanded("(01)96901234567895(3202)000150")
    >>> symbol.width, symbol.text[0].text
    (151, '(01)96901234567895(3202)000150')
    """
    message = _message(data)
    values, finders = _expanded_characters(message, MIN_DATA_CHARACTERS, linked)
    elements = [*GUARD]
    for pair in range(len(finders)):
        elements += _pair_elements(values, finders, pair)
    elements += GUARD
    row = Row(modules(elements))
    text = message.bracketed()
    width = len(row.modules)
    return Symbol(
        Symbology.DATABAR_EXPANDED,
        text,
        (row,),
        LIGHT_MARGIN,
        text=(TextItem(text, width / 2, float(width)),),
    )


@dataclass(frozen=True)
class _StackedRow:
    """A row of Expanded Stacked in reading order, its finders' module ranges in that order,
    and whether it is drawn reversed."""

    modules: str
    finders: tuple[range, ...]
    backwards: bool = False
    #: Light modules before the row (the shifted last row, see :func:`_stacked_rows`).
    offset: int = 0

    def drawn(self, width: int) -> str:
        """The row as printed, padded with light modules to the symbol's width."""
        text = self.modules[::-1] if self.backwards else self.modules
        return ("0" * self.offset + text).ljust(width, "0")

    def separator(self, width: int) -> str:
        """The separator row next to this row: the complement, alternating dark and light
        over the finder patterns' light modules (read in the row's reading direction), with
        four light modules at each end (ISO/IEC 24724)."""
        row = self.modules
        separator = ["0"] * len(row)
        in_finder = {i for finder in self.finders for i in finder}
        for i in range(4, len(row) - 4):
            separator[i] = _complement(row[i])
            if i in in_finder and row[i] == "0" and separator[i - 1] == "1":
                separator[i] = "0"
        text = _light_ends(separator)
        return ("0" * self.offset + (text[::-1] if self.backwards else text)).ljust(width, "0")


def _stacked_rows(values: list[int], finders: list[str], pairs_per_row: int) -> list[_StackedRow]:
    """The rows of Expanded Stacked.

    A row holds ``pairs_per_row`` pairs between a left and a right guard. Its first element
    is light if its first pair is an odd one (1st, 3rd, ...) of the symbol, dark otherwise,
    as in the linear symbol; even-numbered rows are read right to left (drawn reversed) when
    the rows hold an even number of pairs (ISO/IEC 24724).
    """
    rows = []
    pair_count = len(finders)
    for row_index, first in enumerate(range(0, pair_count, pairs_per_row)):
        elements = [*GUARD]
        finder_ranges = []
        for pair in range(first, min(first + pairs_per_row, pair_count)):
            start = sum(elements) + 17
            finder_ranges.append(range(start, start + 15))
            elements += _pair_elements(values, finders, pair)
        elements += GUARD
        text = modules(elements, first="0" if first % 2 == 0 else "1")
        reverse = row_index % 2 == 1 and pairs_per_row % 2 == 0
        if reverse and len(finder_ranges) % 2 == 1:
            # A last row of an odd number of pairs would read backwards with its colours
            # inverted: it is read left to right instead, one module further right, so that
            # it starts with a dark element after a light one like the other rows.
            rows.append(_StackedRow(text, tuple(finder_ranges), offset=1))
        else:
            rows.append(_StackedRow(text, tuple(finder_ranges), reverse))
    return rows


def _segments(segments: int) -> int:
    if isinstance(segments, bool) or not isinstance(segments, int):
        raise InvalidComponent(SEGMENTS, found=segments)
    if segments % 2 or not 2 <= segments <= 22:
        raise InvalidComponent(SEGMENTS, found=segments)
    return segments


def expanded_stacked(
    data: str, *, segments: int = DEFAULT_SEGMENTS, linked: bool = False
) -> Symbol:
    """GS1 DataBar Expanded Stacked: rows of ``segments`` symbol characters (an even number,
    2-22; Zint's default 4), each 34X high, with three 1X separator rows between rows.

    >>> symbol = expanded_stacked("(01)96901234567895(3202)000150", segments=2)
    >>> [row.height for row in symbol.rows][:5], len(symbol.rows)
    ([34.0, 1.0, 1.0, 1.0, 34.0], 9)
    """
    per_row = _segments(segments)
    message = _message(data)
    values, finders = _expanded_characters(message, MIN_DATA_CHARACTERS, linked)
    if len(values) % per_row == 1:
        # A last row of one symbol character has no finder pattern: one more data
        # character of padding gives it two (ISO/IEC 24724).
        values, finders = _expanded_characters(message, len(values), linked)
    rows = _stacked_rows(values, finders, per_row // 2)
    width = max(len(row.modules) for row in rows)
    middle = _light_ends(["1" if i % 2 else "0" for i in range(width)])
    out: list[Row] = []
    for index, row in enumerate(rows):
        if index:
            out += [
                Row(rows[index - 1].separator(width), 1.0),
                Row(middle, 1.0),
                Row(row.separator(width), 1.0),
            ]
        out.append(Row(row.drawn(width), EXPANDED_ROW_HEIGHT))
    bracketed = message.bracketed()
    return Symbol(
        Symbology.DATABAR_EXPANDED_STACKED,
        bracketed,
        tuple(out),
        QuietZone(0, 0),
        text=(TextItem(bracketed, width / 2, float(width)),),
    )
