"""Reading barcodes from photos and scans (extra ``tiaoma[scan]``), with zxing-cpp behind a
small interface of ours.

:func:`read` takes a file's bytes, a path or a Pillow image: PNG, JPEG, BMP, TIFF and GIF (every
frame, up to ``pages``) and PDF (its first ``pages`` pages, rendered with pypdfium2). What a file
may cost is bounded: an image or frame of more than ``max_pixels`` is refused before it is
decoded; a PDF page is rendered within ``max_pixels`` (at a lower resolution if need be) in a
process of its own that is killed after ``seconds`` (:mod:`tiaoma._pdfpages`). Each
:class:`Found` gives the symbology in tiaoma's names, the data as a scanner would show it, the
GS1 content parsed (:mod:`tiaoma.ai`) and the code explained (:mod:`tiaoma.identify`), and where
in which page it was found. A file that is not an image says so (:class:`ScanError`); an image
without a barcode reads as an empty list.

An ITF read is kept only if its length is one the caller allows (:data:`ITF_LENGTHS` unless
told otherwise) and its last digit is its GS1 check digit: ITF has no fixed length and no
check of its own, so a scan line crossing part of a longer symbol can meet a start and a stop
pattern inside it and read a short, wrong number, 8 digits of an ITF-14 (the reason ITF-14
has bearer bars, GS1 General Specifications 5.3.2.5; scanners are set to fixed lengths).

>>> from tiaoma.render import artwork, geometry_for
>>> from tiaoma.symbols import upcean
>>> symbol = upcean.ean13("6936983800013")
>>> [(found.symbology, found.data) for found in read(artwork(symbol, geometry_for(symbol), "png"))]
[('EAN-13', '6936983800013')]
"""

from __future__ import annotations

import io
import json
import logging
import math
import subprocess
import sys
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiaoma import _pdfpages, ai, checksum
from tiaoma.errors import TiaomaError, define
from tiaoma.identify import Identified, identify
from tiaoma.symbols.base import Symbology

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger("tiaoma.scan")

__all__ = [
    "ITF_LENGTHS",
    "Found",
    "Reads",
    "ScanError",
    "Unread",
    "read",
    "read_all",
    "read_images",
]

_EMPTY = define("scan-empty", "{source}: the file is empty", "{source}：文件为空")
_NOT_IMAGE = define(
    "scan-not-image",
    "{source}: not an image or PDF that can be read (PNG, JPEG, BMP, TIFF, GIF, PDF)",
    "{source}：不是可读取的图像或 PDF（PNG、JPEG、BMP、TIFF、GIF、PDF）",
)
_DAMAGED = define(
    "scan-damaged", "{source}: the file is truncated or damaged ({reason})",
    "{source}：文件不完整或已损坏（{reason}）",
)  # fmt: skip
_UNREADABLE = define(
    "scan-unreadable", "{source}: cannot be opened ({reason})", "{source}：无法打开（{reason}）"
)
_TOO_LARGE = define(
    "scan-too-large", "{source}: the image has {pixels} pixels, more than the {limit} allowed",
    "{source}：图像有 {pixels} 个像素，超过允许的 {limit} 个",
)  # fmt: skip
_TOO_LONG_A_SIDE = define(
    "scan-side",
    "{source}: a side of {side} pixels; images of at most {limit} pixels a side are read",
    "{source}：图像一边为 {side} 像素；只读取每边不超过 {limit} 像素的图像",
)
#: The longest side zxing-cpp takes (it raises a ValueError on more).
MAX_SIDE = 65535
_PDF_TOO_LARGE = define(
    "scan-pdf-too-large",
    "{source}: PDF page {page} is too large ({width} × {height} mm): more than {limit} pixels "
    "at {dpi} dpi",
    "{source}：PDF 页面过大（第 {page} 页，{width} × {height} 毫米）：以 {dpi} dpi 渲染超过 "
    "{limit} 像素",
)
_PDF_SLOW = define(
    "scan-pdf-slow", "{source}: the PDF takes longer than {seconds} s to render",
    "{source}：PDF 渲染超过 {seconds} 秒，已停止",
)  # fmt: skip
_PDF_FAILED = define(
    "scan-pdf-failed", "{source}: the PDF could not be rendered ({reason})",
    "{source}：PDF 无法渲染（{reason}）",
)  # fmt: skip
_MISSING = define(
    "scan-missing", "reading images needs {package}: pip install 'tiaoma[scan]'",
    "读取图像需要安装 {package}：pip install 'tiaoma[scan]'",
)  # fmt: skip

