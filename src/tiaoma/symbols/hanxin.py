"""Han Xin Code (ISO/IEC 20830:2021, identical to GB/T 21049-2022): tiaoma's own encoder.

A Han Xin symbol is a square of ``2 × version + 21`` modules (versions 1-84, 23 to 189): four
7×7 finder patterns in the corners, each with a one-module light separator, the function
information beside them, and from version 4 a staggered grid of alignment lines with 3×3
assistant patterns along the edges. The rest holds the data and Reed-Solomon codewords, filled
row by row from the top left and masked by one of four patterns.

The structure is public and stable, for tiaoma's Han Xin reader as much as for the encoder:

- :func:`side` -- modules per side of a version;
- :func:`function_map` -- which modules are function modules, :func:`function_pattern` --
  which of them are dark before the function information is written;
- :func:`data_positions` -- the data modules in placement order (flat indices
  ``row * side + column``), :func:`codeword_count` -- how many codewords they carry;
- :func:`error_correction_blocks` and :func:`data_codeword_count` -- the Reed-Solomon
  blocks of a version and level (Table D.1), :func:`interleave` / :func:`deinterleave` --
  the interleaving by 13 of §5.8.2, :func:`reed_solomon` -- a block's check codewords;
- :func:`mask_pattern` -- the modules a data mask inverts;
- :func:`function_information` -- the 34 bits of version, level and mask, and
  :func:`function_information_positions` -- the two places each bit sits.

>>> side(1), side(84)
(23, 189)
>>> error_correction_blocks(84, 4)
((79, 18, 28), (4, 33, 30))

:func:`hanxin` encodes: the modes giving the shortest bit stream (numeric, text, binary, the
GB 2312 regions, GB 18030 two- and four-byte characters, ECI), the smallest version, the
mask of least penalty; GS1 data with ``gs1=True``.

>>> symbol = hanxin("汉信码 Han Xin Code 12345")
>>> symbol.symbology.label, symbol.width, symbol.quiet_zone.left, symbol.symbology_identifier
('Han Xin Code', 25, 3, ']h0')
>>> symbol.rows[0].modules[:7], symbol.rows[2].modules[:7]   # the top-left finder pattern
('1111111', '1011111')
>>> hanxin("(01)06901234567892(17)261231(10)ABC123", gs1=True).symbology_identifier
']h2'
>>> try:
...     hanxin("A" * 4400)
... except InvalidLength as error:
...     print(error.message_zh)
汉信码容纳不下这些数据：需要 3,302 个数据码字，最多 3,264 个（纠错等级 L1，版本 84）
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import struct
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from tiaoma import _text, ai
from tiaoma.errors import EMPTY, InvalidComponent, InvalidFormat, InvalidLength, define
from tiaoma.symbols._hanxin_tables import ALIGNMENT, BLOCKS, TOTAL_CODEWORDS
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology

__all__ = [
    "ECI_CHARSETS",
    "FUNCTION_INFORMATION_BITS",
    "LEVELS",
    "MASKS",
    "QUIET_ZONE",
    "VERSIONS",
    "codeword_count",
    "data_codeword_count",
    "data_positions",
    "deinterleave",
    "error_correction_blocks",
    "function_information",
    "function_information_positions",
    "function_map",
    "function_pattern",
    "hanxin",
    "interleave",
    "mask_pattern",
    "reed_solomon",
    "side",
]

VERSIONS = range(1, 85)
LEVELS = range(1, 5)  # L1-L4: about 8, 15, 23 and 30 % of the codewords recoverable
MASKS = range(4)  # the two-bit mask pattern reference of §5.8.4: 00, 01, 10, 11
#: Function information: 8 bits version + 20, 2 bits level - 1, 2 bits mask, 16 check bits,
#: 6 bits of filler.
FUNCTION_INFORMATION_BITS = 34

Grid = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.intp]


_Array = TypeVar("_Array", bound="np.ndarray[Any, Any]")


def _frozen(array: _Array) -> _Array:
    """``array`` made read-only: the structure arrays are cached and shared."""
    array.setflags(write=False)
    return array


def side(version: int) -> int:
    """Modules per side of a version (§5.2: 23 at version 1, two more per version)."""
    return 2 * version + 21


# --- the function patterns ----------------------------------------------------------------

# The finder patterns of §5.3.1, rows top to bottom: the top-left one, the one shared by the
# top-right and bottom-left corners, and the bottom-right one (the top-left one turned by 180°).
_FINDER_TOP_LEFT = ("1111111", "1000000", "1011111", "1010000", "1010111", "1010111", "1010111")
_FINDER_OTHER = ("1111111", "0000001", "1111101", "0000101", "1110101", "1110101", "1110101")
_FINDER_BOTTOM_RIGHT = tuple(row[::-1] for row in reversed(_FINDER_TOP_LEFT))


class _Layout:
    """Function modules drawn in the order the standard's figures imply: finders, separators
    and the function information first, then the assistant and alignment patterns, which only
    take modules still free (where patterns cross, the first one drawn keeps the module)."""

    def __init__(self, version: int) -> None:
        self.size = side(version)
        self.taken = np.zeros((self.size, self.size), dtype=np.bool_)
        self.dark = np.zeros((self.size, self.size), dtype=np.bool_)

    def put(self, row: int, column: int, dark: bool) -> None:
        """Set a free module inside the symbol; modules already set and positions outside
        the symbol (the alignment lines run off its edges) are left alone."""
        if 0 <= row < self.size and 0 <= column < self.size and not self.taken[row, column]:
            self.taken[row, column] = True
            self.dark[row, column] = dark

    def finder(self, pattern: tuple[str, ...], top: int, left: int) -> None:
        for r, line in enumerate(pattern):
            for c, module in enumerate(line):
                self.put(top + r, left + c, module == "1")

    def corners(self) -> None:
        """§5.3.1-5.3.2: the finders, their separators (row/column 7 from each corner) and the
        modules reserved for function information (row/column 8), all 9 modules long."""
        last = self.size - 1
        self.finder(_FINDER_TOP_LEFT, 0, 0)
        self.finder(_FINDER_OTHER, 0, last - 6)
        self.finder(_FINDER_OTHER, last - 6, 0)
        self.finder(_FINDER_BOTTOM_RIGHT, last - 6, last - 6)
        for line in (7, 8):
            for i in range(line + 1):
                for row, column in (
                    (line, i), (i, line), (line, last - i), (last - i, line),
                    (i, last - line), (last - line, i), (last - line, last - i),
                    (last - i, last - line),
                ):  # fmt: skip
                    self.put(row, column, False)

    def assistant(self, row: int, column: int) -> None:
        """A 3×3 assistant pattern: one dark module in a light ring (cut by the edge)."""
        for r in (row - 1, row, row + 1):
            for c in (column - 1, column, column + 1):
                self.put(r, c, r == row and c == column)

    def alignment(self, row: int, column: int, width: int, height: int) -> None:
        """One corner of the alignment grid: a dark line ``width`` modules to the left and
        ``height`` down from (row, column), each with a light line on its inner side."""
        self.put(row, column, True)
        self.put(row + 1, column - 1, False)
        for i in range(1, width + 1):
            self.put(row, column - i, True)
            self.put(row + 1, column - i - 1, False)
        for i in range(1, height):
            self.put(row + i, column, True)
            self.put(row + i + 1, column - 1, False)

    def alignment_grid(self, k: int, m: int, r: int) -> None:
        """§5.3.3 and Annex A: lines every k modules (m times, then the remainder r) from the
        top and from the right; alignment corners on alternate cells, assistant patterns where
        lines meet the edges."""
        last = self.size - 1
        steps = [k] * m + [r - 1] * 2  # the spans below/left of each line (the last: off the edge)
        rows = [sum(steps[:i]) for i in range(m + 2)]  # 0, k, ..., mk, last
        columns = [last - position for position in rows]  # last, last - k, ..., 0
        for i, row in enumerate(rows):
            if i % 2 != m % 2:
                self.assistant(row, 0)
            if i % 2:
                self.assistant(row, last)
        for i, column in enumerate(columns):
            if i % 2 != m % 2:
                self.assistant(last, column)
            if i % 2:
                self.assistant(0, column)
        for i, row in enumerate(rows):
            for j, column in enumerate(columns):
                if (i + j) % 2 == 0 and (i, j) != (0, 0):
                    self.alignment(row, column, steps[j], steps[i])


@functools.cache
def _layout(version: int) -> tuple[Grid, Grid]:
    layout = _Layout(version)
    layout.corners()
    alignment = ALIGNMENT[version - 1]
    if alignment is not None:
        layout.alignment_grid(*alignment)
    return _frozen(layout.taken), _frozen(layout.dark)


def function_map(version: int) -> Grid:
    """A read-only ``side × side`` boolean array: ``True`` on function modules (finders,
    separators, function information, alignment and assistant patterns), ``False`` on the
    modules that carry data."""
    return _layout(version)[0]


def function_pattern(version: int) -> Grid:
    """A read-only ``side × side`` boolean array: the dark modules of the function patterns,
    the function information's modules left light (see :func:`function_information`)."""
    return _layout(version)[1]


