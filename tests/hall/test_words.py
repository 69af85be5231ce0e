"""Input and words (issue 22, part 5): digits typed full-width are digits everywhere; names refuse
emoji and control characters; a refused upload says its real size; the numbers library's words
for programmers (``<bytes>``, ``--dpi``, PDFium) never reach a page or an API body; payments
and reconciliation speak the reader's language; a product import names a file that is no table,
reports formula cells as formulas and its errors in the file's order with their row numbers.

Every case goes through the hall's pages or API with Django's test client."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from PIL import Image

from hall.accounts.models import ApiKey, User
from hall.applications.models import Application
from hall.core.spreadsheets import read_rows
from hall.core.typed import DigitsField, digits, refuse_unprintable
from hall.jobs import queue
from hall.jobs.models import Job
from hall.members.models import Member
from hall.payments.orders import order_for, order_started, system_user
from hall.products import bank
from hall.products.history import event
from hall.products.models import Product
from tests.hall.conftest import log_in

pytestmark = pytest.mark.django_db
TODAY = date.today()
HEADER = "商品条码,厂商识别代码,产品名称,品牌,规格型号,净含量,净含量单位,GPC细块代码,状态"
INTERNAL = (
    "<bytes>",
    "--dpi",
    "PDFium",
    "pdfium",
    "zxing",
    "pip install",
    "tiaoma[",
    "tiaoma render",
)


@pytest.fixture
def clerk(client: Client, member_user: User) -> Client:
    log_in(client, member_user.mobile)
    return client


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _named(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _allocate(member: Member) -> Product:
    return bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)


def _product_post(product: Product, **changes: str) -> dict[str, str]:
    data = {"name": "示例矿泉水", "name_en": "", "brand": "示例", "brand_en": "",
            "specification": "550mL", "net_content": "550", "net_content_unit": "mL",
            "gpc_brick": "10000232", "classification": "", "level": "each", "quantity": "1",
            "market_date": "", "description": "", "version": str(product.version)}  # fmt: skip
    return {**data, **changes}


# -- full-width digits ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "plain"), [
    ("１０００００２５", "10000025"),        # a GPC brick typed with a Chinese input method
    ("１０ ００ ００ ２５", "10000025"),     # ... in groups, with full-width spaces
    ("０５７１－８８８８８８８８", "057188888888"),  # an area code and phone, full-width hyphen
    ("0571—8888 8888", "057188888888"),     # an em dash from a word processor
    ("\ufeff310000", "310000"),             # a postcode pasted from a UTF-8 CSV
    ("１０a", "10a"),                        # a letter stays, for the field's rule to refuse
])  # fmt: skip
def test_digits_are_made_plain_however_typed(typed: str, plain: str) -> None:
    assert digits(typed) == plain


def test_the_digits_field_keeps_plain_digits_and_refuses_others_in_its_words() -> None:
    field = DigitsField(regex=r"^0[0-9]{2,3}$", error_messages={"invalid": "长途区号"})
    assert field.clean("０５７１") == "0571"
    with pytest.raises(ValidationError, match="长途区号"):
        field.clean("５７１")  # plain, but not an area code
    phone = DigitsField(regex=r"^[0-9]{7,8}(-[0-9]{1,6})?$", keep_hyphens=True)
    assert phone.clean("８８８８ ８８８８－１２３") == "88888888-123"
    postcode = DigitsField(regex=r"^[0-9]{6}$", required=False)
    assert postcode.clean("") == ""
    assert postcode.clean("３１０ ０００") == "310000"


def test_a_product_saved_with_full_width_digits_keeps_ascii_ones(
    clerk: Client, member: Member
) -> None:
    product = _allocate(member)
    response = clerk.post(f"/products/{product.pk}/",
                          _product_post(product, gpc_brick="１０００ ００２５",
                                        classification="０１－２３", quantity="１２"))  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    product.refresh_from_db()
    assert (product.gpc_brick, product.classification, product.quantity) == ("10000025", "0123", 12)


def test_the_product_search_finds_a_gtin_typed_full_width(clerk: Client, filed: Product,
                                                        member: Member) -> None:  # fmt: skip
    _allocate(member)  # another product, which must not be found
    page = clerk.get("/products/", {"q": "６９２１２３４５　０００１９"}).content.decode()
    assert filed.display_gtin in page
    assert bank.gtin14_of(member.prefixes.get(), 2)[1:] not in page


def test_the_prefix_query_and_the_api_take_full_width_digits(client: Client, filed: Product,
                                                             member: Member) -> None:  # fmt: skip
    page = client.get("/query/prefix/", {"q": "６９２１ ２３４５"})
    assert page.status_code == 200
    assert member.name in page.content.decode()
    answer = client.get("/api/v1/prefixes/６９２１２３４５")
    assert answer.status_code == 200, answer.content
    assert answer.json()["prefix"] == "69212345"
    key = ApiKey.issue(name="ERP", member=member)[1]
    found = client.get("/api/v1/products/６９２１２３４５０００１９", HTTP_X_API_KEY=key)
    assert found.status_code == 200, found.content
    assert found.json()["gtin"] == "6921234500019"
    made = client.post("/api/v1/products", {"prefix": "６９２１２３４５", "name": "新品"},
                       content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["gtin"].startswith("69212345")
    listed = client.get("/api/v1/products", {"page": "１"}, HTTP_X_API_KEY=key)
    assert listed.status_code == 200, listed.content
    assert listed.json()["count"] == 2
    png = client.get("/api/v1/products/6921234500019/artwork",
                     {"format": "png", "dpi": "３００"}, HTTP_X_API_KEY=key)  # fmt: skip
    assert png.status_code == 200, png.content
    assert Image.open(io.BytesIO(png.content)).info["dpi"][0] == pytest.approx(300, abs=1)


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "zh", "en"), [
    ("示例矿泉水😀", "名称不能含表情符号（😀）", "A name cannot contain emoji (😀)"),
    ("示例\u200b矿泉水", "名称不能含控制字符或不可见字符（U+200B）",
     "A name cannot contain control or invisible characters (U+200B)"),
    ("示例\x1b[31m矿泉水", "名称不能含控制字符或不可见字符（U+001B）",
     "A name cannot contain control or invisible characters (U+001B)"),
])  # fmt: skip
def test_a_product_name_with_emoji_or_control_characters_is_refused_in_both_languages(
    clerk: Client, member: Member, name: str, zh: str, en: str
) -> None:
    product = _allocate(member)
    refused = clerk.post(f"/products/{product.pk}/", _product_post(product, name=name))
    assert refused.status_code == 400
    assert zh in refused.content.decode()
    again = english(clerk).post(f"/products/{product.pk}/", _product_post(product, brand=name))
    assert en in again.content.decode()
    product.refresh_from_db()
    assert (product.name, product.brand) == ("", "")  # nothing half-written


def test_a_star_or_a_trademark_sign_is_a_name_not_an_emoji(clerk: Client, member: Member) -> None:
    refuse_unprintable("\U00031350氏食品")  # Extension H (Unicode 15.0), unknown to Python 3.11
    product = _allocate(member)
    saved = clerk.post(f"/products/{product.pk}/", _product_post(product, name="★示例™ 矿泉水"))
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.name == "★示例™ 矿泉水"


def test_the_import_and_the_api_refuse_emoji_names_alike(clerk: Client, member: Member) -> None:
    report = _import(clerk, csv_file(",69212345,表情😀水,示例,550mL,550,mL,10000232,草稿"))
    assert report["failed"] == 1
    assert "名称不能含表情符号（😀）" in report["problems"][0][1]
    key = ApiKey.issue(name="ERP", member=member)[1]
    refused = Client().post("/api/v1/products", {"prefix": "69212345", "brand": "牌😀"},
                            content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    assert refused.status_code == 400
    assert "表情符号" in str(refused.json()["error"]["details"])
    assert not Product.objects.exists()


# -- upload sizes -----------------------------------------------------------------------------


def test_a_product_picture_over_2_mb_is_refused_with_its_real_size(
    clerk: Client, member: Member
) -> None:
    product = _allocate(member)
    noise = Image.frombytes("RGB", (900, 900), random.Random(22).randbytes(900 * 900 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")  # noise does not compress: a real picture of some 2.3 MB
    size = f"{len(out.getvalue()) / 2**20:.1f}"
    assert size != "2.0"
    picture = _named(out.getvalue(), "photo.png")
    refused = clerk.post(f"/products/{product.pk}/", {**_product_post(product), "image": picture})
    assert refused.status_code == 400
    assert f"文件过大：{size} MB，超过 2 MB 上限" in refused.content.decode()
    picture.seek(0)
    again = english(clerk).post(f"/products/{product.pk}/",
                                {**_product_post(product), "image": picture})  # fmt: skip
    assert f"File too large: {size} MB, over the 2 MB limit" in again.content.decode()
    product.refresh_from_db()
    assert not product.image


def test_a_product_picture_is_judged_once_in_the_halls_words(clerk: Client,
                                                            member: Member) -> None:  # fmt: skip
    product = _allocate(member)
    for data, name, words in [
        (
            b"%PDF-1.4 not a picture",
            "photo.png",
            "不是可识别的图片文件（只接受 jpg、png、gif 或 bmp）",
        ),
        (_image_as("TIFF"), "photo.tif", "只接受 jpg、png、gif 或 bmp 图片，此文件是 TIFF"),
    ]:
        page = clerk.post(f"/products/{product.pk}/",
                          {**_product_post(product), "image": _named(data, name)})  # fmt: skip
        assert page.status_code == 400
        assert page.content.decode().count(words) == 1
        assert "请上传一张有效的图片" not in page.content.decode()  # Django's own, not the hall's
    saved = clerk.post(
        f"/products/{product.pk}/",
        {**_product_post(product), "image": _named(_image_as("JPEG"), "a.jpg")},
    )
    assert saved.status_code == 302
    product.refresh_from_db()
    assert Image.open(product.image.open("rb")).format == "PNG"


def _image_as(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, kind)
    return out.getvalue()


def test_an_application_scan_over_2_mb_is_refused_with_its_real_size() -> None:
    from hall.applications.uploads import UploadError, read_image

    scan = _named(b"\x00" * int(2.6 * 2**20), "licence.jpg")
    scan.size = len(scan.getvalue())  # type: ignore[attr-defined]  # as Django's uploads have
    with pytest.raises(UploadError, match=r"文件过大：2\.6 MB，超过 2 MB 上限"):
        read_image(scan)  # type: ignore[arg-type]
    just_over = _named(b"\x00" * (2 * 2**20 + 1), "licence.jpg")
    just_over.size = None  # type: ignore[attr-defined]  # a size the upload does not know
    with pytest.raises(UploadError, match=r"文件过大：2\.00 MB，超过 2 MB 上限"):
        read_image(just_over)  # type: ignore[arg-type]


def test_an_import_over_50_mb_says_its_size_and_a_body_over_the_route_too(clerk: Client) -> None:
    big = _named(b"a" * (50 * 2**20 + 300 * 1024), "huge.csv")
    page = clerk.post("/products/import/", {"file": big}).content.decode()
    assert "文件过大：50.3 MB，超过 50 MB 上限" in page
    assert not Job.objects.exists()


# -- the library's words for programmers ------------------------------------------------------


def _png(dpi: int | None) -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 200), 255).save(out, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


BROKEN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.mark.parametrize(("case", "zh", "en"), [
    ((_png(None), "proof.png"), "图片未注明分辨率：请填写扫描时的分辨率（dpi），例如 600",
     "The image does not say its resolution"),
    ((BROKEN_PDF, "proof.pdf"), "文件不完整或已损坏：请重新扫描或导出后再上传",
     "The file is incomplete or damaged"),
    ((b"not an image", "proof.png"), "不是可读取的图片或 PDF", "Not a readable image or PDF"),
])  # fmt: skip
def test_a_proof_the_verifier_cannot_read_is_told_in_the_halls_words(
    clerk: Client, member: Member, case: tuple[bytes, str], zh: str, en: str
) -> None:
    data, name = case
    product = _allocate(member)
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": _named(data, name)},
                      follow=True).content.decode()  # fmt: skip
    assert zh in page
    assert not [word for word in INTERNAL if word in page], page
    english(clerk)
    page = clerk.post(f"/products/{product.pk}/proof/", {"image": _named(data, name)},
                      follow=True).content.decode()  # fmt: skip
    assert en in page
    assert not [word for word in INTERNAL if word in page]
    assert not product.proofs.exists()


def test_the_public_photo_query_gives_the_halls_words(client: Client) -> None:
    page = client.post("/query/photo/", {"photo": _named(BROKEN_PDF, "photo.pdf")})
    assert page.status_code == 400
    assert "文件不完整或已损坏" in page.content.decode()
    assert not [word for word in INTERNAL if word in page.content.decode()]
    big = _named(b"\xff\xd8" + b"\x00" * (10 * 2**20 + 200 * 1024), "photo.jpg")
    assert (
        "文件过大：10.2 MB，超过 10 MB 上限"
        in client.post("/query/photo/", {"photo": big}).content.decode()
    )


# -- payments and reconciliation --------------------------------------------------------------


def _paying(member: Member, member_user: User) -> Application:
    """A renewal of the member's at the payment step."""
    return Application.objects.create(kind="renewal", member=member, applicant=member_user,
                                      branch=member.branch, status="payment")  # fmt: skip


