"""Code 128 (ISO/IEC 15417) and GS1-128 (GS1 General Specifications 5.4).

Every symbol character is 11 modules, three bars and three spaces of 1-4 modules each; the
stop character has a fourth bar (13 modules). ISO/IEC 15417 table 1 gives the 107 characters
and their meaning in the three code sets: A (ASCII 0-95: capitals, digits, controls), B (ASCII
32-127: capitals, small letters, digits) and C (the digit pairs 00-99). Data may switch sets
anywhere (``Code A``/``Code B``/``Code C``) or take one character from the other of A and B
(``Shift``); FNC4 adds 128 to a character (ISO/IEC 8859-1, characters 128-255), and two
FNC4s in a row latch that until the next pair. The symbol check character is the start
character's value plus each data character's value times its position, modulo 103.

The annex of ISO/IEC 15417 that suggests how to choose code sets is a heuristic; here the
sets come from a shortest-path search over (code set, FNC4 latch) states, so no symbol is
longer than it has to be (:func:`symbol_values`).

A GS1-128 symbol is a Code 128 symbol whose first data character is FNC1, carrying a GS1
element string with an FNC1 after every element string of variable length (GS1 GenSpecs
5.4.1, 5.10.1); it carries at most 48 data characters.

Golden case, worked by hand from table 1 (no figure of the standard is reproduced): "AIM" is
Start B (104), A 33, I 41, M 45, check (104 + 33 + 2 x 41 + 3 x 45) mod 103 = 45, Stop.

>>> symbol = code128("AIM")
>>> symbol_values("AIM")
(104, 33, 41, 45, 45, 106)
>>> symbol.rows[0].modules
'11010010000101000110001100010001010111011000101110110001100011101011'
>>> symbol.quiet_zone.left, symbol.quiet_zone.right
(10, 10)
>>> gs1 = gs1_128("(01)06901234567892(10)AB-123")
>>> gs1.text[0].text, gs1.symbology_identifier
('(01)06901234567892(10)AB-123', ']C1')
"""

from __future__ import annotations

from collections.abc import Sequence

from tiaoma import ai
from tiaoma._text import require_text
from tiaoma.errors import EMPTY, InvalidFormat, InvalidLength, define
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = [
    "GS1_128_MAX_DATA",
    "MAX_DATA",
    "PATTERNS",
    "code128",
    "gs1_128",
    "modules",
    "symbol_values",
]

CHARACTER = define(
    "code128.character",
    "Invalid character {char!r} at position {position} of {value!r}: Code 128 encodes "
    "ISO/IEC 8859-1 characters 0-255 only",
    "“{value}”第 {position} 位的字符“{char}”无效：Code 128 只能表示 ISO/IEC 8859-1 的 0-255 号字符",
)
GS1_TOO_LONG = define(
    "code128.gs1_too_long",
    "GS1-128 data too long for {value!r}: at most {limit} data characters (AIs and FNC1 "
    "separators included, GS1 GenSpecs 5.4.1), got {found}",
    "GS1-128 数据过长：“{value}”最多 {limit} 个数据字符（含应用标识符和 FNC1 分隔符，"
    "GS1 通用规范 5.4.1），实为 {found} 个",
)

TOO_LONG = define(
    "code128.too_long",
    "Code 128 data too long: at most {limit} characters, got {found}",
    "Code 128 数据过长：最多 {limit} 个字符，实为 {found} 个",
)
#: ISO/IEC 15417 sets no length; a symbol of more than 256 characters (some 2,800 modules, a
#: metre at X 0.33 mm) is no barcode anyone prints, and building a longer one costs seconds.
MAX_DATA = 256
#: GS1 GenSpecs 5.4.1: data characters in one GS1-128 symbol, AIs and FNC1 separators included
#: (the leading FNC1, check and stop characters not).
GS1_128_MAX_DATA = 48

# ISO/IEC 15417 table 1: widths of bar, space, bar, space, bar, space for values 0-105, and
# the stop character 106 with its final bar.
_WIDTHS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)  # fmt: skip


def _pattern(widths: str) -> str:
    return "".join(("1" if index % 2 == 0 else "0") * int(w) for index, w in enumerate(widths))


#: The module pattern of each symbol character value 0-106 (106: stop with its final bar).
PATTERNS = tuple(_pattern(widths) for widths in _WIDTHS)

# Code sets and their special characters (ISO/IEC 15417 table 1).
_A, _B, _C = 0, 1, 2
_START = (103, 104, 105)
_STOP = 106
_FNC1 = 102
_SHIFT = 98
#: The value that switches from set ``[from][to]`` (Code A 101, Code B 100, Code C 99).
_SWITCH = ((-1, 100, 99), (101, -1, 99), (101, 100, -1))
_FNC4 = (101, 100, -1)
#: The internal token for FNC1 among the data characters 0-255.
_FNC1_TOKEN = -1
_INFINITY = 1 << 30
#: Among equally short symbols Zint's choice is most often the one that goes to set C, else
#: to set B, as early as it can (99.7 % of random mixed data come out identical).
_PREFERENCE = (_C, _B, _A)


