"""SVG: vector artwork in exact millimetres, compact enough to send by the thousand.

Every bar is one subpath of a single ``<path>`` (coordinates in mm, four decimals: 0.1 µm),
the human-readable digits are OCR-B outlines defined once and placed with ``<use>``, so the
file needs no font and prints the same everywhere. Bar width reduction narrows each bar by the
given amount, half on each side, keeping its centre (print-gain compensation).

:func:`to_svg` writes any :class:`~tiaoma.render.layout.Drawing`; the pieces it is made of
(:func:`bar_subpath`, :func:`glyph_use`, :func:`glyph_defs`, :func:`document_ends`...) are
shared with :mod:`tiaoma.render.template`, which writes the same bytes faster by reusing them.

>>> from tiaoma.symbols import upcean
>>> from tiaoma.render import geometry_for, layout
>>> symbol = upcean.ean13("6936983800013")
>>> svg = to_svg(layout(symbol, geometry_for(symbol)))
>>> svg[83:128].decode()
'width="37.29mm" height="26.26mm" viewBox="0 0'
"""

from __future__ import annotations

from collections.abc import Iterable

from tiaoma.render.layout import Drawing, Glyphs, Rect, font

__all__ = [
    "bar_subpath",
    "document_body",
    "document_ends",
    "glyph_defs",
    "glyph_use",
    "run_uses",
    "to_svg",
]

#: The advance of a character OCR-B lacks (the face is monospaced: every glyph's advance).
MISSING_ADVANCE = 723


def _mm(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def bar_subpath(bar: Rect, scale: float, reduction: float) -> str:
    """One bar as a closed subpath, ``reduction`` modules narrower, centred where it was."""
    width = (bar.w - reduction) * scale
    return (f"M{_mm((bar.x + reduction / 2) * scale)} {_mm(bar.y * scale)}"
            f"h{_mm(width)}v{_mm(bar.h * scale)}h{_mm(-width)}z")  # fmt: skip


def _glyph_id(char: str) -> str:
    return f"g{ord(char):x}"


def glyph_use(run: Glyphs, index: int, char: str, module_mm: float) -> str:
    """The ``<use>`` placing the ``index``-th character of ``run`` (``char``), or ``""``."""
    data = font()
    size = run.em * module_mm / data["units_per_em"]
    x = run.x * module_mm
    for _ in range(index):  # added up as a reader's pen moves, one advance at a time
        x += MISSING_ADVANCE * size
    glyph = data["glyphs"].get(char)
    if glyph is None or not glyph["path"]:  # a space, or a character OCR-B lacks
        return ""
    return (f'<use xlink:href="#{_glyph_id(char)}" transform="matrix('
            f'{size:.6g} 0 0 {-size:.6g} {_mm(x)} {_mm(run.baseline * module_mm)})"/>')  # fmt: skip


def run_uses(run: Glyphs, module_mm: float) -> str:
    """Every ``<use>`` of one text run."""
    return "".join(glyph_use(run, index, char, module_mm) for index, char in enumerate(run.text))


def glyph_defs(chars: Iterable[str]) -> str:
    """The outlines of ``chars`` that draw something, in code point order, for ``<defs>``."""
    glyphs = font()["glyphs"]
    drawn = sorted({c for c in chars if c in glyphs and glyphs[c]["path"]})
    return "".join(f'<path id="{_glyph_id(c)}" d="{glyphs[c]["path"]}"/>' for c in drawn)


def document_ends(width_mm: float, height_mm: float, colours: tuple[str, str]) -> tuple[str, str]:
    """The SVG file's head (up to the bars' path data) and its tail."""
    foreground, background = colours
    width, height = _mm(width_mm), _mm(height_mm)
    head = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}mm" height="{height}mm" viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" fill="{background}"/>'
            f'<g fill="{foreground}"><path d="')  # fmt: skip
    return head, "</g></svg>"


def document_body(head: str, path: str, defs: str, uses: str, tail: str) -> bytes:
    """The whole file: the bars' path, then the glyph outlines and their uses, if any."""
    text = f"<defs>{defs}</defs>{uses}" if uses else ""
    return f'{head}{path}"/>{text}{tail}'.encode("ascii")


def to_svg(drawing: Drawing) -> bytes:
    """The drawing as an SVG document whose user unit is the millimetre."""
    scale = drawing.module_mm
    path = "".join(bar_subpath(bar, scale, drawing.bwr_modules) for bar in drawing.bars)
    uses = "".join(run_uses(run, scale) for run in drawing.texts)
    defs = glyph_defs("".join(run.text for run in drawing.texts))
    head, tail = document_ends(drawing.width * scale, drawing.height * scale,
                               (drawing.foreground, drawing.background))  # fmt: skip
    return document_body(head, path, defs, uses, tail)