#: Larger images are refused before decoding (a decompression bomb fills memory, not pixels).
MAX_PIXELS = 120_000_000
#: A PDF page is rendered at this resolution unless told otherwise ...
PDF_DPI = 300
#: ... or at a lower one that keeps it within this many pixels (A2 at 300 dpi is 35 million).
PDF_MAX_PIXELS = 40_000_000
#: A PDF's pages are rendered within this many seconds, or not at all.
PDF_SECONDS = 30.0
#: The ITF lengths :func:`read` keeps unless told otherwise: GS1 carries only GTINs in ITF, the
#: GTIN-14 of ITF-14 (GS1 GenSpecs 5.3.1), and older cases still carry 16-digit ITF-16.
ITF_LENGTHS = frozenset({14, 16})
#: A file's pages or frames: each a grey image and its resolution if known.
Pages = list[tuple["Image.Image", float | None]]


class ScanError(TiaomaError):
    """A file that cannot be read as an image."""


@dataclass(frozen=True)
class Found:
    """One barcode found in an image."""

    symbology: str
    """tiaoma's name of the symbology (:class:`~tiaoma.symbols.base.Symbology` labels)."""
    data: str
    """The data as a scanner shows it; GS1 element strings in brackets: ``(01)069...(10)AB``."""
    symbology_identifier: str
    gs1: ai.Gs1Message | None
    """The GS1 content parsed and checked, if the symbol carries GS1 data that parses."""
    identified: Identified | None
    """What the data is (GTIN, ISBN, ...), for the numbers tiaoma knows."""
    corners: tuple[tuple[int, int], ...]
    """Top-left, top-right, bottom-right, bottom-left, in the page's pixels."""
    orientation: int
    """Degrees the symbol is turned from upright."""
    page: int
    """Which page or frame (from 0)."""
    dpi: float | None
    """The page's resolution if the file says (or the PDF was rendered at)."""
    gs1_error: TiaomaError | None = None
    """Why :attr:`gs1` is ``None`` though the symbol carries GS1 data: the GS1 rule the data
    breaks, as :func:`tiaoma.ai.parse` reports it (its code, e.g. ``ai_requires`` for a
    pairing rule, and its English and Chinese messages)."""


def _need(package: str) -> Any:
    try:
        return __import__(package)
    except ImportError:
        raise ScanError(_MISSING, package=package) from None


def _bytes_of(source: bytes | str | Path) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), "<bytes>"
    path = Path(source)
    try:
        return path.read_bytes(), str(path)
    except OSError as error:
        raise ScanError(_UNREADABLE, source=str(path), reason=error.strerror or "?") from None


def _pdf_pages(data: bytes, name: str, *, pages: int, dpi: float, max_pixels: int,
               seconds: float) -> Pages:  # fmt: skip
    """The first ``pages`` pages, rendered by :mod:`tiaoma._pdfpages` in a process of its own."""
    _need("pypdfium2")
    command = [sys.executable, "-P", "-m", "tiaoma._pdfpages", str(pages), str(dpi),
               str(max_pixels), str(seconds)]  # fmt: skip
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=seconds,
                              check=False)  # fmt: skip
    except subprocess.TimeoutExpired:  # killed: PDFium cannot be stopped mid-page otherwise
        raise ScanError(_PDF_SLOW, source=name, seconds=f"{seconds:g}") from None
    if done.returncode not in (0, _pdfpages.REFUSED):  # PDFium stopped, likely out of memory
        raise ScanError(_PDF_FAILED, source=name, reason=f"exit {done.returncode}")
    said = _said(done.stderr)
    logger.debug("%s: PDF renderer's peak %d kB", name, said.pop("peak_kb", 0))
    if done.returncode == _pdfpages.REFUSED:
        raise _refusal(said, name, dpi, max_pixels)
    return list(_pdfpages.frames(done.stdout))


def _said(stderr: bytes) -> dict[str, Any]:
    """The renderer's last word, its JSON after anything Python may have warned."""
    try:
        said = json.loads(stderr.rsplit(b"\n", 1)[-1])
    except ValueError:
        said = None
    return said if isinstance(said, dict) else {"code": "failed"}


