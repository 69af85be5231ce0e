"""The print-proof check tells the truth: a proof passes only when its barcode grades 1.5 (D) or
better and carries the product's own GTIN. A perfect print of another GTIN, or an image with no
barcode at all, is kept as a failed proof with the reason shown; a file that is no image is
refused and nothing is kept."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from hall.accounts.models import User
from hall.members.models import Member
from hall.products import bank
from hall.products.models import Product
from tests.hall.conftest import log_in
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def clerk(client: Client, member_user: User) -> Client:
    log_in(client, member_user.mobile)
    return client


def _print_of(gtin: str) -> io.BytesIO:
    """A real rendered barcode of ``gtin`` at 600 dpi, as a printer's proof would be scanned."""
    symbol = encode(gtin)
    proof = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    proof.name = "proof.png"
    return proof


def _allocate(member: Member) -> Product:
    return bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)


def test_a_good_print_of_the_products_own_gtin_passes(clerk: Client, member: Member) -> None:
    product = _allocate(member)
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": _print_of(product.display_gtin)},
                      follow=True)  # fmt: skip
    check = product.proofs.get()
    assert (check.passed, check.matches, check.letter) == (True, True, "A")
    assert "样张合格" in page.content.decode()
    assert "不合格" not in page.content.decode()


def test_a_perfect_print_of_another_gtin_is_a_failed_proof(clerk: Client, member: Member) -> None:
    product, other = _allocate(member), _allocate(member)
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": _print_of(other.display_gtin)},
                      follow=True)  # fmt: skip
    check = product.proofs.get()
    assert check.letter == "A"  # the print itself is flawless...
    assert not check.matches
    assert not check.passed  # ...and still fails: it is not this product's barcode
    assert check.decoded == other.display_gtin
    body = page.content.decode()
    reason = (
        f"不合格：样张上的条码（{other.display_gtin}）不是本产品的编码（{product.display_gtin}）"
    )
    assert reason in body
    assert body.count(reason) == 2  # the notice and the row of the proofs table


