"""Outside oracles for the tests (never imported by src/): Zint's module patterns."""

from __future__ import annotations

import numpy as np
import zint
import zxingcpp

from tiaoma.render import geometry_for, layout
from tiaoma.render.png import to_image
from tiaoma.symbols import Symbol


def zint_modules(
    symbology: zint.Symbology,
    data: str,
    input_mode: zint.InputMode | None = None,
    **options: object,
) -> list[str]:
    """Zint's rows of modules for ``data`` (oracles.md): '1' dark, '0' light."""
    symbol = zint.Symbol()
    symbol.symbology = symbology
    if input_mode is not None:
        symbol.input_mode = input_mode
    for name, value in options.items():
        setattr(symbol, name, value)
    symbol.encode(data)
    bits = np.unpackbits(np.array(symbol.encoded_data), axis=1, bitorder="little")
    return ["".join(map(str, bits[row, : symbol.width])) for row in range(symbol.rows)]


def zxing_read(symbol: Symbol, pixels: int = 2) -> zxingcpp.Barcode:
    """The one result zxing-cpp reads from ``symbol`` drawn by tiaoma's own PNG renderer."""
    image = ~to_image(layout(symbol, geometry_for(symbol)), module_px=pixels)
    results = zxingcpp.read_barcodes(
        image.astype(np.uint8) * 255, try_downscale=False, text_mode=zxingcpp.TextMode.Plain
    )
    assert len(results) == 1, results
    return results[0]
