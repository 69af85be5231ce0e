"""OCR-B glyph outlines as drawing operations, for the PDF and EPS writers.

The generated font table holds each glyph as an SVG path in font units (y up); this turns it,
once per glyph, into absolute ``moveto``/``lineto``/``curveto``/``closepath`` operations.

>>> glyph_operations("1")[0]
('M', (144.0, 566.0))
"""

from __future__ import annotations

import re
from functools import cache

from tiaoma.render.layout import font

__all__ = ["Operation", "glyph_operations"]

Operation = tuple[str, tuple[float, ...]]
_TOKEN = re.compile(r"[MLCHVZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


@cache
def glyph_operations(char: str) -> tuple[Operation, ...]:
    """The outline of ``char`` as ``M``/``L``/``C``/``Z`` operations with absolute points."""
    glyph = font()["glyphs"].get(char)
    if glyph is None:
        return ()
    operations: list[Operation] = []
    x = y = 0.0
    command = ""
    numbers: list[float] = []
    for token in [*_TOKEN.findall(glyph["path"]), "Z"]:
        if token.isalpha():
            x, y = _flush(command, numbers, operations, x, y)
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return tuple(operations)


def _flush(command: str, numbers: list[float], operations: list[Operation], x: float,
           y: float) -> tuple[float, float]:  # fmt: skip
    """Append the operation(s) of one SVG command; return the new current point."""
    if command == "H":
        command, numbers = "L", [numbers[-1], y]
    elif command == "V":
        command, numbers = "L", [x, numbers[-1]]
    if command == "Z":
        if not operations or operations[-1][0] != "Z":
            operations.append(("Z", ()))
        return x, y
    size = {"M": 2, "L": 2, "C": 6}.get(command, 0)
    for start in range(0, len(numbers) - size + 1, size) if size else ():
        points = tuple(numbers[start : start + size])
        operations.append((command if start == 0 or command != "M" else "L", points))
        x, y = points[-2], points[-1]
    return x, y
