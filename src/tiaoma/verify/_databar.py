"""The reference decode of GS1 DataBar scans: Omnidirectional (and Truncated, the same bars),
Limited and Expanded, and each row of the stacked forms (ISO/IEC 24724:2011 §5.2.5, §6.2.6,
§7.2.9), with decodability after ISO/IEC 15416 §5.4.7.

A scan's widths run from the first bar to the last (quiet zones and the light guard modules
at the ends left out), as :mod:`tiaoma.verify.decode` gives them. The standard's reference
decode algorithms could not be read; this is **our reading**, on the model of the other
edge-to-similar-edge symbologies (ISO/IEC 15420 and 15417, as :mod:`~tiaoma.verify.decode`
reads them):

- a symbol character (Omnidirectional 16 or 15 modules in 8 elements, Expanded 17 in 8,
  Limited 26 in 14) is measured with its own width S: each edge-to-similar-edge distance e
  (an element and the next) is taken as E whole modules between the thresholds
  (E ± 0.5) S / n. The E's give every element but one unknown: the odd elements are each
  the first element's width plus a known amount, the even ones less it; so the sum of the
  odd elements decides the first (the nearest whole number of modules), as the sum of the
  bars tells EAN/UPC's 1 from 7. Its margin is counted against half the step between two
  possible sums (2 modules in an 8-element character, 3.5 in a 14-element one);
- the widths found must form a character of the set (each group's odd and even module
  counts and widest elements, at least one narrow element where required, ISO/IEC 24724
  annex B); its value is the combination's number (annex B's order);
- a finder pattern (15 modules in 5 elements) and Limited's check character (18 in 14) are
  looked up by their E's among the patterns that may stand there; finders and check
  character must agree with the checksum (mod 79, mod 89, mod 211);
- V, as for the others: the least margin over the measurements, a perfect one 1.

Expanded's data characters are read back to the element string as ISO/IEC 24724 §7.2.5
writes it (the encodation methods and the general-purpose field's three modes; the inverse
of :mod:`tiaoma.symbols._databar_expanded`).

A composite symbol's linear component reads the same, its linkage flag set
(:attr:`Read.linked`); the 2D component is not read here.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from tiaoma import ai, checksum
from tiaoma.errors import TiaomaError
from tiaoma.symbols import databar
from tiaoma.symbols._databar_expanded import FNC1
from tiaoma.symbols._databar_widths import CharacterGroup
from tiaoma.symbols.base import Symbology

__all__ = [
    "READ",
    "Character",
    "DataBarFailed",
    "ExpandedRow",
    "Read",
    "StackedRow",
    "expanded_data",
    "expanded_stacked_data",
    "omni_data",
    "read_expanded",
    "read_expanded_row",
    "read_limited",
    "read_omni",
    "read_stacked_row",
    "stacked_data",
]


class DataBarFailed(Exception):
    """A reading that failed: why (English, Chinese) and how far it got (elements read)."""

    def __init__(self, reason: str, reason_zh: str, progress: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.reason_zh, self.progress = reason, reason_zh, progress


class Read(NamedTuple):
    """What one scan of a DataBar symbol read."""

    symbology: Symbology
    data: str
    """The element string with its AIs in brackets, as zxing-cpp shows it."""
    decodability: float
    modules: float
    linked: bool
    """The linkage flag: a composite component belongs above."""


#: The progress of failures found once every character was read (checksums, the data).
READ = 1 << 29


def _count(name: str, expected: str, found: int, expected_zh: str = "") -> DataBarFailed:
    return DataBarFailed(
        f"expected {expected} elements for {name}, found {found}",
        f"{name} 应有 {expected_zh or expected} 个元素，实为 {found} 个",
        progress=-1,
    )


def _where(what: str, what_zh: str, start: int, size: int) -> tuple[str, str]:
    span = f"{start + 1}-{start + size}"
    return f"{what} (elements {span})", f"{what_zh}（元素 {span}）"


# --- measuring -------------------------------------------------------------------------------


def _edges(widths: Sequence[float], modules: int) -> tuple[tuple[int, ...], float]:
    """Each edge-to-similar-edge distance in whole modules, and the least margin (1 - 2|e - E|)."""
    module = sum(widths) / modules
    measured = [(a + b) / module for a, b in pairwise(widths)]
    whole = tuple(math.floor(e + 0.5) for e in measured)
    return whole, min(1 - 2 * abs(e - n) for e, n in zip(measured, whole, strict=True))


def _from_edges(edges: Sequence[int], first: int) -> list[int]:
    """The element widths with these E's when the first is ``first`` modules."""
    out = [first]
    for edge in edges:
        out.append(edge - out[-1])
    return out


