"""Han Xin Code encoding against Zint's (zint-bindings), measured in the same run (issue 24).

Target (issue 24, "Speed"): encode at least as fast as Zint, ratio of Zint's time to ours
>= 1x. Both sides make the same thing from the same text: the module rows of the symbol
(tiaoma's :class:`Symbol`; Zint's bit-packed matrix unpacked to rows of "0"/"1", as
:mod:`tiaoma.symbols.matrix` does with it), the version, level and mask chosen automatically.
Zint is given GB 18030 text without ECI (its default; it warns), tiaoma adds ECI 32 only when
its binary mode carries Chinese bytes.
"""

from __future__ import annotations

import random
import timeit
from collections.abc import Callable

import numpy as np
import zint

from bench.numbers import report, sample_gtins
from tiaoma.symbols.hanxin import hanxin

PRODUCTS = "矿泉水纯牛奶绿茶饮料饼干方便面大米食用油酱油洗发水牙膏洗衣液纸巾茶叶月饼白酒啤酒"


def per_call(
    ours: Callable[[str], object], theirs: Callable[[str], object], values: list[str]
) -> tuple[float, float]:
    """Each side's best time per value over 5 passes, the passes taken in turns: on a shared
    machine a busy spell then slows both sides alike."""

    def loop(function: Callable[[str], object]) -> Callable[[], None]:
        def run() -> None:
            for value in values:
                function(value)

        return run

    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(5):
        for side, function in zip(times, (ours, theirs), strict=True):
            side.append(timeit.timeit(loop(function), number=1) / len(values))
    return min(times[0]), min(times[1])


def zint_rows(data: str) -> tuple[str, ...]:
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.HANXIN
    symbol.input_mode = zint.InputMode.UNICODE
    symbol.encode(data)
    rows, width = symbol.rows, symbol.width
    packed = np.asarray(symbol.encoded_data)[:rows, : (width + 7) // 8]
    bits = np.unpackbits(packed, axis=1, count=width, bitorder="little")
    text = (bits | 0x30).tobytes().decode("ascii")
    return tuple(text[i : i + width] for i in range(0, rows * width, width))


def tiaoma_rows(data: str) -> tuple[str, ...]:
    return tuple(row.modules for row in hanxin(data).rows)


def inputs(rng: random.Random) -> dict[str, list[str]]:
    """Commodity data (GS1 element strings, Digital Link URLs, Chinese product names with
    prices) and large symbols (digits, text, Chinese)."""
    gtins = sample_gtins(300, seed=24)
    return {
        "GS1 element string": [f"(01)0{g}(17)261231(10)L{i:05d}" for i, g in enumerate(gtins)],
        "Digital Link URL": [
            f"https://id.gs1.org/01/0{g}/10/LOT{i}?17=261231" for i, g in enumerate(gtins)
        ],
        "Chinese product name": [
            "".join(rng.choice(PRODUCTS) for _ in range(rng.randrange(4, 20)))
            + f" {rng.randrange(1, 999)}.{rng.randrange(100):02d}元 500ml"
            for _ in range(300)
        ],
        "3,000 digits": ["".join(rng.choice("0123456789") for _ in range(3000)) for _ in range(20)],
        "1,500 characters of text": [
            "".join(rng.choice("ABCDEFGHIJ abcdefghij 0123456789.,-") for _ in range(1500))
            for _ in range(20)
        ],
        "800 Chinese characters": [
            "".join(rng.choice(PRODUCTS) for _ in range(800)) for _ in range(20)
        ],
    }


def main() -> int:
    results = []
    for name, values in inputs(random.Random(24)).items():
        for value in values[:5]:  # both take every input; ours never needs the larger symbol
            assert len(tiaoma_rows(value)) <= len(zint_rows(value)), value
        ours, theirs = per_call(tiaoma_rows, zint_rows, values)
        results.append(report(f"Han Xin encode, {name} vs Zint", ours, theirs, 1))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
