"""What a person typed into a search or a query string, made fit to look up."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def typed(text: str) -> str:
    """``text`` without control characters: none belongs in a name, a number or a search, and
    PostgreSQL refuses to compare a text that holds NUL (a server error instead of an answer).

    >>> typed("杭州\\x00示例 ")
    '杭州示例 '
    """
    return _CONTROL.sub("", text)