def test_reconciliation_is_shown_in_the_readers_language(member: Member,
                                                        member_user: User) -> None:  # fmt: skip
    from hall.payments.gateways import GATEWAYS, Incoming, SandboxGateway
    from hall.payments.notifications import receive

    application = _paying(member, member_user)
    order = order_for(application)
    order_started(order, "sandbox")
    sandbox = GATEWAYS["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    receive("sandbox", Incoming(b"", {}, sandbox.pay(order, "支付宝支付", succeeded=True)))
    center = User.objects.create_user("13900000090", "x", role=User.Role.CENTER)
    reader = Client()
    reader.force_login(center)
    today = timezone.localdate().isoformat()
    chinese = reader.get("/payments/reconciliation/", {"day": today}).content.decode()
    assert "已入账" in chinese
    assert "已付款" in chinese
    assert "<td>沙箱支付</td>" in chinese
    english(reader)
    page = reader.get("/payments/reconciliation/", {"day": today}).content.decode()
    assert "Credited" in page
    assert "Paid" in page
    assert "<td>Sandbox payment</td>" in page  # the channel as finance staff call it
    assert not [word for word in ("已入账", "已付款", "已付 ") if word in page]
    rows = list(read_rows(reader.get(f"/payments/reconciliation/{today}.csv").content))
    assert rows[0][0] == "Order number"
    assert rows[1][0] == order.number
    assert "已" not in "".join(rows[1])
    # A refund the gateway did not take: the finance staff read what happens, not the error.
    from hall.payments.models import Refund
    from hall.payments.refunds import refund_send

    waiting = Refund.objects.create(number="RF-WORDS-1", order=order, amount_fen=100,
                                    reason="测试", via="nowhere")  # fmt: skip
    assert refund_send(waiting.pk).last_error  # the log's words, kept for the log
    page = reader.get("/payments/reconciliation/", {"day": today}).content.decode()
    assert "Not yet accepted by the gateway; retried automatically (1 attempts so far)" in page
    assert "not configured" not in page
    assert "<td>nowhere</td>" in page  # a channel the hall does not know, as it is written
    chinese = Client()
    chinese.force_login(center)
    page = chinese.get("/payments/reconciliation/", {"day": today}).content.decode()
    assert "网关未受理，将自动重试（已尝试 1 次）" in page


def test_the_system_is_named_in_the_readers_language(clerk: Client, member: Member) -> None:
    product = _allocate(member)
    # What the hall itself did (a gateway's word, a legacy rule) is written with its user.
    event(product, actor=system_user(), action="changed", before={"name": ""},
          after={"name": "系统改名"}, at=timezone.now()).save()  # fmt: skip
    assert "<td>系统</td>" in clerk.get(f"/products/{product.pk}/").content.decode()
    page = english(clerk).get(f"/products/{product.pk}/").content.decode()
    assert "<td>System</td>" in page


# -- product import ---------------------------------------------------------------------------


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


def _import(client: Client, data: bytes, name: str = "products.csv") -> dict[str, Any]:
    response = client.post("/products/import/", {"file": _named(data, name)})
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.latest("pk")
    queue.run(job.pk)
    job.refresh_from_db()
    return dict(job.result)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "name", "message"), [
    (_png(300), "products.png", "不是 CSV 或 Excel 文件"),
    (BROKEN_PDF + b"\x00", "products.pdf", "不是 CSV 或 Excel 文件"),
    (_docx(), "products.docx", "不是 CSV 或 Excel 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "products.xls", "旧版 Excel（.xls）"),
    (b"PK\x03\x04broken", "products.xlsx", "Excel 文件已损坏"),
    (b"   \n", "products.csv", "文件是空的"),
])  # fmt: skip
def test_a_file_that_is_no_table_is_named_so_on_the_page(clerk: Client, data: bytes, name: str,
                                                        message: str) -> None:  # fmt: skip
    page = clerk.post("/products/import/", {"file": _named(data, name)})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "已损坏" not in page.content.decode() or "broken" in repr(data)
    assert not Job.objects.exists()  # refused before a job or its input is written


