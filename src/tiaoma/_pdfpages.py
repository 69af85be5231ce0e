"""A PDF's pages rendered in a process of their own, for :mod:`tiaoma.scan`.

PDFium cannot be stopped inside a page: a few hundred bytes of nested forms draw for minutes,
and a page's size in points says nothing of how long it takes to draw. A thread cannot be
killed; a process can, at its deadline, and it is held to its memory (``RLIMIT_AS``) and its
processor time (``RLIMIT_CPU``, should the parent die first). Before a page is rendered its
size in points decides its resolution: the one asked for, or a lower one that keeps it within
the pixel budget, or a refusal when even :data:`MIN_DPI` would not.

``python -m tiaoma._pdfpages PAGES DPI MAX_PIXELS SECONDS`` reads the PDF on stdin and writes,
for each page, :data:`HEADER` (width, height, resolution) and its grey pixels to stdout, and
its own peak resident size as JSON on stderr; a refusal exits with :data:`REFUSED` and says why
in that JSON.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

HEADER = struct.Struct("<IId")
#: The exit status of a refusal (its reason is on stderr); any other failure is PDFium's.
REFUSED = 3
#: Below this a barcode's narrowest bar (0.264 mm at the smallest EAN-13) is under a pixel.
MIN_DPI = 96
#: The renderer's address space: the interpreter and PDFium, and 4 bytes a pixel for the page
#: (PDFium's grey bitmap, Pillow's image of it and the bytes written).
BASE_MEMORY = 256 * 2**20


def memory_for(max_pixels: int) -> int:
    return BASE_MEMORY + 4 * max_pixels


def scale_for(width: float, height: float, dpi: float, max_pixels: int) -> float | None:
    """Pixels a point for a page of ``width`` × ``height`` points: ``dpi``, or less to keep
    within ``max_pixels``; None if that would be under :data:`MIN_DPI`.

    >>> scale_for(595, 842, 300, 25_000_000) * 72  # A4 at 300 dpi: 8.7 million pixels
    300.0
    >>> round(scale_for(2384, 3370, 300, 25_000_000) * 72)  # A0: 127 dpi to fit
    127
    >>> scale_for(14400, 14400, 300, 25_000_000) is None  # 5 m square: 25 dpi would fit
    True
    """
    if not (width > 0 and height > 0):  # also NaN
        return None
    scale = min(dpi / 72, math.sqrt(max_pixels / (width * height)))
    while math.ceil(width * scale) * math.ceil(height * scale) > max_pixels:
        scale *= 0.999  # the pixels round up: a long thin page may need a little less
    return scale if scale * 72 >= MIN_DPI else None


def frames(output: bytes) -> Iterator[tuple[Image.Image, float]]:
    """The pages the renderer wrote, as grey images."""
    from PIL import Image  # noqa: PLC0415

    at = 0
    while at < len(output):
        width, height, dpi = HEADER.unpack_from(output, at)
        at += HEADER.size
        yield Image.frombytes("L", (width, height), output[at : at + width * height]), dpi
        at += width * height


def _report(**said: Any) -> None:
    sys.stderr.write(json.dumps({**said, "peak_kb": _peak_kb()}))


def _refuse(code: str, **details: Any) -> int:
    _report(code=code, **details)
    return REFUSED


def _peak_kb() -> int:
    """This process's peak resident size since it began rendering (Linux; 0 elsewhere): what
    the parent's getrusage cannot tell apart from its own size when it started the child."""
    try:
        found = re.search(r"^VmHWM:\s+(\d+)", Path("/proc/self/status").read_text(), re.M)
    except OSError:  # pragma: no cover - not Linux
        return 0
    return int(found.group(1)) if found else 0


def _limit(max_pixels: int, seconds: float) -> None:
    try:
        import resource  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - the parent's timeout still holds
        return
    memory = memory_for(max_pixels)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _render(page: Any, scale: float) -> Image.Image:
    """The page in grey, drawn so by PDFium (a byte a pixel, where colour took seven; black on
    white comes out as Pillow would have made it grey)."""
    return page.render(scale=scale, grayscale=True).to_pil()  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    pages, dpi, max_pixels, seconds = int(argv[0]), float(argv[1]), int(argv[2]), float(argv[3])
    _limit(max_pixels, seconds)
    pdfium: Any = importlib.import_module("pypdfium2")  # after the limits: PDFium's memory counts

    try:
        document = pdfium.PdfDocument(sys.stdin.buffer.read())
        for index in range(min(pages, len(document))):
            page = document[index]
            width, height = page.get_size()
            scale = scale_for(width, height, dpi, max_pixels)
            if scale is None:
                return _refuse("too-large", page=index + 1, width=round(width / 72 * 25.4),
                               height=round(height / 72 * 25.4))  # fmt: skip
            image = _render(page, scale)
            sys.stdout.buffer.write(HEADER.pack(image.width, image.height, round(scale * 72, 1)))
            sys.stdout.buffer.write(image.tobytes())
    except pdfium.PdfiumError as error:
        return _refuse("damaged", reason=str(error))
    except MemoryError:
        return _refuse("memory")
    _report()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
