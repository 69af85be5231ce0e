"""PDF and EPS: vector artwork for printers, in points (1/72 inch), text as OCR-B outlines.

Both describe the same drawing with the same operations: filled rectangles for the bars (bar
width reduction taken off both sides, keeping centres) and filled outlines for the glyphs, so
the files need no font. Coordinates carry four decimals of a point (0.035 µm).

>>> from tiaoma.symbols import upcean
>>> from tiaoma.render import geometry_for, layout
>>> symbol = upcean.ean13("6936983800013")
>>> to_pdf(layout(symbol, geometry_for(symbol)))[:8]
b'%PDF-1.4'
>>> b"%%HiResBoundingBox: 0 0 105.7039 74.4378" in to_eps(layout(symbol, geometry_for(symbol)))
True
"""

from __future__ import annotations

import re
import zlib

from tiaoma.render.layout import Drawing, font
from tiaoma.render.outlines import glyph_operations

__all__ = ["POINTS_PER_MM", "page_content", "pdf_document", "to_eps", "to_pdf"]

#: Points in a millimetre: PDF and PostScript measure in points of 1/72 inch (ISO 32000-1 8.3.2.3),
#: drawings in millimetres. ``page_content``'s origin and ``pdf_document``'s page sizes are points:
#: an A4 page (ISO 216) is ``(210 * POINTS_PER_MM, 297 * POINTS_PER_MM)``.
POINTS_PER_MM = 72 / 25.4
_PDF_OPERATORS = {"M": "m", "L": "l", "C": "c", "Z": "h"}
_PS_OPERATORS = {"M": "moveto", "L": "lineto", "C": "curveto", "Z": "closepath"}