def test_import_errors_come_in_the_files_order_with_their_row_numbers(
    clerk: Client, member: Member
) -> None:
    data = csv_file(
        ",99999999,别的前缀,品牌,规格,1,g,,",          # row 2: refused when saved (not our prefix)
        ",69212345,坏单位,品牌,规格,1,磅,,",            # row 3: refused when read
        ",69212345,好的,品牌,规格,1,g,,",               # row 4: good
        ",69212345,公式,品牌,规格,1,g,=A1*2,",          # row 5: a formula-like GPC cell
    )  # fmt: skip
    result = _import(clerk, data)
    assert result["created"] == 1
    problems = result["problems"]
    assert [line for line, _problem in problems] == [2, 3, 5]
    assert "厂商识别代码" in problems[0][1]
    assert problems[2][1] == (
        "GPC 细块代码：“=A1*2”是公式，导入只取单元格中的值：请将公式“粘贴为数值”，或填写值本身"
    )
    job = Job.objects.latest("pk")
    page = clerk.get(f"/products/import/{job.pk}/").content.decode()
    assert page.index("第 2 行") < page.index("第 3 行") < page.index("第 5 行")
    errors = clerk.get(f"/products/import/{job.pk}/errors/")
    rows = list(read_rows(b"".join(errors.streaming_content)))  # type: ignore[attr-defined]
    assert rows[0][-2:] == ["原行号 / Row", "错误 / Error"]
    assert [row[-2] for row in rows[1:]] == ["2", "3", "5"]
    assert [row[2] for row in rows[1:]] == ["别的前缀", "坏单位", "公式"]


