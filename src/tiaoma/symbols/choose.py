"""One entry point: data in, the right symbol out, the symbology chosen from the data if not given.

The choice follows what each kind of data is printed as (GS1 General Specifications 2.1,
5.1): 13 digits → EAN-13, 8 → EAN-8, 12 → UPC-A, a UPC-E number → UPC-E, an ISBN, ISMN or
ISSN with its add-on → EAN-13 with the add-on, 14 digits → ITF-14, an element string →
GS1-128, a URL → QR Code, other text → Code 128. Data is validated by the numbers library
first.

``main+addon`` asks for a 2- or 5-digit add-on after an EAN-13, a UPC-A or a UPC-E, the only
symbols ISO/IEC 15420 gives add-ons (an EAN-8, an ITF-14 or GS1 data with ``+`` is refused,
as is an add-on of another length); text that is no code keeps its ``+`` as Code 128 data.

>>> encode("6936983800013").symbology.name
'EAN13'
>>> encode("9771671216014 05").data
'9771671216014+05'
>>> symbol = encode("6901234567892+12345")
>>> symbol.symbology.name, symbol.data, symbol.symbology_identifier
('EAN13', '6901234567892+12345', ']E3')
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from tiaoma import identify as identify_module
from tiaoma import issn
from tiaoma.errors import InvalidComponent, InvalidFormat, TiaomaError, define
from tiaoma.symbols import upcean
from tiaoma.symbols.base import Symbol, Symbology

__all__ = ["ENCODERS", "encode", "encoder_for"]

ADDON_DIGITS = define(
    "symbols.addon_digits",
    "Invalid add-on {addon!r} in {value!r}: expected 2 or 5 digits after '+' (ISO/IEC 15420)",
    "“{value}”中的附加码“{addon}”无效：“+”后应为 2 位或 5 位数字（ISO/IEC 15420）",
)
ADDON_MAIN = define(
    "symbols.addon_main",
    "An add-on follows only an EAN-13, UPC-A or UPC-E (ISO/IEC 15420), not {found}: {value!r}",
    "附加码只能跟在 EAN-13、UPC-A 或 UPC-E 之后（ISO/IEC 15420），不能跟在{found_zh}之后："
    "“{value}”",
)
UNAVAILABLE = define(
    "symbols.unavailable",
    "No encoder for {symbology} yet",
    "暂不支持生成 {symbology} 条码",
)
Encoder = Callable[..., Symbol]

# Symbology -> "module:function" of its encoder, imported when first used.
ENCODERS: dict[Symbology, str] = {
    Symbology.EAN13: "tiaoma.symbols.upcean:ean13",
    Symbology.EAN8: "tiaoma.symbols.upcean:ean8",
    Symbology.UPCA: "tiaoma.symbols.upcean:upca",
    Symbology.UPCE: "tiaoma.symbols.upcean:upce",
    Symbology.EAN2: "tiaoma.symbols.upcean:addon",
    Symbology.EAN5: "tiaoma.symbols.upcean:addon",
    Symbology.ITF: "tiaoma.symbols.itf:itf",
    Symbology.ITF14: "tiaoma.symbols.itf:itf14",
    Symbology.CODE128: "tiaoma.symbols.code128:code128",
    Symbology.GS1_128: "tiaoma.symbols.code128:gs1_128",
    Symbology.CODE39: "tiaoma.symbols.code39:code39",
    Symbology.CODE39_EXTENDED: "tiaoma.symbols.code39:code39_extended",
    Symbology.DATABAR_OMNI: "tiaoma.symbols.databar:omnidirectional",
    Symbology.DATABAR_TRUNCATED: "tiaoma.symbols.databar:truncated",
    Symbology.DATABAR_STACKED: "tiaoma.symbols.databar:stacked",
    Symbology.DATABAR_STACKED_OMNI: "tiaoma.symbols.databar:stacked_omnidirectional",
    Symbology.DATABAR_LIMITED: "tiaoma.symbols.databar:limited",
    Symbology.DATABAR_EXPANDED: "tiaoma.symbols.databar:expanded",
    Symbology.DATABAR_EXPANDED_STACKED: "tiaoma.symbols.databar:expanded_stacked",
    Symbology.QR: "tiaoma.symbols.matrix:qr",
    Symbology.GS1_QR: "tiaoma.symbols.matrix:qr",
    Symbology.DATAMATRIX: "tiaoma.symbols.matrix:datamatrix",
    Symbology.GS1_DATAMATRIX: "tiaoma.symbols.matrix:datamatrix",
    Symbology.PDF417: "tiaoma.symbols.matrix:pdf417",
    Symbology.HANXIN: "tiaoma.symbols.hanxin:hanxin",
    Symbology.GS1_HANXIN: "tiaoma.symbols.hanxin:hanxin",
}


# The GS1 variants of the matrix symbologies: the same encoder in GS1 (FNC1) mode.
_GS1_MODE = {Symbology.GS1_QR, Symbology.GS1_DATAMATRIX, Symbology.GS1_HANXIN}


def encoder_for(symbology: Symbology) -> Encoder:
    """The encoder function of ``symbology``; a clear error where there is none."""
    target = ENCODERS.get(symbology)
    if target is None:
        raise InvalidComponent(UNAVAILABLE, symbology=symbology.label)
    module, name = target.split(":")
    function: Encoder = getattr(importlib.import_module(module), name)
    return functools.partial(function, gs1=True) if symbology in _GS1_MODE else function


def encode(data: str, symbology: Symbology | None = None, **options: Any) -> Symbol:
    """Encode ``data``; without ``symbology``, choose it from what the data is: a code tiaoma
    knows by its kind, any other text as Code 128. ``main+addon`` draws an EAN/UPC add-on,
    ``linear|2D`` a GS1 Composite symbol (:mod:`tiaoma.symbols.composite`)."""
    joined = _joined(data, symbology, options)
    if joined is not None:
        return joined
    if symbology is not None:
        return encoder_for(symbology)(data, **options)
    try:
        found = identify_module.identify(data)
    except TiaomaError as error:
        if error.code != identify_module.UNRECOGNISED:
            raise  # a code with a mistake in it is refused, never drawn as plain text
        return encoder_for(Symbology.CODE128)(data, **options)
    if found.kind in _PUBLICATIONS:
        return upcean.ean13(_publication_ean13(found), addon_digits=found.parsed.addon, **options)
    if found.kind == "sscc":  # a logistic unit's SSCC is printed as GS1-128, AI (00)
        return encoder_for(Symbology.GS1_128)(f"(00){found.canonical}", **options)
    chosen = _BY_KIND.get(found.kind, _gtin_symbology)(found)
    return encoder_for(chosen)(found.canonical, **options)


#: The linear symbols a GS1 Composite may be built on, by the composite module's names.
_COMPOSITE_KINDS = {
    Symbology.EAN13: "ean13",
    Symbology.EAN8: "ean8",
    Symbology.UPCA: "upca",
    Symbology.UPCE: "upce",
    Symbology.GS1_128: "gs1-128",
    Symbology.DATABAR_OMNI: "databar-omni",
    Symbology.DATABAR_TRUNCATED: "databar-truncated",
    Symbology.DATABAR_STACKED: "databar-stacked",
    Symbology.DATABAR_STACKED_OMNI: "databar-stacked-omni",
    Symbology.DATABAR_LIMITED: "databar-limited",
    Symbology.DATABAR_EXPANDED: "databar-expanded",
    Symbology.DATABAR_EXPANDED_STACKED: "databar-expanded-stacked",
}


def _joined(data: str, symbology: Symbology | None, options: dict[str, Any]) -> Symbol | None:
    """A symbol of two parts, ``linear|2D`` (a GS1 Composite) or ``main+addon``; else None."""
    if _is_composite(data, symbology):
        from tiaoma.symbols import composite  # noqa: PLC0415 - its tables load when needed

        kind = None if symbology is None else _COMPOSITE_KINDS[symbology]
        return composite.encode(data, linear_kind=kind, **options)
    split = _addon_split(data, symbology)
    return None if split is None else _with_addon(data, *split, symbology, options)


def _is_composite(data: str, symbology: Symbology | None) -> bool:
    """``linear|2D`` (as BWIPP and Zint write a GS1 Composite) for a symbol that takes one;
    without ``symbology``, when the linear part is a code tiaoma knows and the 2D part GS1
    data: ``|`` in other text is just Code 128 text."""
    if "|" not in data or (symbology is not None and symbology not in _COMPOSITE_KINDS):
        return False
    if symbology is not None:
        return True
    primary, _, cc_data = (part.strip() for part in data.partition("|"))
    try:
        identify_module.identify(primary.partition("+")[0])  # an EAN/UPC may bring an add-on
    except TiaomaError:
        return False
    return cc_data.startswith(("(", "[")) or cc_data[:2].isdigit()


# Books, serials and printed music are printed as their EAN-13 (ISO 2108, ISO 3297, ISO 10957).
_PUBLICATIONS = ("isbn", "issn", "ismn")


def _publication_ean13(found: identify_module.Identified) -> str:
    """The EAN-13 of an ISBN, ISSN (a bare ISSN takes variant 00) or ISMN."""
    parsed = found.parsed
    if found.kind == "isbn":
        return str(parsed.isbn13)
    if found.kind == "ismn":
        return str(parsed.ismn13)
    return str(parsed.ean13 or issn.to_ean13(parsed.issn))


#: The symbols an add-on may follow (ISO/IEC 15420), and the EAN-8, which may not.
_TAKES_ADDON = {Symbology.EAN13, Symbology.UPCA, Symbology.UPCE}
_EAN_UPC = {*_TAKES_ADDON, Symbology.EAN8}


def _addon_split(data: str, symbology: Symbology | None) -> tuple[str, str] | None:
    """``(main, add-on)`` if ``data`` is ``main+addon`` meant for an EAN/UPC, else ``None``.

    Without ``symbology`` the ``+`` means an add-on when the main part is a code tiaoma
    knows (a mistyped one raises its error); text that is no code stays text.
    """
    if "+" not in data or (symbology is not None and symbology not in _EAN_UPC):
        return None
    main, _, addon = (part.strip() for part in data.rpartition("+"))
    if symbology is None:
        try:
            identify_module.identify(main)
        except TiaomaError as error:
            if error.code == identify_module.UNRECOGNISED:
                return None
            raise
    if len(addon) not in (2, 5) or not (addon.isascii() and addon.isdigit()):
        raise InvalidFormat(ADDON_DIGITS, addon=addon, value=data)
    return main, addon


def _with_addon(data: str, main: str, addon: str, symbology: Symbology | None,
                options: dict[str, Any]) -> Symbol:  # fmt: skip
    """The EAN-13, UPC-A or UPC-E of ``main`` with its add-on; anything else refused."""
    if symbology is None:
        found = identify_module.identify(main)
        if found.kind in _PUBLICATIONS:
            if found.parsed.addon is not None:  # "9771671216014 05+12": two add-ons
                raise InvalidFormat(ADDON_MAIN, found="a second add-on", found_zh="另一个附加码",
                                    value=data)  # fmt: skip
            return upcean.ean13(_publication_ean13(found), addon_digits=addon, **options)
        symbology = _main_symbology(found, data)
    if symbology not in _TAKES_ADDON:
        raise InvalidFormat(ADDON_MAIN, found=symbology.label, found_zh=symbology.label,
                            value=data)  # fmt: skip
    return encoder_for(symbology)(main, addon_digits=addon, **options)


def _main_symbology(found: identify_module.Identified, data: str) -> Symbology:
    """The symbol a code with an add-on is printed as; a clear error for what takes none."""
    if found.kind in ("gtin", "upc_e", "in_store"):
        return _BY_KIND.get(found.kind, _gtin_symbology)(found)  # EAN-8, ITF-14: the caller refuses
    names = {"sscc": ("an SSCC", "SSCC"), "element_string": ("GS1 element strings", "GS1 数据串"),
             "digital_link": ("a GS1 Digital Link URI", "GS1 数字链接")}  # fmt: skip
    found_en, found_zh = names.get(found.kind, (found.kind, found.kind))
    raise InvalidFormat(ADDON_MAIN, found=found_en, found_zh=found_zh, value=data)


def _gtin_symbology(found: identify_module.Identified) -> Symbology:
    by_length = {8: Symbology.EAN8, 12: Symbology.UPCA, 13: Symbology.EAN13, 14: Symbology.ITF14}
    return by_length[len(found.canonical)]


_BY_KIND: dict[str, Callable[[identify_module.Identified], Symbology]] = {
    "upc_e": lambda _: Symbology.UPCE,
    "in_store": lambda _: Symbology.EAN13,
    "element_string": lambda _: Symbology.GS1_128,
    "digital_link": lambda _: Symbology.QR,
}
