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

from collections.abc import Callable
from typing import Any

from tiaoma.gtin import Gtin, GtinFormat
from tiaoma.identify import Identified

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
        rows.append(("item reference", f"{number.item_reference} (商品项目代码)"))
    else:
        rows.append(("company prefix", "none in GS1's table for this range"))
    rows.append(("check digit", f"{number.check_digit} (valid; 校验码)"))
    return rows


def _fields_rows(parsed: Any) -> Rows:
    """Fallback: the parsed result's public fields."""
    fields = getattr(parsed, "__dataclass_fields__", {})
    return [(name.replace("_", " "), str(getattr(parsed, name))) for name in fields]


_DESCRIBERS: dict[str, Callable[[Any], Rows]] = {"gtin": _gtin_rows}


def rows(found: Identified) -> Rows:
    """Label/value rows describing an identified code."""
    return _DESCRIBERS.get(found.kind, _fields_rows)(found.parsed)
