"""The numbers library's reasons in the hall's language: its errors carry English and Chinese."""

from __future__ import annotations

from django.utils.translation import get_language

from tiaoma.errors import TiaomaError


def reason(error: TiaomaError) -> str:
    """``error``'s message in the language of the request (Chinese unless English is chosen)."""
    return error.message if (get_language() or "zh").startswith("en") else error.message_zh