def _resolved(widths: Sequence[float], modules: int) -> tuple[list[int], float]:
    """A character's element widths in modules and its V (see the module's description)."""
    edges, margin = _edges(widths, modules)
    module = sum(widths) / modules
    pairs = len(widths) // 2
    offset = sum(_from_edges(edges, 0)[0::2])  # the odd sum when the first element is 0
    odd = sum(widths[0::2]) / module
    first = math.floor((odd - offset) / pairs + 0.5)
    odd_margin = 1 - abs(odd - offset - pairs * first) / (pairs / 2)
    return _from_edges(edges, first), min(margin, odd_margin)


@functools.cache
def _combinations(modules: int, elements: int, widest: int, need_narrow: bool) -> int:
    """How many ways ``modules`` split into ``elements`` widths of 1 to ``widest``, at least
    one of them 1 if ``need_narrow``."""
    if elements == 0:
        return int(modules == 0 and not need_narrow)
    return sum(
        _combinations(modules - width, elements - 1, widest, need_narrow and width > 1)
        for width in range(1, min(widest, modules) + 1)
    )


def _number(widths: Sequence[int], widest: int, no_narrow: bool) -> int | None:
    """The combination's number in annex B's order (by the widths, first element first), or
    ``None`` if these widths are none of the combinations."""
    need = not no_narrow
    if any(not 1 <= width <= widest for width in widths) or (need and 1 not in widths):
        return None
    number, left = 0, sum(widths)
    for index, width in enumerate(widths):
        rest = len(widths) - index - 1
        number += sum(
            _combinations(left - w, rest, widest, need and w > 1) for w in range(1, width)
        )
        need = need and width > 1
        left -= width
    return number


def _value(widths: Sequence[int], groups: tuple[CharacterGroup, ...]) -> int | None:
    """The character value of interleaved widths (odd first), or ``None``."""
    odd, even = widths[0::2], widths[1::2]
    group = next((g for g in groups if g.odd_modules == sum(odd)), None)
    if group is None or sum(even) != group.even_modules:
        return None
    odd_number = _number(odd, group.odd_widest, group.odd_no_narrow)
    even_number = _number(even, group.even_widest, not group.odd_no_narrow)
    if odd_number is None or even_number is None:
        return None
    major, minor = (odd_number, even_number) if group.odd_major else (even_number, odd_number)
    return group.start + major * group.inner + minor


class Character(NamedTuple):
    """A symbol character read: its value, its widths in modules, its V."""

    value: int
    widths: list[int]
    margin: float


def _character(widths: Sequence[float], modules: int, groups: tuple[CharacterGroup, ...],
               where: tuple[str, str], start: int) -> Character:  # fmt: skip
    resolved, margin = _resolved(widths, modules)
    value = _value(resolved, groups)
    if value is None:
        shown = "".join(map(str, resolved)) if all(0 < w < 10 for w in resolved) else "?"
        raise DataBarFailed(
            f"{where[0]} reads {shown} (modules): no GS1 DataBar character",
            f"{where[1]}读作 {shown}（模块）：不是 GS1 DataBar 字符",
            progress=start,
        )
    return Character(value, resolved, margin)


def _pattern(widths: Sequence[float], modules: int, patterns: dict[tuple[int, ...], int],
             where: tuple[str, str], start: int) -> tuple[int, float]:  # fmt: skip
    """Which of ``patterns`` (E's -> index) the widths are, and the margin."""
    edges, margin = _edges(widths, modules)
    if edges not in patterns:
        raise DataBarFailed(
            f"{where[0]} is no finder pattern that may stand there",
            f"{where[1]}不是此处可有的寻像图形",
            progress=start,
        )
    return patterns[edges], margin


def _edge_key(widths: Sequence[int]) -> tuple[int, ...]:
    return tuple(a + b for a, b in pairwise(widths))


