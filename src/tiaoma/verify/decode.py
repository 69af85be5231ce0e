"""The reference decode of a linear symbol and its decodability V (ISO/IEC 15416 §5.4, §5.4.7).

The input is one scan's element widths, bar, space, bar, ..., bar, from the leading edge of the
first bar to the trailing edge of the last (quiet zones left out), in any unit and as measured
(:attr:`tiaoma.verify.profile.Analysed.widths_mm`). Each symbology is decoded the way its own
specification's reference decode algorithm does, in the direction the widths are given and
then reversed (a symbol scanned upside down):

- EAN/UPC (ISO/IEC 15420, reference decode algorithm): a symbol character is 4 elements of 7
  modules; with T the sum of its widths, the edge-to-similar-edge distances e1 = w1 + w2 and
  e2 = w2 + w3 are each taken as 2, 3, 4 or 5 modules between the thresholds 1.5T/7, 2.5T/7,
  ..., 5.5T/7. (E1, E2) names the character, except 1 and 7, and 2 and 8, which share theirs
  in each set: the sum of the character's two bars tells them apart, its threshold halfway
  between the two characters' bar modules (4T/7 in set A, 3T/7 in sets B and C). The guards
  are checked edge to similar edge too (each pair of elements 2 modules), so that print gain
  does not fail them. Left-half sets give an EAN-13's first digit (table 6) and a UPC-E's
  number system and check digit (table 8); the check digit is checked.
- Code 128 (ISO/IEC 15417, reference decode algorithm): 6 elements of 11 modules p; e1 to e4
  taken as 2 to 7 modules between 1.5p/11 and 7.5p/11 name the character; the sum of its
  three bars must lie within 1.75 modules of the character's own (the self-check; the 1.75
  is our reading); the stop's last bar is 2 modules; the check character is modulo 103.
- ITF (ISO/IEC 16390) and Code 39 (ISO/IEC 16388), two widths: the standards' threshold
  formulas could not be read; ours classifies each character by its own width S: with N the
  symbol's measured wide:narrow ratio (mean wide / mean narrow, the k widest elements of
  each character being its wide ones), the character's narrow width is Z = S / (m - k + kN)
  for m elements of which k are wide, and an element is wide above RT = (N + 1) Z / 2.
  Each ITF digit (its five bars, or its five spaces) is a character, as are the start and
  the stop pattern; Code 39's intercharacter gaps are not read.
- GS1 DataBar Omnidirectional (and Truncated), Limited and Expanded (ISO/IEC 24724):
  characters of 1-9-module elements read edge to similar edge within each character, the
  odd elements' sum deciding the rest, finders and check character checked against the
  checksum, Expanded's data read back to its element string; :mod:`tiaoma.verify._databar`
  says how (our reading: the standard's reference decode text could not be read). A
  composite symbol's linear component reads the same, :attr:`Decoded.linked` set.

Decodability (§5.4.7) is the least margin left by any measurement to the threshold it must
not cross, as a fraction of the margin a perfect symbol has; V is the least over the
characters and 1.0 for perfect widths. §4.2 names the quantities (K the smallest distance
between a measurement and a reference threshold, S a character's width, n its modules, e the
widest narrow and E the narrowest wide element, Z, N, RT); the text of the formulas could not
be read, and these are our reading:

- edge to similar edge (EAN/UPC, Code 128): V = K / (S / 2n), each e being half a module from
  both its thresholds when perfect (1 - 2|e - E| for e in modules, E its whole number); the
  bar sum of 1/7 and 2/8 and Code 128's last bar count the same way, relative to their own
  perfect margins (1 module and 1/2 module);
- two widths (ITF, Code 39): V = min(RT - e, E - RT) / ((N - 1) Z / 2), at most 1;
- GS1 DataBar: as edge to similar edge, and the odd elements' sum relative to half the step
  between two possible sums.

:attr:`Decoded.data` is what zxing-cpp 3.1 gives in its ``TextMode.HRI``, with two exceptions:
a UPC-A is 12 digits and a UPC-E 8 (zxing-cpp 3.1 gives both as the GTIN-13, ``0`` first), and
Code 39 is read as it is, never as full ASCII (zxing-cpp reads ``+A`` as ``a`` when it can).

>>> from itertools import groupby
>>> from tiaoma.symbols import upcean
>>> modules = upcean.ean13("6901234567892").rows[0].modules
>>> widths = [0.33 * len(list(run)) for _, run in groupby(modules)]
>>> decoded = decode(widths)
>>> decoded.symbology.label, decoded.data, decoded.decodability, decoded.modules
('EAN-13', '6901234567892', 1.0, 95.0)
>>> decode(widths[::-1]).reversed
True
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Sequence
from itertools import groupby, pairwise
from typing import NamedTuple

from tiaoma import ai, checksum, upc
from tiaoma.errors import TiaomaError, define
from tiaoma.symbols import code39, code128, itf, upcean
from tiaoma.symbols.base import Symbology
from tiaoma.verify import _databar as _databar_read

__all__ = [
    "Decoded", "NotDecoded", "decode", "decode_expanded_row", "decode_stacked_row",
    "element_widths",
]  # fmt: skip

_NOT_DECODED = define("verify-not-decoded", "{reason}", "译码失败：{reason_zh}")

#: Narrower elements than this fraction of the widest are refused: no symbology has them.
_NARROWEST = 1e-6


class Decoded(NamedTuple):
    """What the reference decode read from one scan, and how well."""

    symbology: Symbology
    data: str
    """As a scanner shows it (GS1-128 with its AIs in brackets)."""
    decodability: float
    """V, from 0 to 1 (perfect widths): the least over the symbol characters."""
    modules: float
    """The width in X from the first bar to the last; the measured width over it is X."""
    ratio: float | None
    """The measured wide:narrow ratio N (ITF and Code 39), else ``None``."""
    reversed: bool
    """Whether the widths read right to left."""
    linked: bool = False
    """A GS1 DataBar symbol's linkage flag: a composite component belongs above it."""


