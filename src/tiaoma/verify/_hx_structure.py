"""Han Xin Code's structure for grading (ISO/IEC 20830:2021, identical to GB/T 21049-2022),
from tiaoma's own encoder (:mod:`tiaoma.symbols.hanxin`, whose structure functions are public
for its reader and for this) and reader (:mod:`tiaoma.readers.hanxin`, for the function
information): nothing of the symbology is restated here.

- Fixed patterns (§5.3.1-5.3.2): the four 7 × 7 finder patterns with their one-module light
  separators, an 8 × 8 segment in each corner graded as QR Code's finders are (our reading:
  ISO/IEC 20830's own fixed pattern segments were not available to us);
- grid lines: the rows and columns through the finders' edge rows and centres, their edges
  where the finder pattern and separator change between light and dark (the quiet zone, 3
  modules, light beyond the symbol's edge);
- codewords (§5.8): the data modules in placement order, the data mask from the function
  information, the interleaving by 13 undone to give each Reed-Solomon block its codewords;
  GF(256) on 0x163, generator roots α^1 … α^2t (§5.7), no misdecode protection.

>>> layout = hx_layout(2)
>>> layout.rows, [segment.name for segment in layout.segments][0], layout.lines[0].edges
(25, 'upper left finder pattern', (0, 7, 18, 25))
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

from tiaoma._reed_solomon import Field
from tiaoma.readers.hanxin import read_function_information
from tiaoma.symbols import hanxin
from tiaoma.verify._layout import Block, Layout, Line, Reading, Segment

__all__ = ["hx_layout"]

_FIELD = Field(0x163, first_root=1)
#: §5.2: the quiet zone, 3 modules on every side.
QUIET_ZONE = 3
_CORNERS = (
    ("upper left finder pattern", "左上寻像图形", 0, 0),
    ("upper right finder pattern", "右上寻像图形", 0, 1),
    ("lower left finder pattern", "左下寻像图形", 1, 0),
    ("lower right finder pattern", "右下寻像图形", 1, 1),
)


def _segments(version: int) -> tuple[Segment, ...]:
    size, pattern = hanxin.side(version), hanxin.function_pattern(version)
    segments = []
    for name, name_zh, bottom, right in _CORNERS:
        rows = np.arange(size - 8, size) if bottom else np.arange(8)
        cols = np.arange(size - 8, size) if right else np.arange(8)
        cells = np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1).reshape(-1, 2)
        dark = pattern[cells[:, 0], cells[:, 1]]
        segments.append(Segment(name, name_zh, cells, np.asarray(dark), by_share=False))
    return tuple(segments)


def _edges(states: dict[int, bool]) -> tuple[int, ...]:
    """Where two known neighbours along a line differ."""
    return tuple(k for k in sorted(states) if k - 1 in states and states[k - 1] != states[k])


def _lines(version: int, segments: tuple[Segment, ...]) -> tuple[Line, ...]:
    size = hanxin.side(version)
    lines = []
    for across in (True, False):
        for fixed in (0, 3, size - 4, size - 1):
            states = {-1: False, size: False}  # the quiet zone, both ends
            for segment in segments:
                for (row, col), dark in zip(segment.cells.tolist(), segment.dark.tolist(),
                                            strict=True):  # fmt: skip
                    if (row if across else col) == fixed:
                        states[col if across else row] = bool(dark)
            lines.append(Line(across=across, at=fixed + 0.5, edges=_edges(states)))
    return tuple(lines)


def _blocks(version: int, level: int) -> tuple[Block, ...]:
    """§5.8.2: stream position p carries block-order codeword ``order[p]``, where ``order``
    is 0, 13, 26, … then 1, 14, …; the blocks take the block order in turn (Table D.1)."""
    count = hanxin.codeword_count(version)
    order = np.concatenate([np.arange(start, count, 13) for start in range(13)])
    position = np.empty(count, dtype=np.int64)
    position[order] = np.arange(count)
    blocks, at = [], 0
    for repeat, data, check in hanxin.error_correction_blocks(version, level):
        for _ in range(repeat):
            members = tuple(int(p) for p in position[at : at + data + check])
            blocks.append(Block(members, check, 0))
            at += data + check
    return tuple(blocks)


def _read(version: int, dark: NDArray[np.bool_]) -> Reading:
    _, level, mask, _ = read_function_information(dark)
    size, count = hanxin.side(version), hanxin.codeword_count(version)
    flat = hanxin.data_positions(version)[: 8 * count].reshape(count, 8)
    cells = np.stack([flat // size, flat % size], axis=-1).astype(np.int64)
    inverted = np.asarray(hanxin.mask_pattern(version, mask))[cells[..., 0], cells[..., 1]]
    bits = dark[cells[..., 0], cells[..., 1]] ^ inverted
    values = tuple(int(v) for v in (bits * (1 << np.arange(7, -1, -1))).sum(axis=1))
    return Reading(values, cells, inverted, _blocks(version, level), _FIELD)


@functools.cache
def hx_layout(version: int) -> Layout:
    """The structure of a Han Xin Code symbol of ``version`` (1-84)."""
    segments = _segments(version)
    size = hanxin.side(version)
    return Layout(
        symbology="Han Xin Code", size=str(version), rows=size, columns=size,
        quiet_zone=QUIET_ZONE, segments=segments, average_segments=False,
        lines=_lines(version, segments), read=functools.partial(_read, version),
    )  # fmt: skip