def _weighted(characters: Sequence[Sequence[int]], modulus: int) -> int:
    flat = [width for character in characters for width in character]
    return sum(width * pow(3, n, modulus) for n, width in enumerate(flat)) % modulus


def _checksum_failure(what: str, what_zh: str) -> DataBarFailed:
    return DataBarFailed(
        f"the {what} does not agree with the characters' checksum",
        f"{what_zh}与字符校验和不符",
        progress=READ,
    )


def _gtin(digits13: str) -> str:
    return f"(01){digits13}{checksum.calc_check_digit(digits13)}"


# --- Omnidirectional and Truncated ----------------------------------------------------------

_OMNI_FINDERS = {_edge_key(finder): index for index, finder in enumerate(databar.FINDERS)}
_OMNI_ELEMENTS = 45  # guard bar, 4 characters of 8, 2 finders of 5, guard space and bar
_OMNI_MODULES = 95


def _omni_characters(widths: Sequence[float]) -> tuple[list[Character], tuple[int, int], float]:
    """The four characters (in their own element order), the two finders and V."""
    places = ((1, False, 16, 1), (14, True, 15, 2), (35, True, 16, 3), (22, False, 15, 4))
    characters = []
    for start, backwards, modules, number in places:
        chunk = widths[start : start + 8]
        where = _where(f"character {number}", f"第 {number} 个字符", start, 8)
        groups = databar.OUTSIDE if modules == 16 else databar.INSIDE
        characters.append(_character(chunk[::-1] if backwards else chunk, modules, groups,
                                     where, start))  # fmt: skip
    left, left_margin = _pattern(widths[9:14], 15, _OMNI_FINDERS,
                                 _where("the left finder", "左寻像图形", 9, 5), 9)  # fmt: skip
    right, right_margin = _pattern(widths[30:35][::-1], 15, _OMNI_FINDERS,
                                   _where("the right finder", "右寻像图形", 30, 5), 30)  # fmt: skip
    margins = [character.margin for character in characters] + [left_margin, right_margin]
    return characters, (left, right), min(margins)


def read_omni(widths: Sequence[float], wanted: Symbology | None) -> Read:
    """GS1 DataBar Omnidirectional (or Truncated) from one scan, left to right."""
    if len(widths) != _OMNI_ELEMENTS:
        raise _count("GS1 DataBar Omnidirectional", "45", len(widths))
    characters, finders, margin = _omni_characters(widths)
    data, linked = omni_data(characters, finders)
    symbology = wanted if wanted in _OMNI_FORMS else Symbology.DATABAR_OMNI
    return Read(symbology, data, margin, _OMNI_MODULES, linked)


def omni_data(characters: Sequence[Character], finders: tuple[int, int]) -> tuple[str, bool]:
    """The element string and the linkage flag of Omnidirectional's four characters (in their
    own element order) once the finder pair agrees with their mod 79 checksum."""
    check = _weighted([character.widths for character in characters], 79)
    check += check >= 8  # 8 and 72 are skipped, as the encoder skips them
    check += check >= 72
    if divmod(check, 9) != finders:
        raise _checksum_failure("finder pair", "寻像图形对")
    values = [character.value for character in characters]
    left = values[0] * databar.INSIDE_VALUES + values[1]
    right = values[2] * databar.INSIDE_VALUES + values[3]
    total = left * databar.PAIR_BASE + right
    linked = total >= databar.OMNI_LINKAGE
    number = total - databar.OMNI_LINKAGE * linked
    if number >= 10**13:
        raise DataBarFailed("the value is more than 13 digits", "数值超过 13 位", READ)
    return _gtin(f"{number:013d}"), linked


_OMNI_FORMS = {Symbology.DATABAR_OMNI, Symbology.DATABAR_TRUNCATED}


class StackedRow(NamedTuple):
    """One row of GS1 DataBar Stacked read: which, its two characters, its finder, V."""

    top: bool
    characters: tuple[Character, Character]
    finder: int
    margin: float

    @property
    def modules(self) -> int:
        """From its first bar to its last: 48 above (guard, 16 + 15 + 15, bar), 50 below."""
        return 48 if self.top else 50