def test_the_reason_is_in_english_for_an_english_reader(clerk: Client, member: Member) -> None:
    product, other = _allocate(member), _allocate(member)
    clerk.post(f"/products/{product.pk}/proof/", {"image": _print_of(other.display_gtin)})
    clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = clerk.get(f"/products/{product.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Failed: the barcode on the proof ({other.display_gtin}) is not this product" in page


def test_an_image_with_no_barcode_is_a_failed_proof(clerk: Client, member: Member) -> None:
    product = _allocate(member)
    blank = io.BytesIO()
    Image.new("L", (1200, 600), 255).save(blank, "PNG", dpi=(600, 600))
    blank.seek(0)
    blank.name = "blank.png"
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": blank}, follow=True)
    check = product.proofs.get()
    assert (check.passed, check.matches, check.decoded) == (False, False, "")
    assert check.details == {"failure": "verify-no-symbol"}
    assert "不合格：样张上未找到可检测的条码" in page.content.decode()
    report = clerk.get(f"/products/{product.pk}/proof/{check.pk}/")
    assert "未找到可检测的条码" in b"".join(report.streaming_content).decode()  # type: ignore[attr-defined]


def test_a_file_that_is_no_image_is_refused_and_nothing_kept(clerk: Client, member: Member) -> None:
    product = _allocate(member)
    junk = io.BytesIO(b"not an image at all")
    junk.name = "x.png"
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": junk}, follow=True)
    assert page.status_code == 200
    assert not product.proofs.exists()


# --- 2D proofs: the product's commodity 2D code graded after ISO/IEC 15415 (GB/T 23704) ---


def _print_of_2d(product: Product, symbol: str, *, ink: int = 0) -> io.BytesIO:
    """The product's own 2D artwork at 600 dpi; ``ink`` lightens the dark modules."""
    from hall.products.artwork import product_artwork

    drawn = product_artwork(product, "png", Decimal("1.00"), 600, symbol=symbol).data
    picture = Image.open(io.BytesIO(drawn)).convert("L")
    if ink:
        picture = picture.point(lambda grey: max(grey, ink))
    proof = io.BytesIO()
    picture.save(proof, "PNG", dpi=(600, 600))
    proof.seek(0)
    proof.name = "proof.png"
    return proof


@pytest.mark.parametrize("symbol", ["qr", "hanxin", "datamatrix"])
def test_a_good_2d_print_of_the_products_own_code_passes_with_the_2d_report(
    clerk: Client, member: Member, symbol: str
) -> None:
    product = _allocate(member)
    page = clerk.post(f"/products/{product.pk}/proof/",
                      {"image": _print_of_2d(product, symbol)}, follow=True)  # fmt: skip
    check = product.proofs.get()
    assert (check.passed, check.matches, check.letter) == (True, True, "A")
    assert check.result.startswith("4.0/")
    assert {"parameters", "segments", "block_errors"} <= set(check.details)
    assert "样张合格" in page.content.decode()
    report = clerk.get(f"/products/{product.pk}/proof/{check.pk}/")
    text = b"".join(report.streaming_content).decode()  # type: ignore[attr-defined]
    assert "ISO/IEC 15415" in text or "GB/T 23704" in text
    assert "<svg" in text  # the module grid drawn over the image


def test_a_2d_print_of_another_products_code_fails(clerk: Client, member: Member) -> None:
    product, other = _allocate(member), _allocate(member)
    page = clerk.post(f"/products/{product.pk}/proof/",
                      {"image": _print_of_2d(other, "qr")}, follow=True)  # fmt: skip
    check = product.proofs.get()
    assert (check.letter, check.matches, check.passed) == ("A", False, False)
    assert "不是本产品的编码" in page.content.decode()


def test_a_faint_2d_print_fails_under_gb_t_23704(clerk: Client, member: Member) -> None:
    product = _allocate(member)
    faint = _print_of_2d(product, "datamatrix", ink=205)
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": faint}, follow=True)
    check = product.proofs.get()
    assert check.matches
    assert not check.passed
    assert float(check.grade) < 1.5
    assert "低于 GB/T 23704 要求的 1.5（D）" in page.content.decode()


def test_the_product_page_offers_its_commodity_2d_code_in_three_symbols(
    clerk: Client, member: Member
) -> None:
    product = _allocate(member)
    page = clerk.get(f"/products/{product.pk}/").content.decode()
    for symbol in ("linear", "qr", "hanxin", "datamatrix"):
        assert f'id="symbol-{symbol}"' in page
    assert "GS1 数字链接汉信码" in page
    drawn = clerk.get(f"/products/{product.pk}/artwork/",
                      {"symbol": "hanxin", "format": "svg", "magnification": "1.00"})  # fmt: skip
    assert drawn.status_code == 200
    assert drawn["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("text", ["(01){gtin}", "01{gtin}"])
def test_a_plain_qr_holding_the_gtin_as_text_is_no_proof_of_it(
    clerk: Client, member: Member, text: str
) -> None:
    """Element strings count only in a GS1-mode symbol (FNC1 first): "(01)…" as the text of a
    plain QR Code is not what a till reads as a GTIN."""
    from tiaoma.symbols.matrix import qr

    product = _allocate(member)
    symbol = qr(text.format(gtin=product.gtin))
    proof = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    proof.name = "proof.png"
    clerk.post(f"/products/{product.pk}/proof/", {"image": proof})
    check = product.proofs.get()
    assert (check.letter, check.matches, check.passed) == ("A", False, False)


def test_a_brands_own_digital_link_resolver_is_the_products_code(
    clerk: Client, member: Member
) -> None:
    from tiaoma.symbols.matrix import qr

    product = _allocate(member)
    symbol = qr(f"https://brand.example.cn/01/{product.gtin}")
    proof = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    proof.name = "proof.png"
    clerk.post(f"/products/{product.pk}/proof/", {"image": proof})
    check = product.proofs.get()
    assert (check.matches, check.passed) == (True, True)
    assert check.decoded == f"https://brand.example.cn/01/{product.gtin}"  # kept as read


def test_a_proof_of_more_pixels_than_an_a4_scan_is_refused_unread(
    clerk: Client, member: Member
) -> None:
    """A 99 KB PNG of 9,000 × 9,000 pixels cost 11 s and 1.4 GB to grade (attacker's review)."""
    product = _allocate(member)
    huge = io.BytesIO()
    Image.new("L", (9000, 9000), 255).save(huge, "PNG")
    huge.seek(0)
    huge.name = "huge.png"
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": huge}, follow=True)
    assert "81000000" in page.content.decode() or "81,000,000" in page.content.decode()
    assert not product.proofs.exists()
