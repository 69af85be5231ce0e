"""Tell what a code is: any number or element string a user may paste, one entry point.

The command line's ``info``/``check``/``bulk`` and the hall's search box use this: give it a
GTIN, a UPC-E, an ISBN, ISMN or ISSN (with or without add-on), an in-store code, an SSCC, an element
string in any of its forms or a GS1 Digital Link URI, and it answers which kind it is with the
parsed result, or raises the error of the most likely kind.

>>> identify("6936983800013").kind
'gtin'
>>> identify("978-7-111-21382-6 52499").kind, identify("1671-2161").kind
('isbn', 'issn')
>>> identify("9790230671187").kind, identify("M-2306-7118-7").kind  # printed music
('ismn', 'ismn')
>>> identify("(01)06936983800013(17)261231").canonical
'(01)06936983800013(17)261231'
>>> identify("https://id.gs1.org/01/06936983800013").kind
'digital_link'

Ambiguous digit strings are read in the order people most often mean them: eight digits are a
GTIN-8 before an ISSN (a UPC-E first when they start with 0 or 1); a 13-digit number starting
977/978/979 or 20-29 is the GTIN-13 of an ISSN, an ISBN or an in-store code; 979-0 is the
ISMN of printed music, the rest of 979 is ISBN (ISO 10957, ISO 2108).

A read's ISO/IEC 15424 symbology identifier, given as ``symbology_identifier`` or in front of the
text as a scanner sends it, settles what guessing cannot: ``]E3`` is an EAN/UPC with an add-on
(18 digits are then an EAN-13 and a 5-digit add-on, never an SSCC), ``]E4`` an EAN-8, ``]E0``
an EAN-13, UPC-A or UPC-E, and ``]C1``, ``]e0``, ``]d2``, ``]Q3``, ``]J1`` carry GS1 element
strings.

>>> identify("978039305867352595").kind             # guessed: 18 digits with a check digit
'sscc'
>>> found = identify("978039305867352595", symbology_identifier="]E3")
>>> found.kind, found.canonical, found.addon
('isbn', '978039305867352595', '52595')
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiaoma import _text, ai, digital_link, gtin, isbn, ismn, issn, rcn, sscc, upc
from tiaoma.errors import EMPTY, InvalidFormat, InvalidLength, TiaomaError, define, passes

__all__ = ["Identified", "identify", "is_valid"]

UPC_E_WITHOUT_CHECK_DIGIT = define(
    "upc_e.no_check_digit",
    "{value!r} cannot be checked: a UPC-E is 8 digits (number system, six digits, check digit), "
    "got {found}",
    "无法校验“{value}”：UPC-E 为 8 位（数字系统字符、6 位数字、校验码），实为 {found} 位",
)
ADDON_LENGTH = define(
    "addon.read_length",
    "{value!r} was read as an EAN/UPC with an add-on (]E3) but has {found} digits: expected a "
    "13-, 12- or 8-digit symbol followed by a 2- or 5-digit add-on",
    "“{value}”按带附加码的 EAN/UPC（]E3）读出，但有 {found} 位：应为 13、12 或 8 位条码加 2 或 5 "
    "位附加码",
)
UNRECOGNISED = define(
    "unrecognised",
    "Not a code tiaoma knows: {value!r} is neither a GTIN, UPC-E, ISBN, ISMN, ISSN, SSCC, "
    "element string nor GS1 Digital Link URI",
    "无法识别“{value}”：不是商品条码、UPC-E、ISBN、ISMN、ISSN、SSCC、应用标识符数据串"
    "或 GS1 数字链接",
)

_ISSN_WRITTEN = re.compile(r"\d{4}-\d{3}[\dXx]")
_LABELLED = re.compile(r"(?i)(ISBN|ISMN|ISSN)")
# ISO/IEC 15424 symbology identifiers of symbols that carry no GS1 element string: EAN/UPC
# (]E0, ]E4 EAN-8, ]E3 with add-on), Code 39 (]A0), plain QR Code (]Q1: a Digital Link URL).
_PLAIN_SYMBOLOGY = re.compile(r"\](E[0-4]|A[0-7]|Q[01]|I0|d1)")
# Identifiers of symbols whose data is a GS1 element string (FNC1 first): GS1-128, GS1 DataBar,
# GS1 DataMatrix, GS1 QR Code, GS1 DotCode... (ISO/IEC 15424; GS1 GenSpecs 5.1.2, 5.4.1).
_GS1_IDENTIFIERS = frozenset({"]C1", "]e0", "]d2", "]Q3", "]J1"})
_ISBN10_WITH_X = re.compile(r"\d{9}[Xx]")
_ISMN10 = re.compile(r"[Mm]\d{9}")
_AI_START = re.compile(r"\d{2}")


@dataclass(frozen=True)
class Identified:
    """What a code is (``kind``), its canonical text and the parsed result of its module."""

    kind: str
    canonical: str
    parsed: Any
    addon: str | None = None
    """The 2- or 5-digit add-on read with an EAN/UPC symbol (symbology identifier ``]E3``)."""


def identify(value: str, *, symbology_identifier: str | None = None) -> Identified:
    """Identify ``value`` and parse it; raise the specific error of the most likely kind.

    ``symbology_identifier`` is the read's ISO/IEC 15424 identifier (``]E3``, ``]C1``...) when
    ``value`` comes from a scanner: it decides the kind where the digits alone are ambiguous.
    """
    text = _text.halfwidth(_text.require_text(value)).strip()
    if not text:
        raise InvalidFormat(EMPTY, expected="a code", expected_zh="条码代码")
    if symbology_identifier:
        return _as_read(symbology_identifier, text)
    for looks_like, handler in _TEXT_SHAPES:
        if looks_like(text):
            return handler(text)
    return _number(_text.compact(text), text)


def _number(number: str, text: str) -> Identified:
    if number.isascii() and number.isdigit():
        return _digits(number, text)
    if _ISBN10_WITH_X.fullmatch(number):
        return _isbn(number)
    if _ISMN10.fullmatch(number):
        return _ismn(number)
    if len(number) == 8 and number[-1] in "Xx":
        return _issn(number)
    if _AI_START.match(text) and len(number) > 14 and _starts_with_predefined_ai(number):
        return _element_string(text)
    if len(number) in (8, 12, 13, 14) and 2 * sum(c.isdigit() for c in number) > len(number):
        gtin.validate(number)  # mostly digits: the GTIN error names the mistyped character
    raise InvalidFormat(UNRECOGNISED, value=text)


def _digits(number: str, text: str) -> Identified:
    handler = _BY_LENGTH.get(len(number))
    if handler is not None:
        return handler(number)
    if len(number) > 14 and _starts_with_predefined_ai(number):
        return _element_string(text)
    return _gtin(number)  # raises the GTIN length error: the likeliest intent


def _starts_with_predefined_ai(digits: str) -> bool:
    """Whether raw digits open with an AI of predefined length, (01), (17), (3103)...

    Only those make a run of digits believable as an element string: any long number starting
    with 91-99 would otherwise pass as company-internal data (AIs 91-99, X..90).
    """
    definitions = ai.definitions()
    found = next((digits[:n] for n in (2, 3, 4) if digits[:n] in definitions), None)
    return found is not None and definitions[found].predefined_length


def _eight(number: str) -> Identified:
    # Eight digits starting 0 or 1 that read as a UPC-E almost always are one: as a GTIN-8 a
    # leading 0 would make it a company-internal RCN-8 (GS1 GenSpecs 2.1.11.1).
    order = (_upc, _gtin, _issn) if number[0] in "01" else (_gtin, _issn, _upc)
    for kind in order:
        try:
            return kind(number)
        except TiaomaError:
            continue
    return _gtin(number)


def _thirteen(number: str) -> Identified:
    parsed = gtin.parse(number)
    special = _BY_GTIN_KIND.get(parsed.kind)
    if special is not None and (
        parsed.kind is not gtin.GtinKind.RESTRICTED_CIRCULATION or number[0] == "2"
    ):
        # A valid GTIN-13 stays valid when its special reading fails: 02x/04x are restricted
        # numbers but not China's in-store 20-29.
        with contextlib.suppress(TiaomaError):
            return special(number)
    return Identified("gtin", parsed.value, parsed)


def _with_addon(number: str) -> Identified:
    """15 or 18 digits: an EAN-13 with a 2- or 5-digit add-on, an SSCC or raw AI data."""
    if len(number) == 18 and sscc.is_valid(number):
        return _sscc(number)
    if number.startswith("977"):
        return _issn(number)
    if number.startswith("9790"):
        return _ismn(number)
    if number.startswith(("978", "979")):
        return _isbn(number)
    if _starts_with_predefined_ai(number):
        return _element_string(number)
    return _sscc(number) if len(number) == 18 else _gtin(number)


def _parsed_by(kind: str, parse: Callable[[str], Any]) -> Callable[[str], Identified]:
    """A handler that parses once; the canonical text is the parsed value and its add-on."""

    def handler(number: str) -> Identified:
        parsed = parse(number)
        return Identified(kind, parsed.value + (getattr(parsed, "addon", None) or ""), parsed)

    return handler


_gtin = _parsed_by("gtin", gtin.parse)
_upc = _parsed_by("upc_e", upc.parse)
_isbn = _parsed_by("isbn", isbn.parse)
_issn = _parsed_by("issn", issn.parse)
_ismn = _parsed_by("ismn", ismn.parse)
_in_store = _parsed_by("in_store", rcn.parse)
_sscc = _parsed_by("sscc", sscc.parse)


def _upc_without_check_digit(number: str) -> Identified:
    # Six or seven digits have no check digit to verify: saying "valid" would hide any typo.
    raise InvalidLength(UPC_E_WITHOUT_CHECK_DIGIT, value=number, found=len(number))


def _element_string(text: str) -> Identified:
    message = ai.parse(text)
    return Identified("element_string", message.bracketed(), message)


def _digital_link(text: str) -> Identified:
    link = digital_link.parse(text)
    return Identified("digital_link", link.uri(), link)


def _is_uri(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def _is_element_string(text: str) -> bool:
    return text[0] in "([]" or "\x1d" in text


def _labelled(text: str) -> Identified:
    return {"ISBN": _isbn, "ISMN": _ismn}.get(text[:4].upper(), _issn)(text)


def _bookland(number: str) -> Identified:
    """A GTIN-13 under GS1's "Bookland" prefixes: 979-0 is printed music (ISO 10957), the rest
    books (ISO 2108)."""
    return _ismn(number) if number.startswith("9790") else _isbn(number)


def _plain_scan(text: str) -> Identified:
    """A scanner's output of a symbol without GS1 data: the identifier, then the data."""
    return _as_read(text[:3], text[3:].strip())