def read_stacked_row(widths: Sequence[float], top: bool) -> StackedRow:
    """One row of Stacked or Stacked Omnidirectional, left to right.

    The top row is Omnidirectional's left half and a bar-space guard (23 elements from its
    first bar to its last), the bottom row a bar-space guard and the right half (25)."""
    count = 23 if top else 25
    if len(widths) != count:
        raise _count("a GS1 DataBar Stacked row", str(count), len(widths))
    if top:
        first = _character(
            widths[1:9], 16, databar.OUTSIDE, _where("character 1", "第 1 个字符", 1, 8), 1
        )
        finder, finder_margin = _pattern(
            widths[9:14], 15, _OMNI_FINDERS, _where("the finder", "寻像图形", 9, 5), 9
        )
        second = _character(
            widths[14:22][::-1], 15, databar.INSIDE, _where("character 2", "第 2 个字符", 14, 8), 14
        )
    else:
        first = _character(
            widths[2:10], 15, databar.INSIDE, _where("character 4", "第 4 个字符", 2, 8), 2
        )
        finder, finder_margin = _pattern(
            widths[10:15][::-1], 15, _OMNI_FINDERS, _where("the finder", "寻像图形", 10, 5), 10
        )
        second = _character(
            widths[15:23][::-1],
            16,
            databar.OUTSIDE,
            _where("character 3", "第 3 个字符", 15, 8),
            15,
        )
    return StackedRow(top, (first, second), finder, min(first.margin, second.margin,
                                                        finder_margin))  # fmt: skip


def stacked_data(top: StackedRow, bottom: StackedRow) -> tuple[str, bool]:
    """The element string and linkage flag of Stacked's (or Stacked Omnidirectional's) two
    rows: characters 1 and 2 above, 4 and 3 below, the two finders checked as one pair."""
    characters = (*top.characters, bottom.characters[1], bottom.characters[0])
    return omni_data(characters, (top.finder, bottom.finder))


# --- Limited ---------------------------------------------------------------------------------

_LIMITED_CHECKS = {_edge_key([int(w) for w in check]): n
                   for n, check in enumerate(databar.LIMITED_CHECKS)}  # fmt: skip
_LIMITED_ELEMENTS = 45  # guard bar, 2 characters and the check character of 14, space, bar
_LIMITED_MODULES = 73


def read_limited(widths: Sequence[float], wanted: Symbology | None) -> Read:
    """GS1 DataBar Limited from one scan, left to right."""
    del wanted  # one form only
    if len(widths) != _LIMITED_ELEMENTS:
        raise _count("GS1 DataBar Limited", "45", len(widths))
    left = _character(widths[1:15], 26, databar.LIMITED_SET,
                      _where("character 1", "第 1 个字符", 1, 14), 1)  # fmt: skip
    where = _where("the check character", "校验字符", 15, 14)
    check, check_margin = _pattern(widths[15:29], 18, _LIMITED_CHECKS, where, 15)
    right = _character(widths[29:43], 26, databar.LIMITED_SET,
                       _where("character 2", "第 2 个字符", 29, 14), 29)  # fmt: skip
    if _weighted([left.widths, right.widths], 89) != check:
        raise _checksum_failure("check character", "校验字符")
    total = left.value * databar.LIMITED_BASE + right.value
    linked = total >= databar.LIMITED_LINKAGE
    number = total - databar.LIMITED_LINKAGE * linked
    if number >= 2 * 10**12:
        raise DataBarFailed("the value is more than 2 000 000 000 000", "数值超过 2 万亿", READ)
    margin = min(left.margin, right.margin, check_margin)
    return Read(Symbology.DATABAR_LIMITED, _gtin(f"{number:013d}"), margin, _LIMITED_MODULES,
                linked)  # fmt: skip


# --- Expanded --------------------------------------------------------------------------------

_EXPANDED_FINDERS = {
    _edge_key(pattern[::-1] if turn else pattern): f"{name}{turn + 1}"
    for name, pattern in databar.EXPANDED_FINDERS.items() for turn in (0, 1)
}  # fmt: skip
_FINDER_NAMES = sorted(set(_EXPANDED_FINDERS.values()))
_FINDER_INDEX = {edges: _FINDER_NAMES.index(name) for edges, name in _EXPANDED_FINDERS.items()}


