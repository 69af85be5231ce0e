"""EAN-13, EAN-8, UPC-A, UPC-E and the 2- and 5-digit add-ons (ISO/IEC 15420; GB 12904).

Each digit is 7 modules, two bars and two spaces, from one of three character sets: A (odd
parity) and B (even parity) on the left, C on the right; C is A with bars and spaces swapped
and B is C reversed (ISO/IEC 15420 table 1; GB 12904 table 2; seed 001 §6). An EAN-13's
leading digit is not drawn: it chooses the left half's pattern of sets A and B (seed 001
table 3: for 6, ``ABBBAA``).

>>> symbol = ean13("6901234567892")
>>> symbol.rows[0].modules[:31]    # start guard, then 9 (A), 0 (B), 1 (B) ... per ABBBAA
'1010001011010011101100110011011'
>>> symbol.width, symbol.quiet_zone.left, symbol.quiet_zone.right
(95, 11, 7)
>>> left_parity("6901234567892")
'ABBBAA'
"""

from __future__ import annotations

from operator import getitem

from tiaoma import gtin, upc
from tiaoma._text import require_digits
from tiaoma.errors import LENGTH, InvalidLength
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = ["addon", "ean8", "ean13", "left_parity", "upca", "upce"]

# ISO/IEC 15420 table 1: set A (odd parity) for digits 0-9; C is A inverted; B is C reversed.
SET_A = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)
SET_C = tuple(code.translate(str.maketrans("01", "10")) for code in SET_A)
SET_B = tuple(code[::-1] for code in SET_C)
_SETS = {"A": SET_A, "B": SET_B, "C": SET_C}

# ISO/IEC 15420 table 6 (GB 12904 table 3): the left half's sets chosen by the leading digit.
EAN13_PARITY = (
    "AAAAAA",
    "AABABB",
    "AABBAB",
    "AABBBA",
    "ABAABB",
    "ABBAAB",
    "ABBBAA",
    "ABABAB",
    "ABABBA",
    "ABBABA",
)
# UPC-E: the sets of the six digits chosen by the check digit, number system 0 (ISO/IEC 15420
# table 8); number system 1 swaps A and B.
UPCE_PARITY = (
    "BBBAAA",
    "BBABAA",
    "BBAABA",
    "BBAAAB",
    "BABBAA",
    "BAABBA",
    "BAAABB",
    "BABABA",
    "BABAAB",
    "BAABAB",
)
# Add-ons (ISO/IEC 15420 5.2.2.6): EAN-2 sets by the value mod 4, EAN-5 by its check digit.
EAN2_PARITY = ("AA", "AB", "BA", "BB")
EAN5_PARITY = (
    "BBAAA",
    "BABAA",
    "BAABA",
    "BAAAB",
    "ABBAA",
    "AABBA",
    "AAABB",
    "ABABA",
    "ABAAB",
    "AABAB",
)

NORMAL_GUARD = "101"
CENTRE_GUARD = "01010"
UPCE_END_GUARD = "010101"
ADDON_START = "1011"
ADDON_SEPARATOR = "01"
#: Light modules between a main symbol and its add-on (Zint's defaults; ISO/IEC 15420 5.2.2.6
#: allows 7-12 after EAN-13 and EAN-8, 9-12 after UPC-A).
ADDON_GAP = {Symbology.EAN13: 7, Symbology.EAN8: 7, Symbology.UPCA: 9, Symbology.UPCE: 7}


# The same tables keyed by the digit character, one per set: encoding is then a look-up per
# digit (an EAN-13 is encoded thousands of times a second for artwork).
_BY_CHAR = {name: dict(zip("0123456789", codes, strict=True)) for name, codes in _SETS.items()}
_EAN13_LEFT = {str(lead): tuple(_BY_CHAR[name] for name in sets)
               for lead, sets in enumerate(EAN13_PARITY)}  # fmt: skip
_RIGHT = (_BY_CHAR["C"],) * 6
_EAN13_QUIET = QuietZone(11, 7)
_EAN13_GUARDS = ((0, 3), (45, 50), (92, 95))
_OUTSIDE_LEFT = {digit: TextItem(digit, -6.0, 7.0) for digit in "0123456789"}