def _as_read(identifier: str, text: str) -> Identified:
    """``text`` as the symbology ``identifier`` names reads it (ISO/IEC 15424)."""
    if identifier in _GS1_IDENTIFIERS:
        return _element_string(text if text.startswith(("(", "]")) else identifier + text)
    number = _text.compact(text)
    read_as = _BY_EAN_IDENTIFIER.get(identifier)
    if read_as is None or not (number.isascii() and number.isdigit()):
        return identify(text)
    return read_as(number)


def _ean_upc(number: str) -> Identified:
    """``]E0``: an EAN-13, a UPC-A or a UPC-E (8 digits, or expanded to 13 by the reader)."""
    if len(number) == 8:
        return _upc(number)
    return _thirteen(number) if len(number) == 13 else _gtin(number)


def _ean8(number: str) -> Identified:
    """``]E4``: an EAN-8, never an ISSN or a UPC-E."""
    return _gtin(number)


# ]E3: a main symbol of 13, 12 (UPC-A) or 8 (UPC-E) digits followed by a 2- or 5-digit add-on.
_MAIN_LENGTH_WITH_ADDON = {15: 13, 18: 13, 14: 12, 17: 12, 10: 8, 13: 8}


def _ean_with_addon(number: str) -> Identified:
    """``]E3``: an EAN-13, UPC-A or UPC-E and its add-on (ISO/IEC 15420 annex; GS1 GenSpecs
    5.2.3.6); books, serials and music keep the add-on in their own parsed form."""
    main_length = _MAIN_LENGTH_WITH_ADDON.get(len(number))
    if main_length is None:
        raise InvalidLength(ADDON_LENGTH, value=number, found=len(number))
    main, addon = number[:main_length], number[main_length:]
    found = _ean_upc(main)
    own_form = _BY_KIND.get(found.kind)
    if own_form is not None:  # an ISBN, ISSN or ISMN keeps its add-on itself
        found = own_form(number)
        return Identified(found.kind, found.canonical, found.parsed, addon)
    return Identified(found.kind, found.canonical + addon, found.parsed, addon)


