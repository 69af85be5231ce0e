"""Products and the public query in a real browser (Playwright driving Debian's chromium)
against the real server and database: a member allocates a GTIN, files the product and
downloads its artwork (zxing-cpp decodes the file to the GTIN); a visitor looks the number up
and follows its Digital Link; a printing company checks a member's certificate. Screenshots go
to ``test-artifacts/hall/``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from hall.accounts.models import User
from hall.members.models import Member
from hall.products.models import Product
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def decoded(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [found.text for found in zxingcpp.read_barcodes(image)]


def file_the_product(page: object) -> None:
    page.fill("#id_brand", "示例")  # type: ignore[attr-defined]
    page.fill("#id_specification", "550mL/瓶")  # type: ignore[attr-defined]
    page.fill("#id_net_content", "550")  # type: ignore[attr-defined]
    page.select_option("#id_net_content_unit", "mL")  # type: ignore[attr-defined]
    page.fill("#id_gpc_brick", "10000232")  # type: ignore[attr-defined]
    page.click("#save")  # type: ignore[attr-defined]


@both_sizes
def test_a_member_allocates_files_downloads_and_a_visitor_looks_it_up(
    page: object, member: Member, member_user: User, tmp_path: Path
) -> None:
    log_in(page, member_user.mobile, PASSWORD)
    page.click("#menu-products")  # type: ignore[attr-defined]
    page.fill("#id_name", "示例矿泉水")  # type: ignore[attr-defined]
    shot(page, "40-products-allocate")
    page.click("#allocate")  # type: ignore[attr-defined]
    assert "已分配商品条码 6921234500019" in text(page)
    page.click("#action-publish")  # type: ignore[attr-defined]
    assert "通报前请填写" in text(page)  # a draft without its data cannot be filed
    file_the_product(page)
    page.click("#action-publish")  # type: ignore[attr-defined]
    assert page.inner_text("#status") == "使用中"  # type: ignore[attr-defined]
    shot(page, "41-product-filed")

    page.select_option("#id_format", "png")  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("#download-artwork")  # type: ignore[attr-defined]
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert decoded(saved.read_bytes()) == ["6921234500019"]

    page.context.clear_cookies()  # type: ignore[attr-defined]  # now a visitor, no login
    page.goto("/query/")  # type: ignore[attr-defined]
    page.fill("#q-gtin", "6921234500019")  # type: ignore[attr-defined]
    page.click("#find-gtin")  # type: ignore[attr-defined]
    answer = text(page)
    assert "示例矿泉水" in answer
    assert member.name in answer
    assert "69212345" in answer
    shot(page, "42-query-gtin")
    page.goto("/01/06921234500019/10/LOT7")  # type: ignore[attr-defined]
    assert "示例矿泉水" in text(page)
    page.goto("/query/")  # type: ignore[attr-defined]
    page.fill("#q-gtin", "6921234500010")  # type: ignore[attr-defined]
    page.click("#find-gtin")  # type: ignore[attr-defined]
    assert "校验码" in text(page)
    assert Product.objects.get().status == Product.Status.IN_USE


@both_sizes
def test_a_printing_company_checks_a_certificate(page: object, member: Member) -> None:
    page.goto("/query/")  # type: ignore[attr-defined]
    page.fill("#number", member.certificate_number)  # type: ignore[attr-defined]
    page.fill("#company", member.name)  # type: ignore[attr-defined]
    page.click("#check-certificate")  # type: ignore[attr-defined]
    verdict = page.inner_text("#verdict")  # type: ignore[attr-defined]
    assert verdict.startswith("证书真实有效")
    assert member.valid_until.isoformat() in verdict
    shot(page, "43-certificate-genuine")
    page.fill("#company", "杭州另一家食品有限公司")  # type: ignore[attr-defined]
    page.click("#check")  # type: ignore[attr-defined]
    assert page.inner_text("#verdict").startswith("查无此证书")  # type: ignore[attr-defined]
    shot(page, "44-certificate-unknown")