# GB 12904 7.1.2 and table 4: the bars of 1 and 2 in set A are 1/13 module narrower (spaces
# wider), of 7 and 8 wider; sets B and C the other way round.
_ADJUST = {("A", "1"): -1, ("A", "2"): -1, ("A", "7"): 1, ("A", "8"): 1,
           ("B", "1"): 1, ("B", "2"): 1, ("B", "7"): -1, ("B", "8"): -1,
           ("C", "1"): 1, ("C", "2"): 1, ("C", "7"): -1, ("C", "8"): -1}  # fmt: skip


def _encode(digits: str, sets: str) -> str:
    return "".join(map(getitem, [_BY_CHAR[name] for name in sets], digits))


def left_parity(number: str) -> str:
    """The A/B pattern of an EAN-13's left half, chosen by its leading digit."""
    return EAN13_PARITY[int(gtin.validate(number)[0])]


def _require_length(value: str, length: int, name: str) -> str:
    if len(value) != length:
        raise InvalidLength(
            LENGTH, value=value, expected=f"{length} digits ({name})", found=len(value)
        )
    return value


def ean13(number: str, *, addon_digits: str | None = None) -> Symbol:
    """An EAN-13 symbol: 95 modules, guards 101/01010/101, quiet zones 11 and 7 (GB 12904)."""
    value = gtin.validate(number)
    if len(value) != 13:
        _require_length(value, 13, "EAN-13")
    left = "".join(map(getitem, _EAN13_LEFT[value[0]], value[1:7]))
    right = "".join(map(getitem, _RIGHT, value[7:]))
    modules = f"{NORMAL_GUARD}{left}{CENTRE_GUARD}{right}{NORMAL_GUARD}"
    text = (
        _OUTSIDE_LEFT[value[0]],
        TextItem(value[1:7], 24.0, 42.0),
        TextItem(value[7:], 71.0, 42.0),
    )
    symbol = Symbol(Symbology.EAN13, value, (Row(modules),), _EAN13_QUIET, _EAN13_GUARDS, text,
                    light_margin_mark=True)  # fmt: skip
    return _with_addon(symbol, addon_digits)


def ean8(number: str, *, addon_digits: str | None = None) -> Symbol:
    """An EAN-8 symbol: 67 modules, 4 + 4 digits, left in set A, quiet zones 7 and 7."""
    value = _require_length(gtin.validate(number), 8, "EAN-8")
    modules = (
        NORMAL_GUARD
        + _encode(value[:4], "AAAA")
        + CENTRE_GUARD
        + _encode(value[4:], "CCCC")
        + NORMAL_GUARD
    )
    text = (TextItem(value[:4], 17.0, 28.0), TextItem(value[4:], 50.0, 28.0))
    symbol = Symbol(
        Symbology.EAN8,
        value,
        (Row(modules),),
        QuietZone(7, 7),
        guards=((0, 3), (31, 36), (64, 67)),
        text=text,
        light_margin_mark=True,
    )
    return _with_addon(symbol, addon_digits)


def upca(number: str, *, addon_digits: str | None = None) -> Symbol:
    """A UPC-A symbol: the EAN-13 pattern of ``0`` + the 12 digits, with the outer digits
    printed outside the bars and the first and last symbol characters' bars lengthened."""
    value = _require_length(gtin.validate(number), 12, "UPC-A")
    modules = ean13("0" + value).rows[0].modules
    text = (
        TextItem(value[0], -6.0, 7.0),
        TextItem(value[1:6], 27.5, 35.0),
        TextItem(value[6:11], 67.5, 35.0),
        TextItem(value[11], 101.0, 7.0),
    )
    symbol = Symbol(
        Symbology.UPCA,
        value,
        (Row(modules),),
        QuietZone(9, 9),
        guards=((0, 10), (45, 50), (85, 95)),
        text=text,
    )
    return _with_addon(symbol, addon_digits)


def upce(number: str, *, addon_digits: str | None = None) -> Symbol:
    """A UPC-E symbol: 51 modules, six digits whose sets encode number system and check digit."""
    # Through the UPC-A and back: the canonical zero suppression, whatever spelling was given.
    value = upc.to_upc_e(upc.to_upc_a(number))
    system, digits, check = value[0], value[1:7], value[7]
    sets = UPCE_PARITY[int(check)]
    if system == "1":
        sets = sets.translate(str.maketrans("AB", "BA"))
    modules = NORMAL_GUARD + _encode(digits, sets) + UPCE_END_GUARD
    text = (TextItem(system, -6.0, 7.0), TextItem(digits, 24.0, 42.0), TextItem(check, 57.0, 7.0))
    symbol = Symbol(
        Symbology.UPCE,
        value,
        (Row(modules),),
        QuietZone(9, 7),
        guards=((0, 3), (45, 51)),
        text=text,
    )
    return _with_addon(symbol, addon_digits)


