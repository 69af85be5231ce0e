"""A gallery of every symbology tiaoma draws: PNGs and an HTML page to look at them by eye.

    tiaoma gallery out/

Each example is real data of its kind (seed examples where the seeds have them), encoded,
laid out and written as PNG at 300 dpi and as SVG; ``index.html`` shows them side by side.
"""

from __future__ import annotations

import html
from pathlib import Path

from tiaoma.render import template
from tiaoma.render.layout import geometry_for, layout
from tiaoma.symbols.base import Symbology
from tiaoma.symbols.choose import encode

__all__ = ["EXAMPLES", "write_gallery"]

#: One example per symbology: what a member company, a shop or a warehouse would print.
EXAMPLES: tuple[tuple[Symbology, str, str], ...] = (
    (Symbology.EAN13, "6936983800013", "seed 001: 693 · 69838 · 0001 · 3"),
    (Symbology.EAN8, "69012341", "EAN-8 (缩短码) from GS1 China"),
    (Symbology.UPCA, "012345678905", "UPC-A for North America"),
    (Symbology.UPCE, "04252614", "UPC-E, zero-suppressed"),
    (Symbology.EAN5, "52499", "5-digit add-on alone"),
    (Symbology.EAN2, "05", "2-digit add-on alone"),
    (Symbology.ITF14, "16936983800010", "ITF-14 for a case of 12, bearer bars"),
    (Symbology.ITF, "12345670", "Interleaved 2 of 5"),
    (Symbology.CODE128, "TIAOMA-2026", "Code 128"),
    (Symbology.GS1_128, "(01)06936983800013(17)261231(10)ABC123", "GS1-128"),
    (Symbology.CODE39, "CODE 39", "Code 39 (seed 003)"),
    (Symbology.CODE39_EXTENDED, "Code 39 full ASCII", "Code 39 full ASCII"),
    (Symbology.DATABAR_OMNI, "06936983800013", "GS1 DataBar Omnidirectional"),
    (Symbology.DATABAR_TRUNCATED, "06936983800013", "GS1 DataBar Truncated"),
    (Symbology.DATABAR_STACKED, "06936983800013", "GS1 DataBar Stacked"),
    (Symbology.DATABAR_STACKED_OMNI, "06936983800013", "GS1 DataBar Stacked Omnidirectional"),
    (Symbology.DATABAR_LIMITED, "06936983800013", "GS1 DataBar Limited"),
    (Symbology.DATABAR_EXPANDED, "(01)96901234567895(3202)000150",
     "seed 002: variable measure, 1.5 lb"),
    (Symbology.DATABAR_EXPANDED_STACKED, "(01)96901234567895(3202)000150(10)ABC123",
     "GS1 DataBar Expanded Stacked"),
    (Symbology.QR, "https://id.gs1.org/01/06936983800013/10/ABC123?17=261231",
     "GS1 Digital Link in a QR Code"),
    (Symbology.GS1_QR, "(01)06936983800013(17)261231(10)ABC123", "GS1 QR Code"),
    (Symbology.DATAMATRIX, "tiaoma 条码", "Data Matrix"),
    (Symbology.GS1_DATAMATRIX, "(01)06936983800013(17)261231(10)ABC123", "GS1 DataMatrix"),
    (Symbology.PDF417, "tiaoma: China's commodity barcode system", "PDF417"),
    (Symbology.HANXIN, "tiaoma 中国商品条码 汉信码", "Han Xin Code (汉信码, GB/T 21049)"),
    (Symbology.GS1_HANXIN, "(01)06936983800013(17)261231(10)ABC123", "GS1 Han Xin Code"),
)  # fmt: skip


def write_gallery(folder: Path, *, dpi: float = 300) -> Path:
    """Write one PNG and one SVG per example and ``index.html``; return the page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    cards = []
    for symbology, data, caption in EXAMPLES:
        symbol = encode(data, symbology)
        geometry = geometry_for(symbol)
        drawing = layout(symbol, geometry)
        name = symbology.name.lower()
        (folder / f"{name}.png").write_bytes(template.png(symbol, geometry, dpi=dpi))
        (folder / f"{name}.svg").write_bytes(template.svg(symbol, geometry))
        size = (
            f"{drawing.width * drawing.module_mm:.2f} × {drawing.height * drawing.module_mm:.2f} mm"
        )
        cards.append(
            f'<figure><img src="{name}.png" alt="{html.escape(symbology.label)}">'
            f"<figcaption><b>{html.escape(symbology.label)}</b> {symbol.symbology_identifier}<br>"
            f"{html.escape(symbol.data)}<br>{html.escape(caption)}<br>{size}</figcaption></figure>"
        )
    page = folder / "index.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><title>tiaoma gallery</title><style>'
        "body{font-family:sans-serif;display:flex;flex-wrap:wrap;gap:24px;padding:16px}"
        "figure{margin:0;width:300px}img{max-width:300px;border:1px solid #ddd}"
        "figcaption{font-size:12px}</style>" + "".join(cards),
        encoding="utf-8",
    )
    return page
