"""Invoice titles and taxpayer numbers: the 18-character unified social credit code (GB 32100,
its check character verified) or the older 15-, 17- or 20-character taxpayer numbers.

>>> taxpayer_number(" 91110000600037341l ")
'91110000600037341L'
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from hall.core.errors import HallError
from tiaoma import uscc

_OLD = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{17}|[0-9A-Z]{20}")


class InvalidTaxpayer(HallError, ValueError):
    """A title or taxpayer number in the wrong form; the message says which."""

    code = "invalid_taxpayer"


def taxpayer_number(value: str) -> str:
    text = "".join(value.split()).upper()
    if len(text) == 18:
        if not uscc.is_valid(text):
            raise InvalidTaxpayer(_("纳税人识别号（统一社会信用代码）校验不通过"))
        return text
    if not _OLD.fullmatch(text):
        raise InvalidTaxpayer(_("纳税人识别号应为 18 位统一社会信用代码，或 15、17、20 位旧税号"))
    return text


def invoice_title(value: str) -> str:
    text = " ".join(value.split())
    if not 2 <= len(text) <= 100:
        raise InvalidTaxpayer(_("发票抬头应为 2-100 个字"))
    return text
