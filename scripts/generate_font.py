#!/usr/bin/env python3
"""Generate the OCR-B glyph outlines the renderers draw human-readable text with.

    python scripts/generate_font.py [--font /usr/share/fonts/opentype/ocr-b/OCRB.otf]

GB 12904 prints the digits under EAN/UPC bars in OCR-B. Debian's ``fonts-ocr-b`` package holds
Matthew Skala's OCR-B (public domain; the glyph designs after Norbert Schwarz's, "you may freely
use, modify and/or distribute"). This script reads its outlines once with fontTools and writes
``src/tiaoma/data/ocrb.json``: for every printable ASCII character the advance width, the
outline as an SVG path (font units, y up) and the same outline flattened into polygons for the
PNG rasteriser. Text is then drawn as paths everywhere, so artwork prints the same on any
machine and tiaoma needs no font at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
OUT = ROOT / "src" / "tiaoma" / "data" / "ocrb.json"
CURVE_STEPS = 8  # segments per Bézier curve in the flattened polygons (sub-pixel at 1200 dpi)


class FlatteningPen(BasePen):  # type: ignore[misc]
    """Collects each contour as a list of points, curves flattened into straight segments."""

    def __init__(self, glyph_set: Any) -> None:
        super().__init__(glyph_set)
        self.contours: list[list[tuple[float, float]]] = []

    def _moveTo(self, point: tuple[float, float]) -> None:  # noqa: N802 - fontTools' names
        self.contours.append([point])

    def _lineTo(self, point: tuple[float, float]) -> None:  # noqa: N802
        self.contours[-1].append(point)

    def _curveToOne(  # noqa: N802
        self,
        p1: tuple[float, float],
        p2: tuple[float, float],
        p3: tuple[float, float],
    ) -> None:
        p0 = self.contours[-1][-1]
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            u = 1 - t
            self.contours[-1].append(
                (
                    u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                )
            )

    def _closePath(self) -> None:  # noqa: N802
        pass


def glyph_record(glyph_set: Any, name: str) -> dict[str, Any]:
    glyph = glyph_set[name]
    svg = SVGPathPen(glyph_set, ntos=lambda v: f"{v:g}")
    glyph.draw(svg)
    flat = FlatteningPen(glyph_set)
    glyph.draw(flat)
    polygons = [[round(c, 1) for point in contour for c in point] for contour in flat.contours]
    return {"advance": glyph.width, "path": svg.getCommands(), "polygons": polygons}


def generate(font_path: Path) -> dict[str, Any]:
    font = TTFont(font_path)
    glyph_set = font.getGlyphSet()
    cmap = font.getBestCmap()
    glyphs = {chr(code): glyph_record(glyph_set, cmap[code])
              for code in range(0x20, 0x7F) if code in cmap}  # fmt: skip
    return {
        "_generated": "scripts/generate_font.py: do not edit",
        "_source": f"{font_path.name} from Debian fonts-ocr-b (public domain OCR-B by Matthew "
        "Skala after Norbert Schwarz's permissive OCR-B)",
        "_source_sha256": hashlib.sha256(font_path.read_bytes()).hexdigest(),
        "units_per_em": font["head"].unitsPerEm,
        "cap_height": font["OS/2"].sCapHeight,
        "glyphs": glyphs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", type=Path, default=DEFAULT_FONT)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.font.exists():
        print(f"{args.font} is missing: apt-get install fonts-ocr-b", file=sys.stderr)
        return 2
    data = generate(args.font)
    args.out.write_text(
        json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, {len(data['glyphs'])} glyphs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
