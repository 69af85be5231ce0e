"""The grade scales of ISO/IEC 15416: the 2000 edition's letters (A-F, 4-0) and the 2016
edition's fractional grades, per parameter.

Sources: ISO/IEC 15416:2000 §5.4 and its Table 1 (the thresholds below, also given in
GB/T 14258 and GB/T 18348); ISO/IEC 15416:2016 §5.6 (grades to one decimal place). The 2016
text was not available to us: its fractional grades are our reading of it, a straight line
between the 2000 thresholds, extended below grade 1 to 15 % symbol contrast, 30 % modulation
and 20 % decodability (the bands vendors of verifiers publish for the 2016 edition); defects
and the pass/fail parameters have no fractional band.

>>> symbol_contrast(62.5)
Grade(value=3.5, letter='B')
>>> defects(0.18).value
3.4
"""

from __future__ import annotations

from itertools import pairwise
from typing import NamedTuple

__all__ = [
    "Grade", "decodability", "defects", "edge_contrast", "letter", "mean", "minimum_reflectance",
    "modulation", "pass_fail", "symbol_contrast",
]  # fmt: skip

_LETTERS = ((3.5, "A"), (2.5, "B"), (1.5, "C"), (0.5, "D"))


class Grade(NamedTuple):
    """A grade from 0.0 to 4.0 (one decimal place) and its letter."""

    value: float
    letter: str


def letter(value: float) -> str:
    """The letter of a grade value: A from 3.5, B from 2.5, C from 1.5, D from 0.5, else F
    (ISO/IEC 15416:2000 §5.4.5, the overall grade's conversion)."""
    return next((name for floor, name in _LETTERS if value >= floor), "F")


def _grade(value: float) -> Grade:
    """A parameter's or scan's grade: its letter is the 2000 band it lies in (3.5 is a B)."""
    value = round(max(0.0, min(4.0, value)) + 1e-9, 1)
    return Grade(value, "FDCBAA"[int(value)])


def _rising(measured: float, points: tuple[tuple[float, float], ...]) -> Grade:
    """Piecewise-linear grade of a parameter where more is better; ``points`` are
    (measured value, grade) pairs in rising order, the last giving 4.0."""
    if measured >= points[-1][0]:
        return _grade(4.0)
    if measured < points[0][0]:
        return _grade(0.0)
    for (low, low_grade), (high, high_grade) in pairwise(points):
        if low <= measured < high:
            return _grade(low_grade + (measured - low) / (high - low) * (high_grade - low_grade))
    raise AssertionError("unreachable")  # pragma: no cover


def symbol_contrast(percent: float) -> Grade:
    """SC (%): A >= 70, B >= 55, C >= 40, D >= 20 (2000); fractional from 15 (2016)."""
    return _rising(percent, ((15, 0.1), (20, 1.0), (40, 2.0), (55, 3.0), (70, 4.0)))


def modulation(ratio: float) -> Grade:
    """MOD = ECmin / SC: A >= 0.70, B >= 0.60, C >= 0.50, D >= 0.40; fractional from 0.30."""
    return _rising(ratio, ((0.30, 0.1), (0.40, 1.0), (0.50, 2.0), (0.60, 3.0), (0.70, 4.0)))


def decodability(value: float) -> Grade:
    """V: A >= 0.62, B >= 0.50, C >= 0.37, D >= 0.25; fractional from 0.20."""
    return _rising(value, ((0.20, 0.1), (0.25, 1.0), (0.37, 2.0), (0.50, 3.0), (0.62, 4.0)))


def defects(ratio: float) -> Grade:
    """ERNmax / SC: A <= 0.15, B <= 0.20, C <= 0.25, D <= 0.30, F above (no fractional F)."""
    if ratio > 0.30:
        return _grade(0.0)
    return _rising(-ratio, ((-0.30, 1.0), (-0.25, 2.0), (-0.20, 3.0), (-0.15, 4.0)))


def pass_fail(passed: bool) -> Grade:
    """Decode, quiet zones and the like: 4 (A) or 0 (F)."""
    return _grade(4.0 if passed else 0.0)


def minimum_reflectance(r_min: float, r_max: float) -> Grade:
    """Rmin <= 0.5 Rmax: A, else F."""
    return pass_fail(r_min <= 0.5 * r_max)


def edge_contrast(ec_min: float) -> Grade:
    """ECmin >= 15 %: A, else F."""
    return pass_fail(ec_min >= 15)


def mean(grades: list[Grade]) -> Grade:
    """The symbol grade: the mean of the scan grades, lettered by rounding (ISO/IEC
    15416:2000 §5.4.5: A from 3.5, B from 2.5, ...)."""
    value = _grade(sum(grade.value for grade in grades) / len(grades) if grades else 0.0).value
    return Grade(value, letter(value))
