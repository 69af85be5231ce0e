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


#: BWIPP as treepoem ships it (a test dependency), run by Ghostscript (the ghostscript package).
BWIPP_EVERY = """\
/uk.co.terryburton.bwipp.global_ctx << /enabledontdraw true >> def
(%s) run
/encoder /%s /uk.co.terryburton.bwipp findresource def
"""
#: One symbol: its width in modules and its modules, or the error BWIPP raised, on one line each.
BWIPP_ONE = """\
{ 0 0 moveto %s %s encoder
  dup /pixx get =only ( ) print /pixs get { =only } forall (\\n) print
} stopped { (! ) print $error /errorname get =only ( ) print $error /errorinfo get =only (\\n) print
  clear } if
"""


def bwipp_matrices(encoder: str, cases: list[tuple[str, str]]) -> list[list[str] | str]:
    """BWIPP's rows of modules ('1' dark) for each ``(data, options)``, or its error's text.

    One Ghostscript process for the whole batch: BWIPP's load costs more than a symbol."""
    import shutil
    import subprocess
    from importlib import resources

    from tests import system

    system.require(shutil.which("gs") is not None, "ghostscript")
    bwipp = resources.files("treepoem").joinpath("postscriptbarcode/barcode.ps")
    program = BWIPP_EVERY % (str(bwipp), encoder) + "".join(
        BWIPP_ONE % (f"<{data.encode().hex()}>", f"<{options.encode().hex()}>")
        for data, options in cases
    )
    done = subprocess.run(
        ["gs", "-q", "-dNODISPLAY", "-dBATCH", "-dNOPAUSE", "-dNOSAFER", "-"],
        input=program.encode(), capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    answers: list[list[str] | str] = []
    for line in done.stdout.decode().splitlines():
        if line.startswith("! "):
            answers.append(line[2:])
            continue
        width, bits = line.split(" ")
        answers.append([bits[i : i + int(width)] for i in range(0, len(bits), int(width))])
    assert len(answers) == len(cases), done.stderr.decode()[-2000:]
    return answers
