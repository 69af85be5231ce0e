"""Explain a code to a person: label/value rows in English with the Chinese terms alongside.

The command line's ``info`` prints these rows; the hall shows the same facts on its query page.

>>> from tiaoma.identify import identify
>>> for label, text in rows(identify("6936983800013")):
...     print(f"{label}: {text}")
type: GTIN-13, trade item (商品条码)
GS1 prefix: 693 — GS1 China (中国物品编码中心)
company prefix: 69369838 (8 digits; 厂商识别代码)
item reference: 0001 (商品项目代码)
check digit: 3 (valid; 校验码)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from tiaoma import commodity2d, digital_link
from tiaoma.ai import Gs1Message
from tiaoma.digital_link import DigitalLink
from tiaoma.errors import TiaomaError
from tiaoma.gtin import Gtin, GtinFormat
from tiaoma.identify import Identified
from tiaoma.isbn import Isbn
from tiaoma.ismn import Ismn
from tiaoma.issn import Issn
from tiaoma.rcn import InStoreCode
from tiaoma.sscc import Sscc
from tiaoma.upc import Upc

Rows = list[tuple[str, str]]


def _gtin_rows(number: Gtin) -> Rows:
    name = number.format.name.replace("_", "-")
    rows: Rows = [("type", f"{name}, {number.kind.english} ({number.kind.chinese})")]
    if number.indicator is not None:
        meaning = "variable measure" if number.is_variable_measure else "packaging level"
        rows.append(("indicator", f"{number.indicator} ({meaning}; 指示符)"))
    if number.issuer is None:
        rows.append(("GS1 prefix", "not allocated by GS1 (GS1 未分配)"))
    else:
        issuer = number.issuer
        chinese = issuer.organisation_zh
        also = f" ({chinese})" if chinese != issuer.organisation else ""
        rows.append(("GS1 prefix", f"{issuer.prefix} — {issuer.organisation}{also}"))
    if number.format is GtinFormat.GTIN_8:
        rows.append(("item code", f"{number.item_reference} (EAN-8: assigned one by one; 缩短码)"))
    elif number.company_prefix is not None:
        size = len(number.company_prefix)
        rows.append(("company prefix", f"{number.company_prefix} ({size} digits; 厂商识别代码)"))
        reference = number.item_reference or "none: a 12-digit company prefix is one GTIN"
        rows.append(("item reference", f"{reference} (商品项目代码)"))
    else:
        rows.append(("company prefix", "none in GS1's table for this range"))
    rows.append(("check digit", f"{number.check_digit} (valid; 校验码)"))
    return rows


def _upc_rows(number: Upc) -> Rows:
    rows: Rows = [
        ("type", "UPC-E (zero-suppressed UPC-A)"),
        ("number system", number.number_system),
        ("UPC-A", f"{number.upc_a} (GTIN-12; 北美 UPC 商品条码)"),
    ]
    rows.append(("check digit", f"{number.check_digit} (valid; carried over from the UPC-A)"))
    return rows


def _addon_row(addon: str | None) -> Rows:
    return [("add-on", f"{addon} ({len(addon)}-digit add-on; 附加码)")] if addon else []


def _isbn_rows(book: Isbn) -> Rows:
    rows: Rows = [("type", "ISBN, book (图书，中国标准书号)"), ("ISBN-13 / EAN-13", book.isbn13)]
    rows.append(("ISBN-10", book.isbn10 or "none (979 numbers have no ISBN-10)"))
    return rows + _addon_row(book.addon)


def _ismn_rows(music: Ismn) -> Rows:
    rows: Rows = [
        ("type", "ISMN, printed music (乐谱，国际标准乐谱号)"),
        ("ISMN-13 / EAN-13", music.ismn13),
        ("ISMN-10", f"{music.ismn10} (M counts as 979-0)"),
        ("publisher", f"{music.publisher} (出版者号)"),
        ("item", f"{music.item} (项目号)"),
        ("check digit", f"{music.check_digit} (valid; 校验码)"),
    ]
    return rows + _addon_row(music.addon)


def _issn_rows(serial: Issn) -> Rows:
    rows: Rows = [
        ("type", "ISSN, serial publication (连续出版物)"),
        ("ISSN", f"{serial.issn[:4]}-{serial.issn[4:]}"),
    ]
    if serial.ean13:
        rows += [
            (
                "EAN-13",
                f"{serial.ean13} (977 + ISSN without its check character + "
                f"variant {serial.variant} + check digit)",
            )
        ]
    return rows + _addon_row(serial.addon)


def _in_store_rows(code: InStoreCode) -> Rows:
    return [
        ("type", "in-store code (店内码, GB/T 18283), restricted circulation"),
        ("prefix", f"{code.prefix} (20-29: valid only inside the shop or region that issued it)"),
        ("layout", "the shop's own: item number, price or weight (see tiaoma.rcn.Layout)"),
        (
            "rule",
            "goods that carry a valid commodity barcode must be sold under it, "
            "not under an in-store code (已有商品条码的不得另编店内码)",
        ),
        ("check digit", f"{code.check_digit} (valid; 校验码)"),
    ]


def _sscc_rows(number: Sscc) -> Rows:
    issuer = number.issuer
    return [
        ("type", "SSCC, serial shipping container code (系列货运包装箱代码)"),
        ("extension digit", number.extension_digit),
        ("GS1 prefix", f"{issuer.prefix} — {issuer.organisation}" if issuer else "unknown"),
        ("company prefix", number.company_prefix or "none in GS1's table for this range"),
        ("serial reference", number.serial_reference or "-"),
        ("check digit", f"{number.check_digit} (valid; 校验码)"),
    ]


def _message_rows(message: Gs1Message) -> Rows:
    rows: Rows = [("type", "GS1 element string (应用标识符数据串)")]
    rows += [
        (f"({element.ai})", element.describe().split(": ", 1)[1] + f"  [{element.title}]")
        for element in message.elements
    ]
    rows += [("FNC1 form", message.caret()), ("bracketed", message.bracketed())]
    # A message without a Digital Link primary key (e.g. (3202) alone) has no URI to show.
    with contextlib.suppress(TiaomaError):
        rows.append(("Digital Link", digital_link.to_uri(message.bracketed())))
    return [*rows, _commodity_row(message.bracketed())]


def _commodity_row(text: str) -> tuple[str, str]:
    """Whether the data may be a commodity 2D code (GB/T 33993-2024), and if not, why."""
    try:
        code = commodity2d.parse(text)
    except TiaomaError as error:
        reason = f"{error} (不是商品二维码：{error.message_zh})"
        return "GB/T 33993", f"not a commodity 2D code: {reason}"
    x = code.x_dimensions
    verdict = (
        f"commodity 2D code, {code.structure.label} (商品二维码); "
        f"X {x.minimum:.3f}-{x.maximum:.3f} mm, grade ≥ {commodity2d.MINIMUM_GRADE}"
    )
    return "GB/T 33993", "; ".join([verdict, *(english for english, _ in code.notes)])


_OWN_ROWS = ("Digital Link", "GB/T 33993")


def _digital_link_rows(link: DigitalLink) -> Rows:
    # The URI itself and its own verdict stand in for the element string's.
    rows = [row for row in _message_rows(link.message) if row[0] not in _OWN_ROWS]
    rows[0] = ("type", "GS1 Digital Link URI (GS1 数字链接)")
    return [*rows, ("resolver", link.resolver), _commodity_row(link.uri())]


_DESCRIBERS: dict[str, Callable[[Any], Rows]] = {
    "gtin": _gtin_rows,
    "upc_e": _upc_rows,
    "isbn": _isbn_rows,
    "ismn": _ismn_rows,
    "issn": _issn_rows,
    "in_store": _in_store_rows,
    "sscc": _sscc_rows,
    "element_string": _message_rows,
    "digital_link": _digital_link_rows,
}


def rows(found: Identified) -> Rows:
    """Label/value rows describing an identified code."""
    return _DESCRIBERS[found.kind](found.parsed)
