"""QR Code's structure for grading (ISO/IEC 18004:2015): function patterns, format
information, data masks, codeword placement and error correction blocks.

- Function patterns (§6.3): three finder patterns with their separators, the timing patterns
  in row and column 6, alignment patterns from version 2 (Annex E's positions: from 6 to
  ``size - 7`` in even steps, version 32's steps 26), format information around the finders
  and version information from version 7 (§7.9, §7.10).
- Format information (§7.9): 15 bits, BCH (15, 5) with the generator 0x537 then XOR 0x5412;
  the level's bits L 01, M 00, Q 11, H 10, then the mask's number; read here as the nearest of
  the 32 valid words to either copy.
- Data masks (§7.8.2, Table 10) and codeword placement (§7.7.3): two-module columns from the
  bottom right, upwards then downwards, stepping over column 6.
- Blocks (§7.5.2, Table 9): the error correction codewords per block and the number of blocks
  for each version and level; data codewords interleaved first, then the error correction
  codewords; misdecode protection codewords p (Table 9's footnote): 1-L 3, 1-M 2, 1-Q and 1-H
  1, 2-L 2, 3-L 1, else 0.

>>> layout = qr_layout(1)
>>> layout.rows, len(layout.segments), layout.lines[0].edges[:4]
(21, 4, (0, 7, 8, 9))
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

from tiaoma._reed_solomon import Field
from tiaoma.verify._layout import Block, Layout, Line, Reading, Segment

__all__ = ["qr_layout"]

LEVELS = "LMQH"
#: §7.9.1: the two bits each level writes into the format information.
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
#: Table 9, versions 1-40: error correction codewords per block, per level.
_EC_PER_BLOCK = {
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
          28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}  # fmt: skip
#: Table 9: the number of blocks.
_BLOCKS = {
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12,
          13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
          23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27,
          29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32,
          35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}  # fmt: skip
_PROTECTION = {(1, "L"): 3, (1, "M"): 2, (1, "Q"): 1, (1, "H"): 1, (2, "L"): 2, (3, "L"): 1}
_FIELD = Field(0x11D, first_root=0)
_MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


def alignment_positions(version: int) -> tuple[int, ...]:
    """Annex E: the rows (and columns) of the alignment patterns' centres."""
    if version == 1:
        return ()
    size, count = 17 + 4 * version, version // 7 + 2
    last = size - 7
    step = 26 if version == 32 else -(-(last - 6) // (count - 1))
    step += step % 2
    return (6, *(last - step * k for k in range(count - 2, -1, -1)))


def _function_modules(version: int) -> NDArray[np.bool_]:
    size = 17 + 4 * version
    taken = np.zeros((size, size), dtype=bool)
    taken[:9, :9] = taken[:9, size - 8 :] = taken[size - 8 :, :9] = True  # finders, format
    taken[6, :] = taken[:, 6] = True
    centres = alignment_positions(version)
    corners = {(6, 6), (6, size - 7), (size - 7, 6)}  # where the finders are
    for row in centres:
        for col in centres:
            if (row, col) not in corners:
                taken[row - 2 : row + 3, col - 2 : col + 3] = True
    if version >= 7:
        taken[:6, size - 11 : size - 8] = taken[size - 11 : size - 8, :6] = True
    return taken


@functools.cache
def _placement(version: int) -> NDArray[np.int64]:
    """§7.7.3: the data modules in the order bits are placed, (count, 2)."""
    size, taken = 17 + 4 * version, _function_modules(version)
    cells: list[tuple[int, int]] = []
    column, upward = size - 1, True
    while column > 0:
        if column == 6:
            column -= 1
        rows = range(size - 1, -1, -1) if upward else range(size)
        cells.extend((row, col) for row in rows for col in (column, column - 1)
                     if not taken[row, col])  # fmt: skip
        upward, column = not upward, column - 2
    return np.array(cells, dtype=np.int64)


def _format_word(level: str, mask: int) -> int:
    data = _LEVEL_BITS[level] << 3 | mask
    remainder = data << 10
    for shift in range(4, -1, -1):
        if remainder & (1 << (shift + 10)):
            remainder ^= 0x537 << shift
    return (data << 10 | remainder) ^ 0x5412


def _format_cells(size: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """§7.9.1, Figure 25: bit i (0 = least significant) of each copy of the format word."""
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)]
    first += [(8, 14 - i) for i in range(9, 15)]
    second = [(8, size - 1 - i) for i in range(8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    return first, second


def read_format(dark: NDArray[np.bool_]) -> tuple[str, int]:
    """The error correction level and mask the format information says (nearest word)."""
    best: tuple[int, str, int] = (99, "M", 0)
    for copy in _format_cells(dark.shape[0]):
        word = sum(int(dark[row, col]) << bit for bit, (row, col) in enumerate(copy))
        for level in LEVELS:
            for mask in range(8):
                distance = bin(word ^ _format_word(level, mask)).count("1")
                best = min(best, (distance, level, mask))
    return best[1], best[2]


def _blocks(version: int, level: str, total: int) -> tuple[Block, ...]:
    """§7.6, Figure 15's interleaving: data codewords block by block in turn, then the error
    correction codewords; the long blocks (one more data codeword) come last."""
    count, ec = _BLOCKS[level][version - 1], _EC_PER_BLOCK[level][version - 1]
    short = count - total % count
    lengths = [total // count - ec + (index >= short) for index in range(count)]
    members: list[list[int]] = [[] for _ in range(count)]
    at = 0
    for position in range(max(lengths)):
        for index in range(count):
            if position < lengths[index]:
                members[index].append(at)
                at += 1
    for _ in range(ec):
        for index in range(count):
            members[index].append(at)
            at += 1
    protection = _PROTECTION.get((version, level), 0)
    return tuple(Block(tuple(cells), ec, protection) for cells in members)


def _read(version: int, dark: NDArray[np.bool_]) -> Reading:
    level, mask = read_format(dark)
    cells = _placement(version)
    count = len(cells) // 8
    cells = cells[: count * 8].reshape(count, 8, 2)
    rows, cols = cells[..., 0], cells[..., 1]
    inverted = np.asarray(_MASKS[mask](rows, cols), dtype=bool)
    bits = dark[rows, cols] ^ inverted
    values = tuple(int(v) for v in (bits * (1 << np.arange(7, -1, -1))).sum(axis=1))
    return Reading(values, cells, inverted, _blocks(version, level, count), _FIELD)


def _finder(name: str, name_zh: str, top: int, left: int, size: int) -> Segment:
    """A finder pattern and its separator: 8 × 8 modules inside the symbol (§6.3.3)."""
    rows = np.arange(top, top + 8)
    cols = np.arange(left, left + 8)
    grid = np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1).reshape(-1, 2)
    centre_row = 3 if top == 0 else size - 4
    centre_col = 3 if left == 0 else size - 4
    ring = np.maximum(abs(grid[:, 0] - centre_row), abs(grid[:, 1] - centre_col))
    return Segment(name, name_zh, grid, (ring != 2) & (ring <= 3), by_share=False)


def _timing(size: int) -> Segment:
    along = np.arange(8, size - 8)
    cells = np.concatenate([np.stack([np.full_like(along, 6), along], 1),
                            np.stack([along, np.full_like(along, 6)], 1)])  # fmt: skip
    dark = np.concatenate([along % 2 == 0, along % 2 == 0])
    return Segment("timing patterns", "定位图形", cells, dark, by_share=True)


def _lines(size: int) -> tuple[Line, ...]:
    timing = (0, *range(7, size - 6), size)
    near, far = (0, 1, 2, 5, 6, 7), tuple(size - k for k in (7, 6, 5, 2, 1, 0))
    return (
        Line(across=True, at=6.5, edges=timing), Line(across=False, at=6.5, edges=timing),
        Line(across=True, at=3.5, edges=near + far), Line(across=False, at=3.5, edges=near + far),
        Line(across=True, at=size - 3.5, edges=near), Line(across=False, at=size - 3.5, edges=near),
    )  # fmt: skip


@functools.cache
def qr_layout(version: int) -> Layout:
    """The structure of a QR Code symbol of ``version`` (1-40)."""
    size = 17 + 4 * version
    segments = (
        _finder("upper left finder pattern", "左上位置探测图形", 0, 0, size),
        _finder("upper right finder pattern", "右上位置探测图形", 0, size - 8, size),
        _finder("lower left finder pattern", "左下位置探测图形", size - 8, 0, size),
        _timing(size),
    )
    return Layout(
        symbology="QR Code", size=str(version), rows=size, columns=size, quiet_zone=4,
        segments=segments, average_segments=False, lines=_lines(size),
        read=functools.partial(_read, version),
    )  # fmt: skip
