"""The numbers library against its peers, measured in the same run (issue: numbers library).

Targets, as ratios of the peer's time to ours:
- single-call GTIN-13 validation          >= 2x  python-stdnum's ean.is_valid
- a file of 10 million GTIN-13 lines      >= 50x a loop of python-stdnum calls over the file
- full parse of a GTIN                    >= 5x  biip.parse

TIAOMA_BENCH_LINES sets the file's size (default 10,000,000).
"""

from __future__ import annotations

import os
import random
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

import biip
from stdnum import ean

from tiaoma import bulk, checksum, gtin

LINES = int(os.environ.get("TIAOMA_BENCH_LINES", "10000000"))
INVALID_SHARE = 0.001


def sample_gtins(count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    bodies = [f"69{rng.randrange(10**10):010d}" for _ in range(count)]
    return [body + checksum.calc_check_digit(body) for body in bodies]


def per_call(function: Callable[[str], object], values: list[str]) -> float:
    """Best-of-5 seconds per call over ``values``."""

    def loop() -> None:
        for value in values:
            function(value)

    return min(timeit.repeat(loop, number=1, repeat=5)) / len(values)


def write_file(path: Path, lines: int) -> None:
    rng = random.Random(7)
    block = sample_gtins(100_000)
    with path.open("w", encoding="ascii") as out:
        for start in range(0, lines, len(block)):
            chunk = block[: min(len(block), lines - start)]
            out.write(
                "".join(
                    (
                        value[:-1] + str((int(value[-1]) + 1) % 10)
                        if rng.random() < INVALID_SHARE
                        else value
                    )
                    + "\n"
                    for value in chunk
                )
            )


def time_once(function: Callable[[], object]) -> float:
    return min(timeit.repeat(function, number=1, repeat=1))


def stdnum_file_loop(path: Path) -> int:
    invalid = 0
    with path.open(encoding="ascii") as lines:
        for line in lines:
            if not ean.is_valid(line.strip()):
                invalid += 1
    return invalid


def tiaoma_file(path: Path) -> int:
    with path.open("rb") as stream, open(os.devnull, "w", encoding="utf-8") as report:
        return bulk.validate_stream(stream, report).invalid


def report(name: str, ours: float, theirs: float, target: float, unit: str = "µs") -> bool:
    scale = 1e6 if unit == "µs" else 1.0
    ratio = theirs / ours
    verdict = "ok" if ratio >= target else "MISSED"
    print(
        f"{name:<44} tiaoma {ours * scale:10.3f} {unit}   peer {theirs * scale:10.3f} {unit}"
        f"   ratio {ratio:7.1f}x (target >= {target:g}x) {verdict}"
    )
    return ratio >= target


def main() -> int:
    values = sample_gtins(20_000)
    results = [
        report(
            "single-call GTIN-13 validation vs stdnum",
            per_call(gtin.is_valid, values),
            per_call(ean.is_valid, values),
            2,
        ),
        report(
            "full GTIN parse vs biip.parse",
            per_call(gtin.parse, values[:5000]),
            per_call(biip.parse, values[:5000]),
            5,
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gtins.txt"
        write_file(path, LINES)
        ours_invalid = tiaoma_file(path)
        theirs_invalid = stdnum_file_loop(path)
        assert ours_invalid == theirs_invalid, (ours_invalid, theirs_invalid)
        name = f"file of {LINES:,} GTIN-13 lines vs stdnum loop"
        results.append(
            report(
                name,
                time_once(lambda: tiaoma_file(path)),
                time_once(lambda: stdnum_file_loop(path)),
                50,
                unit="s",
            )
        )
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
