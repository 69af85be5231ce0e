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
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from tiaoma.symbols._hanxin_tables import ALIGNMENT, BLOCKS, TOTAL_CODEWORDS

__all__ = [
    "FUNCTION_INFORMATION_BITS",
    "LEVELS",
    "MASKS",
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
    return sum(blocks * data for blocks, data, _ in error_correction_blocks(version, level))


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
def _feedback_table(check: int) -> npt.NDArray[np.uint8]:
    """For a generator of ``check`` check codewords (roots α¹…α^check, §5.7), row ``f`` is
    ``f`` times the generator's coefficients below the leading one: the register's update
    when ``f`` is fed back, one table lookup per codeword for any number of blocks."""
    generator = [1]
    for root in range(1, check + 1):
        nxt = [*generator, 0]
        for i, coefficient in enumerate(generator):
            if coefficient:
                nxt[i + 1] ^= int(_EXP[_LOG[coefficient] + root])
        generator = nxt
    coefficients = np.array(generator[1:], dtype=np.int64)
    table = np.zeros((256, check), dtype=np.uint8)
    nonzero = coefficients != 0
    for f in range(1, 256):
        table[f, nonzero] = _EXP[_LOG[f] + _LOG[coefficients[nonzero]]]
    return _frozen(table)


def reed_solomon(blocks: npt.ArrayLike, check: int) -> npt.NDArray[np.uint8]:
    """The ``check`` Reed-Solomon check codewords of each row of ``blocks`` (a 2-D array of
    data codewords, one block per row, all the same length), as a ``blocks × check`` array."""
    data = np.asarray(blocks, dtype=np.uint8)
    table = _feedback_table(check)
    register = np.zeros((data.shape[0], check), dtype=np.uint8)
    for column in data.T:
        feedback = column ^ register[:, 0]
        register[:, :-1] = register[:, 1:]
        register[:, -1] = 0
        register ^= table[feedback]
    return register


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
