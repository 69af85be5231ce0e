#!/usr/bin/env python3
"""Generate the PDF417 codeword patterns of src/tiaoma/symbols/_pdf417_tables.py.

    PYTHONPATH=. python scripts/generate_pdf417_clusters.py

ISO/IEC 15438 lists, for each of the three clusters (0, 3, 6), the bar-space pattern of every
codeword 0-928: four bars and four spaces of 1-6 modules, 17 modules in all, whose cluster is
(b1 - b2 + b3 - b4 + 9) mod 9. Which pattern a value takes follows no rule short of the table,
so the table is read here from symbols another encoder drew: BWIPP (treepoem's copy, run by
Ghostscript) encodes PDF417 symbols of one data column from raw codewords, each value three
times in a row so that it falls once in every cluster (row r is in cluster 3 * (r mod 3)).
The script checks what it reads against the standard's rules (17 modules, cluster number,
929 distinct patterns per cluster) and rewrites the block between the markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.oracles import bwipp_matrices

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "src" / "tiaoma" / "symbols" / "_pdf417_tables.py"
BEGIN, END = "# --- generated: codeword patterns ---", "# --- end of generated patterns ---"
PER_SYMBOL = 29  # 1 length + 87 data + 2 check codewords: 90 rows, PDF417's most


def widths(modules: str) -> str:
    return "".join(str(len(run)) for run in re.findall(r"1+|0+", modules))


def read_clusters() -> list[list[str]]:
    values = list(range(929))
    chunks = [values[i : i + PER_SYMBOL] for i in range(0, 929, PER_SYMBOL)]
    cases = [("".join(f"^{v:03d}" * 3 for v in chunk), "raw columns=1 eclevel=0 dontdraw")
             for chunk in chunks]  # fmt: skip
    clusters: list[list[str]] = [[""] * 929 for _ in range(3)]
    for chunk, rows in zip(chunks, bwipp_matrices("pdf417", cases), strict=True):
        assert isinstance(rows, list), rows
        for index, value in enumerate(v for v in chunk for _ in range(3)):
            row = index + 1  # row 0 holds the length descriptor
            clusters[row % 3][value] = widths(rows[row][34:51])
    return clusters


def check(clusters: list[list[str]]) -> None:
    for number, cluster in enumerate(clusters):
        assert len(set(cluster)) == 929
        for pattern in cluster:
            w = [int(c) for c in pattern]
            assert len(w) == 8
            assert sum(w) == 17
            assert max(w) <= 6
            assert (w[0] - w[2] + w[4] - w[6] + 9) % 9 == 3 * number


def block(clusters: list[list[str]]) -> str:
    lines = [BEGIN, "CLUSTER_WIDTHS = ("]
    for cluster in clusters:
        text = "".join(cluster)
        lines.append("    (")
        lines += [f'        "{text[i : i + 88]}"' for i in range(0, len(text), 88)]
        lines.append("    ),")
    lines += [")", END]
    return "\n".join(lines)


def main() -> None:
    clusters = read_clusters()
    check(clusters)
    source = TABLES.read_text(encoding="utf-8")
    start, end = source.index(BEGIN), source.index(END) + len(END)
    TABLES.write_text(source[:start] + block(clusters) + source[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
