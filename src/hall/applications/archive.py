"""The materials archive: an application's cleaned images merged into one multi-page TIFF
(deflate-compressed), a page at a time.

Pillow's ``save_all`` holds every page decoded until the last is written (twenty scans of 40
million pixels are 3.2 GB); here each page is read, written and let go before the next, into a
temporary file rather than memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO

from django.db.models.fields.files import FieldFile
from PIL import Image, TiffImagePlugin


def merged_tiff(pages: Iterable[FieldFile]) -> IO[bytes]:
    """The pages (stored images) as one TIFF, in a temporary file read from its start."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned open: the caller closes it
    with TiffImagePlugin.AppendingTiffWriter(out) as tiff:
        for stored in pages:
            with stored.open("rb"), Image.open(stored) as page:
                rgb = page if page.mode == "RGB" else page.convert("RGB")
                rgb.save(tiff, format="TIFF", compression="tiff_adobe_deflate")
            tiff.newFrame()
    out.seek(0)
    return out
