"""Forgiving input: what people paste from Chinese documents."""

from __future__ import annotations

import pytest

from tiaoma import _text
from tiaoma.errors import InvalidFormat


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("6936983800013", "6936983800013"),  # the fast path: already clean
        ("６９３６９８３８０００１３", "6936983800013"),  # full-width digits
        ("693\u300069838", "69369838"),  # ideographic space
        ("693–69838—0001", "693698380001"),  # en and em dashes from word processors
        ("693－69838", "69369838"),  # full-width hyphen-minus
        (" 6 9 3 \t\n", "693"),
    ],
)
def test_compact(given: str, expected: str) -> None:
    assert _text.compact(given) == expected


def test_halfwidth_keeps_letters_and_brackets() -> None:
    assert _text.halfwidth("（０１）ＡＢＣ") == "(01)ABC"


def test_require_text() -> None:
    with pytest.raises(InvalidFormat, match="Expected text, got bytes"):
        _text.compact(b"123")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Empty value"),
        ("12x", "Invalid character 'x' at position 3"),
        ("١٢٣", "Invalid character '١' at position 1"),  # Arabic-Indic digits are digits to str
    ],
)
def test_require_digits(value: str, message: str) -> None:
    with pytest.raises(InvalidFormat, match=message):
        _text.require_digits(value)
