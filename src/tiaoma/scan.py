"""Reading barcodes from photos and scans (extra ``tiaoma[scan]``), with zxing-cpp behind a
small interface of ours.

:func:`read` takes a file's bytes, a path or a Pillow image: PNG, JPEG, BMP, TIFF and GIF (every
frame, up to ``pages``) and PDF (its first ``pages`` pages, rendered with pypdfium2). Each
:class:`Found` gives the symbology in tiaoma's names, the data as a scanner would show it, the
GS1 content parsed (:mod:`tiaoma.ai`) and the code explained (:mod:`tiaoma.identify`), and where
in which page it was found. A file that is not an image says so (:class:`ScanError`); an image
without a barcode reads as an empty list.

>>> from tiaoma.render import artwork, geometry_for
>>> from tiaoma.symbols import upcean
>>> symbol = upcean.ean13("6936983800013")
>>> [(found.symbology, found.data) for found in read(artwork(symbol, geometry_for(symbol), "png"))]
[('EAN-13', '6936983800013')]
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiaoma import ai
from tiaoma.errors import TiaomaError, define
from tiaoma.identify import Identified, identify
from tiaoma.symbols.base import Symbology

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["Found", "ScanError", "read", "read_images"]

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
_MISSING = define(
    "scan-missing", "reading images needs {package}: pip install 'tiaoma[scan]'",
    "读取图像需要安装 {package}：pip install 'tiaoma[scan]'",
)  # fmt: skip

#: Larger images are refused before decoding (a decompression bomb fills memory, not pixels).
MAX_PIXELS = 120_000_000
#: A PDF page is rendered at this resolution unless told otherwise.
PDF_DPI = 300


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


def _pdf_pages(
    data: bytes, name: str, pages: int, dpi: float
) -> Iterator[tuple[Image.Image, float]]:
    pdfium = _need("pypdfium2")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ScanError(_DAMAGED, source=name, reason=str(error)) from None
    for index in range(min(pages, len(document))):
        bitmap = document[index].render(scale=dpi / 72)
        yield bitmap.to_pil(), dpi


def _image_frames(data: bytes, name: str, pages: int) -> Iterator[tuple[Image.Image, float | None]]:
    pil = _need("PIL.Image")
    image_module = pil.Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", image_module.DecompressionBombWarning)
            image = image_module.open(io.BytesIO(data))
    except (image_module.DecompressionBombError, image_module.DecompressionBombWarning):
        raise ScanError(_TOO_LARGE, source=name, pixels="too many", limit=MAX_PIXELS) from None
    except (image_module.UnidentifiedImageError, ValueError):
        raise ScanError(_NOT_IMAGE, source=name) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ScanError(_TOO_LARGE, source=name, pixels=width * height, limit=MAX_PIXELS)
    dpi = _dpi(image.info.get("dpi"))
    for index in range(min(pages, getattr(image, "n_frames", 1))):
        try:
            image.seek(index)
            image.load()
        except (OSError, ValueError, EOFError) as error:
            raise ScanError(_DAMAGED, source=name, reason=str(error)) from None
        yield _flattened(image), dpi


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


def read_images(source: bytes | str | Path, *, pages: int = 3,
                pdf_dpi: float = PDF_DPI) -> list[tuple[Image.Image, float | None]]:  # fmt: skip
    """The pages of a file as grey images with their resolution; :class:`ScanError` if it is
    not a readable image or PDF."""
    data, name = _bytes_of(source)
    if not data:
        raise ScanError(_EMPTY, source=name)
    if data.startswith(b"%PDF-"):
        return list(_pdf_pages(data, name, pages, pdf_dpi))
    return list(_image_frames(data, name, pages))


def read(source: bytes | str | Path | Image.Image, *, pages: int = 3) -> list[Found]:
    """Every barcode in the image (or the first ``pages`` pages or frames of the file)."""
    zxingcpp = _need("zxingcpp")
    if isinstance(source, bytes | str | Path):
        images = read_images(source, pages=pages)
    else:  # a Pillow image already
        images = [(_flattened(source), _dpi(source.info.get("dpi")))]
    found: list[Found] = []
    for page, (image, dpi) in enumerate(images):
        barcodes = zxingcpp.read_barcodes(
            image, text_mode=zxingcpp.TextMode.HRI, ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read
        )
        found.extend(_found(barcode, page, dpi, zxingcpp) for barcode in barcodes)
    return found


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
    gs1 = None
    if is_gs1:
        try:
            gs1 = ai.parse(text)
        except TiaomaError:
            gs1 = None  # a symbol may carry GS1 data that breaks GS1's rules; data says what
    try:
        identified: Identified | None = identify(text)
    except (TiaomaError, ValueError):
        identified = None
    at = barcode.position
    points = (at.top_left, at.top_right, at.bottom_right, at.bottom_left)
    corners = tuple((int(point.x), int(point.y)) for point in points)
    return Found(symbology=_symbology(barcode, is_gs1), data=text,
                 symbology_identifier=barcode.symbology_identifier, gs1=gs1,
                 identified=identified, corners=corners, orientation=int(barcode.orientation),
                 page=page, dpi=dpi)  # fmt: skip
