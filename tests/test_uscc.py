"""Unified social credit codes (GB 32100) against python-stdnum's cn.uscc on random codes."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc as stdnum_uscc

from tiaoma import uscc
from tiaoma.errors import InvalidChecksum, InvalidFormat, InvalidLength


def _random_body(rng: random.Random) -> str:
    """python-stdnum's domain: the first eight characters digits (it refuses letters in the
    first two, which GB 32100 allows for some registration authorities)."""
    digits = "".join(rng.choice("0123456789") for _ in range(8))
    return digits + "".join(rng.choice(uscc.ALPHABET) for _ in range(9))


def test_check_characters_agree_with_stdnum() -> None:
    rng = random.Random(32100)
    for _ in range(2000):
        body = _random_body(rng)
        assert uscc.calc_check_digit(body) == stdnum_uscc.calc_check_digit(body)
        code = body + uscc.calc_check_digit(body)
        assert uscc.is_valid(code)
        assert stdnum_uscc.is_valid(code)
        wrong = body + rng.choice(uscc.ALPHABET.replace(code[-1], ""))
        assert not uscc.is_valid(wrong)
        assert not stdnum_uscc.is_valid(wrong)


@pytest.mark.parametrize(
    ("code", "error", "chinese"),
    [
        ("91110000600037341A", InvalidChecksum, "校验码应为 L"),  # a wrong check character
        ("9111000060003734", InvalidLength, "长度错误"),  # 16 characters
        ("91110000600037341I", InvalidFormat, "统一社会信用代码只含"),  # I is not in the alphabet
        ("", InvalidFormat, "统一社会信用代码"),  # nothing typed
        ("91A10000600037341L", InvalidFormat, "行政区划码"),  # a letter in the division
    ],
)
def test_refusals_say_what_is_wrong(code: str, error: type[Exception], chinese: str) -> None:
    with pytest.raises(error) as caught:
        uscc.validate(code)
    assert chinese in caught.value.message_zh  # type: ignore[attr-defined]


def test_forgiving_input() -> None:
    assert uscc.validate(" ９１１１０００ 0600037341l ") == "91110000600037341L"