class NotDecoded(TiaomaError):
    """Widths the reference decode cannot read: ``reason`` says where and why."""

    def _format(self, template: str) -> str:
        # The reasons are ours and shown whole (TiaomaError shortens strings, users' values);
        # the one user value they quote, a width that is no width, is shortened where quoted.
        return template.format(**self.params)


class _Failed(Exception):
    """One reading (a symbology, a direction) that failed, and how far it got."""

    def __init__(self, reason: str, reason_zh: str, progress: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.reason_zh, self.progress = reason, reason_zh, progress


#: Progress of failures found once every character was read: sets, names, check digits last.
_READ, _CHECKED = 1 << 29, 1 << 30

_Decoder = Callable[[tuple[float, ...], Symbology | None], Decoded]


def element_widths(modules: str) -> tuple[int, ...]:
    """Element widths in modules of a module string."""
    return tuple(len(list(run)) for _, run in groupby(modules))


def _similar_edges(widths: Sequence[float]) -> tuple[float, ...]:
    """e1, e2, ...: from each element's leading edge to the next-but-one's (same kind of edge)."""
    return tuple(widths[i] + widths[i + 1] for i in range(len(widths) - 2))


def _span(start: int, size: int) -> str:
    """Elements as messages number them (from 1)."""
    return f"{start + 1}-{start + size}"


def _character_at(number: int, start: int, size: int) -> tuple[str, str]:
    """Where a character is, as in "character 5 (elements 20-23)", in English and Chinese."""
    span = _span(start, size)
    return f"character {number} (elements {span})", f"第 {number} 个字符（元素 {span}）"


def _count_failure(name: str, expected: str, found: int) -> _Failed:
    return _Failed(
        f"expected {expected} elements for {name}, found {found}",
        f"{name} 应有 {expected} 个元素，实为 {found} 个",
        progress=-1,
    )


# --- edge to similar edge (EAN/UPC, Code 128) ------------------------------------------------


class _Character(NamedTuple):
    """A symbol character as edge-to-similar-edge decoding sees it."""

    name: str
    """An EAN/UPC digit or a Code 128 value."""
    code_set: str
    bar_modules: int


def _edge_table(patterns: dict[str, Sequence[str]]) -> dict[tuple[int, ...], list[_Character]]:
    """(E1, E2, ...) -> the characters with those distances; ``patterns`` by set name."""
    table: dict[tuple[int, ...], list[_Character]] = {}
    for code_set, codes in patterns.items():
        for name, code in enumerate(codes):
            key = tuple(map(int, _similar_edges(element_widths(code))))
            table.setdefault(key, []).append(_Character(str(name), code_set, code.count("1")))
    return table


# ISO/IEC 15420 table 1 by edge-to-similar-edge distances: left half sets A and B, right C.
_EAN_LEFT = _edge_table({"A": upcean.SET_A, "B": upcean.SET_B})
_EAN_RIGHT = _edge_table({"C": upcean.SET_C})
# ISO/IEC 15417 table 1: values 0-105 and the stop's first six elements (106).
_CODE128 = _edge_table({"": [code.removesuffix("11") if value == 106 else code
                             for value, code in enumerate(code128.PATTERNS)]})  # fmt: skip


def _classify(widths: Sequence[float], modules: int) -> tuple[tuple[int, ...], float, float]:
    """Each e in whole modules, the character's V (K / (S / 2n)) and its module S / n."""
    module = sum(widths) / modules
    edges = [e / module for e in _similar_edges(widths)]
    whole = tuple(math.floor(e + 0.5) for e in edges)
    margin = min(1 - 2 * abs(e - n) for e, n in zip(edges, whole, strict=True))
    return whole, margin, module


def _bars(widths: Sequence[float], start: int) -> float:
    """The sum of the bars of ``widths``, elements ``start``... of a scan (bars are even)."""
    return sum(width for index, width in enumerate(widths, start) if index % 2 == 0)


def _no_character(where: tuple[str, str], symbology: str, start: int) -> _Failed:
    return _Failed(
        f"{where[0]} matches no {symbology} character",
        f"{where[1]}不是 {symbology} 字符",
        progress=start,
    )


def _tell_apart(
    pair: list[_Character], bar_modules: float, where: tuple[str, str], start: int
) -> tuple[_Character, float]:
    """1 from 7, 2 from 8: by the sum of the bars, against the threshold halfway between the
    two characters' (ISO/IEC 15420); the margin left is V's, relative to 1 module."""
    low, high = sorted(pair, key=lambda character: character.bar_modules)
    threshold = (low.bar_modules + high.bar_modules) / 2
    if bar_modules == threshold:
        raise _Failed(
            f"{where[0]}: its bars ({bar_modules:.2f} modules) cannot tell {low.name} from "
            f"{high.name}",
            f"{where[1]}：条宽之和（{bar_modules:.2f} 个模块）无法区分 {low.name} 和 {high.name}",
            progress=start,
        )
    margin = abs(bar_modules - threshold) / ((high.bar_modules - low.bar_modules) / 2)
    return (high if bar_modules > threshold else low), margin


def _ean_character(
    widths: Sequence[float], start: int, table: dict[tuple[int, ...], list[_Character]], number: int
) -> tuple[_Character, float]:
    """The digit and set of the character at ``start``, and its V."""
    chunk = widths[start : start + 4]
    where = _character_at(number, start, 4)
    whole, margin, module = _classify(chunk, 7)
    found = table.get(whole)
    if found is None:
        raise _no_character(where, "EAN/UPC", start)
    if len(found) == 1:
        return found[0], margin
    character, bar_margin = _tell_apart(found, _bars(chunk, start) / module, where, start)
    return character, min(margin, bar_margin, 1.0)


# --- EAN/UPC ---------------------------------------------------------------------------------


class _Layout(NamedTuple):
    """An EAN/UPC symbol's structure: guards and characters (ISO/IEC 15420)."""

    symbology: Symbology
    left: int
    """Characters before the centre guard."""
    right: int
    """Characters after it (UPC-E has none, and no centre guard)."""
    end_guard: int
    modules: int

    @property
    def elements(self) -> int:
        centre = 5 + 4 * self.right if self.right else 0
        return 3 + 4 * self.left + centre + self.end_guard


_EAN13 = _Layout(Symbology.EAN13, 6, 6, 3, 95)
_EAN8 = _Layout(Symbology.EAN8, 4, 4, 3, 67)
_UPCE = _Layout(Symbology.UPCE, 6, 0, 6, 51)
_LAYOUTS = {
    Symbology.EAN13: _EAN13, Symbology.UPCA: _EAN13, Symbology.EAN8: _EAN8,
    Symbology.UPCE: _UPCE,
}  # fmt: skip
# ISO/IEC 15420 table 8: UPC-E sets -> number system and check digit (system 1 swaps A and B).
_UPCE_SETS = {
    **{sets: ("0", str(check)) for check, sets in enumerate(upcean.UPCE_PARITY)},
    **{sets.translate(str.maketrans("AB", "BA")): ("1", str(check))
       for check, sets in enumerate(upcean.UPCE_PARITY)},
}  # fmt: skip


def _layout(widths: Sequence[float], wanted: Symbology | None) -> _Layout:
    if wanted is not None:
        layout = _LAYOUTS[wanted]
        if len(widths) != layout.elements:
            raise _count_failure(wanted.label, str(layout.elements), len(widths))
        return layout
    for layout in (_EAN13, _EAN8, _UPCE):
        if len(widths) == layout.elements:
            return layout
    raise _count_failure("EAN-13/UPC-A, EAN-8 or UPC-E", "59, 43 or 33", len(widths))


def _left_sets(layout: _Layout) -> tuple[str, ...]:
    """The sets the left half may have (ISO/IEC 15420 tables 6 and 8; EAN-8 all A)."""
    if layout is _EAN13:
        return upcean.EAN13_PARITY
    return tuple(_UPCE_SETS) if layout is _UPCE else ("AAAA",)


def _check_sets(read: list[tuple[_Character, float]], layout: _Layout, start: int) -> None:
    """The left half's sets so far begin one of the layout's (an upside-down read fails at
    once: its left half is all set B)."""
    sets = "".join(character.code_set for character, _ in read)
    if not any(allowed.startswith(sets) for allowed in _left_sets(layout)):
        where = _character_at(len(read), start, 4)
        name = layout.symbology.label
        raise _Failed(
            f"{where[0]} is in set {sets[-1]}: no {name} begins its left half {sets}",
            f"{where[1]}属于 {sets[-1]} 子集：{name} 的左侧数据符不以 {sets} 开头",
            progress=start,
        )


def _read_characters(
    widths: Sequence[float], layout: _Layout
) -> tuple[list[_Character], float, list[tuple[int, int]]]:
    """The characters left to right, V, and where the guards are (start, size)."""
    read: list[tuple[_Character, float]] = []
    guards, position = [(0, 3)], 3
    for _ in range(layout.left):
        read.append(_ean_character(widths, position, _EAN_LEFT, len(read) + 1))
        _check_sets(read, layout, position)
        position += 4
    if layout.right:
        guards.append((position, 5))
        position += 5
    for _ in range(layout.right):
        read.append(_ean_character(widths, position, _EAN_RIGHT, len(read) + 1))
        position += 4
    guards.append((position, layout.end_guard))
    return [character for character, _ in read], min(margin for _, margin in read), guards


def _check_guards(widths: Sequence[float], guards: list[tuple[int, int]], module: float) -> None:
    """Every pair of guard elements is 2 modules edge to similar edge (1 + 1), gain or not."""
    for start, size in guards:
        chunk = widths[start : start + size]
        if any(math.floor((a + b) / module + 0.5) != 2 for a, b in pairwise(chunk)):
            span = _span(start, size)
            raise _Failed(
                f"the guard pattern at elements {span} is not bars and spaces of 1 module",
                f"元素 {span} 处的辅助条不是 1 个模块宽的条和空",
                progress=start,
            )


def _check_digit(number: str, expected: str, found: str) -> None:
    if expected != found:
        raise _Failed(
            f"check digit {found}, expected {expected} ({number})",
            f"校验码为 {found}，应为 {expected}（{number}）",
            progress=_CHECKED,
        )


def _number(layout: _Layout, characters: list[_Character]) -> str:
    """The number the characters carry, its check digit checked (ISO/IEC 15420 tables 6, 8)."""
    digits = "".join(character.name for character in characters)
    sets = "".join(character.code_set for character in characters[: layout.left])
    if layout is _UPCE:
        system, check = _UPCE_SETS[sets]
        _check_digit(system + digits + check, upc.calc_check_digit(system + digits), check)
        return system + digits + check
    if layout is _EAN13:
        digits = str(upcean.EAN13_PARITY.index(sets)) + digits
    _check_digit(digits, checksum.calc_check_digit(digits[:-1]), digits[-1])
    return digits


def _upcean_named(layout: _Layout, number: str, wanted: Symbology | None) -> tuple[Symbology, str]:
    """UPC-A is the EAN-13 with first digit 0, so called unless an EAN-13 was asked for."""
    if layout is not _EAN13 or wanted is Symbology.EAN13:
        return layout.symbology, number
    if number[0] == "0":
        return Symbology.UPCA, number[1:]
    if wanted is Symbology.UPCA:
        raise _Failed(
            f"first digit {number[0]}: an EAN-13 ({number}), not a UPC-A",
            f"前置码为 {number[0]}：是 EAN-13（{number}），不是 UPC-A",
            progress=_READ,
        )
    return Symbology.EAN13, number


def _decode_upcean(widths: tuple[float, ...], wanted: Symbology | None) -> Decoded:
    layout = _layout(widths, wanted)
    characters, margin, guards = _read_characters(widths, layout)
    guard_widths = sum(sum(widths[start : start + size]) for start, size in guards)
    _check_guards(widths, guards, (sum(widths) - guard_widths) / (7 * len(characters)))
    symbology, data = _upcean_named(layout, _number(layout, characters), wanted)
    return Decoded(symbology, data, margin, float(layout.modules), None, reversed=False)


# --- Code 128 --------------------------------------------------------------------------------

_C128_START = {103: "A", 104: "B", 105: "C"}
_FNC1, _SHIFT, _CODE_C, _STOP = 102, 98, 99, 106
_FNC2_FNC3 = (96, 97)
#: The self-check of ISO/IEC 15417's reference decode: a character's bars add up to within
#: 1.75 modules of its own (the 1.75 is our reading).
_BAR_TOLERANCE = 1.75
_CONTROL_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip


def _code128_value(widths: Sequence[float], start: int, number: int) -> tuple[int, float]:
    """One symbol character's value and V (ISO/IEC 15417 reference decode)."""
    chunk = widths[start : start + 6]
    where = _character_at(number, start, 6)
    whole, margin, module = _classify(chunk, 11)
    found = _CODE128.get(whole)
    if found is None:
        raise _no_character(where, "Code 128", start)
    bars, expected = _bars(chunk, 0) / module, found[0].bar_modules
    if abs(bars - expected) >= _BAR_TOLERANCE:
        raise _Failed(
            f"{where[0]}: its bars add up to {bars:.2f} modules, expected {expected} (±1.75)",
            f"{where[1]}：条宽之和为 {bars:.2f} 个模块，应为 {expected}（±1.75）",
            progress=start,
        )
    return int(found[0].name), margin


def _code128_stop(widths: Sequence[float]) -> float:
    """The stop character at the end (106 and a last bar of 2 modules); its V."""
    start = len(widths) - 7
    value, margin = _code128_value(widths, start, start // 6 + 1)
    last = widths[-1] / (sum(widths[start:-1]) / 11)
    if value != _STOP or math.floor(last + 0.5) != 2:
        span = _span(start, 7)
        raise _Failed(
            f"no stop character at elements {span}",
            f"元素 {span} 处没有终止符",
            progress=start,
        )
    return min(margin, 1 - 2 * abs(last - 2))


def _misplaced(value: int, index: int) -> bool:
    """A start where there is none, or anything else where it should be."""
    return (value in _C128_START) != (index == 0) or value == _STOP


def _code128_values(widths: tuple[float, ...]) -> tuple[list[int], float]:
    """Every value before the stop (start, data, check), the check character checked; V."""
    count, extra = divmod(len(widths) - 7, 6)
    if extra or count < 3:
        raise _count_failure("Code 128", "6 per character + 7 (25, 31, ...)", len(widths))
    values, margins = [], []
    for index in range(count):
        value, margin = _code128_value(widths, 6 * index, index + 1)
        if _misplaced(value, index):
            where = _character_at(index + 1, 6 * index, 6)
            raise _Failed(
                f"{where[0]} is {value}: start characters (103-105) come first, and only there",
                f"{where[1]}为 {value}：起始符（103-105）只能在最前面",
                progress=6 * index,
            )
        values.append(value)
        margins.append(margin)
    margins.append(_code128_stop(widths))
    expected = (values[0] + sum(i * v for i, v in enumerate(values[1:-1], 1))) % 103
    if values[-1] != expected:
        raise _Failed(
            f"check character {values[-1]}, expected {expected}",
            f"校验符为 {values[-1]}，应为 {expected}",
            progress=_CHECKED,
        )
    return values, min(margins)


def _ascii(code_set: str, value: int) -> int:
    """The character of a data value in set A or B (ISO/IEC 15417 table 1)."""
    if code_set == "A" and value >= 64:
        return value - 64
    return value + 32


class _Reader:
    """Code sets, Shift and FNC4 (ISO/IEC 15417, the code sets' special characters) over the
    data values."""

    def __init__(self, code_set: str) -> None:
        self.code_set, self.shifted, self.latched, self.fnc4 = code_set, False, False, False
        self.text: list[str] = []

    def read(self, value: int) -> None:
        code_set = self.code_set
        if self.shifted:
            code_set, self.shifted = "BA"["AB".index(code_set)], False
        if code_set == "C":
            self._set_c(value)
        elif value == _SHIFT:
            self.shifted = True
        elif value in (100, 101):
            self._switch_or_fnc4(code_set, "BA"[value - 100])
        elif value == _CODE_C:
            self.code_set = "C"
        elif value == _FNC1:
            self.text.append(ai.GS)
        elif value not in _FNC2_FNC3:
            self._character(_ascii(code_set, value))

    def _set_c(self, value: int) -> None:
        if value < 100:
            self.text.append(f"{value:02d}")
        elif value == _FNC1:
            self.text.append(ai.GS)
        else:
            self.code_set = "BA"[value - 100]

    def _switch_or_fnc4(self, code_set: str, target: str) -> None:
        """100 is Code B in set A and FNC4 in set B; 101 Code A in set B, FNC4 in set A."""
        if target != code_set:
            self.code_set = target
        elif self.fnc4:  # two FNC4s latch (or unlatch) characters 128-255
            self.latched, self.fnc4 = not self.latched, False
        else:
            self.fnc4 = True

    def _character(self, code: int) -> None:
        extended = self.latched != self.fnc4
        self.fnc4 = False
        self.text.append(chr(code + 128 * extended))


def _hri(text: str) -> str:
    """zxing-cpp's HRI of Code 128 text: with a control character other than tab, LF and CR
    it is binary, and controls are written ``<GS>``, ``<DEL>``, ``<U+85>`` (0x80-0xA0)."""
    if not any(char < " " and char not in "\t\n\r" for char in text):
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 32:
        return f"<{_CONTROL_NAMES[code]}>"
    if code == 127:
        return "<DEL>"
    return f"<U+{code:02X}>" if 0x80 <= code <= 0xA0 else char


def _gs1_hri(fnc1_data: str) -> str:
    """``(01)...(10)...``: the AIs in brackets, the values as they are (``(`` not escaped)."""
    try:
        return ai.compact(fnc1_data).replace("\\(", "(")
    except TiaomaError:
        return _hri(fnc1_data)  # not GS1 data after all: shown as it is


def _decode_code128(widths: tuple[float, ...], wanted: Symbology | None) -> Decoded:
    values, margin = _code128_values(widths)
    gs1 = values[1] == _FNC1
    if wanted is Symbology.GS1_128 and not gs1:
        raise _Failed(
            "no FNC1 after the start character: Code 128, not GS1-128",
            "起始符后没有 FNC1：是 Code 128，不是 GS1-128",
            progress=_READ,
        )
    reader = _Reader(_C128_START[values[0]])
    for value in values[1 + gs1 : -1]:
        reader.read(value)
    text = "".join(reader.text)
    symbology = Symbology.GS1_128 if gs1 else Symbology.CODE128
    data = _gs1_hri(text) if gs1 else _hri(text)
    return Decoded(symbology, data, margin, 11.0 * len(values) + 13, None, reversed=False)


# --- two widths (ITF, Code 39) ---------------------------------------------------------------


class _Part(NamedTuple):
    """A two-width character: its widths, how many are wide, where it is."""

    widths: Sequence[float]
    wide: int
    where: tuple[str, str]
    start: int


def _measured_ratio(parts: Sequence[_Part]) -> float:
    """N: mean wide over mean narrow, the ``wide`` widest of each character being its wide ones."""
    narrow: list[float] = []
    broad: list[float] = []
    for part in parts:
        ordered = sorted(part.widths)
        cut = len(ordered) - part.wide
        narrow += ordered[:cut]
        broad += ordered[cut:]
    ratio = (sum(broad) / len(broad)) / (sum(narrow) / len(narrow))
    if ratio <= 1:
        raise _Failed(
            "no element is wider than the others: no wide and narrow to tell apart",
            "所有元素一样宽：无法区分宽窄",
        )
    return ratio


def _two_widths(part: _Part, ratio: float) -> tuple[str, float]:
    """The ``n``/``w`` pattern of a character by RT = (N + 1) Z / 2, and its V."""
    narrow = sum(part.widths) / (len(part.widths) - part.wide + part.wide * ratio)
    threshold = (ratio + 1) / 2 * narrow
    pattern = "".join("w" if width > threshold else "n" for width in part.widths)
    margin = min(abs(width - threshold) for width in part.widths) / ((ratio - 1) / 2 * narrow)
    return pattern, min(margin, 1.0)


def _pattern_failure(part: _Part, pattern: str) -> _Failed:
    return _Failed(
        f"{part.where[0]} reads {pattern} (n narrow, w wide): no character that may stand there",
        f"{part.where[1]}读作 {pattern}（n 窄，w 宽）：不是此处可有的字符",
        progress=part.start,
    )


def _read_two_widths(
    parts: Sequence[_Part], tables: Sequence[dict[str, str]]
) -> tuple[list[str], float, float]:
    """Each part's character (its table maps ``n``/``w`` patterns to characters), V and N."""
    ratio = _measured_ratio(parts)
    read, margins = [], []
    for part, table in zip(parts, tables, strict=True):
        pattern, margin = _two_widths(part, ratio)
        if pattern not in table:
            raise _pattern_failure(part, pattern)
        read.append(table[pattern])
        margins.append(margin)
    return read, min(margins), ratio


def _narrow_x(parts: Sequence[_Part]) -> float:
    """Z, the mean narrow element, once each part's ``wide`` widest were found its wide ones."""
    narrow = [w for part in parts for w in sorted(part.widths)[: len(part.widths) - part.wide]]
    return sum(narrow) / len(narrow)


# ISO/IEC 16390 table 1 and its start (nnnn) and stop (wnn) patterns.
_ITF_DIGITS = {pattern: str(digit) for digit, pattern in enumerate(itf.NARROW_WIDE)}
_ITF_START, _ITF_STOP = {"nnnn": "start"}, {"wnn": "stop"}


def _itf_parts(widths: tuple[float, ...]) -> list[_Part]:
    """The start, each digit (its five bars or its five spaces), the stop."""
    pairs, extra = divmod(len(widths) - 7, 10)
    if extra or pairs < 1:
        raise _count_failure("ITF", "7 + 10 per pair of digits (17, 27, ...)", len(widths))
    parts = [_Part(widths[:4], 0, ("the start pattern", "起始符"), 0)]
    for pair in range(pairs):
        start = 4 + 10 * pair
        chunk, span = widths[start : start + 10], _span(start, 10)
        for digit, elements in ((2 * pair + 1, chunk[0::2]), (2 * pair + 2, chunk[1::2])):
            where = (f"digit {digit} (elements {span})", f"第 {digit} 位数字（元素 {span}）")
            parts.append(_Part(elements, 2, where, start))
    parts.append(_Part(widths[-3:], 1, ("the stop pattern", "终止符"), len(widths) - 3))
    return parts


def _itf_named(digits: str, wanted: Symbology | None) -> Symbology:
    """ITF-14: 14 digits ending in their check digit (GS1 GenSpecs 5.3)."""
    is_itf14 = len(digits) == 14 and checksum.mod10_ok(digits)
    if wanted is Symbology.ITF14 and not is_itf14:
        if len(digits) != 14:
            raise _Failed(
                f"{len(digits)} digits ({digits}): an ITF-14 has 14",
                f"{len(digits)} 位数字（{digits}）：ITF-14 应为 14 位",
                progress=_READ,
            )
        _check_digit(digits, checksum.calc_check_digit(digits[:-1]), digits[-1])
    return Symbology.ITF14 if is_itf14 else Symbology.ITF


def _decode_itf(widths: tuple[float, ...], wanted: Symbology | None) -> Decoded:
    parts = _itf_parts(widths)
    tables = [_ITF_START, *[_ITF_DIGITS] * (len(parts) - 2), _ITF_STOP]
    read, margin, ratio = _read_two_widths(parts, tables)
    digits = "".join(read[1:-1])
    modules = sum(widths) / _narrow_x(parts)
    return Decoded(_itf_named(digits, wanted), digits, margin, modules, ratio, reversed=False)


# ISO/IEC 16388 table 1: * only at either end, the 43 data characters between.
_CODE39_DATA = {pattern: char for char, pattern in code39.NARROW_WIDE.items() if char != "*"}
_CODE39_ENDS = {code39.NARROW_WIDE["*"]: "*"}


def _code39_parts(widths: tuple[float, ...]) -> list[_Part]:
    """Each character's nine elements; the intercharacter gaps between them are not read."""
    count, extra = divmod(len(widths) + 1, 10)
    if extra or count < 3:
        raise _count_failure("Code 39", "10 per character - 1 (29, 39, ...)", len(widths))
    return [_Part(widths[10 * i : 10 * i + 9], 3, _character_at(i + 1, 10 * i, 9), 10 * i)
            for i in range(count)]  # fmt: skip


def _decode_code39(widths: tuple[float, ...], wanted: Symbology | None) -> Decoded:
    parts = _code39_parts(widths)
    tables = [_CODE39_ENDS, *[_CODE39_DATA] * (len(parts) - 2), _CODE39_ENDS]
    read, margin, ratio = _read_two_widths(parts, tables)
    modules = sum(widths) / _narrow_x(parts)
    data = "".join(read[1:-1])
    return Decoded(Symbology.CODE39, data, margin, modules, ratio, reversed=False)


# --- GS1 DataBar (ISO/IEC 24724; the reading is :mod:`tiaoma.verify._databar`'s) ----------


def _databar(reader: Callable[[Sequence[float], Symbology | None], _databar_read.Read]) -> _Decoder:
    def decoder(widths: tuple[float, ...], wanted: Symbology | None) -> Decoded:
        try:
            read = reader(widths, wanted)
        except _databar_read.DataBarFailed as failed:
            progress = failed.progress
            if progress >= _databar_read.READ:
                progress = _READ  # a checksum or the data, once every character was read
            raise _Failed(failed.reason, failed.reason_zh, progress) from None
        return Decoded(read.symbology, read.data, read.decodability, read.modules, None,
                       reversed=False, linked=read.linked)  # fmt: skip

    return decoder


# --- the whole -------------------------------------------------------------------------------


class _Family(NamedTuple):
    """Symbologies read by one decoder."""

    name: str
    members: frozenset[Symbology]
    decoder: _Decoder


# Those that check themselves best first: ITF, whose every 2 of 5 is a digit, reads a
# damaged Code 128 of the same number of elements (37: 5 characters, 3 pairs) as digits.
_FAMILIES = (
    _Family("EAN/UPC", frozenset(_LAYOUTS), _decode_upcean),
    _Family("Code 128", frozenset({Symbology.CODE128, Symbology.GS1_128}), _decode_code128),
    _Family("Code 39", frozenset({Symbology.CODE39}), _decode_code39),
    _Family("ITF", frozenset({Symbology.ITF, Symbology.ITF14}), _decode_itf),
    _Family(
        "GS1 DataBar",
        frozenset({Symbology.DATABAR_OMNI, Symbology.DATABAR_TRUNCATED}),
        _databar(_databar_read.read_omni),
    ),
    _Family(
        "GS1 DataBar Limited",
        frozenset({Symbology.DATABAR_LIMITED}),
        _databar(_databar_read.read_limited),
    ),
    _Family(
        "GS1 DataBar Expanded",
        frozenset({Symbology.DATABAR_EXPANDED}),
        _databar(_databar_read.read_expanded),
    ),
)


def _not_decoded(reason: str, reason_zh: str) -> NotDecoded:
    return NotDecoded(_NOT_DECODED, reason=reason, reason_zh=reason_zh)


def _number_or_none(value: object) -> float | None:
    """A finite number, or ``None`` (text is no width, even "1.5")."""
    if isinstance(value, str | bytes):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _validated(widths: Sequence[float]) -> tuple[float, ...]:
    """Positive finite numbers, an odd count (bar first and last), scaled so the widest is 1."""
    try:
        given = list(widths)
    except TypeError:
        raise _not_decoded("the widths are not a list of numbers", "宽度不是数字列表") from None
    if not given:
        raise _not_decoded("no elements to decode", "没有可译码的元素")
    values = [_number_or_none(width) for width in given]
    for index, (value, width) in enumerate(zip(values, given, strict=True), 1):
        if value is None or value <= 0:
            shown = reprlib.repr(width)
            raise _not_decoded(
                f"element {index} is {shown}: widths must be positive numbers",
                f"第 {index} 个元素为 {shown}：宽度必须是正数",
            )
    if len(values) % 2 == 0:
        raise _not_decoded(
            f"{len(values)} elements: a scan starts and ends with a bar, so their number is odd",
            f"{len(values)} 个元素：扫描从条开始、到条结束，元素个数应为奇数",
        )
    numbers = [value for value in values if value is not None]
    widest = max(numbers)
    scaled = tuple(value / widest for value in numbers)
    narrowest = min(range(len(scaled)), key=scaled.__getitem__)
    if scaled[narrowest] < _NARROWEST:
        raise _not_decoded(
            f"element {narrowest + 1} is less than a millionth of the widest",
            f"第 {narrowest + 1} 个元素不到最宽元素的百万分之一",
        )
    return scaled


def _families(symbology: Symbology | None) -> list[_Family]:
    found = [family for family in _FAMILIES if symbology is None or symbology in family.members]
    if symbology is not None and not found:
        raise _not_decoded(
            f"the reference decode reads EAN/UPC, ITF, Code 128, Code 39 and GS1 DataBar "
            f"(one row at a time), not {symbology.label}",
            f"参考译码只支持 EAN/UPC、ITF、Code 128、Code 39 和 GS1 DataBar（逐行），"
            f"不支持 {symbology.label}",
        )
    return found


def _best_failure(failures: list[tuple[str, _Failed]], count: int) -> NotDecoded:
    """The reason of the reading that got furthest (named when several symbologies were
    tried); a count that fits no symbology, said once."""
    family, best = max(failures, key=lambda failure: failure[1].progress)
    if len(failures) <= 2 or best.progress >= 0:  # one family, both directions
        named = len(failures) > 2
        return _not_decoded(
            f"as {family}: {best.reason}" if named else best.reason,
            f"按 {family} 译码：{best.reason_zh}" if named else best.reason_zh,
        )
    return _not_decoded(
        f"{count} {'element fits' if count == 1 else 'elements fit'} no symbology (EAN-13/UPC-A "
        "59, EAN-8 43, UPC-E 33, ITF 7 + 10 per pair of digits, Code 128 6 per character + 7, "
        "Code 39 10 per character - 1, GS1 DataBar and Limited 45, Expanded 1 + 21 per pair of "
        "characters + 1 or 2)",
        f"{count} 个元素不符合任何码制（EAN-13/UPC-A 59，EAN-8 43，UPC-E 33，"
        "ITF 7 + 每对数字 10，Code 128 每个字符 6 + 7，Code 39 每个字符 10 - 1，"
        "GS1 DataBar 全向式和限定式 45，扩展式 1 + 每对字符 21 + 1 或 2）",
    )


def decode_stacked_row(widths: Sequence[float], top: bool) -> tuple[_databar_read.StackedRow, bool]:
    """One row of GS1 DataBar Stacked or Stacked Omnidirectional (the top row or the bottom),
    read in the direction given or reversed, and whether it read reversed. The rows'
    characters make a symbol only together (:func:`tiaoma.verify._databar.stacked_data`).
    Raises :class:`NotDecoded`."""
    values = _validated(widths)
    failures: list[tuple[str, _Failed]] = []
    for reverse in (False, True):
        try:
            row = _databar_read.read_stacked_row(values[::-1] if reverse else values, top)
        except _databar_read.DataBarFailed as failed:
            failures.append(("GS1 DataBar Stacked", _Failed(failed.reason, failed.reason_zh,
                                                            failed.progress)))  # fmt: skip
        else:
            return row, reverse
    raise _best_failure(failures, len(values))


def decode_expanded_row(widths: Sequence[float]) -> _databar_read.ExpandedRow:
    """One row of GS1 DataBar Expanded Stacked, left to right (its readings forwards and
    backwards: which is right, only the symbol's finder sequence tells). Raises
    :class:`NotDecoded`."""
    values = _validated(widths)
    try:
        return _databar_read.read_expanded_row(values)
    except _databar_read.DataBarFailed as failed:
        raise _not_decoded(failed.reason, failed.reason_zh) from None


def decode(widths: Sequence[float], symbology: Symbology | None = None) -> Decoded:
    """Read one scan's element widths (first bar to last bar) as the reference decode does.

    ``symbology`` limits the reading to its own (EAN-13 and UPC-A share bars, as do ITF and
    ITF-14, Code 128 and GS1-128); the content names the result (an EAN-13 with first digit 0
    is a UPC-A, an ITF of 14 digits with their check digit an ITF-14, a Code 128 with FNC1
    first a GS1-128), except that an EAN-13 asked for stays one. V is given to 10 decimal
    places (perfect widths give 1.0, not 0.9999999999999996). Raises :class:`NotDecoded`.
    """
    values = _validated(widths)
    failures: list[tuple[str, _Failed]] = []
    for family in _families(symbology):
        for reverse in (False, True):
            try:
                decoded = family.decoder(values[::-1] if reverse else values, symbology)
            except _Failed as failure:
                failures.append((family.name, failure))
            else:
                return decoded._replace(decodability=round(decoded.decodability, 10),
                                        reversed=reverse)  # fmt: skip
    raise _best_failure(failures, len(values))
