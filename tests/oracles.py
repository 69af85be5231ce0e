"""Outside oracles for the tests (never imported by src/): Zint's module patterns."""

from __future__ import annotations

import numpy as np
import zint


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