_TEXT_SHAPES: tuple[tuple[Callable[[str], object], Callable[[str], Identified]], ...] = (
    (_PLAIN_SYMBOLOGY.match, _plain_scan),
    (_is_uri, _digital_link),
    (_LABELLED.match, _labelled),
    (_is_element_string, _element_string),
    (_ISSN_WRITTEN.fullmatch, _issn),
)


_BY_LENGTH: dict[int, Callable[[str], Identified]] = {
    6: _upc_without_check_digit,
    7: _upc_without_check_digit,
    8: _eight,
    10: _isbn,
    12: _gtin,
    13: _thirteen,
    14: _gtin,
    15: _with_addon,
    18: _with_addon,
}
_BY_EAN_IDENTIFIER: dict[str, Callable[[str], Identified]] = {
    "]E0": _ean_upc,
    "]E3": _ean_with_addon,
    "]E4": _ean8,
}
_BY_KIND: dict[str, Callable[[str], Identified]] = {"isbn": _isbn, "issn": _issn, "ismn": _ismn}
_BY_GTIN_KIND: dict[gtin.GtinKind, Callable[[str], Identified]] = {
    gtin.GtinKind.ISBN: _bookland,
    gtin.GtinKind.ISSN: _issn,
    gtin.GtinKind.RESTRICTED_CIRCULATION: _in_store,
}


def is_valid(value: str) -> bool:
    """Whether ``value`` is any valid code tiaoma knows."""
    return passes(identify, value)
