"""What a 2D grader needs to know of a symbology's structure, in one shape for QR Code, Data
Matrix and (later) Han Xin Code: where its fixed patterns are and how they look, along which
lines its grid can be measured, and how its codewords are read from the modules and gathered
into Reed-Solomon blocks. :mod:`tiaoma.verify._qr_structure` and
:mod:`tiaoma.verify._dm_structure` build these; :mod:`tiaoma.verify.matrix` only reads them.

Module coordinates: ``(row, column)`` from the symbol's top-left module (the quiet zone has
negative or out-of-range ones); a point in the symbol is ``(u, v)`` in modules, ``u`` across.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from tiaoma._reed_solomon import Field

__all__ = ["Block", "Layout", "Line", "Reading", "Segment"]


@dataclass(frozen=True)
class Segment:
    """A part of the fixed patterns graded on its own (finder, timing, clock track, quiet
    zone): its modules and whether each should be dark."""

    name: str
    name_zh: str
    cells: NDArray[np.int64]
    """(k, 2) rows and columns."""
    dark: NDArray[np.bool_]
    by_share: bool
    """Damage allowed as a share of the modules (tracks), not a count (finders)."""


@dataclass(frozen=True)
class Line:
    """A line of the fixed patterns along which the module edges are known: ``edges`` are the
    positions (in modules, along the line) where light meets dark."""

    across: bool
    """True: a row (at ``v = at``, edges in ``u``); False: a column (at ``u = at``)."""
    at: float
    edges: tuple[int, ...]


@dataclass(frozen=True)
class Block:
    """One Reed-Solomon block: which codewords (indices into the reading) and how many of
    them correct errors; ``protection`` of those are kept for misdecode protection."""

    codewords: tuple[int, ...]
    ec_count: int
    protection: int


@dataclass(frozen=True)
class Reading:
    """The codewords as read from the modules."""

    values: tuple[int, ...]
    cells: NDArray[np.int64]
    """(codewords, 8, 2): each codeword's modules, most significant bit first."""
    inverted: NDArray[np.bool_]
    """(codewords, 8): where a module is dark for a 0 bit (QR's data mask)."""
    blocks: tuple[Block, ...]
    field: Field


@dataclass(frozen=True)
class Layout:
    """One symbol size's structure."""

    symbology: str
    size: str
    """As the symbology names its sizes (QR version "7", Data Matrix "18x18")."""
    rows: int
    columns: int
    quiet_zone: int
    segments: tuple[Segment, ...]
    average_segments: bool
    """Fixed pattern damage also limited by the segments' mean grade (Data Matrix)."""
    lines: tuple[Line, ...]
    read: Callable[[NDArray[np.bool_]], Reading]
    """The codewords from a (rows, columns) array of dark modules."""
