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
    (
        "Seed 004's number is an ISSN's EAN-13; with a 2-digit issue add-on",
        ["info", "9771671216014 05"],
    ),
    ("A Chinese book's ISBN with its 5-digit price add-on", ["info", "978-7-111-21382-6 52499"]),
    ("UPC-E, the zero-suppressed UPC-A (goods exported to North America)", ["info", "04252614"]),
    ("An in-store code (店内码, GB/T 18283) for weighed goods", ["info", "2112345912349"]),
    (
        "Seed 002: a variable-measure GTIN (indicator 9) with net weight 1.5 lb in AI (3202)",
        ["info", "(01)96901234567895(3202)000150"],
    ),
    (
        "An element string as a scanner sends it, and the same data as a GS1 Digital Link",
        [
            "check",
            "]C1010693698380001310ABC123\x1d17261231",  # GS ends the batch number
            "https://id.gs1.org/01/06936983800013/10/ABC123?17=261231",
        ],
    ),
    (
        "Nonsense gets a reason, never a traceback",
        ["check", "69369838OOO13", "(17)261331", "hello"],
    ),
]


def show(title: str, argv: list[str]) -> None:
    command = shlex.join(argv).replace("\x1d", "<GS>")
    print(f"\n# {title}\n$ tiaoma {command}", flush=True)
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
