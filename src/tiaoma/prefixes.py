"""GS1 prefixes: who issued a number, and how long its company prefix is.

Both tables are generated from ``../shared/data`` by ``scripts/generate_data.py`` and read the
first time a lookup needs them, so ``import tiaoma`` stays cheap. Look-ups take the GTIN-13
form of a number (a GTIN-12 with a leading ``0``; the last 13 digits of a GTIN-14; the first 13
of an SSCC after its extension digit), as GS1's tables do.

>>> issuer("6936983800013").organisation
'GS1 China'
>>> issuer("6936983800013").organisation_zh
'中国物品编码中心'
>>> company_prefix_length("6901028000000"), company_prefix_length("6936983800013")
(10, 8)
>>> company_prefix_length("9787111213826") is None   # ISBN: no company prefix
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["Issuer", "company_prefix_length", "gcp_table_stamp", "issuer"]

# Chinese names for the issuers a Chinese user meets most; others keep GS1's English name.
_CHINESE_NAMES = {
    "GS1 China": "中国物品编码中心",
    "GS1 Hong Kong, China": "香港物品编码中心",
    "GS1 Macau, China": "澳门商品编码协会",
    "GS1 Chinese Taipei": "中华台北 GS1",
    "Serial publications (ISSN)": "连续出版物（ISSN）",
    "Bookland (ISBN)": "图书（ISBN）",
    "Refund receipts": "退款凭证",
    "Used for demonstrations and examples of the GS1 system": "GS1 示例与演示专用",
}
_RESTRICTED = "Restricted Circulation Numbers"


@dataclass(frozen=True)
class Issuer:
    """The GS1 prefix of a number and the organisation or use it is allocated to."""

    prefix: str
    organisation: str

    @property
    def organisation_zh(self) -> str:
        """The organisation in Chinese where we know it, otherwise GS1's English name."""
        if _RESTRICTED in self.organisation:
            return "限域流通代码（店内码等）"
        if "coupon" in self.organisation.lower():
            return "优惠券"
        return _CHINESE_NAMES.get(self.organisation, self.organisation)

    @property
    def is_restricted_circulation(self) -> bool:
        """Numbers for use inside a company or a region (China: in-store codes 店内码, 20-29)."""
        return _RESTRICTED in self.organisation


def _data_lines(name: str) -> list[str]:
    text = resources.files("tiaoma.data").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def _issuers() -> dict[str, str]:
    return dict(line.split("\t", 1) for line in _data_lines("gs1_prefixes.tsv"))


@functools.cache
def _gcp_lengths() -> dict[str, int]:
    table: dict[str, int] = {}
    for line in _data_lines("gcp_lengths.txt"):
        length, *prefixes = line.split()
        table.update(dict.fromkeys(prefixes, int(length)))
    return table


def gcp_table_stamp() -> str:
    """The provenance lines of the company-prefix table (source, date, checksum)."""
    text = resources.files("tiaoma.data").joinpath("gcp_lengths.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines()[:5] if line.startswith("#"))


def issuer(digits13: str) -> Issuer | None:
    """The longest GS1 prefix that starts ``digits13`` (a GTIN-13 form), or ``None``."""
    table = _issuers()
    for length in range(min(7, len(digits13)), 1, -1):
        organisation = table.get(digits13[:length])
        if organisation is not None:
            return Issuer(digits13[:length], organisation)
    return None


def company_prefix_length(digits13: str) -> int | None:
    """The length of the GS1 company prefix at the start of ``digits13`` (GS1's GCP table).

    ``None`` when the table has no entry or says the range has no company prefix (length 0:
    restricted circulation, ISBN, ISSN, coupons).
    """
    table = _gcp_lengths()
    for length in range(1, min(12, len(digits13)) + 1):
        found = table.get(digits13[:length])
        if found is not None:
            return found or None
    return None
