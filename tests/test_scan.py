"""tiaoma.scan: every symbology read back from our own artwork, in every image format and from
PDF pages, named in tiaoma's words and in agreement with zxing-cpp's own reading; every kind of
bad file answered with its own message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import zint
import zxingcpp
from PIL import Image

from tests.oracles import zint_modules
from tiaoma import checksum
from tiaoma.cli import run
from tiaoma.render import artwork, geometry_for
from tiaoma.render.gallery import EXAMPLES
from tiaoma.scan import ITF_LENGTHS, Found, ScanError, read
from tiaoma.symbols import itf, upcean
from tiaoma.symbols.base import Symbol, Symbology
from tiaoma.symbols.choose import encode

#: What zxing-cpp cannot read alone (an add-on without its main symbol).
UNREADABLE_ALONE = {Symbology.EAN2, Symbology.EAN5}
#: Where the name read differs from the one drawn: the bars cannot tell truncated DataBar from
#: omnidirectional, nor the two stacked forms apart (they differ in height only).
READ_AS = {
    Symbology.DATABAR_TRUNCATED: Symbology.DATABAR_OMNI,
    Symbology.DATABAR_STACKED_OMNI: Symbology.DATABAR_STACKED,
}
#: The gallery's plain ITF has 8 digits, more than the default ITF lengths allow.
GALLERY_ITF_LENGTHS = (8, 14)


#: What zxing-cpp has no reader for: tiaoma's own reads it (test_han_xin_is_read_by_...).
ZXING_CANNOT = {Symbology.HANXIN, Symbology.GS1_HANXIN}


def _png(data: str, symbology: Symbology | None = None, dpi: int = 600) -> bytes:
    symbol = encode(data, symbology)
    return artwork(symbol, geometry_for(symbol), "png", dpi=dpi)


ZXING_READS = [(s, d) for s, d, _ in EXAMPLES if s not in UNREADABLE_ALONE | ZXING_CANNOT]


@pytest.mark.parametrize(("symbology", "data"), ZXING_READS)
def test_every_symbology_reads_back_as_zxing_reads_it(symbology: Symbology, data: str) -> None:
    png = _png(data, symbology)
    (found,) = read(png, itf_lengths=GALLERY_ITF_LENGTHS)
    oracle = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"),
                                    text_mode=zxingcpp.TextMode.HRI)  # fmt: skip
    assert (found.data, found.symbology_identifier) == (oracle[0].text,
                                                        oracle[0].symbology_identifier)  # fmt: skip
    named = READ_AS.get(symbology, symbology).label
    assert found.symbology == named
    assert found.dpi == 600.0
    if found.symbology_identifier in ("]C1", "]e0", "]Q3", "]d2"):
        assert found.gs1 is not None
        assert found.gs1.bracketed() == found.data


def test_what_the_data_is_comes_with_it() -> None:
    (found,) = read(_png("6936983800013"))
    assert found.identified is not None
    assert found.identified.kind == "gtin"
    assert found.identified.parsed.company_prefix == "69369838"
    (found,) = read(_png("(01)06936983800013(17)271231(10)A1", Symbology.GS1_128))
    assert found.symbology == "GS1-128"
    assert str(found.gs1["17"].meaning) == "2027-12-31"  # type: ignore[index]


def test_an_ean13_with_an_addon_is_no_sscc() -> None:
    # zxing-cpp's sample image of an EAN-13 + 5-digit add-on read as 978039305867352595 was
    # reported as an SSCC ("GS1 Chile"): its symbology identifier ]E3 says EAN + add-on.
    symbol = upcean.ean13("9780393058673", addon_digits="52595")
    found = read(artwork(symbol, geometry_for(symbol), "png"))
    with_addon = next(case for case in found if case.symbology_identifier == "]E3")
    assert with_addon.data == "978039305867352595"
    assert with_addon.identified is not None
    assert (with_addon.identified.kind, with_addon.identified.addon) == ("isbn", "52595")
    assert with_addon.identified.parsed.isbn13 == "9780393058673"


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "BMP", "TIFF", "GIF", "WEBP"])
def test_image_formats(kind: str) -> None:
    image = Image.open(io.BytesIO(_png("6936983800013", dpi=300))).convert("RGB")
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    assert [f.data for f in read(out.getvalue())] == ["6936983800013"]


def test_pdf_pages_and_tiff_frames(tmp_path: Path) -> None:
    symbol = encode("6936983800013", None)
    pdf = tmp_path / "proof.pdf"
    pdf.write_bytes(artwork(symbol, geometry_for(symbol), "pdf"))
    (found,) = read(pdf)
    assert (found.data, found.dpi, found.page) == ("6936983800013", 300, 0)
    frames = [Image.open(io.BytesIO(_png(code, dpi=300))) for code in
              ("6936983800013", "6901234567892", "96385074")]  # fmt: skip
    tiff = io.BytesIO()
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:])
    assert [(f.page, f.data) for f in read(tiff.getvalue())] == [
        (0, "6936983800013"),
        (1, "6901234567892"),
        (2, "96385074"),
    ]
    assert len(read(tiff.getvalue(), pages=2)) == 2


def test_transparent_artwork_and_turned_photos() -> None:
    grey = Image.open(io.BytesIO(_png("6936983800013", dpi=300))).convert("L")
    clear = Image.new("LA", grey.size)
    clear.putalpha(grey.point(lambda value: 255 - value))  # black bars on nothing
    (found,) = read(clear)
    assert found.data == "6936983800013"
    (turned,) = read(grey.rotate(90, expand=True, fillcolor=255))
    assert turned.orientation in (90, -90, 270)


def test_an_image_without_a_barcode_is_an_empty_list() -> None:
    blank = io.BytesIO()
    Image.new("L", (200, 100), 255).save(blank, "PNG")
    assert read(blank.getvalue()) == []


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "scan-empty"),
        (b"hello, not an image", "scan-not-image"),
        (b"%PDF-1.7 but nothing else", "scan-damaged"),
    ],
)
def test_bad_files(content: bytes, code: str) -> None:
    with pytest.raises(ScanError) as caught:
        read(content)
    assert caught.value.code == code
    assert caught.value.message_zh


def test_truncated_missing_and_enormous_files(tmp_path: Path) -> None:
    png = _png("6936983800013")
    with pytest.raises(ScanError, match="truncated or damaged"):
        read(png[: len(png) // 2])
    with pytest.raises(ScanError, match="cannot be opened") as missing:
        read(tmp_path / "missing.png")
    assert "无法打开" in missing.value.message_zh
    bomb = io.BytesIO()
    Image.new("1", (12_000, 11_000), 1).save(bomb, "PNG")  # 132 Mpx in a few kilobytes
    with pytest.raises(ScanError, match="more than the 120000000 allowed"):
        read(bomb.getvalue())


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = run(list(argv), out, io.StringIO(), io.StringIO())
    return status, out.getvalue()


def test_the_scan_command(tmp_path: Path) -> None:
    good, empty, text = tmp_path / "good.png", tmp_path / "empty.png", tmp_path / "notes.txt"
    good.write_bytes(_png("6936983800013"))
    Image.new("L", (50, 50), 255).save(empty)
    text.write_text("not an image")
    status, printed = _cli("scan", str(good))
    assert (status, printed) == (0, f"{good}: EAN-13 6936983800013  (at 88,0)\n")
    status, printed = _cli("scan", str(good), str(empty), str(text), "--lang", "zh")
    assert status == 1
    assert f"{empty}: 未找到条码" in printed
    assert "不是可读取的图像或 PDF" in printed
    status, printed = _cli("scan", str(good), str(text), "--json")
    report = json.loads(printed)
    assert report[0]["found"][0]["identified"]["parsed"]["company_prefix"] == "69369838"
    assert report[1]["error"]["code"] == "scan-not-image"
    with pytest.raises(Exception, match="--pages"):
        _cli("scan", str(good), "--pages", "0")


def _zint_databar_expanded(data: str) -> Image.Image:
    """A DataBar Expanded drawn by Zint from GS1 data it was told not to check."""
    rows = zint_modules(
        zint.Symbology.DBAR_EXP, data, zint.InputMode.GS1 | zint.InputMode.GS1NOCHECK
    )
    dark = np.array([[module == "1" for module in row] for row in rows])
    dark = np.repeat(np.repeat(dark, 3, axis=1), 34 * 3, axis=0)  # X 3 px, 34 X high
    return Image.fromarray(np.pad(~dark, 30, constant_values=True).astype(np.uint8) * 255)


def test_gs1_data_breaking_a_pairing_rule_says_which(tmp_path: Path) -> None:
    # (02) needs (37) in the same message (GS1 GenSpecs 4.14.2): the read was gs1=None without
    # a reason (issue 24, item 5); it keeps the AI linter's error.
    image = _zint_databar_expanded("[02]06901234567892[10]A1")
    (found,) = read(image)
    assert (found.symbology, found.data) == ("GS1 DataBar Expanded", "(02)06901234567892(10)A1")
    assert found.gs1 is None
    assert found.gs1_error is not None
    assert found.gs1_error.code == "ai_requires"
    assert "AI (02) needs (37)" in found.gs1_error.message
    path = tmp_path / "dbe.png"
    image.save(path)
    status, printed = _cli("scan", str(path))
    assert status == 0
    assert "GS1: AI (02) needs (37) in the same message" in printed
    _, printed = _cli("scan", str(path), "--lang", "zh")
    assert "GS1: 应用标识符 (02) 须与 (37) 一起出现" in printed
    report = json.loads(_cli("scan", str(path), "--json")[1])
    assert report[0]["found"][0]["gs1_error"]["code"] == "ai_requires"
    # data that keeps the rules has no error
    (fine,) = read(_zint_databar_expanded("[01]06901234567892[10]A1"))
    assert fine.gs1 is not None
    assert fine.gs1_error is None


def test_found_is_plain_data() -> None:
    (found,) = read(_png("96385074"))
    assert isinstance(found, Found)
    assert found.symbology == "EAN-8"
    assert len(found.corners) == 4


# --- ITF: a part of a symbol is no barcode ----------------------------------------------------


def _grey(symbol: Symbol) -> Image.Image:
    png = artwork(symbol, geometry_for(symbol), "png", dpi=300)
    return Image.open(io.BytesIO(png)).convert("L")


def _pieces(image: Image.Image) -> list[Image.Image]:
    """Every piece of an ITF-14 from the start of one bar to the end of a later one, cut inside
    the bearer bars and laid on white: what a scan line sees of a torn or half-hidden label."""
    pixels = np.asarray(image) < 128
    height, width = pixels.shape
    middle = pixels[height // 2]
    starts = [x for x in range(1, width) if middle[x] and not middle[x - 1]]
    ends = [x for x in range(1, width) if middle[x - 1] and not middle[x]]
    bearer = [y for y in range(height) if pixels[y, width // 3 : 2 * width // 3].all()]
    top = max(y for y in bearer if y < height // 2) + 5
    bottom = min(y for y in bearer if y > height // 2) - 5
    pieces = []
    for left in starts:
        for right in (end for end in ends if end - left > 60):
            piece = image.crop((left, top, right, bottom))
            laid = Image.new("L", (piece.width + 100, piece.height + 40), 255)
            laid.paste(piece, (50, 20))
            pieces.append(laid)
    return pieces


def test_a_part_of_an_itf14_is_no_barcode() -> None:
    # Issue 24: `tiaoma scan` gave 8 digits of an ITF-14. zxing-cpp reads parts of this one
    # (16936983, 169369838000 and 23200590 with 3.1), each with a wrong check digit.
    whole = "16936983800010"
    pieces = _pieces(_grey(itf.itf14("6936983800013", indicator="1")))
    partial = set()
    for piece in pieces:
        zxing = {r.text for r in zxingcpp.read_barcodes(piece, text_mode=zxingcpp.TextMode.HRI)}
        partial |= zxing - {whole}
        assert {found.data for found in read(piece)} <= {whole}
    assert partial, "zxing-cpp read no part of the ITF-14: the test shows nothing"
    assert not any(checksum.mod10_ok(text) and len(text) in ITF_LENGTHS for text in partial)


def test_itf_lengths_the_caller_allows_and_the_check_digit() -> None:
    eight = _grey(itf.itf("1234567", check_digit=True))  # 12345670: a right check digit
    assert read(eight) == []  # 8 digits: no GTIN, likely a part of one
    assert [found.data for found in read(eight, itf_lengths={8})] == ["12345670"]
    body = "690123456789012"
    sixteen = _grey(itf.itf(body, check_digit=True))  # 16 digits
    assert [(f.symbology, f.data) for f in read(sixteen)] == [
        ("ITF", body + checksum.calc_check_digit(body))
    ]
    assert read(sixteen, itf_lengths={14}) == []
    # 14 digits whose last is no check digit (4, expected 1): zxing-cpp reads it, we refuse it.
    wrong = _grey(itf.itf("12345678901234"))
    (zxing,) = zxingcpp.read_barcodes(wrong)
    assert (zxing.text, zxing.symbology_identifier) == ("12345678901234", "]I0")
    assert read(wrong) == read(wrong, itf_lengths={14}) == []
    (case,) = read(_grey(itf.itf14("6936983800013", indicator="1")))
    assert case.identified is not None
    assert (case.symbology, case.data, case.identified.kind) == ("ITF-14", "16936983800010", "gtin")


def test_the_scan_command_takes_itf_lengths(tmp_path: Path) -> None:
    eight = tmp_path / "itf8.png"
    symbol = itf.itf("1234567", check_digit=True)
    eight.write_bytes(artwork(symbol, geometry_for(symbol), "png"))
    status, printed = _cli("scan", str(eight))
    assert (status, printed) == (1, f"{eight}: no barcode found\n")
    status, printed = _cli("scan", str(eight), "--itf-length", "8", "--itf-length", "14")
    assert status == 0
    assert "ITF 12345670" in printed
    with pytest.raises(Exception, match="--itf-length is an even number"):
        _cli("scan", str(eight), "--itf-length", "7")


def test_han_xin_is_read_by_tiaomas_own_reader(tmp_path: Path) -> None:
    """zxing-cpp has no Han Xin reader: scan.read adds tiaoma's, reported as zxing's reads are."""
    from tiaoma.symbols.hanxin import hanxin

    for data, gs1, label in [("(01)06901234567892(10)ABC", True, "GS1 Han Xin Code"),
                             ("汉信码 tiaoma", False, "Han Xin Code")]:  # fmt: skip
        symbol = hanxin(data, gs1=gs1)
        image = artwork(symbol, geometry_for(symbol, module_mm=0.5), "png", dpi=600)
        (found,) = read(image)
        assert (found.symbology, found.data) == (label, data)
        assert found.symbology_identifier == symbol.symbology_identifier
        assert (found.gs1 is not None) is gs1
        assert found.orientation == 0
        assert read(image, hanxin=False) == []


def test_a_han_xin_too_small_to_read_is_left_out_with_its_reason(tmp_path: Path) -> None:
    from PIL import Image

    from tiaoma.cli import run
    from tiaoma.scan import read_all
    from tiaoma.symbols.hanxin import hanxin

    symbol = hanxin("(01)06901234567892(10)ABC", gs1=True)
    image = artwork(symbol, geometry_for(symbol, module_mm=0.5), "png", dpi=600)
    small = Image.open(io.BytesIO(image)).convert("L")
    small = small.resize((small.width // 9, small.height // 9), Image.Resampling.BILINEAR)
    reads = read_all(small)
    assert [f for f in reads.found if "Han Xin" in f.symbology] == []
    (unread,) = reads.unread
    assert unread.symbology == "Han Xin Code"
    assert unread.reason.message_zh  # why, in both languages
    path = tmp_path / "small.png"
    small.save(path)
    out = io.StringIO()
    assert run(["scan", str(path)], out, io.StringIO(), io.StringIO()) == 1
    assert f"{path}: Han Xin Code: {unread.reason}" in out.getvalue()
    out = io.StringIO()
    run(["scan", str(path), "--json"], out, io.StringIO(), io.StringIO())
    (report,) = json.loads(out.getvalue())
    assert report["unread"][0]["error"]["code"] == unread.reason.code


def test_a_page_of_many_pixels_is_read_for_han_xin_in_bounded_memory() -> None:
    """The reader shrinks a page of many pixels itself; the corners come back in the page's
    own pixels."""
    from PIL import Image

    from tiaoma.symbols.hanxin import hanxin

    symbol = hanxin("(01)06901234567892(10)ABC", gs1=True)
    drawn = Image.open(io.BytesIO(artwork(symbol, geometry_for(symbol), "png", module_px=60)))
    page = Image.new("L", (5000, 5000), 255)
    page.paste(drawn.convert("L"), (1000, 2000))
    (found,) = [f for f in read(page) if "Han Xin" in f.symbology]
    assert found.data == "(01)06901234567892(10)ABC"
    (x, y) = found.corners[0]
    quiet = symbol.quiet_zone.left * 60
    assert abs(x - (1000 + quiet)) < 60
    assert abs(y - (2000 + quiet)) < 60


@pytest.mark.parametrize("size", [(1, 70_000), (70_000, 1)])
def test_a_side_longer_than_zxing_takes_is_refused_not_a_crash(size: tuple[int, int]) -> None:
    """A 149-byte PNG of 1 × 70,000 pixels made zxing-cpp raise a ValueError: a 500."""
    from PIL import Image

    thin = io.BytesIO()
    Image.new("L", size, 255).save(thin, "PNG")
    assert len(thin.getvalue()) < 1000
    with pytest.raises(ScanError) as refused:
        read(thin.getvalue())
    assert refused.value.code == "scan-side"
    assert "65535" in str(refused.value)
    assert "65535" in refused.value.message_zh
    with pytest.raises(ScanError):
        read(Image.new("L", size, 255))
