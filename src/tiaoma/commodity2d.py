"""Commodity two-dimensional codes (商品二维码) after GB/T 33993-2024.

GB/T 33993-2024 *Two-dimensional code for commodity* (proposed by GS1 China, in force since
2025-07-01, replacing the 2017 edition) says what a trade item's 2D code carries, in which
symbols and at what quality. Its full text is sold, not published; what it says publicly
(its table of contents, GS1 China's announcements of the 2025 edition) and what this module
reads from it:

- **Two data structures** (§5; the 2017 edition had three, the 2024 edition keeps two "in line
  with the international standards"):

  - 编码型 *element string* (:attr:`Structure.ELEMENT_STRING`): GS1 element strings (GB/T
    16986, the GS1 General Specifications), the GTIN ``(01)`` mandatory and first (as in the
    2017 edition §5.2), further AIs from Annex A;
  - 网址型 *URI* (:attr:`Structure.URI`): a web address that leads to the item's
    information. *Our reading*: a GS1 Digital Link URI whose primary key is the GTIN, the
    international standard the 2024 edition aligns with.

- **Which AIs** (Annex A, not public). *Our reading*: any AI of the GS1 Barcode Syntax
  Dictionary (:mod:`tiaoma.ai`), under its pairing rules, except the identification keys of
  other things than the trade item (an SSCC ``(00)``, a GLN ``(414)``…): a commodity's code
  identifies the commodity.
- **Which characters** (Annex B, not public). *Our reading*: GS1's AI encodable character set
  82, which :mod:`tiaoma.ai` checks. The 2017 edition also kept ``% & / < > ?`` out of the
  batch ``(10)`` and serial ``(21)``; a code that uses them is valid but gets a note
  (:attr:`CommodityCode.notes`), since readers built for the 2017 edition refuse it.
- **Symbols** (§6): QR Code (GB/T 18284), Han Xin Code (GB/T 21049) and Data Matrix (GB/T
  41208), element strings in their GS1 (FNC1) mode, a URI as plain text (as GS1 Digital Link
  asks).
- **Size** (§6, not public). *Our reading*: GS1's X-dimensions for 2D symbols scanned at the
  point of sale (GS1 General Specifications, symbol specification table 1): element strings
  0.375-0.990 mm (target 0.625), a GS1 Digital Link URI 0.396-0.743 mm (target 0.495), for
  Han Xin Code as for the two others.
- **Quality** (§7, GB/T 23704 = ISO/IEC 15415). *Our reading*: grade 1.5 or better at an
  aperture of 0.2 mm (08) and 660 nm, GS1's figure for 2D symbols at the point of sale.
- **Placement** (Annex D, not public). *Our reading*, after GS1's guidance for the move to 2D
  at the point of sale: on the same face as the EAN-13, beside it, each symbol with its own
  quiet zone clear (:data:`PLACEMENT`).

>>> code = parse("(01)06901234567892(10)ABC123(17)271231")
>>> code.structure.name, code.gtin, code.x_dimensions.target
('ELEMENT_STRING', '06901234567892', 0.625)
>>> parse("https://example.com/01/06901234567892/10/ABC123").structure.name
'URI'
>>> try:
...     parse("(10)ABC123(01)06901234567892")
... except InvalidComponent as error:
...     print(error)
...     print(error.message_zh)
A commodity 2D code starts with the GTIN (01) (GB/T 33993-2024), not with (10)
商品二维码的编码数据应以 (01) 全球贸易项目代码开头（GB/T 33993-2024），实为 (10)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal, NamedTuple

from tiaoma import ai, digital_link
from tiaoma.digital_link import DigitalLink
from tiaoma.errors import NOT_TEXT, InvalidComponent, InvalidFormat, TiaomaError, define
from tiaoma.symbols.base import Symbol

__all__ = [
    "MINIMUM_GRADE",
    "PLACEMENT",
    "Carrier",
    "CommodityCode",
    "Structure",
    "XRange",
    "encode",
    "is_valid",
    "parse",
    "validate",
]

GTIN_FIRST = define(
    "commodity2d.gtin_first",
    "A commodity 2D code starts with the GTIN (01) (GB/T 33993-2024), not with ({ai})",
    "商品二维码的编码数据应以 (01) 全球贸易项目代码开头（GB/T 33993-2024），实为 ({ai})",
)
URI_KEY = define(
    "commodity2d.uri_key",
    "A commodity 2D code's URI identifies a trade item by its GTIN (01), not by ({ai}) "
    "(GB/T 33993-2024)",
    "商品二维码的网址应以 (01) 全球贸易项目代码标识商品，实为 ({ai})（GB/T 33993-2024）",
)
OTHER_KEY = define(
    "commodity2d.other_key",
    "({ai}) {title} identifies something other than the trade item: a commodity 2D code "
    "carries the item's GTIN (01) and its attributes",
    "({ai}) {title} 标识的不是商品本身：商品二维码只承载商品的 (01) 全球贸易项目代码及其属性",
)
UNKNOWN_CARRIER = define(
    "commodity2d.carrier",
    "Unknown symbol for a commodity 2D code {value!r}: expected {expected}",
    "商品二维码不能用“{value}”表示：应为 {expected}",
)


class Structure(enum.Enum):
    """GB/T 33993-2024's two data structures: (Chinese name, English name)."""

    ELEMENT_STRING = ("编码型", "element string")
    URI = ("网址型", "URI")

    @property
    def label(self) -> str:
        return f"{self.value[1]} ({self.value[0]})"