def _pt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _colour(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return f"{_pt(red)} {_pt(green)} {_pt(blue)}"


def _size_pt(drawing: Drawing) -> tuple[float, float]:
    scale = drawing.module_mm * POINTS_PER_MM
    return drawing.width * scale, drawing.height * scale


def _bars(drawing: Drawing, rectangle: str, x0: float, y0: float) -> list[str]:
    """One ``x y w h <rectangle>`` per bar; y upwards from the drawing's foot at ``y0``."""
    scale = drawing.module_mm * POINTS_PER_MM
    height = drawing.height
    reduction = drawing.bwr_modules
    return [f"{_pt(x0 + (bar.x + reduction / 2) * scale)} "
            f"{_pt(y0 + (height - bar.y - bar.h) * scale)} "
            f"{_pt((bar.w - reduction) * scale)} {_pt(bar.h * scale)} {rectangle}"
            for bar in drawing.bars]  # fmt: skip


def _glyphs(drawing: Drawing, operators: dict[str, str], fill: str, x0: float,
            y0: float) -> list[str]:  # fmt: skip
    scale = drawing.module_mm * POINTS_PER_MM
    units = font()["units_per_em"]
    parts = []
    for run in drawing.texts:
        size = run.em * scale / units
        x = x0 + run.x * scale
        y = y0 + (drawing.height - run.baseline) * scale
        for char in run.text:
            for command, points in glyph_operations(char):
                coordinates = " ".join(
                    _pt(x + value * size if index % 2 == 0 else y + value * size)
                    for index, value in enumerate(points)
                )
                parts.append(f"{coordinates} {operators[command]}".lstrip())
            if glyph_operations(char):
                parts.append(fill)
            x += font()["glyphs"].get(char, {"advance": 723})["advance"] * size
    return parts


def page_content(drawing: Drawing, x0: float = 0.0, y0: float = 0.0, *,
                 background: bool = True) -> str:  # fmt: skip
    """PDF content-stream operators drawing ``drawing`` with its foot-left corner at (x0, y0),
    in points from the page's foot-left corner. The glyphs are used as form XObjects, so the
    content belongs on a page of :func:`pdf_document`, which defines them."""
    width, height = _size_pt(drawing)
    parts = []
    if background:
        parts.append(f"{_colour(drawing.background)} rg {_pt(x0)} {_pt(y0)} {_pt(width)} "
                     f"{_pt(height)} re f")  # fmt: skip
    parts.append(f"{_colour(drawing.foreground)} rg")
    parts += _bars(drawing, "re", x0, y0)
    parts.append("f")
    parts += _glyph_uses(drawing, x0, y0)
    return "\n".join(parts)


def _glyph_name(char: str) -> str:
    return f"G{ord(char):x}"


def _glyph_uses(drawing: Drawing, x0: float, y0: float) -> list[str]:
    """Each glyph placed as a form XObject: its outline is written once per document
    (ISO 32000-1 8.10), which keeps a sheet of 10,000 labels small."""
    scale = drawing.module_mm * POINTS_PER_MM
    units = font()["units_per_em"]
    uses = []
    for run in drawing.texts:
        size = run.em * scale / units
        x = x0 + run.x * scale
        y = _pt(y0 + (drawing.height - run.baseline) * scale)
        for char in run.text:
            if glyph_operations(char):
                uses.append(
                    f"q {size:.6g} 0 0 {size:.6g} {_pt(x)} {y} cm /{_glyph_name(char)} Do Q"
                )
            x += font()["glyphs"].get(char, {"advance": 723})["advance"] * size
    return uses


def _glyph_form(char: str, colour: str) -> bytes:
    """The outline of ``char`` in font units as a form XObject stream."""
    path = " ".join(f"{' '.join(_pt(v) for v in points)} {_PDF_OPERATORS[command]}".lstrip()
                    for command, points in glyph_operations(char))  # fmt: skip
    stream = zlib.compress(f"{colour} rg {path} f".encode("ascii"))
    return (
        b"<< /Type /XObject /Subtype /Form /BBox [-100 -400 1100 1100] /Filter /FlateDecode "
        + f"/Length {len(stream)} >>\nstream\n".encode()
        + stream
        + b"\nendstream"
    )


_GLYPH_USE = re.compile(r"/G([0-9a-f]+) Do")


def pdf_document(pages: list[tuple[float, float, str]], fonts: str = "",
                 colour: str = "0 0 0") -> bytes:  # fmt: skip
    """A PDF 1.4 file of ``pages``, each (width pt, height pt, content stream), in that order.

    The content streams are ASCII PDF operators (ISO 32000-1 8 and 9): :func:`page_content` for
    each symbol, and whatever else the page draws around them. The OCR-B glyphs the pages use are
    written once, as form XObjects every page can use (ISO 32000-1 8.10); ``colour`` is their
    fill, as ``r g b`` in 0-1. ``fonts`` is a ``/Font << ... >>`` resource entry for pages that
    also set text in a font of their own.

    >>> from tiaoma.render import geometry_for, layout
    >>> from tiaoma.symbols import upcean
    >>> symbol = upcean.ean13("6936983800013")
    >>> drawing = layout(symbol, geometry_for(symbol))
    >>> a4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
    >>> at = (20 * POINTS_PER_MM, 250 * POINTS_PER_MM)   # 20 mm from the left, 250 mm up
    >>> pdf = pdf_document([(*a4, page_content(drawing, *at)), (*a4, "")])
    >>> pdf.count(b"/Type /Page "), pdf.count(b"/MediaBox [0 0 595.2756 841.8898]")
    (2, 2)
    """
    used = sorted({chr(int(code, 16)) for _, _, content in pages
                   for code in _GLYPH_USE.findall(content)})  # fmt: skip
    first_glyph = 3 + 2 * len(pages)
    xobjects = " ".join(f"/{_glyph_name(c)} {first_glyph + i} 0 R" for i, c in enumerate(used))
    resources = f"<< /XObject << {xobjects} >> {fonts} >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for index, (width, height, content) in enumerate(pages):
        stream = zlib.compress(content.encode("ascii"), 6)
        box = f"[0 0 {_pt(width)} {_pt(height)}]"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Contents {4 + 2 * index}"
                       f" 0 R /Resources {resources} >>".encode())  # fmt: skip
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
                       + stream + b"\nendstream")  # fmt: skip
    objects += [_glyph_form(char, colour) for char in used]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()  # fmt: skip
    return bytes(out)


def to_pdf(drawing: Drawing) -> bytes:
    """The drawing as a one-page PDF exactly its own size."""
    width, height = _size_pt(drawing)
    return pdf_document(
        [(width, height, page_content(drawing))], colour=_colour(drawing.foreground)
    )


def to_eps(drawing: Drawing) -> bytes:
    """The drawing as Encapsulated PostScript (EPSF-3.0) for designers' layout programs."""
    width, height = _size_pt(drawing)
    parts = [
        "%!PS-Adobe-3.0 EPSF-3.0",
        f"%%BoundingBox: 0 0 {int(-(-width // 1))} {int(-(-height // 1))}",
        f"%%HiResBoundingBox: 0 0 {_pt(width)} {_pt(height)}",
        "%%Creator: tiaoma",
        "%%EndComments",
        f"{_colour(drawing.background)} setrgbcolor 0 0 {_pt(width)} {_pt(height)} rectfill",
        f"{_colour(drawing.foreground)} setrgbcolor",
        *_bars(drawing, "rectfill", 0.0, 0.0),
        "newpath",
        *_glyphs(drawing, _PS_OPERATORS, "fill newpath", 0.0, 0.0),
        "showpage",
        "%%EOF",
    ]
    return ("\n".join(parts) + "\n").encode("ascii")
