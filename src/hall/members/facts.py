"""How a member's identifying facts are typed and shown: a certificate number in any of its
written forms, a company's name compared as people type it, numbers shown masked to the public.
"""

from __future__ import annotations

import re

from hall.core.typed import typed
from tiaoma.text import halfwidth


def certificate_forms(text: str) -> list[str]:
    """The ways a certificate number is written: 物编注字第100001号, 第100001号, or only its
    digits (full-width ones too), so that each is found as the one the center keeps.

    >>> certificate_forms("１００００１")
    ['100001', '物编注字第100001号']
    """
    cleaned = re.sub(r"\s", "", halfwidth(typed(text)))[:40]
    digits = re.sub(r"\D", "", cleaned)
    return [cleaned, f"物编注字第{digits}号"] if digits else [cleaned]


def mask_certificate(number: str) -> str:
    """A certificate number as the public query shows it: the last two digits only, so that
    a listing cannot be read back into the number a printer checks with the company's name.

    >>> mask_certificate("物编注字第100001号")
    '物编注字第****01号'
    """
    return re.sub(r"\d+(?=\d{2})", lambda run: "*" * len(run.group()), number, count=1)


def mask_mobile(mobile: str) -> str:
    """``138****8000``: enough for its owner to know it, too little for anyone else.

    >>> mask_mobile("13800138000")
    '138****8000'
    """
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 8 else "****"


def same_name(a: str, b: str) -> bool:
    """Company names compared as people type them: spaces and full-width brackets do not matter.

    >>> same_name("杭州示例（食品）有限 公司", "杭州示例(食品)有限公司")
    True
    """
    return name_key(a) == name_key(b)


def name_key(name: str) -> str:
    """A company's name as :func:`same_name` compares it: no spaces, half-width brackets.

    >>> name_key("杭州示例（食品） 有限公司")
    '杭州示例(食品)有限公司'
    """
    return re.sub(r"\s", "", name).translate(_BRACKETS)


_BRACKETS = str.maketrans({"（": "(", "）": ")"})