class Carrier(enum.Enum):
    """The symbols a commodity 2D code may be drawn in: (English, Chinese, its standard)."""

    QR = ("QR Code", "QR 码", "GB/T 18284")
    HAN_XIN = ("Han Xin Code", "汉信码", "GB/T 21049")
    DATA_MATRIX = ("Data Matrix", "数据矩阵码", "GB/T 41208")

    @property
    def label(self) -> str:
        english, chinese, standard = self.value
        return f"{english} ({chinese}, {standard})"


class XRange(NamedTuple):
    """The X-dimension (module size) a symbol may be printed at, in millimetres."""

    minimum: float
    target: float
    maximum: float


#: Module sizes per data structure: GS1's figures for 2D symbols at the point of sale.
X_DIMENSIONS = {
    Structure.ELEMENT_STRING: XRange(0.375, 0.625, 0.990),
    Structure.URI: XRange(0.396, 0.495, 0.743),
}
#: The least print quality, grade/aperture/wavelength (ISO/IEC 15415, GB/T 23704): our reading.
MINIMUM_GRADE = "1.5/08/660"
#: Where the code goes on the pack beside the EAN-13 (our reading of Annex D), in both languages.
PLACEMENT = (
    "on the same face as the EAN-13 and beside it; each symbol keeps its own quiet zone clear "
    "(EAN-13: 11X left, 7X right; QR Code 4X, Han Xin Code 3X, Data Matrix 1X); not across an "
    "edge, a fold or a seam",
    "与 EAN-13 条码印在同一面并排放置；两个符号各自留足空白区"
    "（EAN-13 左 11X、右 7X；QR 码 4X，汉信码 3X，数据矩阵码 1X）；不跨越边缘、折痕或接缝",
)
#: Characters the 2017 edition kept out of the batch (10) and serial (21) numbers.
OLD_EDITION_EXCLUDED = frozenset("%&/<>?")
_CARRIER_NAMES = {
    "qr": Carrier.QR,
    "hanxin": Carrier.HAN_XIN,
    "han-xin": Carrier.HAN_XIN,
    "datamatrix": Carrier.DATA_MATRIX,
    "data-matrix": Carrier.DATA_MATRIX,
}


@dataclass(frozen=True)
class CommodityCode:
    """A validated commodity 2D code: its structure, its element strings and what a symbol
    of it carries (:attr:`text`)."""

    structure: Structure
    #: The element strings, the GTIN first (for a URI: those the URI stands for).
    message: ai.Gs1Message
    #: The GS1 Digital Link URI of a URI-type code, else ``None``.
    link: DigitalLink | None
    #: Facts a printer should know that do not make the code invalid: (English, Chinese).
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def gtin(self) -> str:
        """The trade item's GTIN, 14 digits."""
        return self.message["01"].value

    @property
    def text(self) -> str:
        """What the symbol carries: the URI, or the element strings (bracketed; the encoder
        turns the brackets into FNC1)."""
        return self.link.uri() if self.link is not None else self.message.bracketed()

    @property
    def x_dimensions(self) -> XRange:
        """The module sizes it may be printed at (our reading, see the module)."""
        return X_DIMENSIONS[self.structure]

    def element_string(self) -> str:
        """The element strings in brackets, whatever the structure."""
        return self.message.bracketed()

    def uri(self, resolver: str = digital_link.DEFAULT_RESOLVER) -> str:
        """The code as a GS1 Digital Link URI (its own for a URI-type code)."""
        if self.link is not None:
            return self.link.uri()
        options = digital_link.DigitalLinkOptions(resolver=resolver)
        return digital_link.to_uri(self.message.bracketed(), options)


def _check_elements(message: ai.Gs1Message) -> None:
    """Our reading of Annex A: the GTIN's attributes may come along, no other thing's key."""
    for element in message.elements[1:]:
        if element.definition.dl_primary_key and element.ai != "01":
            raise InvalidComponent(OTHER_KEY, ai=element.ai, title=element.title)


