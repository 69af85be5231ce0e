"""Reading Han Xin photos against zxing-cpp reading QR photos (issue 24, item 2).

Target: decoding a Han Xin "photo" takes at most 3x what zxing-cpp takes for a QR Code photo
of the same size (the same modules a side) and the same degradations. Both read rates are
printed: the share of photos read back exactly. Photos come from tests/photos.py (Zint's
symbols drawn with numpy, degraded with Pillow), the ones the tests check.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable

import numpy as np
import zint
import zxingcpp

from tests.photos import photo
from tiaoma.readers.hanxin import HanXinError, read_hanxin

TARGET_RATIO = 3.0
#: Same side in modules: Han Xin version v has 2v + 21, QR version q has 4q + 17.
PAIRS = ((18, 10), (48, 25), (78, 40))
DEGRADATIONS = {
    "clean": {},
    "rotated": {"angle": None},
    "perspective": {"perspective": 0.08},
    "blurred": {"blur": 1.0},
    "noisy": {"noise": 20.0},
    "jpeg q30": {"jpeg": 30},
    "everything": {"angle": None, "perspective": 0.05, "blur": 0.7, "noise": 10.0, "jpeg": 50},
}  # fmt: skip
SEEDS = 4


def _modules(symbology: int, text: str, version: int) -> np.ndarray:
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.option_2 = version
    symbol.encode(text)
    bits = np.unpackbits(np.array(symbol.encoded_data), axis=1, bitorder="little")
    return bits[: symbol.rows, : symbol.width].astype(bool)


def _timed(read: Callable[[], bool]) -> tuple[float, bool]:
    """The best of three runs after a warm one, and whether the last read right."""
    read()  # warm
    best, ok = float("inf"), False
    for _ in range(3):
        start = time.perf_counter()
        ok = read()
        best = min(best, time.perf_counter() - start)
    return best, ok


def _hanxin(image: np.ndarray, text: str) -> bool:
    try:
        reads = read_hanxin(image)
    except HanXinError:
        return False
    return [r.text for r in reads] == [text]


def _qr(image: np.ndarray, text: str) -> bool:
    reads = zxingcpp.read_barcodes(image, try_downscale=False)
    return [r.text for r in reads] == [text]


def main() -> int:
    totals = {"hanxin": 0.0, "qr": 0.0}
    print(f"{'Han Xin photo vs QR photo (zxing-cpp)':<40} {'tiaoma':>10} {'zxing-cpp':>10}"
          f" {'read: HX':>9} {'QR':>5}")  # fmt: skip
    for name, options in DEGRADATIONS.items():
        times = {"hanxin": 0.0, "qr": 0.0}
        read = {"hanxin": 0, "qr": 0}
        count = 0
        for hanxin_version, qr_version in PAIRS:
            for seed in range(SEEDS):
                rng = random.Random(seed * 100 + hanxin_version)
                text = "".join(
                    rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(40)
                )
                chosen = dict(options)
                if "angle" in chosen:
                    chosen["angle"] = rng.uniform(0, 360)
                hx = photo(
                    _modules(zint.Symbology.HANXIN, text, hanxin_version), seed=seed, **chosen
                )
                qr = photo(_modules(zint.Symbology.QRCODE, text, qr_version), seed=seed, **chosen)
                for kind, image, reader in (("hanxin", hx, _hanxin), ("qr", qr, _qr)):
                    seconds, ok = _timed(functools.partial(reader, image, text))
                    times[kind] += seconds
                    read[kind] += ok
                count += 1
        for kind in totals:
            totals[kind] += times[kind]
        ours, theirs = times["hanxin"] / count * 1e3, times["qr"] / count * 1e3
        print(f"  {name:<38} {ours:8.1f} ms {theirs:7.1f} ms"
              f" {read['hanxin']:>4}/{count} {read['qr']:>3}/{count}")  # fmt: skip
    ratio = totals["hanxin"] / totals["qr"]
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"{'Han Xin photo decode / zxing-cpp QR photo decode':<48} {ratio:5.1f}x"
          f"   (target <= {TARGET_RATIO:g}x) {verdict}")  # fmt: skip
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