def test_formula_cells_of_a_workbook_are_reported_as_formulas(clerk: Client,
                                                             member: Member) -> None:  # fmt: skip
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(['=CONCAT("69","21234500019")', "", "公式条码", "品牌", "规格", 1, "g", "", ""])
    sheet.append(["", "69212345", "数值", "品牌", "规格", 1, "g", 10000232, ""])
    out = io.BytesIO()
    book.save(out)  # openpyxl keeps no computed value: a formula read as a value is empty
    result = _import(clerk, out.getvalue(), "products.xlsx")
    assert (result["created"], result["failed"]) == (1, 1)
    ((line, problem),) = result["problems"]
    assert line == 2
    assert problem.startswith("商品条码（14位）：“=CONCAT(")
    assert "是公式" in problem
    assert Product.objects.get().name == "数值"  # the formula row took no GTIN in silence


def test_what_is_exported_imports_again_as_it_was(clerk: Client, member: Member) -> None:
    result = _import(clerk, csv_file(",69212345,-18℃ 冰淇淋,@品牌,规格,1,g,,"))
    assert result["created"] == 1, result
    exported = clerk.get("/products/export/", {"format": "csv"}).content
    assert "'-18℃ 冰淇淋" in exported.decode("utf-8-sig")  # escaped for the spreadsheet
    again = _import(clerk, exported)
    assert (again["created"], again["updated"], again["failed"]) == (0, 1, 0)
    product = Product.objects.get()
    assert (product.name, product.brand, product.version) == ("-18℃ 冰淇淋", "@品牌", 1)
    del member
    book = load_workbook(io.BytesIO(clerk.get("/products/export/", {"format": "xlsx"}).content))
    assert book.active is not None


