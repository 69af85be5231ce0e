"""Data Matrix ECC 200's structure for grading (ISO/IEC 16022:2006): sizes, data regions,
the finder and clock patterns, codeword placement and error correction blocks.

- Sizes (§5.1.1, Table 7): rows, columns, the data regions' size, the data and error
  correction codewords and the number of interleaved blocks (the rectangular sizes too;
  DMRE, ISO/IEC 21471, is not graded yet).
- Each data region is framed (§5.1.2): a solid line on its left and bottom (the L-shaped
  finder for the outer ones), alternating modules on its top and right (the clock track),
  dark at the region's top left and bottom right.
- Placement (§5.8.1 and Annex F): the "utah" shape walked diagonally across the mapping
  matrix, with the four corner shapes, the unfilled bottom-right corner left fixed.
- Blocks (§5.7.2): codeword ``i`` of the whole stream belongs to block ``i mod blocks``, data
  and error correction alike (in 144 × 144, whose 1558 data codewords do not share evenly,
  the first error correction codeword is block 8's); GF(256) on 0x12D, generator roots
  α^1 … α^d; no misdecode protection.

>>> layout = dm_layout(18, 18)
>>> layout.size, [segment.name for segment in layout.segments][:2]
('18x18', ['left finder (L1)', 'bottom finder (L2)'])
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

from tiaoma._reed_solomon import Field
from tiaoma.verify._layout import Block, Layout, Line, Reading, Segment

__all__ = ["SIZES", "dm_layout"]

#: (rows, columns): (region rows, region columns, data codewords, error correction
#: codewords, blocks); the region's size without its frame.
SIZES = {
    (10, 10): (8, 8, 3, 5, 1), (12, 12): (10, 10, 5, 7, 1), (14, 14): (12, 12, 8, 10, 1),
    (16, 16): (14, 14, 12, 12, 1), (18, 18): (16, 16, 18, 14, 1), (20, 20): (18, 18, 22, 18, 1),
    (22, 22): (20, 20, 30, 20, 1), (24, 24): (22, 22, 36, 24, 1), (26, 26): (24, 24, 44, 28, 1),
    (32, 32): (14, 14, 62, 36, 1), (36, 36): (16, 16, 86, 42, 1), (40, 40): (18, 18, 114, 48, 1),
    (44, 44): (20, 20, 144, 56, 1), (48, 48): (22, 22, 174, 68, 1), (52, 52): (24, 24, 204, 84, 2),
    (64, 64): (14, 14, 280, 112, 2), (72, 72): (16, 16, 368, 144, 4),
    (80, 80): (18, 18, 456, 192, 4), (88, 88): (20, 20, 576, 224, 4),
    (96, 96): (22, 22, 696, 272, 4), (104, 104): (24, 24, 816, 336, 6),
    (120, 120): (18, 18, 1050, 408, 6), (132, 132): (20, 20, 1304, 496, 8),
    (144, 144): (22, 22, 1558, 620, 10),
    (8, 18): (6, 16, 5, 7, 1), (8, 32): (6, 14, 10, 11, 1), (12, 26): (10, 24, 16, 14, 1),
    (12, 36): (10, 16, 22, 18, 1), (16, 36): (14, 16, 32, 24, 1), (16, 48): (14, 22, 49, 28, 1),
}  # fmt: skip
_FIELD = Field(0x12D, first_root=1)
_Placed = dict[tuple[int, int], tuple[int, int]]


class _Mapping:
    """Annex F: which codeword and bit (1 = most significant) each mapping-matrix module
    carries."""

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.placed: _Placed = {}

    def module(self, row: int, col: int, codeword: int, bit: int) -> None:
        if row < 0:
            row += self.rows
            col += 4 - (self.rows + 4) % 8
        if col < 0:
            col += self.columns
            row += 4 - (self.columns + 4) % 8
        self.placed[row, col] = (codeword, bit)

    def shape(self, codeword: int, cells: tuple[tuple[int, int], ...]) -> None:
        for bit, (row, col) in enumerate(cells, start=1):
            self.module(row, col, codeword, bit)

    def utah(self, row: int, col: int, codeword: int) -> None:
        self.shape(codeword, ((row - 2, col - 2), (row - 2, col - 1), (row - 1, col - 2),
                              (row - 1, col - 1), (row - 1, col), (row, col - 2),
                              (row, col - 1), (row, col)))  # fmt: skip

    def corner(self, which: int, codeword: int) -> None:
        n, m = self.rows, self.columns
        shapes = {
            1: ((n - 1, 0), (n - 1, 1), (n - 1, 2), (0, m - 2), (0, m - 1), (1, m - 1),
                (2, m - 1), (3, m - 1)),
            2: ((n - 3, 0), (n - 2, 0), (n - 1, 0), (0, m - 4), (0, m - 3), (0, m - 2),
                (0, m - 1), (1, m - 1)),
            3: ((n - 3, 0), (n - 2, 0), (n - 1, 0), (0, m - 2), (0, m - 1), (1, m - 1),
                (2, m - 1), (3, m - 1)),
            4: ((n - 1, 0), (n - 1, m - 1), (0, m - 3), (0, m - 2), (0, m - 1), (1, m - 3),
                (1, m - 2), (1, m - 1)),
        }  # fmt: skip
        self.shape(codeword, shapes[which])

    def walk(self) -> _Placed:
        n, m = self.rows, self.columns
        codeword, row, col = 0, 4, 0
        while row < n or col < m:
            for which, due in ((1, row == n and col == 0),
                               (2, row == n - 2 and col == 0 and m % 4 != 0),
                               (3, row == n - 2 and col == 0 and m % 8 == 4),
                               (4, row == n + 4 and col == 2 and m % 8 == 0)):  # fmt: skip
                if due:
                    self.corner(which, codeword)
                    codeword += 1
            while True:  # upwards to the right
                if row < n and col >= 0 and (row, col) not in self.placed:
                    self.utah(row, col, codeword)
                    codeword += 1
                row, col = row - 2, col + 2
                if not (row >= 0 and col < m):
                    break
            row, col = row + 1, col + 3
            while True:  # downwards to the left
                if row >= 0 and col < m and (row, col) not in self.placed:
                    self.utah(row, col, codeword)
                    codeword += 1
                row, col = row + 2, col - 2
                if not (row < n and col >= 0):
                    break
            row, col = row + 3, col + 1
        return self.placed


def _symbol_cell(row: int, col: int, region_rows: int, region_cols: int) -> tuple[int, int]:
    """A mapping-matrix module's place in the symbol, past the regions' frames."""
    return (row // region_rows * (region_rows + 2) + 1 + row % region_rows,
            col // region_cols * (region_cols + 2) + 1 + col % region_cols)  # fmt: skip


@functools.cache
def _placement(rows: int, columns: int) -> NDArray[np.int64]:
    """(codewords, 8, 2): each codeword's modules in the symbol, most significant first."""
    region_rows, region_cols, data, ec, _ = SIZES[rows, columns]
    across, down = columns // (region_cols + 2), rows // (region_rows + 2)
    placed = _Mapping(down * region_rows, across * region_cols).walk()
    cells = np.zeros((data + ec, 8, 2), dtype=np.int64)
    for (row, col), (codeword, bit) in placed.items():
        cells[codeword, bit - 1] = _symbol_cell(row, col, region_rows, region_cols)
    return cells


