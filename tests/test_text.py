"""Forgiving input: what people paste from Chinese documents."""

from __future__ import annotations

import pytest

from tiaoma import _text, text
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


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("（０１）ＡＢＣ", "(01)ABC"),  # full-width letters and brackets keep their meaning
        ("６９３６９８３８０００１３", "6936983800013"),  # digits typed by a Chinese input method
        ("！～", "!~"),  # both ends of the full-width block U+FF01..U+FF5E
        ("138\u30000013", "138 0013"),  # the ideographic space is a space, kept
        ("693\u201069838\u2212\ufe630001", "693-69838--0001"),  # hyphen, minus, small hyphen
        ("\ufeff\u200b69\u200c3\u200d\u2060", "693"),  # BOM and zero-width characters go
        ("物编注字第１００００１号", "物编注字第100001号"),  # Chinese is left as typed
        ("ｶﾀｶﾅ", "ｶﾀｶﾅ"),  # half-width katakana are not full-width ASCII
        ("6936983800013", "6936983800013"),  # plain ASCII is unchanged
        ("", ""),
    ],
)
def test_halfwidth(given: str, expected: str) -> None:
    assert text.halfwidth(given) == expected


def test_the_library_uses_the_public_halfwidth() -> None:
    # One table: the identifier modules' compact() and the public function cannot drift apart.
    assert _text.halfwidth is text.halfwidth
    assert _text.compact("６９３\u3000６９８３８") == "69369838"


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
