#!/usr/bin/env python3
"""`make run` until the hall exists: the tiaoma command at work on the seeds' own examples."""

from __future__ import annotations

import shlex
import sys
import tempfile
from pathlib import Path

from tiaoma.cli import main

EXAMPLES: list[tuple[str, list[str]]] = [
    (
        "Seed 001: the structure of a Chinese EAN-13 (693 · 69838 · 0001 · 3)",
        ["info", "6936983800013"],
    ),
    (
        "Seed 004: the check digit worked by hand, 977167121601X -> X = 4",
        ["check-digit", "977167121601"],
    ),
    (
        "A 690 number (7-digit company prefix) and the one 10-digit block 6901028",
        ["info", "6901234567892", "6901028000017"],
    ),
    ("A case of 12 (GTIN-14, indicator 1) and its ITF-14 grouping", ["info", "16936983800010"]),
    (
        "Price check digits of GS1 General Specifications 7.9.3/7.9.4",
        ["check-digit", "--price", "2875", "14685"],
    ),
    ("A wrong check digit, explained in Chinese", ["check", "--lang", "zh", "6936983800010"]),
]


def show(title: str, argv: list[str]) -> None:
    print(f"\n# {title}\n$ tiaoma {shlex.join(argv)}", flush=True)
    main(argv)
    sys.stdout.flush()


def bulk_demo() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "codes.txt"
        source.write_text(
            "6936983800013\n6901234567892\n6936983800010\n\nhello\n１６９３６９８３８０００１０\n",
            encoding="utf-8",
        )
        report = Path(folder) / "invalid.csv"
        show(
            "Bulk validation of a file: invalid lines go to a CSV with reasons",
            ["bulk", "-q", str(source), "-o", str(report)],
        )
        print(report.read_text(encoding="utf-8"))


def main_demo() -> int:
    print(
        "tiaoma: the numbers library at work on the seeds' examples "
        "(the online business hall comes in a later release)"
    )
    for title, argv in EXAMPLES:
        show(title, argv)
    bulk_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main_demo())
