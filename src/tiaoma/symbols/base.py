"""What every encoder returns: the module pattern and the layout facts; nothing drawn.

A :class:`Symbol` is rows of modules (``"1"`` dark, ``"0"`` light) plus what a renderer needs
to place them: each row's height, the quiet zones, the guard bars that reach down into the text
band (EAN/UPC), the human-readable text and where it goes, the ``>`` light-margin mark. The
renderers (:mod:`tiaoma.render`) take only this and the physical geometry, so an encoder never
knows about millimetres and a renderer never knows about symbologies (segno's "writers operate
upon a matrix"). Symbols and their parts are named tuples: artwork is drawn thousands of
symbols a second, and a tuple is made several times faster than a frozen dataclass.
"""

from __future__ import annotations

import enum
from typing import Literal, NamedTuple

__all__ = ["QuietZone", "Row", "Symbol", "Symbology", "TextItem"]


class Symbology(enum.Enum):
    """The symbologies tiaoma encodes: a display name and the ISO/IEC 15424 identifier."""

    EAN13 = ("EAN-13", "]E0")
    EAN8 = ("EAN-8", "]E4")
    UPCA = ("UPC-A", "]E0")  # UPC-A reads as the EAN-13 with a leading 0 (ISO/IEC 15420)
    UPCE = ("UPC-E", "]E0")  # and UPC-E as its UPC-A expanded
    EAN2 = ("EAN-2 add-on", "]E1")  # an add-on alone; after its main symbol it is ]E3
    EAN5 = ("EAN-5 add-on", "]E2")
    ITF = ("ITF", "]I0")
    ITF14 = ("ITF-14", "]I1")  # check digit present and checked
    CODE128 = ("Code 128", "]C0")
    GS1_128 = ("GS1-128", "]C1")
    CODE39 = ("Code 39", "]A0")
    CODE39_EXTENDED = ("Code 39 full ASCII", "]A4")
    DATABAR_OMNI = ("GS1 DataBar Omnidirectional", "]e0")
    DATABAR_TRUNCATED = ("GS1 DataBar Truncated", "]e0")
    DATABAR_STACKED = ("GS1 DataBar Stacked", "]e0")
    DATABAR_STACKED_OMNI = ("GS1 DataBar Stacked Omnidirectional", "]e0")
    DATABAR_LIMITED = ("GS1 DataBar Limited", "]e0")
    DATABAR_EXPANDED = ("GS1 DataBar Expanded", "]e0")
    DATABAR_EXPANDED_STACKED = ("GS1 DataBar Expanded Stacked", "]e0")
    QR = ("QR Code", "]Q1")
    GS1_QR = ("GS1 QR Code", "]Q3")
    DATAMATRIX = ("Data Matrix", "]d1")
    GS1_DATAMATRIX = ("GS1 DataMatrix", "]d2")
    PDF417 = ("PDF417", "]L2")
    # Han Xin is "h" with ]h2 for GS1 mode (BWIPP's CONTRIBUTING.md, "AIM Symbology Identifier
    # prefix", after ISO/IEC 20830 and ISO/IEC 15424); ]h0 for plain data is our reading.
    HANXIN = ("Han Xin Code", "]h0")
    GS1_HANXIN = ("GS1 Han Xin Code", "]h2")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def identifier(self) -> str:
        """The ISO/IEC 15424 symbology identifier a scanner prefixes to the data."""
        return self.value[1]


class Row(NamedTuple):
    """One row of modules; ``height`` in modules, or ``None`` for the symbol's bar height."""

    modules: str
    height: float | None = None


class QuietZone(NamedTuple):
    """Light margins in modules on each side (GB 12904: EAN-13 left 11, right 7)."""

    left: int
    right: int
    top: int = 0
    bottom: int = 0


class TextItem(NamedTuple):
    """Human-readable text placed under the bars.

    ``x`` is the centre of the text in modules from the left edge of the first module (negative
    in the left quiet zone, as EAN-13's leading digit); ``width`` the span of modules it may fill.
    """

    text: str
    x: float
    width: float
    anchor: Literal["middle"] = "middle"


class Symbol(NamedTuple):
    """An encoded symbol: rows of modules and the facts needed to lay it out."""

    symbology: Symbology
    data: str
    rows: tuple[Row, ...]
    quiet_zone: QuietZone
    #: Module ranges [start, end) whose bars extend down into the text band (EAN/UPC guards).
    guards: tuple[tuple[int, int], ...] = ()
    text: tuple[TextItem, ...] = ()
    #: Whether a ``>`` may mark the right quiet zone (GB 12904, EAN-13 and EAN-8).
    light_margin_mark: bool = False
    #: Bearer bars around (ITF-14, GS1 GenSpecs 5.3.2.5): their thickness in modules, 0 for none.
    bearer_bars: int = 0
    #: Where an EAN/UPC add-on begins (module index): its bars start lower, digits above them.
    addon_start: int | None = None
    #: Modules per X: a wide:narrow ratio of 5:2 draws X as 2 modules (Code 39, ITF).
    modules_per_x: int = 1
    #: The identifier when it is not the symbology's usual one (]A1: Code 39 with check).
    identifier: str | None = None

    @property
    def is_matrix(self) -> bool:
        """A two-dimensional symbol: every row one module high, no bar height to choose."""
        return all(row.height is not None for row in self.rows)

    @property
    def width(self) -> int:
        """Width in modules, quiet zones excluded."""
        return len(self.rows[0].modules)

    @property
    def adjustments(self) -> tuple[tuple[int, int, float], ...]:
        """Characters whose bars GB 12904 7.1.2 (table 4) widens or narrows by 1/13 module, the
        EAN/UPC digits 1, 2, 7, 8: (first module, end module, change of each bar in modules).
        Worked out on request: most artwork is drawn without them."""
        from tiaoma.symbols.upcean import digit_adjustments  # noqa: PLC0415 - imports this

        return digit_adjustments(self)

    @property
    def symbology_identifier(self) -> str:
        """The ISO/IEC 15424 identifier a scanner sends before the data."""
        return self.identifier or self.symbology.identifier