def test_a_malformed_csv_is_told_in_the_halls_words(clerk: Client) -> None:
    result = _import(clerk, csv_file(",69212345," + "x" * 140_000 + ",,,,,,"))  # a 140 KB cell
    assert result["refused"].startswith("CSV 文件格式有误：有单元格超过 128 KB 或引号不成对")
    assert "field limit" not in result["refused"]


@pytest.mark.parametrize(("path", "words"), [
    ("/applications/1/upload/licence/", "此处最多接受 3 MB（此次 3.4 MB；其中的文件以 2 MB 为限）"),
    ("/products/1/", "此处最多接受 3 MB（此次 3.4 MB；其中的文件以 2 MB 为限）"),
    ("/accounts/login/", "此处最多接受 2.5 MB（此次 3.4 MB）"),  # no file: no file's limit
])  # fmt: skip
def test_a_body_over_its_limit_says_its_size_and_the_files_own_limit(path: str,
                                                                   words: str) -> None:  # fmt: skip
    size = int(3.4 * 2**20)
    body = io.BytesIO(b"\0" * size)  # never read: the declared length is refused first
    response = Client().generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(size),
            "CONTENT_TYPE": "multipart/form-data; boundary=x",
        },
    )
    assert response.status_code == 413
    assert words in response.content.decode()
    assert body.tell() == 0