def addon(digits: str) -> Symbol:
    """A 2- or 5-digit add-on alone (ISSN issue number, ISBN price; ISO/IEC 15420 5.2.2.6)."""
    value = require_digits(
        digits, expected="a 2- or 5-digit add-on", expected_zh="2 位或 5 位附加码"
    )
    if len(value) not in (2, 5):
        raise InvalidLength(LENGTH, value=value, expected="2 or 5 digits", found=len(value))
    sets = _addon_sets(value)
    symbology = Symbology.EAN2 if len(value) == 2 else Symbology.EAN5
    characters = [_SETS[name][int(digit)] for digit, name in zip(value, sets, strict=True)]
    modules = ADDON_START + ADDON_SEPARATOR.join(characters)
    text = (TextItem(value, len(modules) / 2, float(len(modules))),)
    return Symbol(symbology, value, (Row(modules),), QuietZone(7, 5), text=text)


def _addon_sets(value: str) -> str:
    if len(value) == 2:
        return EAN2_PARITY[int(value) % 4]
    weighted = 3 * sum(map(int, value[::2])) + 9 * sum(map(int, value[1::2]))
    return EAN5_PARITY[weighted % 10]


def _main_characters(symbology: Symbology, value: str) -> tuple[str, str, list[int]]:
    """The digits drawn as bars, their sets and where each begins (module index)."""
    halves = [3 + 7 * i for i in range(6)] + [50 + 7 * i for i in range(6)]
    if symbology is Symbology.EAN13:
        return value[1:], EAN13_PARITY[int(value[0])] + "C" * 6, halves
    if symbology is Symbology.UPCA:
        return value, "A" * 6 + "C" * 6, halves
    if symbology is Symbology.EAN8:
        return value, "AAAACCCC", [3 + 7 * i for i in range(4)] + [36 + 7 * i for i in range(4)]
    if symbology is Symbology.UPCE:
        sets = UPCE_PARITY[int(value[7])]
        if value[0] == "1":
            sets = sets.translate(str.maketrans("AB", "BA"))
        return value[1:7], sets, [3 + 7 * i for i in range(6)]
    return value, _addon_sets(value), [4 + 9 * i for i in range(len(value))]  # an add-on alone


def digit_adjustments(symbol: Symbol) -> tuple[tuple[int, int, float], ...]:
    """GB 12904 table 4 for ``symbol``: (first module, end module, bar change in modules) of
    each character 1, 2, 7 or 8; empty for symbologies other than EAN/UPC."""
    if symbol.symbology not in ADDON_GAP and symbol.symbology not in (Symbology.EAN2,
                                                                      Symbology.EAN5):  # fmt: skip
        return ()
    main, _, extra = symbol.data.partition("+")
    digits, sets, starts = _main_characters(symbol.symbology, main)
    if extra and symbol.addon_start is not None:
        digits += extra
        sets += _addon_sets(extra)
        starts += [symbol.addon_start + 4 + 9 * i for i in range(len(extra))]
    found = []
    for digit, name, start in zip(digits, sets, starts, strict=True):
        sign = _ADJUST.get((name, digit))
        if sign:
            found.append((start, start + 7, sign / 13))
    return tuple(found)


def _with_addon(main: Symbol, addon_digits: str | None) -> Symbol:
    if addon_digits is None:
        return main
    extra = addon(addon_digits)
    offset = main.width + ADDON_GAP[main.symbology]
    modules = main.rows[0].modules + "0" * ADDON_GAP[main.symbology] + extra.rows[0].modules
    # The add-on's digits sit above its bars (GS1 GenSpecs 5.2.3.6); addon_start tells where.
    text = main.text + tuple(
        TextItem(item.text, item.x + offset, item.width) for item in extra.text
    )
    return Symbol(
        main.symbology,
        f"{main.data}+{extra.data}",
        (Row(modules),),
        QuietZone(main.quiet_zone.left, extra.quiet_zone.right),
        guards=main.guards,
        text=text,
        light_margin_mark=False,
        addon_start=offset,
        identifier="]E3",  # ISO/IEC 15420: a main symbol read with its add-on
    )