def _notes(message: ai.Gs1Message, link: DigitalLink | None) -> tuple[tuple[str, str], ...]:
    notes: list[tuple[str, str]] = []
    for element in message:
        if element.ai in ("10", "21") and OLD_EDITION_EXCLUDED & set(element.value):
            notes.append((
                f"({element.ai}) holds one of % & / < > ?, which the 2017 edition of GB/T 33993 "
                "excluded: a reader built for it may refuse the code",
                f"({element.ai}) 含有 % & / < > ? 之一，GB/T 33993-2017 不允许这些字符："
                "按旧版开发的读取软件可能拒绝此码",
            ))  # fmt: skip
    if link is not None and link.uri().startswith("http://"):
        notes.append((
            "the URI uses http://: a phone may warn about an address that is not https://",
            "网址使用 http://：手机可能对非 https:// 的网址给出安全警告",
        ))  # fmt: skip
    return tuple(notes)


def parse(value: str) -> CommodityCode:
    """Read a commodity 2D code: element strings in any form :func:`tiaoma.ai.parse` reads,
    or a GS1 Digital Link URI; validated by GB/T 33993-2024's rules (our readings marked in
    the module)."""
    if not isinstance(value, str):
        raise InvalidFormat(NOT_TEXT, type=type(value).__name__)
    text = value.strip()
    if text.lower().startswith(("http://", "https://")):
        link = digital_link.parse(text)
        if link.primary_key.ai != "01":
            raise InvalidComponent(URI_KEY, ai=link.primary_key.ai)
        message = link.message
    else:
        link = None
        message = ai.parse(text)
        if message.elements[0].ai != "01":
            raise InvalidComponent(GTIN_FIRST, ai=message.elements[0].ai)
    _check_elements(message)
    structure = Structure.URI if link is not None else Structure.ELEMENT_STRING
    return CommodityCode(structure, message, link, _notes(message, link))


def validate(value: str) -> str:
    """The code's text as a symbol carries it, or the reason it is not a commodity 2D code."""
    return parse(value).text


def is_valid(value: str) -> bool:
    """Whether ``value`` is a commodity 2D code by GB/T 33993-2024 (as read here)."""
    try:
        parse(value)
    except TiaomaError:
        return False
    return True


CarrierName = Literal["qr", "hanxin", "han-xin", "datamatrix", "data-matrix"]


def carrier(name: Carrier | str) -> Carrier:
    """A :class:`Carrier` from its name as the command line writes it (``qr``, ``hanxin``,
    ``datamatrix``)."""
    if isinstance(name, Carrier):
        return name
    found = _CARRIER_NAMES.get(str(name).strip().lower())
    if found is None:
        raise InvalidComponent(UNKNOWN_CARRIER, value=name, expected="qr, hanxin, datamatrix")
    return found


def encode(value: str | CommodityCode, symbol: Carrier | str = Carrier.QR, *,
           error_correction: str | None = None) -> Symbol:  # fmt: skip
    """The commodity 2D code drawn as QR Code, Han Xin Code or Data Matrix.

    Element strings go in the symbol's GS1 mode (FNC1 first), a URI as plain text.
    ``error_correction``: QR Code's level L/M/Q/H (default M), Han Xin Code's L1-L4 (default
    the encoder's); Data Matrix has one fixed level.
    """
    from tiaoma.symbols import matrix  # noqa: PLC0415 - the encoders load Zint

    code = value if isinstance(value, CommodityCode) else parse(value)
    chosen = carrier(symbol)
    element_strings = code.structure is Structure.ELEMENT_STRING
    if chosen is Carrier.QR:
        level = error_correction or "M"
        if element_strings:
            return matrix.qr(code.text, gs1=True, error_correction=level)  # type: ignore[arg-type]
        return matrix.qr(code.text, digital_link=True, error_correction=level)  # type: ignore[arg-type]
    if chosen is Carrier.DATA_MATRIX:
        if element_strings:
            return matrix.datamatrix(code.text, gs1=True)
        return matrix.datamatrix(code.text, digital_link=True)
    return _han_xin(code, error_correction)


def _han_xin(code: CommodityCode, error_correction: str | None) -> Symbol:
    from tiaoma.symbols import hanxin  # noqa: PLC0415 - loaded when asked for

    gs1 = code.structure is Structure.ELEMENT_STRING
    if error_correction is None:
        return hanxin.hanxin(code.text, gs1=gs1)
    return hanxin.hanxin(code.text, gs1=gs1, error_correction=error_correction)
