"""Mainland mobile numbers and the member's unified social credit code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hall.accounts.mobile import InvalidMobile, normalise
from hall.members.models import validate_uscc


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),  # international form, spaces
        ("0086-13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese keyboard
        ("8619912345678", "19912345678"),
    ],
)
def test_forms_of_a_number(typed: str, number: str) -> None:
    assert normalise(typed) == number


@pytest.mark.parametrize("typed", ["", "1380013800", "138001380001", "12800138000",
                                   "23800138000", "abc", "138-0013-800x"])  # fmt: skip
def test_not_a_mobile(typed: str) -> None:
    with pytest.raises(InvalidMobile, match="手机号无效"):
        normalise(typed)


def test_uscc_validator_names_the_problem_in_chinese() -> None:
    validate_uscc("91110000600037341L")
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91110000600037341A")
    assert "校验码" in str(caught.value.messages[0])
