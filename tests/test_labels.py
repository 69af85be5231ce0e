"""Label sheets: every label decodes, captions, pages, crop marks, refusals."""

from __future__ import annotations

import random

import pypdfium2
import zxingcpp

from tiaoma import checksum
from tiaoma.render.labels import SheetLayout, label_sheet, read_codes


def test_every_label_on_a_page_decodes() -> None:
    rng = random.Random(3)
    bodies = ["69" + "".join(rng.choice("0123456789") for _ in range(10)) for _ in range(24)]
    codes = [b + checksum.calc_check_digit(b) for b in bodies]
    pdf = label_sheet([(code, f"商品 {i}") for i, code in enumerate(codes)], magnification=0.8)
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=600 / 72).to_pil().convert("L")
    found = sorted(r.text for r in zxingcpp.read_barcodes(image, try_downscale=False))
    assert found == sorted(codes)


def test_pages_and_crop_marks() -> None:
    codes = [("6936983800013", None)] * 25
    pdf = label_sheet(codes, columns=3, rows=8)
    assert pdf.count(b"/Type /Page ") == 2
    plain = label_sheet(codes, sheet=SheetLayout(crop_marks=False), columns=3, rows=8)
    assert len(plain) < len(pdf)


def test_read_codes() -> None:
    good, bad = read_codes(
        "\ufeffgtin,caption\n6936983800013,甲\n\n6936983800010\n,x\nISBN 978-7-111-21382-6\n"
    )
    assert good == [("6936983800013", "甲"), ("ISBN 978-7-111-21382-6", None)]
    assert [(row.line, row.error.code) for row in bad] == [(4, "checksum")]


def test_empty_sheet_is_one_blank_page() -> None:
    assert label_sheet([]).count(b"/Type /Page ") == 1