def _expanded_pairs(count: int, lead: int = 1) -> tuple[int, bool]:
    """Full pairs and whether a last half pair (a character and its finder) follows, from the
    number of elements: ``lead`` guard elements (the guard bar; a row of Expanded Stacked
    that begins dark has its guard's space too), pairs of 21, a half pair of 13, one or two
    guard elements."""
    for guard in (1, 2):
        body = count - lead - guard
        pairs, rest = divmod(body, 21)
        if body > 0 and rest in (0, 13) and (lead + body) % 2 != guard % 2:
            return pairs, rest == 13
    raise _count("GS1 DataBar Expanded", "1 + 21 per pair of characters + 1 or 2", count,
                 "1 + 每对字符 21 + 1 或 2")  # fmt: skip


def _expanded_characters(
    widths: Sequence[float], lead: int = 1
) -> tuple[list[Character], list[str], float]:
    pairs, half = _expanded_pairs(len(widths), lead)
    characters: list[Character] = []
    finders: list[str] = []
    margins: list[float] = []
    for pair in range(pairs + half):
        start = lead + 21 * pair
        places = [(start, False)] + ([(start + 13, True)] if pair < pairs else [])
        finder, margin = _pattern(widths[start + 8 : start + 13], 15, _FINDER_INDEX,
                                  _where(f"finder {pair + 1}", f"第 {pair + 1} 个寻像图形",
                                         start + 8, 5), start + 8)  # fmt: skip
        finders.append(_FINDER_NAMES[finder])
        margins.append(margin)
        for at, backwards in places:
            number = len(characters) + 1
            chunk = widths[at : at + 8]
            character = _character(chunk[::-1] if backwards else chunk, 17,
                                   databar.EXPANDED_SET,
                                   _where(f"character {number}", f"第 {number} 个字符", at, 8),
                                   at)  # fmt: skip
            characters.append(character)
            margins.append(character.margin)
    return characters, finders, min(margins)


