"""Symbols and artwork against their peers, measured in the same run (issue: symbols and artwork).

Targets, as ratios of the peer's time to ours:
- EAN-13 to SVG                          >= 2x zint-bindings and >= 50x python-barcode
- EAN-13 to PNG at 2 px per module       >= 1x zint-bindings
- GS1 Digital Link QR to SVG             >= 5x segno
- a 10,000-label A4 sheet PDF            faster than reportlab's own barcode drawing of it
"""

from __future__ import annotations

import io
import os
import timeit
from collections.abc import Callable

import barcode
import segno
import zint
from barcode.writer import SVGWriter
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.shapes import Drawing as RLDrawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.numbers import report, sample_gtins
from tiaoma.render import artwork, geometry_for
from tiaoma.render.labels import label_sheet
from tiaoma.symbols import upcean
from tiaoma.symbols.matrix import qr

LABELS = int(os.environ.get("TIAOMA_BENCH_LABELS", "10000"))


def per_call(function: Callable[[str], object], values: list[str]) -> float:
    def loop() -> None:
        for value in values:
            function(value)

    return min(timeit.repeat(loop, number=1, repeat=3)) / len(values)


def tiaoma_svg(number: str) -> bytes:
    symbol = upcean.ean13(number)
    return artwork(symbol, geometry_for(symbol), "svg")


def tiaoma_png(number: str) -> bytes:
    symbol = upcean.ean13(number)
    return artwork(symbol, geometry_for(symbol), "png", module_px=2)


def zint_output(number: str, suffix: str) -> bytes:
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.EANX
    symbol.output_options = zint.OutputOptions.BARCODE_MEMORY_FILE
    symbol.outfile = f"out.{suffix}"
    symbol.scale = 1.0  # Zint's scale 1 draws 2 pixels per module
    symbol.encode(number)
    symbol.print()
    return bytes(symbol.memfile)


def python_barcode_svg(number: str) -> bytes:
    rendered: bytes = barcode.get("ean13", number[:12], writer=SVGWriter()).render()
    return rendered


def dl_urls(count: int) -> list[str]:
    return [
        f"https://id.gs1.org/01/0{gtin}/10/LOT{i}?17=261231"
        for i, gtin in enumerate(sample_gtins(count, seed=5))
    ]


def tiaoma_qr_svg(url: str) -> bytes:
    symbol = qr(url)
    return artwork(symbol, geometry_for(symbol), "svg")


def segno_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg")
    return out.getvalue()


def reportlab_sheet(codes: list[str]) -> bytes:
    """reportlab's own EAN-13 widget, 3 x 8 labels per A4 page."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    width, height = A4
    for index, code in enumerate(codes):
        slot = index % 24
        if slot == 0 and index:
            canvas.showPage()
        widget = Ean13BarcodeWidget(code[:12])
        x0, y0, x1, y1 = widget.getBounds()
        drawing = RLDrawing(x1 - x0, y1 - y0)
        drawing.add(widget)
        x = 20 + (slot % 3) * (width - 40) / 3
        y = height - 20 - (slot // 3 + 1) * (height - 40) / 8
        renderPDF.draw(drawing, canvas, x, y)
    canvas.save()
    return out.getvalue()


def _sheet_times(codes: list[str]) -> tuple[float, float]:
    ours = min(timeit.repeat(lambda: label_sheet([(c, None) for c in codes]), number=1, repeat=1))
    theirs = min(timeit.repeat(lambda: reportlab_sheet(codes), number=1, repeat=1))
    return ours, theirs


def main() -> int:
    numbers = sample_gtins(2000, seed=21)
    svg = per_call(tiaoma_svg, numbers)
    urls = dl_urls(300)
    zint_svg = per_call(lambda n: zint_output(n, "svg"), numbers)
    zint_png = per_call(lambda n: zint_output(n, "png"), numbers[:500])
    results = [
        report("EAN-13 SVG vs zint-bindings", svg, zint_svg, 2),
        report(
            "EAN-13 SVG vs python-barcode", svg, per_call(python_barcode_svg, numbers[:300]), 50
        ),
        report("EAN-13 PNG 2 px/module vs zint", per_call(tiaoma_png, numbers[:500]), zint_png, 1),
        report(
            "GS1 Digital Link QR SVG vs segno",
            per_call(tiaoma_qr_svg, urls),
            per_call(segno_svg, urls),
            5,
        ),
        report(
            f"{LABELS:,}-label A4 sheet PDF vs reportlab",
            *_sheet_times(sample_gtins(LABELS, 9)),
            1,
            unit="s",
        ),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
