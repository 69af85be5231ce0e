"""One scan reflectance profile measured: values worked out by hand for each case."""

from __future__ import annotations

import pytest

from tiaoma.verify import grades
from tiaoma.verify.profile import analyse

Q, B = 90.0, 10.0  # quiet zone / space and bar reflectance, percent


def test_a_clean_profile() -> None:
    # space 2 samples, bar 2, space 2, bar 2, space 2: edges halfway between samples
    found = analyse([Q, Q, B, B, Q, Q, B, B, Q, Q], sample_mm=0.05)
    assert found.edges == (1.5, 3.5, 5.5, 7.5)
    assert [e.is_bar for e in found.elements] == [False, True, False, True, False]
    assert found.widths_mm == pytest.approx((0.1, 0.1, 0.1))
    assert (found.r_max, found.r_min, found.symbol_contrast) == (90, 10, 80)
    assert (found.edge_contrast_min, found.modulation, found.defects) == (80, 1.0, 0.0)


def test_low_contrast_is_symbol_contrast_not_modulation() -> None:
    found = analyse([60, 60, 30, 30, 60, 60], sample_mm=0.1)
    assert (found.symbol_contrast, found.global_threshold) == (30, 45)
    assert grades.symbol_contrast(found.symbol_contrast) == grades.Grade(1.5, "D")  # 1 + 10/20
    assert found.modulation == 1.0


def test_an_edge_between_samples_is_interpolated() -> None:
    # 90 -> 30 crosses GT = 50 two thirds of the way: edge at 1 + (50 - 90) / (30 - 90)
    found = analyse([90, 90, 30, 10, 10, 90], sample_mm=0.1)
    assert found.edges[0] == pytest.approx(1 + 40 / 60)


def test_a_void_in_a_bar_is_a_defect() -> None:
    # the bar dips to 10, rises to 30 (a void), dips to 10 again: ERN = 30 - 10 = 20 of SC 80
    found = analyse([Q, Q, B, B, 30, B, B, Q, Q], sample_mm=0.1)
    assert found.ern_max == 20
    assert found.defects == 0.25
    assert grades.defects(found.defects) == grades.Grade(2.0, "C")


def test_a_spot_in_a_space_is_a_defect_too() -> None:
    found = analyse([Q, Q, B, B, Q, 70, Q, B, B, Q, Q], sample_mm=0.1)
    assert found.ern_max == 20  # 90 - 70 inside the middle space


def test_a_weak_narrow_space_lowers_modulation() -> None:
    # the middle space only reaches 60: its edge contrast is 60 - 10 = 50 of SC 80
    found = analyse([Q, Q, B, B, 60, B, B, Q, Q], sample_mm=0.1)
    assert found.edge_contrast_min == 50
    assert found.modulation == 0.625
    assert grades.modulation(found.modulation) == grades.Grade(3.3, "B")  # 3 + 0.025 / 0.1


def test_too_short_a_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="at least three samples"):
        analyse([50, 50], sample_mm=0.1)