def _refusal(said: dict[str, Any], name: str, dpi: float, max_pixels: int) -> ScanError:
    """The renderer's refusal in tiaoma's words."""
    code = said.pop("code", "")
    if code == "too-large":
        return ScanError(_PDF_TOO_LARGE, source=name, limit=max_pixels,
                         dpi=_pdfpages.MIN_DPI, **said)  # fmt: skip
    if code == "damaged":
        return ScanError(_DAMAGED, source=name, reason=said["reason"])
    reason = "out of memory" if code == "memory" else "the renderer gave no reason"
    return ScanError(_PDF_FAILED, source=name, reason=reason)


def _image_frames(data: bytes, name: str, pages: int,
                  max_pixels: int) -> Iterator[tuple[Image.Image, float | None]]:  # fmt: skip
    pil = _need("PIL.Image")
    image_module = pil.Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", image_module.DecompressionBombWarning)
            image = image_module.open(io.BytesIO(data))
    except (image_module.DecompressionBombError, image_module.DecompressionBombWarning):
        raise ScanError(_TOO_LARGE, source=name, pixels="too many", limit=max_pixels) from None
    except (image_module.UnidentifiedImageError, ValueError):
        raise ScanError(_NOT_IMAGE, source=name) from None
    dpi = _dpi(image.info.get("dpi"))
    for index in range(min(pages, getattr(image, "n_frames", 1))):
        try:
            image.seek(index)
        except (OSError, ValueError, EOFError) as error:
            raise ScanError(_DAMAGED, source=name, reason=str(error)) from None
        _check_pixels(image, name, max_pixels)  # each frame has its own size
        try:
            image.load()
        except (OSError, ValueError, EOFError) as error:
            raise ScanError(_DAMAGED, source=name, reason=str(error)) from None
        yield _flattened(image), dpi


def _check_pixels(image: Image.Image, name: str, max_pixels: int) -> None:
    """Refuse a frame before it is decoded: Pillow checks its bomb limit only on opening, and a
    TIFF's or GIF's later frame may be far larger than its first."""
    from PIL import Image  # noqa: PLC0415

    width, height = image.size
    if max(width, height) > MAX_SIDE:  # a 1 × 70,000 PNG is 149 bytes
        raise ScanError(_TOO_LONG_A_SIDE, source=name, side=max(width, height), limit=MAX_SIDE)
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)  # opening's limit, too
    if width * height > limit:
        raise ScanError(_TOO_LARGE, source=name, pixels=width * height, limit=limit)


def _dpi(value: Any) -> float | None:
    """The horizontal resolution a file states, if it is a believable one."""
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return None
    return round(dpi, 1) if 10 <= dpi <= 100_000 else None  # PNG stores dots per metre


def _flattened(image: Image.Image) -> Image.Image:
    """Grey, with any transparency laid on white (artwork is often drawn on nothing)."""
    from PIL import Image  # noqa: PLC0415

    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


def read_images(source: bytes | str | Path, *, pages: int = 3, pdf_dpi: float = PDF_DPI,
                max_pixels: int | None = None, seconds: float = PDF_SECONDS) -> Pages:  # fmt: skip
    """The pages of a file as grey images with their resolution; :class:`ScanError` if it is
    not a readable image or PDF, or would cost more than its budget: ``max_pixels`` a page or
    frame (:data:`MAX_PIXELS` for an image, :data:`PDF_MAX_PIXELS` for a PDF page unless
    given) and ``seconds`` for rendering a PDF."""
    data, name = _bytes_of(source)
    if not data:
        raise ScanError(_EMPTY, source=name)
    if data.startswith(b"%PDF-"):
        return _pdf_pages(data, name, pages=pages, dpi=pdf_dpi,
                          max_pixels=max_pixels or PDF_MAX_PIXELS, seconds=seconds)  # fmt: skip
    return list(_image_frames(data, name, pages, max_pixels or MAX_PIXELS))


@dataclass(frozen=True)
class Unread:
    """A symbol found but not read, and why: tiaoma's own readers say (zxing-cpp keeps what
    it cannot read to itself)."""

    symbology: str
    page: int
    reason: TiaomaError


@dataclass(frozen=True)
class Reads:
    """What :func:`read_all` found: the barcodes read, and the symbols seen but not read."""

    found: list[Found]
    unread: list[Unread]


