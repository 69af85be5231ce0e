"""Chinese text in PDFs as outlines: every glyph drawn from the system's CJK font, so a document
needs no font to print the same everywhere (as the barcodes' OCR-B digits).

The font is ``settings.CJK_FONT`` (default Debian's Noto Sans CJK, package fonts-noto-cjk); the
Simplified Chinese face of the collection is used. Outlines are read on first use and kept.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTCollection, TTFont

from hall.core.errors import Unavailable

__all__ = ["FontMissing", "text_operators", "text_width"]


class FontMissing(Unavailable):
    """No CJK font where the settings say."""

    code = "font_missing"


class _PdfPen(BasePen):  # type: ignore[misc]  # fontTools has no type hints
    """Collects a glyph's outline as PDF path operators (quadratic curves made cubic)."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.parts: list[str] = []

    def _moveTo(self, point: tuple[float, float]) -> None:  # noqa: N802 - fontTools' names
        self.parts.append(f"{point[0]:g} {point[1]:g} m")

    def _lineTo(self, point: tuple[float, float]) -> None:  # noqa: N802
        self.parts.append(f"{point[0]:g} {point[1]:g} l")

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float],  # noqa: N802
                    p3: tuple[float, float]) -> None:  # fmt: skip
        self.parts.append(f"{p1[0]:g} {p1[1]:g} {p2[0]:g} {p2[1]:g} {p3[0]:g} {p3[1]:g} c")

    def _closePath(self) -> None:  # noqa: N802
        self.parts.append("h")


@cache
def _font() -> TTFont:
    path = Path(settings.CJK_FONT)
    if not path.exists():
        raise FontMissing(_("缺少中文字体 %(path)s：请安装 fonts-noto-cjk，或设置 HALL_CJK_FONT")
                          % {"path": path})  # fmt: skip
    if path.suffix.lower() == ".ttc":
        fonts = TTCollection(str(path)).fonts
        return next((f for f in fonts if f["name"].getDebugName(1).endswith(" SC")), fonts[0])
    return TTFont(str(path))


@cache
def _glyph(char: str) -> tuple[str, float]:
    """(PDF path in units of 1/1000 em, advance in em) of one character."""
    font = _font()
    glyph_name = font.getBestCmap().get(ord(char), ".notdef")
    glyph_set = font.getGlyphSet()
    pen = _PdfPen(glyph_set)
    glyph_set[glyph_name].draw(pen)
    units = font["head"].unitsPerEm
    advance = font["hmtx"][glyph_name][0] / units
    scale = 1000 / units
    path = " ".join(pen.parts)
    if scale != 1:
        path = f"{scale:g} 0 0 {scale:g} 0 0 cm {path}"
    return path, advance


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at ``size`` points."""
    return sum(_glyph(char)[1] for char in text) * size


def text_operators(text: str, x: float, y: float, size: float) -> str:
    """PDF content operators filling ``text`` with its baseline starting at (x, y), in points."""
    parts = []
    for char in text:
        path, advance = _glyph(char)
        if path:
            parts.append(f"q {size / 1000:g} 0 0 {size / 1000:g} {x:.3f} {y:.3f} cm {path} f Q")
        x += advance * size
    return "\n".join(parts)
