"""Writers: a symbol's layout and a geometry in, SVG / PDF / EPS / PNG bytes out.

Writers know only the :class:`~tiaoma.render.layout.Drawing` (module units and a scale), never
the symbology: each symbol is laid out once by :func:`~tiaoma.render.layout.layout`.
:func:`artwork` is the one call for any format: SVG and PNG come from the template writers
(:mod:`tiaoma.render.template`, the same output many times faster), PDF and EPS from
:mod:`tiaoma.render.vector`.

>>> from tiaoma.symbols import upcean
>>> symbol = upcean.ean13("6936983800013")
>>> artwork(symbol, geometry_for(symbol), "png", dpi=300)[:4]
b'\\x89PNG'
"""

from typing import Literal

from tiaoma.render import template, vector
from tiaoma.render.layout import ArtworkWarning, Drawing, Geometry, geometry_for, layout
from tiaoma.symbols.base import Symbol

__all__ = [
    "FORMATS",
    "ArtworkWarning",
    "Drawing",
    "Format",
    "Geometry",
    "artwork",
    "geometry_for",
    "layout",
]

#: The file formats :func:`artwork` writes (the type of its ``kind``).
Format = Literal["svg", "png", "pdf", "eps"]
FORMATS: tuple[Format, ...] = ("svg", "png", "pdf", "eps")


def artwork(symbol: Symbol, geometry: Geometry, kind: Format, *, dpi: float = 600,
            module_px: int | None = None, bwr_px: int | None = None) -> bytes:  # fmt: skip
    """``symbol`` drawn at ``geometry`` as an SVG, PNG (at ``dpi``), PDF or EPS file."""
    if kind == "svg":
        return template.svg(symbol, geometry)
    if kind == "png":
        return template.png(symbol, geometry, dpi=dpi, module_px=module_px, bwr_px=bwr_px)
    drawing = layout(symbol, geometry)
    return vector.to_pdf(drawing) if kind == "pdf" else vector.to_eps(drawing)