def test_an_api_key_name_refuses_emoji(clerk: Client, member: Member) -> None:
    page = clerk.post("/products/keys/", {"name": "ERP🔑"}, follow=True).content.decode()
    assert "名称不能含表情符号（🔑）" in page
    assert not ApiKey.objects.filter(member=member).exists()
    clerk.post("/products/keys/", {"name": "ERP 系统"})
    assert ApiKey.objects.get(member=member).name == "ERP 系统"


def test_a_body_the_api_cannot_parse_is_told_in_the_halls_words(client: Client,
                                                               member: Member) -> None:  # fmt: skip
    key = ApiKey.issue(name="ERP", member=member)[1]
    refused = client.post("/api/v1/products", b"{not json", content_type="application/json",
                          HTTP_X_API_KEY=key)  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "请求内容无法解析：应为 JSON"
    english(client)
    refused = client.post("/api/v1/products", b"{not json", content_type="application/json",
                          HTTP_X_API_KEY=key)  # fmt: skip
    assert refused.json()["error"]["message"] == "The request body cannot be parsed: send JSON"


def test_a_transfer_confirmed_says_which_order_and_how_much(member: Member,
                                                           member_user: User) -> None:  # fmt: skip
    application = _paying(member, member_user)
    order = order_for(application)
    reviewer = User.objects.create_user("13900000060", "x", role=User.Role.BRANCH,
                                        branch=member.branch)  # fmt: skip
    client = english(Client())
    client.force_login(reviewer)
    page = client.post(f"/payments/applications/{application.pk}/transfer-received/",
                       follow=True).content.decode()  # fmt: skip
    assert f"Transfer for order {order.number} received ({order.amount_yuan} yuan)" in page
    assert "操作成功" not in page
    assert "Done" not in page
