"""Uploaded materials (seed 000 §2.2): jpg, png, gif or bmp, at most 2 MB, judged by content.

Each image is opened by Pillow with a pixel limit (a decompression bomb is refused before it is
decoded), decoded in full (a truncated or corrupt file is refused), converted to RGB (CMYK scans
included) and saved again as PNG without its metadata (no GPS, no camera, no editing history).
All of an application's materials are merged into one multi-page TIFF for the archive.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from hall.core.errors import HallError
from hall.core.sizes import too_large

MAX_BYTES = 2 * 1024 * 1024
#: A business licence scanned at 600 dpi on A3 is about 35 million pixels.
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp"}


class UploadError(HallError):
    """An upload refused; the message names the limit."""

    code = "upload_refused"


@dataclass(frozen=True)
class CleanImage:
    png: bytes
    width: int
    height: int
    original_format: str


class Upload(Protocol):
    """What :func:`read_image` needs of an upload (Django's ``UploadedFile``)."""

    size: int | None

    def read(self, size: int = -1, /) -> bytes: ...


def read_image(upload: Upload, limit: int = MAX_BYTES) -> bytes:
    """The upload's bytes, read no further than ``limit``; over it, :class:`UploadError` with
    the file's real size (``文件 3.4 MB，超过 2 MB 上限``), which the upload knows before a byte
    is read: a caller that reads ``limit + 1`` bytes itself could only say "2.0 MB"."""
    if upload.size is not None and upload.size > limit:
        raise UploadError(too_large(upload.size, limit))
    data = upload.read(limit + 1)
    if len(data) > limit:  # an upload that did not say its size
        raise UploadError(too_large(len(data), limit))
    return data


def clean_image(data: bytes) -> CleanImage:
    """The upload as a clean RGB PNG, or :class:`UploadError` saying what is wrong (its size
    over the limit: give it whole, or read it with :func:`read_image`)."""
    if len(data) > MAX_BYTES:
        raise UploadError(too_large(len(data), MAX_BYTES))
    image = _open(data)
    if image.format not in FORMATS:
        raise UploadError(_("只接受 jpg、png、gif 或 bmp 图片，此文件是 %(format)s")
                          % {"format": image.format or "?"})  # fmt: skip
    original = image.format
    try:
        image.load()
    except (OSError, ValueError) as error:  # Pillow's words are not the member's
        raise UploadError(_("图片已损坏或不完整，无法读取：请重新扫描或导出后再上传")) from error
    rgb = image.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format="PNG", optimize=False)
    return CleanImage(out.getvalue(), rgb.width, rgb.height, original)


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadError(_("图片像素过多（上限 %(limit)d 万像素）")
                              % {"limit": MAX_PIXELS // 10_000}) from error  # fmt: skip
        except (UnidentifiedImageError, OSError) as error:
            raise UploadError(_("不是可识别的图片文件（只接受 jpg、png、gif 或 bmp）")) from error
    return image


def merge_tiff(pngs: list[bytes]) -> bytes:
    """The cleaned images as one multi-page TIFF (deflate-compressed) for the archive."""
    pages = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:],
                  compression="tiff_adobe_deflate")  # fmt: skip
    return out.getvalue()
