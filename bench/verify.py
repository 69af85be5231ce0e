"""Grading print quality (issue: reading and grading).

Target: grading a 600-dpi EAN-13 image takes at most 200 ms here. Printed beside it, the time
zxing-cpp takes to decode the same image (the peer: reading is the least a grader must do).
"""

from __future__ import annotations

import timeit

from tiaoma.render import artwork, geometry_for
from tiaoma.scan import read
from tiaoma.symbols import upcean
from tiaoma.verify.grading import verify

TARGET_SECONDS = 0.200


def proof() -> bytes:
    symbol = upcean.ean13("6936983800013")
    return artwork(symbol, geometry_for(symbol), "png", dpi=600)


def main() -> int:
    image = proof()
    verify(image)  # warm: imports, zxing-cpp's first call
    grading = min(timeit.repeat(lambda: verify(image), number=1, repeat=7))
    decoding = min(timeit.repeat(lambda: read(image), number=1, repeat=7))
    verdict = "ok" if grading <= TARGET_SECONDS else "MISSED"
    print(
        f"{'600-dpi EAN-13 grading vs zxing-cpp decode':<44} tiaoma {grading * 1e3:8.1f} ms"
        f"   zxing-cpp {decoding * 1e3:8.1f} ms   (target <= {TARGET_SECONDS * 1e3:g} ms) {verdict}"
    )
    return 0 if grading <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
