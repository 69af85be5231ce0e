"""The member's number bank and product pages: allocate, file, edit with history, artwork,
cases, reservations, labels, proofs; and every page out of another member's reach."""

from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
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


@pytest.fixture
def rival(other_user: User) -> Client:
    client = Client()
    log_in(client, other_user.mobile)
    return client


def filed_data(**extra: str) -> dict[str, str]:
    return {"name": "示例矿泉水", "brand": "示例", "specification": "550mL 瓶装",
            "net_content": "550", "net_content_unit": "mL", "gpc_brick": "10000232",
            "level": "each", "quantity": "1", "version": "1", **extra}  # fmt: skip


def test_a_clerk_allocates_files_and_edits_a_product(clerk: Client, member: Member) -> None:
    page = clerk.get("/products/")
    assert page.status_code == 200
    assert "10000" in page.content.decode()
    response = clerk.post("/products/allocate/", {"company_prefix": "69212345", "name": "水"})
    product = Product.objects.get()
    assert response["Location"] == f"/products/{product.pk}/"
    assert product.display_gtin == "6921234500019"
    assert product.status == "draft"
    refused = clerk.post(f"/products/{product.pk}/act/", {"action": "publish"}, follow=True)
    assert "请先填写" in refused.content.decode()
    saved = clerk.post(f"/products/{product.pk}/", filed_data())
    assert saved.status_code == 302
    clerk.post(f"/products/{product.pk}/act/", {"action": "publish"})
    product.refresh_from_db()
    assert (product.status, product.name, product.version) == ("in_use", "示例矿泉水", 3)
    assert [e.action for e in product.events.all()] == ["allocated", "changed", "publish"]
    assert product.events.all()[1].before["name"] == "水"
    stale = clerk.post(f"/products/{product.pk}/", filed_data(name="新名称", version="1"))
    assert stale.status_code == 400
    assert "已被他人修改" in stale.content.decode()
    emptied = clerk.post(f"/products/{product.pk}/", filed_data(brand="", version="3"))
    assert "信息不完整" in emptied.content.decode()


def test_bad_product_data_gets_a_message_per_field(clerk: Client, member: Member) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    page = clerk.post(f"/products/{product.pk}/", filed_data(gpc_brick="12", net_content="-1",
                                                             market_date="2026-13-01"))  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 400
    assert "GPC 细块代码为 10 开头的 8 位数字" in text
    assert "日期" in text
    assert Product.objects.get().version == 1


def test_artwork_downloads_decode_to_the_gtin(clerk: Client, member: Member) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    png = clerk.get(f"/products/{product.pk}/artwork/?format=png&magnification=1.00&dpi=600")
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="6921234500019-1.00.png"'
    read = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [r.text for r in read] == ["6921234500019"]
    for kind, start in (("svg", b"<svg"), ("pdf", b"%PDF"), ("eps", b"%!PS")):
        made = clerk.get(f"/products/{product.pk}/artwork/?format={kind}&magnification=0.8")
        assert made.status_code == 200, kind
        assert made.content.startswith(start), kind
    refused = clerk.get(f"/products/{product.pk}/artwork/?format=gif&magnification=5", follow=True)
    assert "放大系数" in refused.content.decode() or "gif" in refused.content.decode()


def test_a_case_gets_a_gtin_14_and_its_itf_14_artwork(clerk: Client, member: Member) -> None:
    unit = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    clerk.post(f"/products/{unit.pk}/case/", {"indicator": "1", "quantity": "24", "level": "case"})
    case = Product.objects.get(kind="gtin14")
    assert (case.gtin, case.contains, case.quantity) == ("16921234500016", unit, 24)
    png = clerk.get(f"/products/{case.pk}/artwork/?format=png&magnification=1.00")
    read = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [r.text for r in read] == ["16921234500016"]


def test_labels_for_selected_products(clerk: Client, member: Member) -> None:
    products = [bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY,
                                   data={"name": f"产品{i}"}) for i in range(3)]  # fmt: skip
    sheet = clerk.post("/products/labels.pdf", {"products": [p.pk for p in products],
                                                "magnification": "0.80"})  # fmt: skip
    assert sheet["Content-Type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    none = clerk.post("/products/labels.pdf", {"magnification": "1"}, follow=True)
    assert none.status_code == 200


def test_reservations_page(clerk: Client, member: Member) -> None:
    clerk.post("/products/reservations/", {"company_prefix": "69212345", "first": "100",
                                           "last": "199", "note": "新品"})  # fmt: skip
    reservation = member.reservations.get()
    assert (reservation.first, reservation.last) == (100, 199)
    overlap = clerk.post("/products/reservations/", {"company_prefix": "69212345", "first": "150",
                                                     "last": "160"})  # fmt: skip
    assert "重叠" in overlap.content.decode()
    clerk.post(f"/products/reservations/{reservation.pk}/release/")
    assert not member.reservations.exists()


def test_a_print_proof_is_graded_and_kept(clerk: Client, member: Member) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    symbol = encode(product.display_gtin)
    proof = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    proof.name = "proof.png"
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": proof}, follow=True)
    check = product.proofs.get()
    assert check.result == "4.0/06/670"
    assert check.passed
    assert check.matches
    assert "4.0/06/670" in page.content.decode()
    report = clerk.get(f"/products/{product.pk}/proof/{check.pk}/")
    assert b"<html" in b"".join(report.streaming_content).lower()  # type: ignore[attr-defined]
    other = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    proof.seek(0)
    warned = clerk.post(f"/products/{other.pk}/proof/", {"image": proof}, follow=True)
    assert "不一致" in warned.content.decode()
    junk = io.BytesIO(b"not an image")
    junk.name = "x.png"
    refused = clerk.post(f"/products/{other.pk}/proof/", {"image": junk}, follow=True)
    assert other.proofs.count() == 1
    assert refused.status_code == 200


def test_another_member_reaches_nothing(clerk: Client, rival: Client, member: Member) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    reservation = bank.range_reserve(member=member, prefix="69212345", first=5, last=6, note="",
                                     actor=None, today=TODAY)  # fmt: skip
    for path in (f"/products/{product.pk}/", f"/products/{product.pk}/artwork/?format=svg&"
                 "magnification=1", f"/products/{product.pk}/image/"):  # fmt: skip
        assert rival.get(path).status_code == 404, path
    for path, data in ((f"/products/{product.pk}/", filed_data()),
                       (f"/products/{product.pk}/act/", {"action": "publish"}),
                       (f"/products/{product.pk}/case/", {"indicator": "1", "quantity": "2",
                                                          "level": "case"})):  # fmt: skip
        assert rival.post(path, data).status_code == 404, path
    rival.post(f"/products/reservations/{reservation.pk}/release/")
    assert member.reservations.exists()
    assert rival.post("/products/allocate/", {"company_prefix": "69212345"}).status_code == 302
    assert Product.objects.count() == 1
    listing = rival.get("/products/").content.decode()
    assert product.display_gtin not in listing
    labels = rival.post("/products/labels.pdf", {"products": [product.pk], "magnification": "1"})
    assert labels.status_code == 302


def test_staff_see_their_regions_products_but_edit_none(client: Client, member: Member) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    User.objects.create_user("13900000088", "Secret2026pass", role=User.Role.BRANCH,
                             branch=member.branch)  # fmt: skip
    log_in(client, "13900000088")
    assert client.get(f"/products/{product.pk}/").status_code == 200
    assert client.post(f"/products/{product.pk}/", filed_data()).status_code == 400
    assert Product.objects.get().version == 1
    assert client.post("/products/allocate/", {"company_prefix": "69212345"}).status_code == 404
