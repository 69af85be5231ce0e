"""Uploads are judged by content: type, size, pixels, integrity; cleaned and archived."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hall.applications.uploads import MAX_BYTES, UploadError, clean_image, merge_tiff


def _image(fmt: str, size: tuple[int, int] = (60, 40), mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, format=fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "BMP"])
def test_the_four_formats_become_clean_pngs(fmt: str) -> None:
    cleaned = clean_image(_image(fmt))
    assert cleaned.original_format == fmt
    assert Image.open(io.BytesIO(cleaned.png)).mode == "RGB"


def test_cmyk_is_converted_and_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # a camera's make
    data = _image("JPEG", mode="CMYK", exif=exif.tobytes())
    cleaned = Image.open(io.BytesIO(clean_image(data).png))
    assert cleaned.mode == "RGB"
    assert not cleaned.getexif()
    assert "exif" not in cleaned.info


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image", "不是可识别的图片"),  # a PDF renamed to .jpg
        (_image("TIFF"), "此文件是 TIFF"),  # a real image of a type not accepted
        (_image("PNG")[:60], "已损坏"),  # truncated
        (b"\x00" * (MAX_BYTES + 1), "文件过大"),
    ],
)
def test_refusals_name_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        clean_image(data)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _image("PNG", size=(10_000, 10_000), mode="1")  # 100 Mpx in a few KB
    assert len(bomb) < MAX_BYTES
    with pytest.raises(UploadError, match="像素过多"):
        clean_image(bomb)


def test_materials_merge_into_one_multipage_tiff() -> None:
    pages = [clean_image(_image("PNG", size=(30 + i, 20))).png for i in range(3)]
    tiff = Image.open(io.BytesIO(merge_tiff(pages)))
    assert tiff.format == "TIFF"
    assert tiff.n_frames == 3