@functools.cache
def data_positions(version: int) -> Indices:
    """The data modules in placement order (§5.8.3): row by row from the top left, each row
    left to right, function modules skipped; flat indices ``row * side + column``. The first
    ``8 × codeword_count(version)`` carry the codewords' bits, most significant bit first;
    the few left over stay light before masking."""
    return _frozen(np.flatnonzero(~function_map(version)))


def codeword_count(version: int) -> int:
    """Data and check codewords of a version (Table B.1)."""
    return TOTAL_CODEWORDS[version - 1]


# --- error correction ----------------------------------------------------------------------


def error_correction_blocks(version: int, level: int) -> tuple[tuple[int, int, int], ...]:
    """Table D.1: the groups of blocks at a version and level (1-4) as ``(blocks, data
    codewords, check codewords)``; the data codewords fill the blocks in this order."""
    return BLOCKS[version - 1][level - 1]


def data_codeword_count(version: int, level: int) -> int:
    """Data codewords of a version at a level (Table B.1)."""
    return _DATA_CODEWORDS[level - 1][version - 1]


_DATA_CODEWORDS = tuple(
    tuple(sum(blocks * data for blocks, data, _ in BLOCKS[version][level]) for version in range(84))
    for level in range(4)
)


def _gf_tables() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Exponents and logarithms in GF(2⁸) with the field polynomial x⁸+x⁶+x⁵+x+1 (§5.7)."""
    exp = np.zeros(512, dtype=np.int64)
    log = np.zeros(256, dtype=np.int64)
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x163
    exp[255:510] = exp[:255]
    return exp, log


_EXP, _LOG = _gf_tables()


@functools.cache
def _feedback_table(check: int) -> tuple[int, ...]:
    """For the generator of ``check`` check codewords (roots α¹…α^check, §5.7), entry ``f``
    is ``f`` times the generator's coefficients below the leading one, as one big-endian
    integer: the whole register's update when ``f`` is fed back, one XOR per codeword."""
    generator = [1]
    for root in range(1, check + 1):
        nxt = [*generator, 0]
        for i, coefficient in enumerate(generator):
            if coefficient:
                nxt[i + 1] ^= int(_EXP[_LOG[coefficient] + root])
        generator = nxt
    table = [0]
    for f in range(1, 256):
        products = [int(_EXP[_LOG[f] + _LOG[c]]) if c else 0 for c in generator[1:]]
        table.append(int.from_bytes(bytes(products), "big"))
    return tuple(table)


@functools.cache
def _pair_table(check: int) -> tuple[int, ...]:
    """Two codewords at once: the register's update is linear, so after feeding back ``a``
    and then ``b``, it is ``register << 16`` XOR this table's entry for ``a`` XOR the
    feedback table's for ``b`` (``b`` taken before ``a``'s own effect on it, which the entry
    carries)."""
    table = _feedback_table(check)
    top, keep = 8 * (check - 1), (1 << 8 * check) - 1
    return tuple(((value << 8) & keep) ^ table[value >> top] for value in table)


@functools.cache
def _pairs(count: int) -> Callable[[bytes], tuple[int, ...]]:
    """Reads ``count`` pairs of codewords as big-endian 16-bit numbers."""
    return struct.Struct(f">{count}H").unpack


def _check_codewords(block: bytes, check: int) -> bytes:
    """One block's check codewords: the remainder of the division by the generator, the
    register held in one integer, fed two codewords at a time."""
    table, pairs = _feedback_table(check), _pair_table(check)
    top, keep = 8 * (check - 2), (1 << 8 * check) - 1
    register = 0
    for pair in _pairs(len(block) // 2)(block[: len(block) & -2]):
        both = (register >> top) ^ pair
        register = ((register << 16) & keep) ^ pairs[both >> 8] ^ table[both & 0xFF]
    if len(block) & 1:
        register = ((register << 8) & keep) ^ table[block[-1] ^ (register >> top + 8)]
    return register.to_bytes(check, "big")


def reed_solomon(blocks: npt.ArrayLike, check: int) -> npt.NDArray[np.uint8]:
    """The ``check`` Reed-Solomon check codewords of each row of ``blocks`` (a 2-D array of
    data codewords, one block per row), as a ``blocks × check`` array."""
    data = np.asarray(blocks, dtype=np.uint8)
    rows = [_check_codewords(row.tobytes(), check) for row in data]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), check)


