"""What a person typed into a search or a query string, made fit to look up."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def typed(text: str) -> str:
    """``text`` without control characters: none belongs in a name, a number or a search, so a
    stray one is dropped like a slip of the keyboard (a NUL never gets this far: the hall's
    RefuseNul middleware answers it with 400, for PostgreSQL cannot compare such text).

    >>> typed("杭州\\x00示例 ")
    '杭州示例 '
    """
    return _CONTROL.sub("", text)