def _read(rows: int, columns: int, dark: NDArray[np.bool_]) -> Reading:
    _, _, data, ec, blocks = SIZES[rows, columns]
    cells = _placement(rows, columns)
    bits = dark[cells[..., 0], cells[..., 1]]
    values = tuple(int(v) for v in (bits * (1 << np.arange(7, -1, -1))).sum(axis=1))
    members = tuple(
        Block((*range(index, data, blocks),
               *range(data + (index - data) % blocks, data + ec, blocks)), ec // blocks, 0)
        for index in range(blocks)
    )  # fmt: skip
    inverted = np.zeros(cells.shape[:2], dtype=bool)
    return Reading(values, cells, inverted, members, _FIELD)


def _frame(rows: int, columns: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which modules frame a data region, and which of those are dark."""
    region_rows, region_cols = (size + 2 for size in SIZES[rows, columns][:2])
    row, col = np.indices((rows, columns))
    local_row, local_col = row % region_rows, col % region_cols
    top, bottom = local_row == 0, local_row == region_rows - 1
    left, right = local_col == 0, local_col == region_cols - 1
    frame = top | bottom | left | right
    dark = bottom | left | (top & (col % 2 == 0)) | (right & (row % 2 == 1))
    return frame, dark


def _segment(name: str, name_zh: str, cells: list[tuple[int, int]], dark: bool) -> Segment:
    array = np.array(cells, dtype=np.int64)
    return Segment(name, name_zh, array, np.full(len(cells), dark), by_share=True)


def _segments(rows: int, columns: int) -> tuple[Segment, ...]:
    """ISO/IEC 16022:2006's five fixed pattern segments (its symbol quality clause): L1, L2,
    their quiet zones QZL1 and QZL2, and the clock tracks with the inner regions' frames
    (OCTASA)."""
    frame, dark = _frame(rows, columns)
    frame[:, 0] = frame[rows - 1, :] = False
    inner = np.argwhere(frame)
    return (
        _segment("left finder (L1)", "左侧实线边（L1）", [(r, 0) for r in range(rows)], True),
        _segment(
            "bottom finder (L2)", "底部实线边（L2）", [(rows - 1, c) for c in range(columns)], True
        ),
        _segment(
            "left quiet zone (QZL1)", "左侧空白区（QZL1）", [(r, -1) for r in range(rows)], False
        ),
        _segment(
            "bottom quiet zone (QZL2)",
            "底部空白区（QZL2）",
            [(rows, c) for c in range(columns)],
            False,
        ),
        Segment(
            "clock tracks and inner frames (OCTASA)",
            "时钟轨道与内部框（OCTASA）",
            inner,
            dark[inner[:, 0], inner[:, 1]],
            by_share=True,
        ),
    )


def _lines(rows: int, columns: int) -> tuple[Line, ...]:
    return (
        Line(across=True, at=0.5, edges=tuple(range(columns))),
        Line(across=False, at=columns - 0.5, edges=tuple(range(1, rows + 1))),
        Line(across=False, at=0.5, edges=(0, rows)),
        Line(across=True, at=rows - 0.5, edges=(0, columns)),
    )


@functools.cache
def dm_layout(rows: int, columns: int) -> Layout:
    """The structure of a Data Matrix ECC 200 symbol of ``rows`` × ``columns`` modules."""
    return Layout(
        symbology="Data Matrix", size=f"{rows}x{columns}", rows=rows, columns=columns,
        quiet_zone=1, segments=_segments(rows, columns), average_segments=True,
        lines=_lines(rows, columns),
        read=functools.partial(_read, rows, columns),
    )  # fmt: skip
