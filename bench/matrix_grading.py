"""Grading the print quality of a 2D symbol (issue 24, item 4: ISO/IEC 15415).

Target: grading a 600-dpi QR Code image takes at most 300 ms here. The symbol is a GS1
Digital Link URI at error correction level M, as a label carries it, drawn by tiaoma's PNG
writer at its default X (0.5 mm); a version-15 QR Code (level H) and a 52 × 52 Data Matrix
and a Han Xin Code are timed beside it. Printed beside each, the time its reader takes to
decode the same image (the peer: reading is the least a grader must do): zxing-cpp, or for Han
Xin Code tiaoma's own reader (zxing-cpp reads none).
"""

from __future__ import annotations

import io
import timeit
from collections.abc import Callable

import numpy as np
from PIL import Image

from tiaoma.readers.hanxin import read_hanxin
from tiaoma.render import artwork, geometry_for
from tiaoma.scan import read
from tiaoma.symbols.base import Symbol
from tiaoma.symbols.hanxin import hanxin
from tiaoma.symbols.matrix import datamatrix, qr
from tiaoma.verify.matrix import grade_matrix

TARGET_SECONDS = 0.300


def proof(symbol: Symbol) -> bytes:
    return artwork(symbol, geometry_for(symbol), "png", dpi=600)


def _read_hanxin(image: bytes) -> object:
    return read_hanxin(np.asarray(Image.open(io.BytesIO(image)).convert("L")))


def _timed(name: str, symbol: Symbol, reader: Callable[[bytes], object] = read) -> float:
    image = proof(symbol)
    graded = grade_matrix(image)  # warm: imports, the reader's first call
    grading = min(timeit.repeat(lambda: grade_matrix(image), number=1, repeat=7))
    decoding = min(timeit.repeat(lambda: reader(image), number=1, repeat=7))
    peer = "zxing-cpp" if reader is read else "reader"
    print(
        f"{name:<44} tiaoma {grading * 1e3:8.1f} ms   {peer:>9} {decoding * 1e3:8.1f} ms"
        f"   ({graded.size}, {graded.result})"
    )
    return grading


def main() -> int:
    grading = _timed(
        "600-dpi QR Code (GS1 Digital Link) grading",
        qr("https://id.gs1.org/01/06901234567892/10/ABC123?17=261231"),
    )
    _timed("600-dpi QR Code version 15-H grading", qr("https://example.com/" + "x" * 200,
                                                       error_correction="H"))  # fmt: skip
    _timed("600-dpi Data Matrix 52 x 52 grading", datamatrix("A" * 300))
    _timed("600-dpi Han Xin Code grading", hanxin("汉信码 " + "1234567890" * 20), _read_hanxin)
    verdict = "ok" if grading <= TARGET_SECONDS else "MISSED"
    print(f"{'':<44} target for the first <= {TARGET_SECONDS * 1e3:g} ms: {verdict}")
    return 0 if grading <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
