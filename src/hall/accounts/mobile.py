"""Mainland China mobile numbers: 11 digits, 1 then 3-9 (MIIT numbering plan).

Forgiving about how a number is typed: full-width digits, spaces, hyphens, a +86 or 0086 prefix.

>>> normalise("+86 138-0013-8000")
'13800138000'
>>> normalise("12800138000")
Traceback (most recent call last):
  ...
hall.accounts.mobile.InvalidMobile: 手机号无效：应为 11 位、以 13-19 开头的大陆手机号
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from hall.core.errors import HallError
from tiaoma.text import halfwidth

__all__ = ["InvalidMobile", "normalise"]

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()]+")


class InvalidMobile(HallError, ValueError):
    """Not a mainland mobile number."""

    code = "invalid_mobile"

    def __init__(self) -> None:
        super().__init__(str(_("手机号无效：应为 11 位、以 13-19 开头的大陆手机号")))


def normalise(text: str) -> str:
    """The 11-digit number, or :class:`InvalidMobile`."""
    number = _SEPARATORS.sub("", halfwidth(text or ""))
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
    if not _MOBILE.fullmatch(number):
        raise InvalidMobile
    return number
