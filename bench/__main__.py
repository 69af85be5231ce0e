"""Run every benchmark: `python -m bench [NAME...]` (`make bench`)."""

from __future__ import annotations

import sys

from bench import (
    billing,
    hall,
    hanxin,
    hanxin_read,
    homes,
    matrix_grading,
    numbers,
    products,
    symbols,
    verify,
)

SUITES = {
    "numbers": numbers.main,
    "symbols": symbols.main,
    "hanxin": hanxin.main,
    "hanxin_read": hanxin_read.main,
    "verify": verify.main,
    "matrix_grading": matrix_grading.main,
    "hall": hall.main,
    "products": products.main,
    "homes": homes.main,
    "billing": billing.main,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(SUITES)
    failed = [name for name in chosen if SUITES[name]() != 0]
    if failed:
        print(f"targets missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
