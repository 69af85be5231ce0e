"""Sizes as people read them, and the one message for a file over its limit: the file's real
size beside the limit, so that whoever sent it knows by how much to shrink it (measured by the
upload, not by what was read of it: a file read to its limit and a byte is not "2.0 MB").

>>> size_text(3_565_158)
'3.4 MB'
>>> size_text(65_536)
'64 KB'
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def size_text(size: int) -> str:
    """``size`` bytes as 64 KB, 2 MB, 3.4 MB (one decimal, none when whole)."""
    if size < 2**20:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def too_large(size: int, limit: int) -> str:
    """``文件过大：3.4 MB，超过 2 MB 上限`` in the reader's language. A size that would read as
    the limit itself (3.02 MB over 3 MB) is shown to two decimals, so the two never look
    alike."""
    shown, limit_shown = size_text(size), size_text(limit)
    if shown == limit_shown:
        shown = f"{size / 2**20:.2f} MB" if size >= 2**20 else f"{size} B"
    return _("文件过大：%(size)s，超过 %(limit)s 上限") % {"size": shown, "limit": limit_shown}
