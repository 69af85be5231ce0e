"""SVG: vector artwork in exact millimetres, compact enough to send by the thousand.

Every bar is one subpath of a single ``<path>`` (coordinates in mm, four decimals: 0.1 µm),
the human-readable digits are OCR-B outlines defined once and placed with ``<use>``, so the
file needs no font and prints the same everywhere. Bar width reduction narrows each bar by the
given amount, half on each side, keeping its centre (print-gain compensation).

>>> from tiaoma.symbols import upcean
>>> from tiaoma.render import geometry_for, layout
>>> symbol = upcean.ean13("6936983800013")
>>> svg = to_svg(layout(symbol, geometry_for(symbol)))
>>> svg[83:128].decode()
'width="37.29mm" height="26.26mm" viewBox="0 0'
"""

from __future__ import annotations

from tiaoma.render.layout import Drawing, font

__all__ = ["to_svg"]


def _mm(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _bars_path(drawing: Drawing) -> str:
    scale = drawing.module_mm
    reduction = drawing.bwr_modules
    parts = []
    for bar in drawing.bars:
        width = (bar.w - reduction) * scale
        parts.append(f"M{_mm((bar.x + reduction / 2) * scale)} {_mm(bar.y * scale)}"
                     f"h{_mm(width)}v{_mm(bar.h * scale)}h{_mm(-width)}z")  # fmt: skip
    return "".join(parts)


def _glyph_id(char: str) -> str:
    return f"g{ord(char):x}"


def _text(drawing: Drawing) -> tuple[str, str]:
    """The ``<defs>`` of the glyphs used and the ``<use>`` elements placing them."""
    data = font()
    units = data["units_per_em"]
    used: dict[str, str] = {}
    uses = []
    for run in drawing.texts:
        size = run.em * drawing.module_mm / units
        x = run.x * drawing.module_mm
        baseline = run.baseline * drawing.module_mm
        for char in run.text:
            glyph = data["glyphs"].get(char)
            if glyph is None:  # a character OCR-B lacks: leave the space it would take
                x += run.em * drawing.module_mm * 0.723
                continue
            if glyph["path"]:
                used[char] = glyph["path"]
                uses.append(f'<use xlink:href="#{_glyph_id(char)}" transform="matrix('
                            f'{size:.6g} 0 0 {-size:.6g} {_mm(x)} {_mm(baseline)})"/>')  # fmt: skip
            x += glyph["advance"] * size
    defs = "".join(f'<path id="{_glyph_id(c)}" d="{path}"/>' for c, path in used.items())
    return defs, "".join(uses)


def to_svg(drawing: Drawing) -> bytes:
    """The drawing as an SVG document whose user unit is the millimetre."""
    width, height = _mm(drawing.width * drawing.module_mm), _mm(drawing.height * drawing.module_mm)
    defs, uses = _text(drawing)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}mm" height="{height}mm" viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="{drawing.background}"/>',
        f'<g fill="{drawing.foreground}">',
        f'<path d="{_bars_path(drawing)}"/>',
    ]
    if uses:
        parts += [f"<defs>{defs}</defs>", uses]
    parts.append("</g></svg>")
    return "".join(parts).encode("ascii")