def read(source: bytes | str | Path | Image.Image, *, pages: int = 3,
         max_pixels: int | None = None, seconds: float = PDF_SECONDS,
         itf_lengths: Collection[int] = ITF_LENGTHS,
         hanxin: bool = True) -> list[Found]:  # fmt: skip
    """Every barcode in the image (or the first ``pages`` pages or frames of the file), within
    the budget :func:`read_images` takes; an ITF only if it has one of ``itf_lengths`` digits
    and a right GS1 check digit (a part of a longer ITF is no barcode). Han Xin Code, which
    zxing-cpp does not read, is read by tiaoma's own reader (:mod:`tiaoma.readers.hanxin`)
    unless ``hanxin`` is false."""
    return read_all(source, pages=pages, max_pixels=max_pixels, seconds=seconds,
                    itf_lengths=itf_lengths, hanxin=hanxin).found  # fmt: skip


def read_all(source: bytes | str | Path | Image.Image, *, pages: int = 3,
             max_pixels: int | None = None, seconds: float = PDF_SECONDS,
             itf_lengths: Collection[int] = ITF_LENGTHS, hanxin: bool = True) -> Reads:  # fmt: skip
    """:func:`read`, and the symbols found but not read with the reason (a Han Xin Code too
    damaged, or of too few pixels a module)."""
    zxingcpp = _need("zxingcpp")
    if isinstance(source, bytes | str | Path):
        images = read_images(source, pages=pages, max_pixels=max_pixels, seconds=seconds)
    else:  # a Pillow image already
        _check_pixels(source, "<image>", max_pixels or MAX_PIXELS)
        images = [(_flattened(source), _dpi(source.info.get("dpi")))]
    found: list[Found] = []
    unread: list[Unread] = []
    for page, (image, dpi) in enumerate(images):
        if max(image.size) > MAX_SIDE:  # a long thin PDF page rendered at a high resolution
            raise ScanError(_TOO_LONG_A_SIDE, source=f"page {page + 1}", side=max(image.size),
                            limit=MAX_SIDE)  # fmt: skip
        barcodes = zxingcpp.read_barcodes(
            image, text_mode=zxingcpp.TextMode.HRI, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read
        )
        found.extend(_found(barcode, page, dpi, zxingcpp) for barcode in barcodes
                     if _whole_itf(barcode, itf_lengths))  # fmt: skip
        if hanxin:
            _han_xin(image, page, dpi, found, unread)
    return Reads(found, unread)


#: The most pixels of a page tiaoma's Han Xin reader is given; a page of more is shrunk by a
#: whole factor first. Pillow's reduce (C) takes 25 ms for 25 million pixels where the reader's
#: own shrinking of an array takes a second: the public photo query must answer in 5 s.
HANXIN_PIXELS = 4_000_000


def _han_xin(image: Image.Image, page: int, dpi: float | None, found: list[Found],
             unread: list[Unread]) -> None:  # fmt: skip
    """The Han Xin symbols in a page, as reads of zxing-cpp are reported; one found but not
    read goes to ``unread`` with its reason."""
    from tiaoma.readers.hanxin import HanXinError, read_hanxin  # noqa: PLC0415 - numpy

    np = _need("numpy")
    grey = image.convert("L")
    factor = max(1, math.ceil(math.sqrt(grey.width * grey.height / HANXIN_PIXELS)))
    if factor > 1:
        grey = grey.reduce(factor)
    try:
        reads = read_hanxin(np.asarray(grey))
    except HanXinError as error:
        logger.info("a Han Xin symbol was found but not read: %s", error)
        unread.append(Unread(Symbology.HANXIN.label, page, error))
        return
    found.extend(han_xin_found(read, page, dpi, factor) for read in reads)


def han_xin_found(read: Any, page: int = 0, dpi: float | None = None, factor: int = 1) -> Found:
    """A :class:`~tiaoma.readers.hanxin.HanXinRead` reported as zxing-cpp's reads are: GS1 data
    in brackets, identified, its corners in the page's pixels (``factor`` the page was shrunk
    by)."""
    symbology = Symbology.GS1_HANXIN if read.gs1 else Symbology.HANXIN
    text, gs1, gs1_error = read.text, None, None
    if read.gs1:
        try:
            gs1 = ai.parse(text)
            text = gs1.bracketed()  # as zxing-cpp shows GS1 data
        except TiaomaError as error:
            gs1_error = error
            text = text.replace(ai.GS, "")
    try:
        identified: Identified | None = identify(text, symbology_identifier=symbology.identifier)
    except (TiaomaError, ValueError):
        identified = None
    corners = tuple((round(x * factor), round(y * factor)) for x, y in read.corners)
    (left_x, left_y), (right_x, right_y) = corners[0], corners[1]
    turned = round(math.degrees(math.atan2(right_y - left_y, right_x - left_x))) % 360
    return Found(symbology=symbology.label, data=text, symbology_identifier=symbology.identifier,
                 gs1=gs1, identified=identified, corners=corners, orientation=turned,
                 page=page, dpi=dpi, gs1_error=gs1_error)  # fmt: skip