def _value(code_set: int, char: int) -> int:
    """The value of ASCII ``char`` in set A or B, or -1 when that set lacks it."""
    if code_set == _A:
        return char - 32 if 32 <= char < 96 else char + 64 if char < 32 else -1
    return char - 32 if 32 <= char < 128 else -1


def _is_digit(token: int) -> bool:
    return 48 <= token <= 57


def _data_step(
    tokens: Sequence[int], index: int, code_set: int, latched: int
) -> tuple[list[int], int] | None:
    """How the data at ``index`` is encoded without leaving ``code_set``: the values and the
    index after them; ``None`` when set C cannot (not two digits)."""
    token = tokens[index]
    if token == _FNC1_TOKEN:
        return [_FNC1], index + 1
    if code_set == _C:
        if _is_digit(token) and index + 1 < len(tokens) and _is_digit(tokens[index + 1]):
            return [int(chr(token) + chr(tokens[index + 1]))], index + 2
        return None
    char, extended = token & 0x7F, token >> 7
    prefix = [_FNC4[code_set]] if extended != latched else []
    value = _value(code_set, char)
    if value >= 0:
        return [*prefix, value], index + 1
    # ISO/IEC 15417 Shift: the next character alone from the other of sets A and B.
    return [*prefix, _SHIFT, _value(1 - code_set, char)], index + 1


def _moves(code_set: int, latched: int) -> list[tuple[list[int], int, int]]:
    """Set switches and FNC4 latch changes before the next data: (values, set, latch), the
    preferred first.

    The latch (two FNC4s) is only written in set A or B; it does not touch set C's digits,
    so it can always wait until the symbol is in A or B.
    """
    moves: list[tuple[list[int], int, int]] = [
        ([_SWITCH[code_set][target]] if target != code_set else [], target, latched)
        for target in _PREFERENCE
    ]
    for values, target, _ in list(moves):
        toggle_in = code_set if code_set != _C else target
        if toggle_in != _C:
            fnc4 = _FNC4[toggle_in]
            toggled = [fnc4, fnc4, *values] if toggle_in == code_set else [*values, fnc4, fnc4]
            moves.append((toggled, target, 1 - latched))
    return moves


#: Every state's moves, in order of preference: state = set * 2 + latch.
_MOVES = tuple(
    tuple(
        (tuple(values), target * 2 + latch) for values, target, latch in _moves(*divmod(state, 2))
    )
    for state in range(6)
)


def _plan(tokens: Sequence[int]) -> list[int]:
    """The shortest sequence of values (start character first) for ``tokens``.

    ``cost[i][state]`` is the fewest characters that encode ``tokens[i:]`` from ``state`` =
    set * 2 + latch, found from the end back; a data step always moves forward, so the
    moves before it (at most one switch and one latch change are ever worth making) finish
    the recursion. Equal costs are broken by :data:`_PREFERENCE`.
    """
    count = len(tokens)
    direct = [[_INFINITY] * 6 for _ in range(count + 1)]
    cost = [[_INFINITY] * 6 for _ in range(count + 1)]
    direct[count] = [0] * 6
    cost[count] = [0] * 6
    for index in range(count - 1, -1, -1):
        for state in range(6):
            step = _data_step(tokens, index, *divmod(state, 2))
            if step is not None:
                direct[index][state] = len(step[0]) + cost[step[1]][state]
        here = direct[index]
        cost[index] = [
            min(len(values) + here[target] for values, target in _MOVES[state])
            for state in range(6)
        ]
    starts = [(1 + cost[0][code_set * 2], code_set) for code_set in _PREFERENCE]
    code_set = min(starts, key=lambda start: start[0])[1]
    return _walk(tokens, cost, direct, code_set)


def _walk(
    tokens: Sequence[int],
    cost: list[list[int]],
    direct: list[list[int]],
    code_set: int,
) -> list[int]:
    values, index, latched = [_START[code_set]], 0, 0
    while index < len(tokens):
        remaining = cost[index][code_set * 2 + latched]
        moved, state = next(
            (moved, target)
            for moved, target in _MOVES[code_set * 2 + latched]
            if len(moved) + direct[index][target] == remaining
        )
        code_set, latched = divmod(state, 2)
        step = _data_step(tokens, index, code_set, latched)
        assert step is not None  # the cost of this state was finite
        values += [*moved, *step[0]]
        index = step[1]
    return values


