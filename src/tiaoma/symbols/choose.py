"""One entry point: data in, the right symbol out, the symbology chosen from the data if not given.

The choice follows what each kind of data is printed as (GS1 General Specifications 2.1,
5.1): 13 digits → EAN-13, 8 → EAN-8, 12 → UPC-A, a UPC-E number → UPC-E, an ISBN or ISSN with
its add-on → EAN-13 with the add-on, 14 digits → ITF-14, an element string → GS1-128, a URL →
QR Code, other text → Code 128. Data is validated by the numbers library first.

>>> encode("6936983800013").symbology.name
'EAN13'
>>> encode("9771671216014 05").data
'9771671216014+05'
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from tiaoma import identify as identify_module
from tiaoma import issn
from tiaoma.errors import InvalidComponent, TiaomaError, define
from tiaoma.symbols import upcean
from tiaoma.symbols.base import Symbol, Symbology

__all__ = ["ENCODERS", "encode", "encoder_for"]

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
}


# The GS1 variants of the matrix symbologies: the same encoder in GS1 (FNC1) mode.
_GS1_MODE = {Symbology.GS1_QR, Symbology.GS1_DATAMATRIX}


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
    knows by its kind, any other text as Code 128."""
    if symbology is not None:
        return encoder_for(symbology)(data, **options)
    try:
        found = identify_module.identify(data)
    except TiaomaError as error:
        if error.code != identify_module.UNRECOGNISED:
            raise  # a code with a mistake in it is refused, never drawn as plain text
        return encoder_for(Symbology.CODE128)(data, **options)
    if found.kind in ("isbn", "issn"):
        # Books and serials are printed as their EAN-13; a bare ISSN takes variant 00.
        parsed = found.parsed
        ean13 = (
            parsed.isbn13 if found.kind == "isbn" else parsed.ean13 or issn.to_ean13(parsed.issn)
        )
        return upcean.ean13(ean13, addon_digits=parsed.addon, **options)
    if found.kind == "sscc":  # a logistic unit's SSCC is printed as GS1-128, AI (00)
        return encoder_for(Symbology.GS1_128)(f"(00){found.canonical}", **options)
    chosen = _BY_KIND.get(found.kind, _gtin_symbology)(found)
    return encoder_for(chosen)(found.canonical, **options)


def _gtin_symbology(found: identify_module.Identified) -> Symbology:
    by_length = {8: Symbology.EAN8, 12: Symbology.UPCA, 13: Symbology.EAN13, 14: Symbology.ITF14}
    return by_length[len(found.canonical)]


_BY_KIND: dict[str, Callable[[identify_module.Identified], Symbology]] = {
    "upc_e": lambda _: Symbology.UPCE,
    "in_store": lambda _: Symbology.EAN13,
    "element_string": lambda _: Symbology.GS1_128,
    "digital_link": lambda _: Symbology.QR,
}