def interleave(codewords: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """§5.8.2: codewords 0, 13, 26, … then 1, 14, 27, … and so on to 12, 25, …"""
    stream = np.asarray(codewords, dtype=np.uint8)
    return np.concatenate([stream[start::13] for start in range(13)])


def deinterleave(codewords: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """The inverse of :func:`interleave`: the blocks' codewords back in block order."""
    stream = np.asarray(codewords, dtype=np.uint8)
    order = np.concatenate([np.arange(start, stream.size, 13) for start in range(13)])
    result = np.empty_like(stream)
    result[order] = stream
    return result


# --- masks and function information --------------------------------------------------------


@functools.cache
def _masks(version: int) -> npt.NDArray[np.bool_]:
    size = side(version)
    i = np.arange(1, size + 1)[:, None]  # §5.8.4.2 counts rows and columns from 1
    j = np.arange(1, size + 1)[None, :]
    patterns = np.stack(
        [
            np.zeros((size, size), dtype=np.bool_),
            (i + j) % 2 == 0,
            ((i + j) % 3 + j % 3) % 2 == 0,
            (i % j + j % i + i % 3 + j % 3) % 2 == 0,
        ]
    )
    return _frozen(patterns & ~function_map(version))


def mask_pattern(version: int, mask: int) -> Grid:
    """A read-only ``side × side`` boolean array: the modules mask ``mask`` (0-3) inverts,
    only ever data modules (§5.8.4.2, with i the row and j the column, counted from 1):
    00 none; 01 (i + j) mod 2 = 0; 10 ((i + j) mod 3 + j mod 3) mod 2 = 0;
    11 (i mod j + j mod i + i mod 3 + j mod 3) mod 2 = 0."""
    pattern: Grid = _masks(version)[mask]
    return pattern


def _gf16_check(nibbles: list[int]) -> list[int]:
    """Four Reed-Solomon check nibbles over GF(16), x⁴+x+1, roots α¹…α⁴ (§5.4)."""
    exp = [1]
    for _ in range(29):
        value = exp[-1] << 1
        exp.append(value ^ 0x13 if value & 0x10 else value)
    log = {value: power for power, value in enumerate(exp[:15])}
    generator = [1]
    for root in range(1, 5):
        nxt = [*generator, 0]
        for i, coefficient in enumerate(generator):
            if coefficient:
                nxt[i + 1] ^= exp[log[coefficient] + root]
        generator = nxt
    register = [0, 0, 0, 0]
    for nibble in nibbles:
        feedback = nibble ^ register[0]
        register = [*register[1:], 0]
        if feedback:
            for i in range(4):
                if generator[i + 1]:
                    register[i] ^= exp[log[feedback] + log[generator[i + 1]]]
    return register


@functools.cache
def function_information(version: int, level: int, mask: int) -> tuple[int, ...]:
    """The 34 function information bits, most significant first (§5.4): version + 20 in 8
    bits, level - 1 in 2, mask in 2; those three nibbles' four Reed-Solomon check nibbles
    (GF(16)); then 6 bits of filler, ``000000``.

    The filler follows ISO/IEC 20830:2021 (Figure 1 and the symbols of Annex K, as Zint has
    since 2022); BWIPP writes ``010101``, after the draft and the older AIMD-015. A reader
    should ignore those 6 bits."""
    head = (version + 20) << 4 | (level - 1) << 2 | mask
    nibbles = [head >> 8, (head >> 4) & 15, head & 15]
    word = 0
    for nibble in nibbles + _gf16_check(nibbles):
        word = word << 4 | nibble
    return tuple((word >> shift) & 1 for shift in range(27, -1, -1)) + (0,) * 6


@functools.cache
def function_information_positions(version: int) -> Indices:
    """Where each function information bit sits: a read-only ``2 × 34`` array of flat
    indices (``row * side + column``), the first row one copy, the second the other.

    Bits 0-16 run along row 8 from the left edge to column 8 and then up column 8 to the
    top (the top-left corner), and their copy along row side-9 from the right edge and down
    column side-9 (bottom right); bits 17-33 run down column side-9 from the top to row 8 and
    then right along row 8 to the edge (top right), and their copy up column 8 from the
    bottom and left along row side-9 (bottom left). Bits 8 and 25 sit on the corners where
    the two lines meet."""
    size = side(version)
    last = size - 1
    first: list[tuple[int, int]] = [(0, 0)] * 34
    second = first.copy()
    for i in range(9):
        first[i], second[i] = (8, i), (last - 8, last - i)
        first[i + 8], second[i + 8] = (8 - i, 8), (last - 8 + i, last - 8)
        first[i + 17], second[i + 17] = (i, last - 8), (last - i, 8)
        first[i + 25], second[i + 25] = (8, last - 8 + i), (last - 8, 8 - i)
    flat = np.array([[r * size + c for r, c in copy] for copy in (first, second)])
    return _frozen(flat)


# --- data encodation (§5.5) ----------------------------------------------------------------

# A character's kind decides which modes can carry it.
_DIGIT, _TEXT1, _TEXT2, _BYTE, _REGION1, _REGION2, _DOUBLE, _FOUR = range(8)

# Mode indicators (§5.5, Table 1).
_NUMERIC, _TEXT, _BINARY, _R1, _R2, _GB2, _GB4, _ECI = 1, 2, 3, 4, 5, 6, 7, 8
_GB18030_ECI = 32
#: GS1 mode, as BWIPP reads the 2021 draft (§5.3.10, 5.4.12): 8 bits before, 8 after; FNC1 is
#: the numeric mode's value 1000.
_GS1_START, _GS1_END, _NUMERIC_FNC1 = 0b11100001, 0b11111111, 1000
_FNC1 = -1  # an FNC1 separator in GS1 data's segments


def _text1(byte: int) -> int:
    """Text1 sub-mode value (Table 3): 0-9, A-Z, a-z as 0-61; -1 if not in Text1."""
    if 48 <= byte <= 57:
        return byte - 48
    if 65 <= byte <= 90:
        return byte - 55
    if 97 <= byte <= 122:
        return byte - 61
    return -1


def _text2(byte: int) -> int:
    """Text2 sub-mode value (Table 4): controls 0-27, then the ASCII punctuation; -1 if none."""
    if byte <= 27:
        return byte
    for first, last, base in ((32, 47, 28), (58, 64, 44), (91, 96, 51), (123, 127, 57)):
        if first <= byte <= last:
            return byte - first + base
    return -1


def _byte_kind(byte: int) -> int:
    if 48 <= byte <= 57:
        return _DIGIT
    if _text1(byte) >= 0:
        return _TEXT1
    if _text2(byte) >= 0:
        return _TEXT2
    return _BYTE


_BYTE_KINDS = tuple(_byte_kind(byte) for byte in range(256))


def _double_kind(first: int, second: int) -> int:
    """GB 2312 region 1 (B0A1-D7FE, A1A1-A3FE, A8A1-A8C0), region 2 (D8A1-F7FE) or another
    GB 18030 two-byte character."""
    if 0xA1 <= second <= 0xFE and (0xB0 <= first <= 0xD7 or 0xA1 <= first <= 0xA3):
        return _REGION1
    if first == 0xA8 and 0xA1 <= second <= 0xC0:
        return _REGION1
    if 0xD8 <= first <= 0xF7 and 0xA1 <= second <= 0xFE:
        return _REGION2
    return _DOUBLE


_BYTE_KIND_TABLE = bytes(_BYTE_KINDS)  # bytes.translate: each byte to its kind
#: Bytes a character of each kind takes (what binary mode costs).
_WIDTHS = (1, 1, 1, 1, 2, 2, 2, 4)


#: Characters a table keeps (GB 2312 has 7,445; GB 18030 over a million).
_MOST_CHARACTERS = 1 << 16


class _Lookup(dict[int, str]):
    """A :meth:`str.translate` table filled on first use: ``make(code point)`` gives the
    entry. A character's kind or bits are worked out once, then looked up in C."""

    def __init__(self, make: Callable[[int], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, code_point: int) -> str:
        if len(self) >= _MOST_CHARACTERS:  # GB 18030 has over a million: keep the last ones
            self.clear()
        entry = self[code_point] = self.make(code_point)
        return entry


def _gb_code(code_point: int) -> bytes:
    """A character's GB 18030 bytes; a byte the GB decoder escaped (GBK's lone 0x80) as itself."""
    return chr(code_point).encode("gb18030", "surrogateescape")


def _gb_kind(code_point: int) -> str:
    """The kind of a character carried as GB 18030 (as one character of a translated string):
    one byte below 0x80, four when the second byte is a digit, two otherwise."""
    code = _gb_code(code_point)
    if len(code) == 1:
        return chr(_BYTE_KINDS[code[0]])
    if len(code) == 4:
        return chr(_FOUR)
    return chr(_double_kind(code[0], code[1]))


_GB_KINDS = _Lookup(_gb_kind)


def _gb_units(data: bytes) -> str:
    """GB 18030 (or GB 2312, GBK) bytes as one character per unit the modes see: the GB 18030
    decoder splits them (one byte below 0x81, four bytes when the second is a digit, two
    otherwise), a byte it cannot take alone (GBK's 0x80, the euro) escaped."""
    return data.decode("gb18030", "surrogateescape")


# The states of the mode choice: numeric with 1, 2 or 3 digits of the current group written,
# text in either sub-mode, binary, the two GB 2312 regions, GB 18030 two- and four-byte.
_N1, _N2, _N3, _T1, _T2, _B, _C1, _C2, _D, _F = range(10)
_STATE_MODE = (_NUMERIC, _NUMERIC, _NUMERIC, _TEXT, _TEXT, _BINARY, _R1, _R2, _GB2, _GB4)
# Bits a segment's end costs in each state: the terminators of Table 2 and §5.5.
_LEAVE = (10, 10, 10, 6, 6, 0, 12, 12, 15, 0)
_INFINITY = 1 << 40


# Costs count bits × _BIT, plus one for each new segment (the tie-break on segments).
_BIT = 1 << 12
_LEAVE_SCALED = tuple(bits * _BIT for bits in _LEAVE)
_STATES_OF_KIND = (
    (_N1, _N2, _N3, _T1, _B),  # digit
    (_T1, _B),  # Text1
    (_T2, _B),  # Text2
    (_B,),  # other byte
    (_C1, _D, _B),  # GB 2312 region 1
    (_C2, _D, _B),  # region 2
    (_D, _B),  # other GB 18030 two-byte
    (_F, _B),  # GB 18030 four-byte
)
_Costs = list[int]
_Step = tuple[_Costs, tuple[int, ...]]


# The steps below write costs as ``bits << 12`` (see _BIT), which Python folds to constants:
# they run once per character.


def _step_digit(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    n1, n1_from = cost[_N3] + (10 << 12), _N3
    if out + (14 << 12) + 1 < n1:
        n1, n1_from = out + (14 << 12) + 1, left
    t1, t1_from = cost[_T1] + (6 << 12), _T1
    if cost[_T2] + (12 << 12) < t1:
        t1, t1_from = cost[_T2] + (12 << 12), _T2
    if out + (10 << 12) + 1 < t1:
        t1, t1_from = out + (10 << 12) + 1, left
    b, b_from = cost[_B] + (8 << 12), _B
    if out + (25 << 12) + 1 < b:
        b, b_from = out + (25 << 12) + 1, left
    i = _INFINITY
    new = [n1, cost[_N1], cost[_N2], t1, i, b, i, i, i, i]
    return new, (n1_from, _N1, _N2, t1_from, -1, b_from, -1, -1, -1, -1)


def _step_text1(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    t1, t1_from = cost[_T1] + (6 << 12), _T1
    if cost[_T2] + (12 << 12) < t1:
        t1, t1_from = cost[_T2] + (12 << 12), _T2
    if out + (10 << 12) + 1 < t1:
        t1, t1_from = out + (10 << 12) + 1, left
    b, b_from = cost[_B] + (8 << 12), _B
    if out + (25 << 12) + 1 < b:
        b, b_from = out + (25 << 12) + 1, left
    i = _INFINITY
    return [i, i, i, t1, i, b, i, i, i, i], (-1, -1, -1, t1_from, -1, b_from, -1, -1, -1, -1)


def _step_text2(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    t2, t2_from = cost[_T2] + (6 << 12), _T2
    if cost[_T1] + (12 << 12) < t2:
        t2, t2_from = cost[_T1] + (12 << 12), _T1
    if out + (16 << 12) + 1 < t2:
        t2, t2_from = out + (16 << 12) + 1, left
    b, b_from = cost[_B] + (8 << 12), _B
    if out + (25 << 12) + 1 < b:
        b, b_from = out + (25 << 12) + 1, left
    i = _INFINITY
    return [i, i, i, i, t2, b, i, i, i, i], (-1, -1, -1, -1, t2_from, b_from, -1, -1, -1, -1)


def _step_byte(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    b, b_from = cost[_B] + bits * _BIT, _B
    if out + (17 + bits) * _BIT + 1 < b:
        b, b_from = out + (17 + bits) * _BIT + 1, left
    i = _INFINITY
    return [i, i, i, i, i, b, i, i, i, i], (-1, -1, -1, -1, -1, b_from, -1, -1, -1, -1)


def _binary(cost: _Costs, out: int, left: int, bits: int, allowed: bool) -> tuple[int, int]:
    """Binary mode for a GB 18030 character: only when its bytes may go there."""
    if not allowed:
        return _INFINITY, -1
    b, b_from = cost[_B] + bits * _BIT, _B
    if out + (17 + bits) * _BIT + 1 < b:
        b, b_from = out + (17 + bits) * _BIT + 1, left
    return b, b_from


def _gb2(cost: _Costs, out: int, left: int) -> tuple[int, int]:
    """GB 18030 two-byte mode: stay (15 bits) or enter (4 + 15)."""
    d, d_from = cost[_D] + (15 << 12), _D
    if out + (19 << 12) + 1 < d:
        d, d_from = out + (19 << 12) + 1, left
    return d, d_from


def _region(cost: _Costs, out: int, left: int, here: int, there: int) -> tuple[int, int]:
    """A GB 2312 region: stay (12 bits), come from the other region (its 12-bit 4094 and no
    indicator), or enter (4 + 12)."""
    region, came = cost[here] + (12 << 12), here
    if cost[there] + (24 << 12) < region:
        region, came = cost[there] + (24 << 12), there
    if out + (16 << 12) + 1 < region:
        region, came = out + (16 << 12) + 1, left
    return region, came


def _step_region1(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    r, r_from = _region(cost, out, left, _C1, _C2)
    d, d_from = _gb2(cost, out, left)
    b, b_from = _binary(cost, out, left, bits, multibyte)
    i = _INFINITY
    return [i, i, i, i, i, b, r, i, d, i], (-1, -1, -1, -1, -1, b_from, r_from, -1, d_from, -1)


def _step_region2(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    r, r_from = _region(cost, out, left, _C2, _C1)
    d, d_from = _gb2(cost, out, left)
    b, b_from = _binary(cost, out, left, bits, multibyte)
    i = _INFINITY
    return [i, i, i, i, i, b, i, r, d, i], (-1, -1, -1, -1, -1, b_from, -1, r_from, d_from, -1)


def _step_double(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    d, d_from = _gb2(cost, out, left)
    b, b_from = _binary(cost, out, left, bits, multibyte)
    i = _INFINITY
    return [i, i, i, i, i, b, i, i, d, i], (-1, -1, -1, -1, -1, b_from, -1, -1, d_from, -1)


def _step_four(cost: _Costs, out: int, left: int, bits: int, multibyte: bool) -> _Step:
    b, b_from = _binary(cost, out, left, bits, multibyte)
    i = _INFINITY
    f = out + (25 << 12) + 1
    return [i, i, i, i, i, b, i, i, i, f], (-1, -1, -1, -1, -1, b_from, -1, -1, -1, left)


_STEPS = (
    _step_digit, _step_text1, _step_text2, _step_byte, _step_region1, _step_region2,
    _step_double, _step_four,
)  # fmt: skip


class _Search:
    """The search of :func:`_choose_modes` as a finite automaton. The costs that matter are
    each state's cost less the cheapest end of the data so far; they stay within a few
    segments' bits of each other, so only so many such situations occur. Each situation and
    character kind is worked out once by the steps below (the cost each state comes to, the
    state it came from) and then looked up: one list look-up per character. Threads may
    share a search: a move is learnt under a lock, and a search that has learnt too many is
    replaced, not emptied, so a run under way keeps its own."""

    def __init__(self, *, multibyte_binary: bool) -> None:
        self.multibyte_binary = multibyte_binary
        self.lock = threading.Lock()  # moves are learnt one at a time, whatever the thread
        start = (_INFINITY,) * 10 + (-1,)  # nothing written: no state yet, no segment to end
        self.situations: list[tuple[int, ...]] = [start]
        self.numbers: dict[tuple[int, ...], int] = {start: 0}
        # [situation << 3 | kind]: the next situation << 3, the cost added, each state's
        # previous (None: not yet worked out)
        self.moves: list[tuple[int, int, tuple[int, ...]] | None] = [None] * 8
        self.cames: dict[tuple[int, ...], tuple[int, ...]] = {}  # one of each, shared
        self.learnt = 0

    def learn(self, key: int) -> tuple[int, int, tuple[int, ...]]:
        """Work out a move with the character steps (costs relative to the cheapest end)."""
        with self.lock:
            return self.moves[key] or self._learn(key)

    def _learn(self, key: int) -> tuple[int, int, tuple[int, ...]]:
        situation, kind = self.situations[key >> 3], key & 7
        cost, came = _STEPS[kind](
            list(situation[:10]), 0, situation[10], 8 * _WIDTHS[kind], self.multibyte_binary
        )
        out, leave_state = _INFINITY, -1
        for state in _STATES_OF_KIND[kind]:
            if cost[state] + _LEAVE_SCALED[state] < out:
                out, leave_state = cost[state] + _LEAVE_SCALED[state], state
        # An unreachable state's cost is only ever beaten: any value far above the rest will do.
        relative = (*(c - out if c < _INFINITY >> 1 else _INFINITY for c in cost), leave_state)
        number = self.numbers.setdefault(relative, len(self.situations))
        if number == len(self.situations):
            self.situations.append(relative)
            self.moves += [None] * 8
        came = self.cames.setdefault(came, came)
        move = self.moves[key] = (number << 3, out, came)
        self.learnt += 1
        return move

    def run(self, kinds: bytes) -> tuple[int, bytearray]:
        """The fewest bits for characters of ``kinds`` (scaled, see :data:`_BIT`) and each
        character's state."""
        moves, learn = self.moves, self.learn
        base = total = 0
        path: list[tuple[int, ...]] = []
        append = path.append
        for kind in kinds:
            move = moves[base | kind] or learn(base | kind)
            base, out, came = move
            total += out
            append(came)
        state = self.situations[base >> 3][10]
        states = bytearray(len(path))
        for i in range(len(path) - 1, -1, -1):
            states[i] = state
            state = path[i][state]
        return total, states


#: Moves kept before a search begins afresh (about 10 MB; ASCII data needs under a thousand).
_MOST_MOVES = 30_000
_SEARCHES = [_Search(multibyte_binary=False), _Search(multibyte_binary=True)]


def _choose_modes(kinds: bytes, *, multibyte_binary: bool) -> tuple[int, bytearray]:
    """The fewest bits for characters of ``kinds``, and each character's state.

    Dynamic programming over the characters (the method of Project Nayuki's QR optimiser):
    for each state, the cheapest encodation of the data so far that ends in it. A new segment
    costs its indicator (and binary mode's count) plus the end of the segment before; within
    text, a sub-mode switch costs 6 bits; region 1 and region 2 switch to each other with a
    12-bit terminator and no indicator. Among streams of equal length the one with fewest
    segments wins (costs count bits × 4096 + segments), then the earlier state above.
    ``multibyte_binary`` lets binary mode carry GB 18030 characters' bytes."""
    count = len(kinds)
    if count >= 3 and kinds.count(_DIGIT) == count:
        # Three digits or more: numeric mode alone (10 bits per 3 digits) is the shortest.
        states = bytearray(bytes((_N1, _N2, _N3)) * (count // 3) + bytes((_N1, _N2))[: count % 3])
        return 14 + 10 * ((count + 2) // 3), states
    search = _SEARCHES[multibyte_binary]
    if search.learnt > _MOST_MOVES:  # rare data can lead far: begin afresh
        search = _SEARCHES[multibyte_binary] = _Search(multibyte_binary=multibyte_binary)
    total, states = search.run(kinds)
    return total // _BIT, states


class _Bits:
    """A bit stream built as text: appending is cheap, the codewords come at the end."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, value: int, width: int) -> None:
        self.parts.append(format(value, f"0{width}b"))

    def text(self) -> str:
        return "".join(self.parts)


def _chinese_value(kind: int, value: int) -> int:
    """The 12-bit region value or 15-bit two-byte value of a GB 18030 character (§5.5.5-5.5.7)."""
    first, second = value >> 8, value & 0xFF
    if kind == _DOUBLE:
        return (first - 0x81) * 0xBE + second - (0x40 if second <= 0x7E else 0x41)
    if kind == _REGION2:
        return (first - 0xD8) * 94 + second - 0xA1
    if first == 0xA8:
        return second - 0xA1 + 0xFCA
    if first <= 0xA3:
        return (first - 0xA1) * 94 + second - 0xA1 + 0xEB0
    return (first - 0xB0) * 94 + second - 0xA1


def _four_byte_value(value: int) -> int:
    """The 21-bit value of a GB 18030 four-byte character (§5.5.8)."""
    b1, b2, b3, b4 = value.to_bytes(4, "big")
    return (b1 - 0x81) * 0x3138 + (b2 - 0x30) * 0x4EC + (b3 - 0x81) * 10 + b4 - 0x30


# The bits of each character in the modes, as str.translate tables (characters are the units
# of the data: a byte, or a character carried as GB 18030).
_TEXT1_BITS = {b: format(_text1(b), "06b") for b in range(128) if _text1(b) >= 0}
_TEXT2_BITS = {b: format(_text2(b), "06b") for b in range(128) if _text2(b) >= 0}
_TEXT_RUNS = re.compile("[0-9A-Za-z]+|[^0-9A-Za-z]+")  # Text1 runs and Text2 runs
_REGION_BITS = _Lookup(
    lambda point: format(
        _chinese_value(ord(_GB_KINDS[point]), int.from_bytes(_gb_code(point), "big")), "012b"
    )
)
_DOUBLE_BITS = _Lookup(
    lambda point: format(_chinese_value(_DOUBLE, int.from_bytes(_gb_code(point), "big")), "015b")
)
_FOUR_BITS = _Lookup(  # each with its mode indicator
    lambda point: f"0111{_four_byte_value(int.from_bytes(_gb_code(point), 'big')):021b}"
)
#: Numeric mode's groups of three digits (and the terminators 1021-1023) in 10 bits.
_TEN_BITS = tuple(format(value, "010b") for value in range(1024))
#: The same by the group's digits, the last group's one or two among them.
_GROUP_BITS = {
    f"{value:0{digits}d}": _TEN_BITS[value] for digits in (1, 2, 3) for value in range(10**digits)
}
_GROUPS = re.compile("...|..?")
_WEIGHTS = np.array([100, 10, 1])
_SHIFTS = np.arange(9, -1, -1)


def _numeric_bits(digits: str) -> str:
    """Numeric mode: groups of three digits in 10 bits, the last group's length 1021-1023."""
    count = len(digits)
    if count < 60:
        groups = "".join(map(_GROUP_BITS.__getitem__, _GROUPS.findall(digits)))
    else:  # long runs at once: values, then their bits, as arrays
        whole = count - count % 3
        values = (np.frombuffer(digits[:whole].encode(), np.uint8) - 48).reshape(-1, 3) @ _WEIGHTS
        bits = (values[:, None] >> _SHIFTS & 1).astype(np.uint8) | 0x30
        groups = bits.tobytes().decode() + (_TEN_BITS[int(digits[whole:])] if whole < count else "")
    return f"0001{groups}{_TEN_BITS[1020 + (count - 1) % 3 + 1]}"


def _text_bits(text: str) -> str:
    """Text mode: Text1 first, ``111110`` before each change of sub-mode, ``111111`` last."""
    parts = ["0010"]
    submode = 1
    for run in _TEXT_RUNS.findall(text):
        wanted = 1 if ord(run[0]) in _TEXT1_BITS else 2
        if wanted != submode:
            parts.append("111110")
            submode = wanted
        parts.append(run.translate(_TEXT1_BITS if wanted == 1 else _TEXT2_BITS))
    parts.append("111111")
    return "".join(parts)


def _binary_bits(data: bytes) -> str:
    """Binary mode: the count of bytes in 13 bits, then the bytes."""
    return f"0011{len(data):013b}{int.from_bytes(data, 'big'):0{8 * len(data)}b}"


def _segment_bits(units: str, modes: bytes | bytearray, codec: str) -> str:
    """The data's bits as the chosen modes (one per unit of ``units``) divide it into
    segments (§5.5); ``codec`` gives binary mode's bytes."""
    parts = []
    runs = _SEGMENTS.findall(modes)
    last = len(runs) - 1
    stop = 0
    for index, run in enumerate(runs):
        start, stop = stop, stop + len(run)
        mode, chunk = run[0], units[start:stop]
        if mode == _NUMERIC:
            parts.append(_numeric_bits(chunk))
        elif mode == _TEXT:
            parts.append(_text_bits(chunk))
        elif mode == _BINARY:
            parts.append(_binary_bits(chunk.encode(codec, "surrogateescape")))
        elif mode == _GB4:
            parts.append(chunk.translate(_FOUR_BITS))
        elif mode == _GB2:
            parts += ("0110", chunk.translate(_DOUBLE_BITS), "111111111111111")
        else:  # the regions pass straight to each other: a 4094 and no indicator
            if not (index and runs[index - 1][0] in _REGIONS):
                parts.append(f"{mode:04b}")
            parts.append(chunk.translate(_REGION_BITS))
            parts.append(
                "111111111110"
                if index < last and runs[index + 1][0] in _REGIONS
                else "111111111111"
            )
    return "".join(parts)


_SEGMENTS = re.compile(b"|".join(bytes((mode,)) + b"+" for mode in range(1, 8)))  # one mode's runs
_REGIONS = (_R1, _R2)
_STATE_MODES = bytes(_STATE_MODE) + bytes(246)  # bytes.translate: a state to its mode


#: AIM ECI assignments tiaoma can encode text in (AIM ITS/04-023), with Python's codec.
ECI_CHARSETS: dict[int, str] = {
    3: "iso8859-1", 4: "iso8859-2", 5: "iso8859-3", 6: "iso8859-4", 7: "iso8859-5",
    8: "iso8859-6", 9: "iso8859-7", 10: "iso8859-8", 11: "iso8859-9", 12: "iso8859-10",
    13: "iso8859-11", 15: "iso8859-13", 16: "iso8859-14", 17: "iso8859-15", 18: "iso8859-16",
    20: "shift_jis", 21: "cp1250", 22: "cp1251", 23: "cp1252", 24: "cp1256", 25: "utf-16-be",
    26: "utf-8", 27: "ascii", 28: "big5", 29: "gb2312", 30: "euc_kr", 31: "gbk",
    32: "gb18030", 33: "utf-16-le", 34: "utf-32-be", 35: "utf-32-le",
}  # fmt: skip
#: The GB character sets, whose two- and four-byte characters the Chinese modes carry.
_GB_ECIS = frozenset({29, 31, 32})


def _eci_bits(text: str, eci: int) -> str:
    """``text`` in the character set of ECI ``eci``, after that ECI: GB 2312, GBK and GB
    18030 with the Chinese modes, any other as bytes (numeric, text and binary modes), as
    Zint does."""
    encoded = text.encode(ECI_CHARSETS[eci])
    if eci in _GB_ECIS:
        units, codec = _gb_units(encoded), "gb18030"
        kinds = units.translate(_GB_KINDS).encode()
    else:
        units, codec = encoded.decode("latin-1"), "latin-1"
        kinds = encoded.translate(_BYTE_KIND_TABLE)
    states = _choose_modes(kinds, multibyte_binary=True)[1]
    return f"{_ECI:04b}{eci:08b}" + _segment_bits(units, states.translate(_STATE_MODES), codec)


def _data_bits(text: str) -> str:
    """The shortest bit stream for ``text``: ISO/IEC 8859-1 (Han Xin's default character set)
    when every character has a byte there, otherwise GB 18030, whose characters have modes
    of their own. Binary mode may carry a GB 18030 character's bytes only under ECI 32 (else a
    reader takes them for ISO/IEC 8859-1), so that stream pays 12 bits more and is taken only
    when it is still shorter. (Zint puts them in binary mode without the ECI, with a warning
    that the symbol does not conform.)"""
    try:
        kinds = text.encode("latin-1").translate(_BYTE_KIND_TABLE)
    except UnicodeEncodeError:
        kinds = text.translate(_GB_KINDS).encode()
        plain, states = _choose_modes(kinds, multibyte_binary=False)
        if plain > _least_marked_bits(kinds):
            marked, marked_states = _choose_modes(kinds, multibyte_binary=True)
            if marked + 12 < plain:
                eci = f"{_ECI:04b}{_GB18030_ECI:08b}"
                return eci + _segment_bits(text, marked_states.translate(_STATE_MODES), "gb18030")
        return _segment_bits(text, states.translate(_STATE_MODES), "gb18030")
    states = _choose_modes(kinds, multibyte_binary=False)[1]
    return _segment_bits(text, states.translate(_STATE_MODES), "latin-1")


# The fewest bits a character of each kind can take in any mode (a digit: 10 bits per 3).
_LEAST_BITS = (3, 6, 6, 8, 12, 12, 15, 25)


def _least_marked_bits(kinds: bytes) -> int:
    """A floor under any stream with ECI 32: its 12 bits, each character's fewest bits, and
    unless every character has four bytes (their mode's 25 bits include its indicator) a
    segment's indicator and end, 10 bits at least (text mode's). When the stream without
    the ECI is no longer, the search with it can be skipped."""
    overhead = 0 if kinds.count(_FOUR) == len(kinds) else 10
    return 12 + overhead + sum(bits * kinds.count(kind) for kind, bits in enumerate(_LEAST_BITS))


def _gs1_bits(message: str) -> str:
    """GS1 mode as BWIPP implements the 2021 draft (§5.3.10, 5.4.12) -- the only reading
    there is to compare with, so ours: the GS1 indicator ``11100001``, then runs of 8 or more
    digits (5 at the end of the data) in numeric mode and everything else in binary mode, each
    FNC1 separator (GS in ``message``) the numeric mode's value 1000, then ``11111111``. An
    FNC1 next to a numeric run joins it: after the run's last complete group (or before its
    first) it needs neither the run's terminator nor its own indicator."""
    sequence = _gs1_sequence(message)
    bits = _Bits()
    bits.add(_GS1_START, 8)
    for index, (kind, chunk) in enumerate(sequence):
        before = sequence[index - 1] if index else None
        after = sequence[index + 1] if index + 1 < len(sequence) else None
        if kind == _BINARY:
            bits.parts.append(_binary_bits(chunk.encode("latin-1")))
        elif kind == _FNC1:
            if not (before and before[0] == _NUMERIC and len(before[1]) % 3 == 0):
                bits.add(_NUMERIC, 4)
            bits.add(_NUMERIC_FNC1, 10)
            if not (after and after[0] == _NUMERIC):
                bits.add(1023, 10)
        else:
            if not (before and before[0] == _FNC1):
                bits.add(_NUMERIC, 4)
            for start in range(0, len(chunk), 3):
                bits.add(int(chunk[start : start + 3]), 10)
            if not (after and after[0] == _FNC1 and len(chunk) % 3 == 0):
                bits.add(1020 + (len(chunk) - 1) % 3 + 1, 10)
    bits.add(_GS1_END, 8)
    return bits.text()


def _gs1_sequence(message: str) -> list[tuple[int, str]]:
    """Split GS1 data into numeric runs, binary runs and FNC1 separators."""
    runs = [0] * (len(message) + 1)  # digits from each position on
    for i in range(len(message) - 1, -1, -1):
        runs[i] = runs[i + 1] + 1 if "0" <= message[i] <= "9" else 0
    sequence: list[tuple[int, str]] = []
    binary_start = -1
    i = 0
    while i < len(message):
        run = runs[i]
        if run >= (5 if i + run >= len(message) else 8) or message[i] == ai.GS:
            if binary_start >= 0:
                sequence.append((_BINARY, message[binary_start:i]))
                binary_start = -1
            if run:
                sequence.append((_NUMERIC, message[i : i + run]))
                i += run
            else:
                sequence.append((_FNC1, ""))
                i += 1
            continue
        if binary_start < 0:
            binary_start = i
        i += 1
    if binary_start >= 0:
        sequence.append((_BINARY, message[binary_start:]))
    return sequence


# --- the symbol ----------------------------------------------------------------------------


def _codewords(stream: str, version: int, level: int) -> bytes:
    """The data bits padded with zeros to the version's data codewords, each block followed
    by its check codewords (§5.6-5.7); :func:`_placed` interleaves them (§5.8.2)."""
    count = data_codeword_count(version, level)
    padded = int(stream, 2) << (8 * count - len(stream)) if stream else 0
    data = padded.to_bytes(count, "big")
    pieces: list[bytes] = []
    start = 0
    for blocks, size, check in error_correction_blocks(version, level):
        for _ in range(blocks):
            block = data[start : start + size]
            pieces += (block, _check_codewords(block, check))
            start += size
    return b"".join(pieces)


# --- the mask of least penalty ---------------------------------------------------------------
# The symbol is placed, masked and scored as "lines": its rows, then its columns, each line
# followed by 3 positions that are neither dark nor light. Packed, a candidate is one integer
# (the first module most significant): a shift moves every line at once, ``bit_count`` counts.


@functools.cache
def _line_layout(version: int) -> tuple[Indices, int, npt.NDArray[np.uint8]]:
    """The lines of a version: for each of their modules, which bit it takes from the
    codewords in block order followed by the bits ``0`` and ``1`` (:data:`_LIGHT_DARK`) --
    the interleaving of §5.8.2, the placement and the function pattern at once; ones on the
    modules with two more after them on their line (as packed: the last byte's spare bits
    follow); and what turns the rows' modules into text, a blank line after each."""
    size = side(version)
    stride = size + 3
    row, column = np.divmod(np.arange(size * size), size)
    across, down = row * stride + column, size * stride + column * stride + row
    total = codeword_count(version)
    light, dark = 8 * total, 8 * total + 1
    source = np.full(2 * size * stride, light, dtype=np.intp)  # the gaps, light modules
    pattern = np.where(function_pattern(version).reshape(-1), dark, light)
    source[across] = pattern
    source[down] = pattern
    woven = np.concatenate([np.arange(first, total, 13) for first in range(13)])
    bits = (8 * woven[:, None] + np.arange(8)).reshape(-1)  # each placed bit's in blocks
    positions = data_positions(version)[: 8 * total]
    source[across[positions]] = bits
    source[down[positions]] = bits
    spare = -source.size % 8
    line = (1 << 3 + size) - (1 << 3)
    modules = sum(line << stride * i for i in range(2 * size)) << spare
    runs = modules & modules << 1 & modules << 2
    text = np.full((size, stride), ord("\n"), dtype=np.uint8)
    text[:, :size] = ord("0")
    return _frozen(source), runs, _frozen(text.reshape(-1))


_LIGHT_DARK = b"\x40"  # the bits 0 and 1 after the codewords, for the function pattern


@functools.lru_cache(maxsize=64)
def _line_masks(version: int, level: int) -> tuple[int, ...]:
    """The four masks of a version as packed lines, each with its function information (on
    light modules the masks leave alone): one XOR masks the placed data and writes the
    function information."""
    size = side(version)
    stride = size + 3
    flat = _masks(version).reshape(4, -1).copy()
    information = np.array([function_information(version, level, m) for m in MASKS], np.bool_)
    for copy in function_information_positions(version):
        flat[:, copy] = information
    row, column = np.divmod(np.arange(size * size), size)
    lines = np.zeros((4, 2 * size * stride), dtype=np.bool_)
    lines[:, row * stride + column] = flat
    lines[:, size * stride + column * stride + row] = flat
    return tuple(int.from_bytes(mask.tobytes(), "big") for mask in np.packbits(lines, axis=1))


def _penalty(dark: int, runs: int) -> int:
    """§5.8.4.3, Table 9, for a candidate packed as lines (``runs``: ones on the modules with
    two more after them on their line): 50 for each 1:1:1:1:3 or 3:1:1:1:1 pattern (dark
    first) with 3 light modules before or after it (beyond the edge counts as light), and 4
    for each module of a run of 3 or more alike, in rows and in columns."""
    not_dark = ~dark  # the gaps and the edges count as light here
    three_light = not_dark & not_dark << 1 & not_dark << 2
    odd = dark & dark << 2
    # A run of L >= 3 alike has L - 2 windows of 3, and its windows begin and end once:
    # the windows and their edges (two per run) count L modules.
    windows = (odd & dark << 1) | (three_light & runs)
    in_runs = windows.bit_count() + (windows ^ windows >> 1).bit_count()
    # Windows of 7 marked at their last module: 1 x 1 0 1 y 1 with x != y, and 3 light
    # modules before (7-9 positions up) or after (1-3 down).
    found = odd & odd << 4 & not_dark << 3 & (dark << 4 ^ dark) << 1
    found &= three_light << 7 | three_light >> 3
    return 50 * found.bit_count() + 4 * in_runs


def _placed(codewords: bytes, version: int, level: int, mask: int | None) -> int:
    """Place the codewords (in block order), write the function information and mask:
    ``mask`` or the one of least penalty, scored on the whole symbol with its function
    information (as Zint does; ties go to the lower mask). The symbol as packed lines."""
    source, runs, _ = _line_layout(version)
    bits = np.unpackbits(np.frombuffer(codewords + _LIGHT_DARK, dtype=np.uint8)).view(np.bool_)
    placed = int.from_bytes(np.packbits(bits[source]).tobytes(), "big")
    masks = _line_masks(version, level)
    if mask is not None:
        return placed ^ masks[mask]
    candidates = [placed ^ packed_mask for packed_mask in masks]
    scores = [_penalty(candidate, runs) for candidate in candidates]
    return candidates[scores.index(min(scores))]


def _row_texts(symbol: int, version: int) -> list[str]:
    """The rows of a symbol's packed lines as text, ``1`` dark."""
    text = _line_layout(version)[2]
    packed = symbol.to_bytes((2 * text.size + 7) // 8, "big")  # rows, columns, spare bits
    modules = np.unpackbits(np.frombuffer(packed, dtype=np.uint8), count=text.size)
    rows = (modules | text).tobytes().decode("ascii").split("\n\n\n")
    rows.pop()
    return rows


HANXIN_TOO_LONG = define(
    "hanxin_too_long",
    "Data too long for {symbology}: it needs {found} data codewords, at most {expected}",
    "{symbology_zh}容纳不下这些数据：需要 {found} 个数据码字，最多 {expected_zh}",
)
HANXIN_TOO_MANY = define(
    "hanxin_too_many",
    "Data too long for {symbology}: {found} characters, and no symbol holds more than {limit}",
    "{symbology_zh}容纳不下这些数据：共 {found} 个字符，任何符号最多容纳 {limit} 个",
)
HANXIN_OPTION = define(
    "hanxin_option",
    "Invalid {option} {found!r} for Han Xin Code: expected {expected}",
    "汉信码的{option_zh}“{found}”无效：应为{expected_zh}",
)
HANXIN_CHARACTER = define(
    "hanxin_character",
    "Cannot encode character {char!r} at position {position} of {value!r} in Han Xin Code: "
    "expected characters of {charset}",
    "汉信码无法编码“{value}”第 {position} 位的字符 {char!r}：应为 {charset} 中的字符",
)

#: ISO/IEC 20830:2021 §4.2.8 (Zint cites the 2019 draft's): 3X light on every side.
QUIET_ZONE = QuietZone(3, 3, 3, 3)
_NAMES_ZH = {Symbology.HANXIN: "汉信码", Symbology.GS1_HANXIN: "GS1 汉信码"}


def _option_error(
    option: tuple[str, str], found: object, expected: tuple[str, str]
) -> InvalidComponent:
    return InvalidComponent(
        HANXIN_OPTION, option=option[0], option_zh=option[1], found=found,
        expected=expected[0], expected_zh=expected[1],
    )  # fmt: skip


def _level(error_correction: object) -> int | None:
    """1-4, ``"L1"``-``"L4"`` or ``None``."""
    if error_correction is None:
        return None
    if isinstance(error_correction, str) and error_correction.upper() in ("L1", "L2", "L3", "L4"):
        return int(error_correction[1])
    if type(error_correction) is int and error_correction in LEVELS:
        return error_correction
    raise _option_error(
        ("error correction level", "纠错等级"), error_correction,
        ("L1, L2, L3 or L4 (1-4), or None", "L1、L2、L3 或 L4（1-4），或 None"),
    )  # fmt: skip


def _check_options(version: object, mask: object, eci: object) -> None:
    if version is not None and not (type(version) is int and version in VERSIONS):
        raise _option_error(("version", "版本"), version, ("1 to 84, or None", "1 至 84 或 None"))
    if mask is not None and not (type(mask) is int and mask in MASKS):
        raise _option_error(("mask", "掩模"), mask, ("0 to 3, or None", "0 至 3 或 None"))
    if eci is not None and (type(eci) is not int or eci not in ECI_CHARSETS):
        raise _option_error(
            ("ECI", "ECI"), eci,
            ("an ECI assignment with a character set (3-35), or None",
             "有字符集的 ECI 指派（3-35）或 None"),
        )  # fmt: skip


def _stream(data: object, *, gs1: bool, eci: int | None) -> tuple[Symbology, str, str]:
    """The symbology, the data as the symbol reports it, and the bit stream."""
    if gs1:
        if eci is not None:
            raise _option_error(("ECI", "ECI"), eci, ("None with gs1=True", "None（gs1=True 时）"))
        message = ai.parse(_text.require_text(data))
        return Symbology.GS1_HANXIN, message.bracketed(), _gs1_bits(message.fnc1())
    text = _text.require_text(data)
    if not text:
        raise InvalidFormat(EMPTY, expected="data for Han Xin Code", expected_zh="汉信码的数据")
    charset = ECI_CHARSETS[_GB18030_ECI if eci is None else eci]
    try:
        text.encode(charset)
    except UnicodeEncodeError as error:  # a lone surrogate, or outside the ECI's set
        raise InvalidFormat(
            HANXIN_CHARACTER, value=text, char=text[error.start], position=error.start + 1,
            charset="GB 18030" if eci is None else f"ECI {eci} ({charset})",
        ) from None  # fmt: skip
    return Symbology.HANXIN, text, _data_bits(text) if eci is None else _eci_bits(text, eci)


def _fit(
    bits: int, level: int | None, version: int | None, symbology: Symbology
) -> tuple[int, int]:
    """The version and level: the smallest version that holds the data at the level (L1
    when none is given) or the version given; without a level, the highest that still fits
    that version (as Zint chooses)."""
    needed = (bits + 7) // 8
    lowest = level or 1
    # Capacities grow with the version and shrink with the level.
    smallest = bisect.bisect_left(_DATA_CODEWORDS[lowest - 1], needed) + 1
    if smallest > 84 or (version is not None and version < smallest):
        where = 84 if version is None else version
        limit = data_codeword_count(where, lowest)
        raise InvalidLength(
            HANXIN_TOO_LONG, symbology=symbology.label, symbology_zh=_NAMES_ZH[symbology],
            found=f"{needed:,}",
            expected=f"{limit:,} at error correction level L{lowest} in version {where}",
            expected_zh=f"{limit:,} 个（纠错等级 L{lowest}，版本 {where}）",
        )  # fmt: skip
    chosen = version or smallest
    if level is None:
        level = 4
        while _DATA_CODEWORDS[level - 1][chosen - 1] < needed:
            level -= 1
    return chosen, level


#: The most characters any symbol holds: digits, 3 to 10 bits, at version 84 and level L1.
MOST_CHARACTERS = 7827


def _check_length(data: object, *, gs1: bool) -> None:
    """Refuse text no symbol can hold before the mode search spends seconds on it (1 MB
    took 4-7 s to be refused): every character costs at least 10/3 bits."""
    if not isinstance(data, str) or len(data) <= MOST_CHARACTERS:
        return
    symbology = Symbology.GS1_HANXIN if gs1 else Symbology.HANXIN
    raise InvalidLength(HANXIN_TOO_MANY, symbology=symbology.label,
                        symbology_zh=_NAMES_ZH[symbology], found=f"{len(data):,}",
                        limit=f"{MOST_CHARACTERS:,}")  # fmt: skip


def hanxin(
    data: str,
    *,
    error_correction: int | str | None = None,
    version: int | None = None,
    mask: int | None = None,
    gs1: bool = False,
    eci: int | None = None,
) -> Symbol:
    """A Han Xin Code symbol (ISO/IEC 20830:2021, GB/T 21049-2022).

    ``data`` is text: characters of ISO/IEC 8859-1 travel as such (Han Xin's default
    character set), any other text as GB 18030, Chinese characters in their own modes;
    the modes are chosen to give the shortest bit stream. With ``gs1=True`` ``data`` is a
    GS1 element string in any form :func:`tiaoma.ai.parse` reads, validated first and
    carried in GS1 mode (``]h2``). ``error_correction`` is L1-L4 (1-4: about 8, 15, 23
    and 30 % recoverable); ``None`` takes the highest level that fits the smallest version
    at L1. ``version`` 1-84 fixes the size at ``2 × version + 21`` modules; ``None`` takes
    the smallest that holds the data. ``mask`` 0-3 fixes the data mask; ``None`` takes the
    one of least penalty (§5.8.4.3). ``eci`` (an AIM ECI assignment in
    :data:`ECI_CHARSETS`) puts the text in that character set and says so in the symbol: GB
    18030 (32) keeps the Chinese modes, the others go byte by byte. Quiet zone 3X.
    """
    level = _level(error_correction)
    _check_options(version, mask, eci)
    _check_length(data, gs1=gs1)
    symbology, shown, stream = _stream(data, gs1=gs1, eci=eci)
    version, level = _fit(len(stream), level, version, symbology)
    rows = _row_texts(_placed(_codewords(stream, version, level), version, level, mask), version)
    # Rows made in C (tuple's own constructor): a symbol has up to 189.
    made = map(tuple.__new__, itertools.repeat(Row), zip(rows, itertools.repeat(1.0)))
    return Symbol(symbology, shown, tuple(made), QUIET_ZONE)