def _whole_itf(barcode: Any, lengths: Collection[int]) -> bool:
    """Whether a read is no ITF, or an ITF of an allowed length ending in its GS1 check digit
    (ISO/IEC 16390's optional check character is GS1's mod 10)."""
    if barcode.format.name not in ("ITF", "ITF14"):
        return True
    text = barcode.text
    whole = len(text) in lengths and text.isascii() and text.isdigit() and checksum.mod10_ok(text)
    if not whole:
        logger.debug("an ITF read %r is refused: %d digits or a wrong check digit", text, len(text))
    return whole


#: zxing-cpp's format names in tiaoma's symbologies (GS1 content decides between the pairs).
_FORMATS = {
    "EAN13": Symbology.EAN13, "EAN8": Symbology.EAN8, "UPCA": Symbology.UPCA,
    "UPCE": Symbology.UPCE, "ITF": Symbology.ITF, "ITF14": Symbology.ITF14,
    "Code128": Symbology.CODE128, "Code39": Symbology.CODE39,
    "Code39Std": Symbology.CODE39, "Code39Ext": Symbology.CODE39_EXTENDED,
    "DataBar": Symbology.DATABAR_OMNI, "DataBarOmni": Symbology.DATABAR_OMNI,
    "DataBarStk": Symbology.DATABAR_STACKED, "DataBarStkOmni": Symbology.DATABAR_STACKED_OMNI,
    "DataBarLtd": Symbology.DATABAR_LIMITED, "DataBarExp": Symbology.DATABAR_EXPANDED,
    "DataBarExpStk": Symbology.DATABAR_EXPANDED_STACKED, "QRCode": Symbology.QR,
    "DataMatrix": Symbology.DATAMATRIX, "PDF417": Symbology.PDF417,
}  # fmt: skip
_GS1_FORMS = {
    Symbology.CODE128: Symbology.GS1_128, Symbology.QR: Symbology.GS1_QR,
    Symbology.DATAMATRIX: Symbology.GS1_DATAMATRIX,
}  # fmt: skip


def _symbology(barcode: Any, is_gs1: bool) -> str:
    name = barcode.format.name
    known = _FORMATS.get(name)
    if known is None:
        return str(name)
    if known is Symbology.ITF and len(barcode.text) == 14:
        known = Symbology.ITF14
    if known is Symbology.EAN13 and barcode.text.startswith("0"):
        known = Symbology.UPCA  # the same bars: GS1 calls an EAN-13 with a leading 0 a UPC-A
    return (_GS1_FORMS.get(known, known) if is_gs1 else known).label


def _found(barcode: Any, page: int, dpi: float | None, zxingcpp: Any) -> Found:
    is_gs1 = barcode.content_type == zxingcpp.ContentType.GS1
    text = barcode.text
    gs1, gs1_error = None, None
    if is_gs1:
        try:
            gs1 = ai.parse(text)
        except TiaomaError as error:  # a symbol may carry GS1 data that breaks GS1's rules
            gs1_error = error
    try:  # the symbology identifier tells an EAN-13 + add-on (]E3) from an SSCC, for one
        identified: Identified | None = identify(
            text, symbology_identifier=barcode.symbology_identifier or None
        )
    except (TiaomaError, ValueError):
        identified = None
    at = barcode.position
    points = (at.top_left, at.top_right, at.bottom_right, at.bottom_left)
    corners = tuple((int(point.x), int(point.y)) for point in points)
    return Found(symbology=_symbology(barcode, is_gs1), data=text,
                 symbology_identifier=barcode.symbology_identifier, gs1=gs1,
                 identified=identified, corners=corners, orientation=int(barcode.orientation),
                 page=page, dpi=dpi, gs1_error=gs1_error)  # fmt: skip
