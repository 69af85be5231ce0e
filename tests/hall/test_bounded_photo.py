"""The anonymous photo query does bounded work (issue 19, part 6): a PDF page is sized in points
before it is rendered, and rendered within 25 million pixels and 5 seconds in a process of its
own, or refused; an image's pixels are counted before it is decoded, frame by frame. Each
refusal is timed and its memory (the hall's and the renderer's) measured."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client
from PIL import Image

from hall.lookup.services import PHOTO_SECONDS
from tests.hall.bounded import MB, Cost, measured
from tiaoma import scan
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols import upcean

pytestmark = pytest.mark.django_db


def _pdf(width: int, height: int, contents: bytes = b"", forms: list[bytes] | None = None) -> bytes:
    """A one-page PDF of ``width`` × ``height`` points; ``forms`` are form XObjects, each
    drawing the one before it (the page draws the last)."""
    forms = forms or []
    resources = f"/Resources<</XObject<</F {3 + len(forms)} 0 R>>>>" if forms else ""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 {width} {height}]/Contents "
               f"{4 + len(forms)} 0 R{resources}>>".encode()]  # fmt: skip
    for number, body in enumerate(forms, 4):
        inner = f"/Resources<</XObject<</F {number - 1} 0 R>>>>" if number > 4 else ""
        form = f"/Type/XObject/Subtype/Form/BBox[0 0 {width} {height}]{inner}"
        objects.append(_stream(body, form))
    objects.append(_stream(contents))
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = b"".join(b"%010d 00000 n \n" % at for at in offsets)
    return (out + b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + table
            + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(out)))  # fmt: skip


def _stream(body: bytes, dictionary: str = "") -> bytes:
    return f"<<{dictionary}/Length {len(body)}>>stream\n".encode() + body + b"\nendstream"


def _nested_forms() -> bytes:
    """1.6 KB that PDFium draws for two minutes (126 s here): six levels of forms, each drawing
    the one below ten times, 200,000 lines in all, and to PDFium a single object it cannot
    pause in."""
    lines = b"0 0 m 600 800 l S 0 800 m 600 0 l S"
    return _pdf(600, 800, b"/F Do", [lines] + [b"/F Do " * 10] * 5)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` × ``height`` (all Pillow reads before decoding)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _ask(client: Client, data: bytes, name: str) -> tuple[int, str]:
    photo = io.BytesIO(data)
    photo.name = name
    response = client.post("/query/photo/", {"photo": photo})
    return response.status_code, response.content.decode()


@contextmanager
def rendering(caplog: pytest.LogCaptureFixture) -> Iterator[Cost]:
    """The cost of asking, the hall's and its PDF renderer's (which reports its own peak)."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tiaoma.scan"), measured(native=True) as cost:
        yield cost
    peaks = [int(record.args[1]) for record in caplog.records  # type: ignore[index]
             if "renderer's peak" in str(record.msg)]  # fmt: skip
    cost.child_peak_bytes = max(peaks, default=0) * 1024


@pytest.fixture
def client() -> Client:
    warm = Client()
    warm.get("/query/photo/")  # the URLs and templates loaded: the measure is of the photo
    return warm


