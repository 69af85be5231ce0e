"""The documents a printing company uploads: its business licence, a customer's certificate
scan or photo. An image is taken as the hall takes every material (hall.applications.uploads:
judged by content, at most 2 MB, saved again as a clean PNG); a PDF is taken as it is once
PDFium opens its first page within the scanner's budget (a PDF that is not one, or a bomb,
is refused)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hall.applications.uploads import MAX_BYTES, Upload, UploadError, clean_image, read_image
from tiaoma import scan
from tiaoma.errors import TiaomaError

PDF_MAGIC = b"%PDF-"
#: A scanned page at 300 dpi is 9 million pixels; a PDF's first page is drawn within this.
PDF_MAX_PIXELS = 25_000_000
PDF_SECONDS = 5.0


@dataclass(frozen=True)
class Document:
    data: bytes
    suffix: str  # "png" or "pdf"


def clean_document(upload: Upload) -> Document:
    """The upload as a clean PNG or a PDF that opens, or :class:`UploadError` saying why."""
    data = read_image(upload, MAX_BYTES)
    if not data:
        raise UploadError(_("文件是空的"))
    if data.startswith(PDF_MAGIC):
        _require_readable_pdf(data)
        return Document(data, "pdf")
    return Document(clean_image(data).png, "png")


def _require_readable_pdf(data: bytes) -> None:
    try:
        scan.read_images(data, pages=1, max_pixels=PDF_MAX_PIXELS, seconds=PDF_SECONDS)
    except TiaomaError as error:
        raise UploadError(_("PDF 文件无法打开：请重新扫描或导出后再上传")) from error
