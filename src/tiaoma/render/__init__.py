"""Writers: a symbol's layout and a geometry in, SVG / PDF / EPS / PNG bytes out.

Writers know only the :class:`~tiaoma.render.layout.Drawing` (module units and a scale), never
the symbology: each symbol is laid out once by :func:`~tiaoma.render.layout.layout`.
"""

from tiaoma.render.layout import ArtworkWarning, Drawing, Geometry, geometry_for, layout

__all__ = ["ArtworkWarning", "Drawing", "Geometry", "geometry_for", "layout"]