def _expanded_checked(characters: list[Character], finders: list[str]) -> list[int]:
    """The data characters' values once the finder sequence and the mod 211 check agree."""
    data = characters[1:]
    if not 3 <= len(data) <= 21:
        raise DataBarFailed(
            f"{len(characters)} symbol characters: GS1 DataBar Expanded has 4-22",
            f"{len(characters)} 个符号字符：扩展式 GS1 DataBar 有 4-22 个",
            READ,
        )
    expected = databar.FINDER_SEQUENCES[(len(data) + 2) // 2 - 2].split()
    if finders != expected:
        raise DataBarFailed(
            f"finder patterns {' '.join(finders)}, expected {' '.join(expected)}",
            f"寻像图形为 {' '.join(finders)}，应为 {' '.join(expected)}",
            progress=READ,
        )
    total = 0
    for position, character in enumerate(data, 1):
        row = _weight_row(finders[position // 2], right=position % 2 == 1)
        total += sum(w * pow(3, 8 * row + j, 211) for j, w in enumerate(character.widths))
    if characters[0].value != 211 * (len(data) + 1 - 4) + total % 211:
        raise _checksum_failure("check character", "校验字符")
    return [character.value for character in data]


def _weight_row(finder: str, right: bool) -> int:
    """The row of the check weights of the character beside ``finder`` (ISO/IEC 24724)."""
    index = 2 * "ABCDEF".index(finder[0]) + int(finder[1]) - 1
    return 2 * index + right - 1


def read_expanded(widths: Sequence[float], wanted: Symbology | None) -> Read:
    """GS1 DataBar Expanded from one scan, left to right."""
    del wanted  # Expanded Stacked's rows are read by their own
    characters, finders, margin = _expanded_characters(widths)
    values = _expanded_checked(characters, finders)
    bits = "".join(format(value, "012b") for value in values)
    linked, data = expanded_data(bits)
    guard = len(widths) - 1 - 21 * (len(characters) // 2) - 13 * (len(characters) % 2)
    modules = 1 + 17 * len(characters) + 15 * len(finders) + guard
    return Read(Symbology.DATABAR_EXPANDED, data, margin, float(modules), linked)


# --- Expanded's data (ISO/IEC 24724 §7.2.5) --------------------------------------------------


class _Bits:
    """The data characters' bits, read from the front."""

    def __init__(self, bits: str) -> None:
        self.bits, self.at = bits, 0

    def left(self) -> int:
        return len(self.bits) - self.at

    def peek(self, count: int) -> int | None:
        piece = self.bits[self.at : self.at + count]
        return int(piece, 2) if len(piece) == count else None

    def take(self, count: int) -> int:
        value = self.peek(count)
        if value is None:
            raise DataBarFailed("the data ends inside a field", "数据在字段中途结束", READ)
        self.at += count
        return value


def _gtin_body(bits: _Bits, indicator: str) -> str:
    """The indicator and four 10-bit groups of three digits: the GTIN-14 with its check digit."""
    digits = indicator + "".join(f"{bits.take(10):03d}" for _ in range(4))
    return digits + checksum.calc_check_digit(digits)


def _weight_opening(bits: _Bits, method: str) -> str:
    """Methods 0100 and 0101: (01) and a weight in 15 bits."""
    gtin14 = _gtin_body(bits, "9")
    weight = bits.take(15)
    if method == "0100":
        return f"01{gtin14}3103{weight:06d}"
    return (
        f"01{gtin14}3202{weight:06d}" if weight < 10000 else f"01{gtin14}3203{weight - 10000:06d}"
    )


def _dated_opening(bits: _Bits, method: str) -> str:
    """Methods 0111xxx: (01), a weight of 310x or 320x in 20 bits and a date in 16."""
    gtin14 = _gtin_body(bits, "9")
    weight, date = bits.take(20), bits.take(16)
    decimals, value = divmod(weight, 100000)
    text = f"01{gtin14}{'310' if method[6] == '0' else '320'}{decimals}{value:06d}"
    if date != 38400:  # no date
        year, rest = divmod(date, 384)
        month, day = divmod(rest, 32)
        date_ai = ("11", "13", "15", "17")[int(method[4:6], 2)]
        text += f"{date_ai}{year:02d}{month + 1:02d}{day:02d}"
    return text


def _method(bits: _Bits) -> str:
    """The encodation method's opening: the AIs and values it compressed."""
    if bits.take(1):
        bits.take(2)  # the variable length field
        return "01" + _gtin_body(bits, str(bits.take(4)))
    if not bits.take(1):
        bits.take(2)
        return ""
    method = "01" + format(bits.take(2), "02b")
    if method in {"0100", "0101"}:
        return _weight_opening(bits, method)
    if method == "0111":
        return _dated_opening(bits, method + format(bits.take(3), "03b"))
    method += str(bits.take(1))
    bits.take(2)
    gtin14 = _gtin_body(bits, "9")
    decimals = bits.take(2)
    if method == "01100":
        return f"01{gtin14}392{decimals}"
    return f"01{gtin14}393{decimals}{bits.take(10):03d}"


def _numeric(bits: _Bits, out: list[str]) -> str | None:
    """One step in numeric mode; the next mode, ``"end"``, or ``None`` to stay."""
    if bits.left() < 7:
        last = bits.peek(4)
        if last is not None and 1 <= last <= 10:
            out.append(str(last - 1))
        return "end"
    if bits.peek(4) == 0:
        bits.take(4)
        return "alpha"
    pair = bits.take(7) - 8  # 8-127: after 0000 (a latch) every 7 bits are a pair
    out.extend(FNC1 if digit == 10 else str(digit) for digit in divmod(pair, 11))
    return None


_ALPHA_PUNCTUATION = {58: "*", 59: ",", 60: "-", 61: ".", 62: "/"}
_ISO_PUNCTUATION = dict(enumerate("!\"%&'()*+,-./:;<=>?_ ", 232))


def _alphanumeric(bits: _Bits, out: list[str], iso: bool) -> str | None:
    """One step in alphanumeric or ISO/IEC 646 mode (tables 12 and 13)."""
    if bits.peek(3) == 0:
        bits.take(3)
        return "numeric"
    five = bits.peek(5)
    if five is None:
        return "end"
    if five == 4:  # 00100
        bits.take(5)
        return "alpha" if iso else "iso"
    if 5 <= five <= 15:
        bits.take(5)
        out.append(FNC1 if five == 15 else str(five - 5))
        return "numeric" if five == 15 else None
    out.append(_iso_character(bits) if iso else _alpha_character(bits))
    return None


def _alpha_character(bits: _Bits) -> str:
    value = bits.take(6)
    if 32 <= value <= 57:
        return chr(ord("A") + value - 32)
    if value in _ALPHA_PUNCTUATION:
        return _ALPHA_PUNCTUATION[value]
    raise DataBarFailed("an alphanumeric character out of range", "字母数字字符超出范围", READ)


def _iso_character(bits: _Bits) -> str:
    seven = bits.peek(7)
    if seven is not None and 64 <= seven <= 115:
        bits.take(7)
        return chr(ord("A") + seven - 64) if seven < 90 else chr(ord("a") + seven - 90)
    value = bits.take(8)
    if value in _ISO_PUNCTUATION:
        return _ISO_PUNCTUATION[value]
    raise DataBarFailed("an ISO/IEC 646 character out of range", "ISO/IEC 646 字符超出范围", READ)


def _general_field(bits: _Bits) -> str:
    out: list[str] = []
    mode: str | None = "numeric"
    current = "numeric"
    while mode != "end":
        if current == "numeric":
            mode = _numeric(bits, out)
        else:
            mode = _alphanumeric(bits, out, iso=current == "iso")
        current = mode or current
    return "".join(out)


def expanded_data(bits: str) -> tuple[bool, str]:
    """The linkage flag and the element string (AIs in brackets) of Expanded's data bits."""
    reader = _Bits(bits)
    linked = bool(reader.take(1))
    text = (_method(reader) + _general_field(reader)).rstrip(FNC1)
    try:  # as zxing-cpp shows it: the AIs in brackets, the values not validated
        return linked, ai.compact(ai.GS + text.replace(FNC1, ai.GS)).replace("\\(", "(")
    except TiaomaError:
        shown = text.replace(FNC1, "<GS>")
        raise DataBarFailed(
            f"the data {shown} is no GS1 element string", f"数据 {shown} 不是 GS1 元素串", READ
        ) from None


# --- Expanded Stacked: rows read one by one, the symbol from all of them ---------------------


class ExpandedRow(NamedTuple):
    """One row of Expanded Stacked read left to right: its characters and finders as the
    symbol orders them, read forwards and, where that also reads, backwards (a row drawn
    right to left reads backwards: its pairs in reverse, each finder turned), V, and its
    width in modules from its first bar to its last."""

    readings: tuple[tuple[tuple[Character, ...], tuple[str, ...]], ...]
    margin: float
    modules: int


def _turned(name: str) -> str:
    return f"{name[0]}{3 - int(name[1])}"


def read_expanded_row(widths: Sequence[float]) -> ExpandedRow:
    """A row of Expanded Stacked (a guard, one or more pairs, a guard), in the direction the
    widths are given; the row may begin light (as the linear symbol) or dark."""
    failures = []
    for lead in (1, 2):
        try:
            characters, finders, margin = _expanded_characters(widths, lead)
        except DataBarFailed as failed:
            failures.append(failed)
            continue
        forward = (tuple(characters), tuple(finders))
        backward = (tuple(characters[::-1]), tuple(_turned(name) for name in finders[::-1]))
        guard = len(widths) - lead - 21 * (len(characters) // 2) - 13 * (len(characters) % 2)
        modules = lead + 17 * len(characters) + 15 * len(finders) + guard
        readings = (forward, backward) if len(characters) % 2 == 0 else (forward,)
        return ExpandedRow(readings, margin, modules)
    raise max(failures, key=lambda failed: failed.progress)


def expanded_stacked_data(rows: Sequence[ExpandedRow]) -> tuple[bool, str]:
    """The linkage flag and element string of Expanded Stacked's rows, top to bottom: the
    first way of reading each row (forwards or backwards) under which the finder sequence and
    the mod 211 check agree."""
    failures = []
    for choice in itertools.product(*(row.readings for row in rows)):
        characters = [character for reading in choice for character in reading[0]]
        finders = [name for reading in choice for name in reading[1]]
        try:
            values = _expanded_checked(characters, finders)
        except DataBarFailed as failed:
            failures.append(failed)
            continue
        return expanded_data("".join(format(value, "012b") for value in values))
    raise failures[0]  # as every row reads forwards
