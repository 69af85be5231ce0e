"""Products at scale in a real browser (Playwright driving Debian's chromium) against the real
server and database: a member finds 500 draft products and publishes them all in one bulk
change; clones a product; builds each → case → pallet and reads the tree; and the page's
Digital Link QR and GS1 DataMatrix, as the browser draws them, decode with zxing-cpp.
Screenshots go to ``test-artifacts/hall/``."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

import tests.hall.test_a11y as a11y  # the audit itself (a module: its tests are not collected here)
from hall.accounts.models import User
from hall.members.models import Member
from hall.products import bank
from hall.products.models import Product
from tests.hall.browser import SHOTS, both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD
from tests.hall.test_products_scale import GPC_XML
from tiaoma import scan

pytestmark = pytest.mark.django_db(transaction=True)
FILED = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL", "net_content": 550,
         "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip


def allocate(member: Member, count: int, **data: object) -> list[Product]:
    return bank.gtins_allocate(member=member, prefix="69212345", count=count, actor=None,
                               today=date.today(), data=data)  # fmt: skip


@both_sizes
def test_a_bulk_status_change_of_500_products(
    page: object, member: Member, member_user: User
) -> None:
    allocate(member, 500, **FILED)
    allocate(member, 3, name="另一系列")
    log_in(page, member_user.mobile, PASSWORD)
    page.goto("/products/")  # type: ignore[attr-defined]
    page.fill("#id_q", "示例矿泉水")  # type: ignore[attr-defined]
    page.select_option("#id_status", "draft")  # type: ignore[attr-defined]
    page.click("#search-button")  # type: ignore[attr-defined]
    assert "共 500 个" in text(page)
    page.click("#sort-gtin")  # type: ignore[attr-defined]  # the second click: downwards
    assert page.get_attribute("#sort-gtin", "href").count("sort=gtin") == 1  # type: ignore[attr-defined]
    first_row = page.inner_text("#products tr:nth-child(2)")  # type: ignore[attr-defined]
    assert "6921234505007" in first_row  # item 500, the last, comes first
    page.click("#next-page")  # type: ignore[attr-defined]
    assert "status=draft" in page.url  # type: ignore[attr-defined]
    assert "第 2 / 10 页" in text(page)
    page.check("#everything")  # type: ignore[attr-defined]
    shot(page, "45-products-bulk-500-chosen")
    page.click("#bulk-publish")  # type: ignore[attr-defined]
    assert "500 个产品" in text(page)
    assert Product.objects.filter(status="in_use").count() == 500
    assert Product.objects.filter(name="另一系列", status="draft").count() == 3
    assert "暂无产品" in text(page)  # the kept search (drafts named 示例矿泉水) finds none now
    page.select_option("#id_status", "in_use")  # type: ignore[attr-defined]
    page.click("#search-button")  # type: ignore[attr-defined]
    assert "共 500 个" in text(page)
    shot(page, "45-products-bulk-500-published")


@both_sizes
def test_a_member_clones_a_product(page: object, member: Member, member_user: User) -> None:
    source = allocate(member, 1, **FILED)[0]
    log_in(page, member_user.mobile, PASSWORD)
    page.goto(f"/products/{source.pk}/")  # type: ignore[attr-defined]
    page.click("#clone")  # type: ignore[attr-defined]
    assert "已复制为新产品 6921234500026（草稿）" in text(page)
    assert page.input_value("#id_brand") == "示例"  # type: ignore[attr-defined]
    assert "复制产品" in page.inner_text("#history")  # type: ignore[attr-defined]
    shot(page, "46-product-cloned")
    clone = Product.objects.get(gtin="06921234500026")
    assert (clone.name, clone.status) == ("示例矿泉水", "draft")


@both_sizes
def test_each_case_pallet_as_a_tree(page: object, member: Member, member_user: User) -> None:
    each = allocate(member, 1, **FILED)[0]
    log_in(page, member_user.mobile, PASSWORD)
    page.goto(f"/products/{each.pk}/")  # type: ignore[attr-defined]
    page.select_option("#case_level", "case")  # type: ignore[attr-defined]
    page.fill("#case_quantity", "24")  # type: ignore[attr-defined]
    page.click("#new-case")  # type: ignore[attr-defined]
    assert page.inner_text("h1").startswith("16921234500016")  # type: ignore[attr-defined]
    page.select_option("#case_indicator", "5")  # type: ignore[attr-defined]
    page.select_option("#case_level", "pallet")  # type: ignore[attr-defined]
    page.fill("#case_quantity", "40")  # type: ignore[attr-defined]
    page.click("#new-case")  # type: ignore[attr-defined]
    assert page.inner_text("h1").startswith("56921234500014")  # type: ignore[attr-defined]
    assert page.query_selector("#new-case") is None  # type: ignore[attr-defined]  # nothing above
    page.goto(f"/products/{each.pk}/")  # type: ignore[attr-defined]
    tree = page.locator("#tree")  # type: ignore[attr-defined]
    assert tree.locator("> li > ul > li > ul > li").inner_text().startswith("56921234500014")
    assert "箱 · 内含 24 个" in tree.inner_text()
    assert "托盘 · 内含 40 个" in tree.inner_text()
    tree.scroll_into_view_if_needed()
    shot(page, "47-product-tree")


def decoded(png: bytes) -> list[str]:
    """What tiaoma.scan reads: zxing-cpp's reads and, for Han Xin Code, tiaoma's own."""
    return [found.data for found in scan.read(png)]


def test_the_page_shows_a_digital_link_qr_han_xin_and_a_datamatrix(
    page: object, member: Member, member_user: User
) -> None:
    product = allocate(member, 1, **FILED)[0]
    log_in(page, member_user.mobile, PASSWORD)
    page.goto(f"/products/{product.pk}/")  # type: ignore[attr-defined]
    shot(page, "48-product-symbols")
    for symbol, expected in (("qr", "/01/06921234500019"), ("hanxin", "/01/06921234500019"),
                             ("datamatrix", "(01)06921234500019"),
                             ("linear", "6921234500019")):  # fmt: skip
        # Drawn larger (300 px, inside its figure) for a read of the screen as the browser draws it.
        page.eval_on_selector(  # type: ignore[attr-defined]
            f"#symbol-{symbol} svg",
            "e => { e.setAttribute('width', '300px'); e.removeAttribute('height') }",
        )
        png = page.locator(f"#symbol-{symbol}").screenshot()  # type: ignore[attr-defined]
        (SHOTS / f"48-product-symbol-{symbol}.png").write_bytes(png)
        found = decoded(png)
        assert len(found) == 1, symbol
        assert found[0].endswith(expected), (symbol, found)


def test_the_products_pages_at_scale_pass_the_audit(
    page: object, live_server: object, member: Member, member_user: User, tmp_path: Path
) -> None:
    """The list with its filters, sort keys, pages and bulk actions; a product with its tree and
    symbols; the GPC lookup; a refused sort key: axe, tap targets and a phone's width, as
    tests/hall/test_a11y.py audits every page."""
    gpc_file = tmp_path / "gpc.xml"
    gpc_file.write_bytes(GPC_XML)
    call_command("gpc_import", str(gpc_file), stdout=io.StringIO())
    made = allocate(member, 60, **FILED)
    case = bank.case_create(member=member, contained=made[0], indicator="1", quantity=24,
                            actor=None, today=date.today())  # fmt: skip
    bank.case_create(member=member, contained=case, indicator="5", quantity=40, actor=None,
                     today=date.today(), level="pallet")  # fmt: skip
    log_in(page, member_user.mobile, PASSWORD)
    walk = a11y._walk("member", page, live_server)
    walk.refused.add("/products/?sort=password")
    for url in ("/products/", "/products/?status=draft&sort=-changed&page=2",
                "/products/?sort=password", f"/products/{made[0].pk}/", f"/products/{case.pk}/",
                "/products/gpc/?q=water"):  # fmt: skip
        walk.audit(url)
    assert not walk.problems, walk.report()