def test_a_few_hundred_bytes_of_enormous_page_are_refused_unrendered(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """The attack's PDF: a page of 200 × 200 inches, 3.6 billion pixels at 300 dpi (6.5 s and
    2.27 GB a request before)."""
    attack = _pdf(14400, 14400)
    assert len(attack) < 400
    with rendering(caplog) as cost:
        status, page = _ask(client, attack, "scan.pdf")
    assert status == 400
    assert "PDF 页面过大（第 1 页，5080 × 5080 毫米）" in page
    assert cost.child_peak_bytes > 0, cost  # the renderer said what it took
    assert cost.within(2.0, 200 * MB), cost


def test_a_large_page_is_rendered_smaller_to_fit(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """An A0 poster at 300 dpi would be 139 million pixels: rendered at 127 dpi instead."""
    with rendering(caplog) as cost:
        status, page = _ask(client, _pdf(2384, 3370), "poster.pdf")
    assert (status, "照片中没有找到条码" in page) == (400, True)
    assert cost.within(PHOTO_SECONDS, 200 * MB), cost
    ((image, dpi),) = scan.read_images(_pdf(2384, 3370), pages=1, max_pixels=25_000_000)
    assert image.width * image.height <= 25_000_000
    assert round(dpi or 0) == 127


def test_a_page_that_draws_for_minutes_is_stopped_at_its_deadline(client: Client) -> None:
    """Killed at its deadline, the renderer says nothing of its peak: it was held to its
    address space (tiaoma._pdfpages.memory_for: 356 MB at 25 million pixels) the while."""
    with measured(native=True) as cost:
        status, page = _ask(client, _nested_forms(), "forms.pdf")
    assert status == 400
    assert f"PDF 渲染超过 {PHOTO_SECONDS:g} 秒，已停止" in page
    assert cost.within(PHOTO_SECONDS + 2, 200 * MB), cost


def test_a_pdf_barcode_is_still_read(client: Client) -> None:
    symbol = upcean.ean13("6936983800013")
    status, page = _ask(client, artwork(symbol, geometry_for(symbol), "pdf"), "label.pdf")
    assert status == 200
    assert "6936983800013" in page


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (30_000, 30_000),  # a decompression bomb: 900 million pixels in a few hundred bytes
        (6_000, 5_000),  # under Pillow's limit, over the query's 25 million
    ],
)
def test_an_image_is_refused_by_its_pixels_before_it_is_decoded(client: Client, width: int,
                                                               height: int) -> None:  # fmt: skip
    with measured(native=True) as cost:
        status, page = _ask(client, _png_header(width, height), "bomb.png")
    assert status == 400
    assert "像素，超过允许的" in page
    assert cost.within(1.0, 20 * MB), cost


def test_each_frame_is_counted_before_it_is_decoded() -> None:
    """A TIFF's later frame may be far larger than its first, which Pillow's opening checks."""
    out = io.BytesIO()
    large = Image.new("L", (400, 400), 255)
    Image.new("L", (50, 50), 255).save(out, "TIFF", save_all=True, append_images=[large])
    assert len(scan.read_images(out.getvalue(), pages=2, max_pixels=200_000)) == 2
    with pytest.raises(scan.ScanError, match="160000 pixels, more than the 10000 allowed"):
        scan.read_images(out.getvalue(), pages=2, max_pixels=10_000)


def test_the_refusal_in_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/query/"})
    _status, page = _ask(client, _pdf(14400, 14400), "scan.pdf")
    assert "PDF page 1 is too large (5080 × 5080 mm)" in page


def test_an_image_longer_than_the_reader_takes_is_a_clear_refusal(client: Client) -> None:
    """149 bytes of PNG, 1 × 70,000 pixels: zxing-cpp's ValueError was a 500."""
    thin = io.BytesIO()
    Image.new("L", (1, 70_000), 255).save(thin, "PNG")
    status, page = _ask(client, thin.getvalue(), "thin.png")
    assert status == 400
    assert "只读取每边不超过 65535 像素的图像" in page


def test_photos_have_a_limit_of_their_own_per_address(client: Client) -> None:
    """Reading a photo may cost seconds of CPU: an address sends PHOTOS_PER_MINUTE a minute."""
    from hall.lookup.views import PHOTOS_PER_MINUTE
    from tests.hall.windows import start_early_in_a_window

    blank = io.BytesIO()
    Image.new("L", (200, 100), 255).save(blank, "PNG")
    start_early_in_a_window()
    for _ in range(PHOTOS_PER_MINUTE):
        assert _ask(client, blank.getvalue(), "blank.png")[0] == 400  # read: no barcode
    status, page = _ask(client, blank.getvalue(), "blank.png")
    assert status == 429
    assert "每个地址每分钟最多查询 10 次" in page
    assert client.get("/query/photo/").status_code == 200  # the page itself is still served
