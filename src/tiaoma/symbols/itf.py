"""Interleaved 2 of 5 (ISO/IEC 16390) and ITF-14 (GS1 General Specifications 5.3).

Digits are taken in pairs: the first of a pair is written in the five bars, the second in
the five spaces between them, two of each five wide (ISO/IEC 16390 table 1, the digits'
``n``/``w`` patterns). The start pattern is four narrow elements (bar, space, bar, space),
the stop pattern a wide bar, a narrow space and a narrow bar; so the data must have an even
number of digits. The optional check digit is the GTIN's mod-10 (weights 3 and 1 from the
right, ISO/IEC 16390 annex on the check character).

ITF-14 carries a GTIN-14 (GS1 GenSpecs 5.3), its whole symbol framed by bearer bars that
keep a skewed scan from reading a short, wrong number (5.3.2.5). GS1 asks for a bearer of at
least 4.8 mm at X = 1.016 mm, 4.7X: the symbol says 5X, the width Zint's default box uses.

The wide:narrow ratio N may be 2.0-3.0 (ISO/IEC 16390; at least 2.2 when X is under 0.50 mm,
checked by :func:`tiaoma.render.geometry_for` once X is known); ITF-14 2.25-3.0, target 2.5
(GS1 GenSpecs 5.3), others refused. The default 3 is Zint's and conforms everywhere. A
ratio p/q in lowest terms makes each narrow element q modules and each wide one p (see
:func:`tiaoma.symbols.code39.module_widths`).

Golden case, worked by hand from table 1 (no figure of the standard is reproduced): the
ITF-14 of seed 001's GTIN ``6936983800013`` in a case (indicator 1) starts with the start
pattern ``nnnn`` and the pair 1, 6: bars of 1 ``wnnnw``, spaces of 6 ``nwwnn``:

>>> symbol = itf14("6936983800013", indicator="1")
>>> symbol.data
'16936983800010'
>>> symbol.rows[0].modules[:22]
'1010111010001000101110'
>>> symbol.width, symbol.bearer_bars, symbol.text[0].text
(135, 5, '16936983800010')
>>> itf("1234").rows[0].modules
'101011101000101011100011101110100010100011101'
"""

from __future__ import annotations

from fractions import Fraction

from tiaoma import checksum, gtin
from tiaoma._text import require_digits
from tiaoma.errors import LENGTH, InvalidComponent, InvalidLength
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem
from tiaoma.symbols.code39 import RATIO, module_widths

__all__ = ["BEARER_BAR", "ITF14_RATIO", "NARROW_WIDE", "itf", "itf14"]

#: ISO/IEC 16390 table 1: the widths of each digit's five elements.
NARROW_WIDE = (
    "nnwwn",
    "wnnnw",
    "nwnnw",
    "wwnnn",
    "nnwnw",
    "wnwnn",
    "nwwnn",
    "nnnww",
    "wnnwn",
    "nwnwn",
)
_START = "nnnn"
_STOP = "wnn"
#: Bearer bar thickness of ITF-14 in modules (GS1 GenSpecs 5.3.2.5: 4.8 mm at X 1.016 mm).
BEARER_BAR = 5
#: The wide:narrow ratios GS1 allows ITF-14 (GS1 GenSpecs 5.3: 2.25-3.0, target 2.5).
ITF14_RATIO = (2.25, 3.0)


def _elements(digits: str) -> str:
    """The element widths (n/w, alternately bar and space) of an even run of digits."""
    pairs = (
        "".join(
            bar + space for bar, space in zip(NARROW_WIDE[int(a)], NARROW_WIDE[int(b)], strict=True)
        )
        for a, b in zip(digits[::2], digits[1::2], strict=True)
    )
    return _START + "".join(pairs) + _STOP


def _modules(digits: str, ratio: float | Fraction) -> tuple[str, int]:
    narrow, wide = module_widths(ratio)
    pattern = "".join(
        ("1" if index % 2 == 0 else "0") * (wide if element == "w" else narrow)
        for index, element in enumerate(_elements(digits))
    )
    return pattern, narrow


def _symbol(
    symbology: Symbology,
    digits: str,
    ratio: float | Fraction,
    bearer_bars: int = 0,
    identifier: str | None = None,
) -> Symbol:
    pattern, narrow = _modules(digits, ratio)
    return Symbol(
        symbology,
        digits,
        (Row(pattern),),
        # ISO/IEC 16390 and GS1 GenSpecs 5.3: 10X on each side (X = ``narrow`` modules).
        QuietZone(10 * narrow, 10 * narrow),
        text=(TextItem(digits, len(pattern) / 2, float(len(pattern))),),
        bearer_bars=bearer_bars * narrow,
        modules_per_x=narrow,
        identifier=identifier,
    )


def itf(digits: str, *, check_digit: bool = False, ratio: float | Fraction = 3) -> Symbol:
    """An Interleaved 2 of 5 symbol of an even number of digits.

    With ``check_digit`` a mod-10 check digit is appended (ISO/IEC 16390), so the digits
    given must then be odd in number.
    """
    value = require_digits(digits, expected="digits (ITF)", expected_zh="数字（ITF）")
    if check_digit:
        value += checksum.calc_check_digit(value)
    if len(value) % 2:
        expected = (
            "an odd number of digits (ITF with check digit)"
            if check_digit
            else ("an even number of digits (ITF)")
        )
        raise InvalidLength(LENGTH, value=digits, expected=expected, found=len(digits))
    # ISO/IEC 15424: ]I1 when a check digit is present and checked.
    return _symbol(Symbology.ITF, value, ratio, identifier="]I1" if check_digit else None)


def itf14(number: str, *, indicator: str | None = None, ratio: float | Fraction = 3) -> Symbol:
    """An ITF-14 symbol of a GTIN (GS1 GenSpecs 5.3), with 5X bearer bars.

    ``number`` is a GTIN-14, or a GTIN-8, -12 or -13 carried with leading zeros as a
    GTIN-14; with ``indicator`` (1-8) it is the GTIN-13 of the item a trade unit packs,
    whose GTIN-14 is built with a new check digit (GS1 GenSpecs 3.3.4).
    """
    value = (
        gtin.validate(number) if indicator is None else gtin.to_gtin14(number, indicator=indicator)
    )
    if not ITF14_RATIO[0] <= ratio <= ITF14_RATIO[1]:
        raise InvalidComponent(
            RATIO, found=ratio, expected="2.25-3.0 for ITF-14 (GS1 GenSpecs 5.3)",
            expected_zh="2.25-3.0（ITF-14，GS1 通用规范 5.3）",
        )  # fmt: skip
    return _symbol(Symbology.ITF14, value.zfill(14), ratio, bearer_bars=BEARER_BAR)
