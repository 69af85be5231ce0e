"""The grade scales: the 2000 thresholds exactly, and the 2016 fractional grades between them
(values worked out by hand from the bands in tiaoma.verify.grades)."""

from __future__ import annotations

import pytest

from tiaoma.verify import grades
from tiaoma.verify.grades import Grade


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (85, Grade(4.0, "A")), (70, Grade(4.0, "A")), (69.9, Grade(4.0, "A")),  # 3.99 -> 4.0
        (62.5, Grade(3.5, "B")), (55, Grade(3.0, "B")), (47.5, Grade(2.5, "C")),
        (40, Grade(2.0, "C")), (30, Grade(1.5, "D")), (20, Grade(1.0, "D")),
        (17.5, Grade(0.6, "F")),  # 0.1 + 2.5 / 5 * 0.9 = 0.55 -> 0.6
        (15, Grade(0.1, "F")), (14.9, Grade(0.0, "F")),
    ],
)  # fmt: skip
def test_symbol_contrast(percent: float, expected: Grade) -> None:
    assert grades.symbol_contrast(percent) == expected


def test_modulation_decodability_and_defects() -> None:
    assert grades.modulation(0.65) == Grade(3.5, "B")
    assert grades.modulation(0.35) == Grade(0.6, "F")  # 0.1 + 0.05 / 0.10 * 0.9
    assert grades.modulation(0.29) == Grade(0.0, "F")
    assert grades.decodability(0.62) == Grade(4.0, "A")
    assert grades.decodability(0.435) == Grade(2.5, "C")  # halfway from 0.37 to 0.50
    assert grades.defects(0.15) == Grade(4.0, "A")
    assert grades.defects(0.18) == Grade(3.4, "B")  # 3 + 0.02 / 0.05
    assert grades.defects(0.30) == Grade(1.0, "D")
    assert grades.defects(0.31) == Grade(0.0, "F")  # no fractional band below D


def test_pass_fail_parameters() -> None:
    assert grades.minimum_reflectance(40, 80) == Grade(4.0, "A")
    assert grades.minimum_reflectance(41, 80) == Grade(0.0, "F")
    assert grades.edge_contrast(15) == Grade(4.0, "A")
    assert grades.edge_contrast(14.9) == Grade(0.0, "F")


def test_the_symbol_grade_is_the_mean_lettered_by_rounding() -> None:
    scans = [Grade(4.0, "A")] * 7 + [Grade(3.0, "B")] * 3
    assert grades.mean(scans) == Grade(3.7, "A")  # a B scan or three still make an A symbol
    assert grades.mean([Grade(2.0, "C"), Grade(3.0, "B")]) == Grade(2.5, "B")
    assert grades.mean([]) == Grade(0.0, "F")
    assert [grades.letter(v) for v in (3.5, 3.4, 2.5, 1.5, 0.5, 0.4)] == [
        "A", "B", "B", "C", "D", "F"
    ]  # fmt: skip