def _tokens(data: str) -> list[int]:
    tokens = []
    for position, char in enumerate(data, 1):
        if ord(char) > 0xFF:
            raise InvalidFormat(CHARACTER, value=data, char=char, position=position)
        tokens.append(ord(char))
    return tokens


def _check(values: Sequence[int]) -> int:
    """ISO/IEC 15417 symbol check character: start + sum of position x value, mod 103."""
    return (values[0] + sum(index * value for index, value in enumerate(values[1:], 1))) % 103


def _finish(values: list[int]) -> tuple[int, ...]:
    return (*values, _check(values), _STOP)


def symbol_values(data: str) -> tuple[int, ...]:
    """Every symbol character of ``data`` as a Code 128 symbol: start, data, check, stop.

    The code sets are the shortest choice (see :func:`_plan`); characters 128-255 take FNC4.
    """
    value = require_text(data)
    if not value:
        raise InvalidFormat(EMPTY, expected="Code 128 data", expected_zh="Code 128 数据")
    return _finish(_plan(_tokens(value)))


def _gs1_values(fnc1_data: str) -> tuple[int, ...]:
    tokens = [_FNC1_TOKEN] + [_FNC1_TOKEN if c == ai.GS else ord(c) for c in fnc1_data]
    return _finish(_plan(tokens))


def modules(values: Sequence[int]) -> str:
    """The module pattern of a sequence of symbol character values."""
    return "".join(PATTERNS[value] for value in values)


def _symbol(symbology: Symbology, data: str, values: Sequence[int], text: str) -> Symbol:
    pattern = modules(values)
    return Symbol(
        symbology,
        data,
        (Row(pattern),),
        # ISO/IEC 15417 and GS1 GenSpecs 5.4 (GS1-128 dimensions): 10X on each side.
        QuietZone(10, 10),
        text=(TextItem(text, len(pattern) / 2, float(len(pattern))),),
    )


def code128(data: str) -> Symbol:
    """A Code 128 symbol of ``data`` (ISO/IEC 8859-1 text), in the fewest symbol characters.

    The human-readable text is the data with control characters shown as spaces; more than
    :data:`MAX_DATA` characters are refused.
    """
    if isinstance(data, str) and len(data) > MAX_DATA:  # other types: symbol_values says
        raise InvalidLength(TOO_LONG, limit=MAX_DATA, found=len(data))
    values = symbol_values(data)
    text = "".join(c if c.isprintable() else " " for c in data)
    return _symbol(Symbology.CODE128, data, values, text)


def _final_set(values: Sequence[int]) -> int:
    """The code set in force after the data characters of ``values`` (start first)."""
    code_set = _START.index(values[0])
    for value in values[1:]:
        if value in _SWITCH[code_set]:
            code_set = _SWITCH[code_set].index(value)
    return code_set


#: ISO/IEC 24723 (GS1 GenSpecs 5.11.2): the extra code set character that links GS1-128 to
#: a composite component, after the data: for CC-A or CC-B, Code C from set B and Code A
#: from set C; for CC-C, Code A from set B and Code B from set C. Set A (never the last set
#: of GS1 data, which has no control characters) is linked as set B.
_LINKAGE = {"AB": {_A: 99, _B: 99, _C: 101}, "C": {_A: 101, _B: 101, _C: 100}}


def _linked(values: tuple[int, ...], component: str) -> tuple[int, ...]:
    data = list(values[:-2])
    data.append(_LINKAGE["C" if component == "C" else "AB"][_final_set(data)])
    return _finish(data)


def gs1_128(data: str, *, linked: str | None = None) -> Symbol:
    """A GS1-128 symbol of a GS1 element string in any form :func:`tiaoma.ai.parse` reads.

    The data is validated first (an invalid element string is never drawn); FNC1 follows
    the start character and ends every variable-length element string but the last (GS1
    GenSpecs 5.4.1, 5.10.1). The human-readable text is ``(01)…(17)…`` with the AIs in
    brackets (GS1 GenSpecs 4.15). ``linked`` (``"A"``, ``"B"`` or ``"C"``) adds the linkage
    character of a composite symbol whose 2D component is CC-A, CC-B or CC-C.
    """
    message = ai.parse(data)
    carried = message.fnc1()
    if len(carried) > GS1_128_MAX_DATA:
        raise InvalidLength(
            GS1_TOO_LONG, value=message.bracketed(), limit=GS1_128_MAX_DATA, found=len(carried)
        )
    text = "".join(f"({element.ai}){element.value}" for element in message)
    values = _gs1_values(carried)
    if linked is not None:
        values = _linked(values, linked)
    return _symbol(Symbology.GS1_128, message.bracketed(), values, text)
