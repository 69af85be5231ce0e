"""The public query system without a login: GTINs, prefixes, certificates, company names, the
register, photos, the certificate's QR page and the GS1 Digital Link resolver; rate limits."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from hall.accounts.models import User
from hall.lookup import services as lookup
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products import bank, services
from hall.products.models import Product
from tests.hall.conftest import log_in
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def test_a_filed_gtin_shows_its_product_member_and_issuer(client: Client, filed: Product) -> None:
    page = client.get("/query/gtin/", {"q": "6921234500019"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "示例矿泉水" in text
    assert "杭州示例食品有限公司" in text
    assert "GS1 China" in text
    assert "有效" in text


def test_a_draft_is_not_public_but_its_prefix_holder_is(client: Client, member: Member) -> None:
    bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY,
                       data={"name": "秘密新品"})  # fmt: skip
    text = client.get("/query/gtin/", {"q": "6921234500019"}).content.decode()
    assert "秘密新品" not in text
    assert "尚未通报产品信息" in text
    assert "杭州示例食品" in text


def test_new_data_is_visible_at_once(client: Client, filed: Product, member_user: User) -> None:
    services.product_update(actor=member_user, product_id=filed.pk, version=filed.version,
                            data={"name": "改名后的水"})  # fmt: skip
    assert "改名后的水" in client.get("/query/gtin/", {"q": "6921234500019"}).content.decode()


@pytest.mark.parametrize(("query", "reason"), [
    ("6921234500010", "校验码"),            # wrong check digit: the library's reason
    ("abc", "数字"),
    ("' OR 1=1 --", "数字"),                # injection is just bad input
    ("６９２１２３４５０００１９", ""),        # full-width digits are fine
])  # fmt: skip
def test_malformed_gtins_get_the_libraries_reason(client: Client, filed: Product, query: str,
                                                  reason: str) -> None:  # fmt: skip
    page = client.get("/query/gtin/", {"q": query})
    if not reason:
        assert page.status_code == 200
        assert "示例矿泉水" in page.content.decode()
        return
    assert page.status_code == 400
    assert reason in page.content.decode()


def test_an_unknown_gtin_is_not_registered_with_what_its_prefix_says(client: Client,
                                                                    db: None) -> None:  # fmt: skip
    china = client.get("/query/gtin/", {"q": "6901234567892"}).content.decode()
    assert "未注册" in china
    assert "中国" in china
    abroad = client.get("/query/gtin/", {"q": "4006381333931"}).content.decode()
    assert "未注册" in abroad
    assert "不属于本系统管理的编码" in abroad


def test_an_ean8_and_a_lapsed_membership(client: Client, member: Member) -> None:
    Ean8Code.objects.create(member=member, number="69000010", product="小瓶", allocated_on=TODAY)
    Member.objects.filter(pk=member.pk).update(valid_until=TODAY - timedelta(days=1),
                                               status=Member.Status.EXPIRED)  # fmt: skip
    text = client.get("/query/gtin/", {"q": "69000010"}).content.decode()
    assert "杭州示例食品" in text
    assert "已过期" in text


def test_a_prefix_names_its_member(client: Client, member: Member) -> None:
    assert "杭州示例食品" in client.get("/query/prefix/", {"q": "69212345"}).content.decode()
    assert "未注册" in client.get("/query/prefix/", {"q": "69299999"}).content.decode()
    assert client.get("/query/prefix/", {"q": "12ab"}).status_code == 400


def test_a_printer_checks_a_certificate(client: Client, member: Member) -> None:
    genuine = client.get("/query/certificate/", {"number": "物编注字第100001号",
                                                  "company": "杭州示例食品有限公司"})  # fmt: skip
    assert "证书真实有效" in genuine.content.decode()
    digits = client.get("/query/certificate/", {"number": "100001",
                                                 "company": " 杭州示例食品有限公司 "})  # fmt: skip
    assert "证书真实有效" in digits.content.decode()
    wrong = client.get("/query/certificate/", {"number": "100001", "company": "冒名公司"})
    assert "查无此证书" in wrong.content.decode()
    assert "杭州" not in wrong.content.decode()
    qr = client.get("/verify/物编注字第100001号")
    assert qr.status_code == 200
    assert 'value="物编注字第100001号"' in qr.content.decode()


def test_a_lapsed_certificate_is_genuine_but_not_valid(client: Client, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(status=Member.Status.CANCELLED)
    asked = {"number": "100001", "company": "杭州示例食品有限公司"}
    text = client.get("/query/certificate/", asked).content.decode()
    assert "已失效" in text


def test_partial_chinese_names_find_members(client: Client, member: Member,
                                            other_member: Member) -> None:  # fmt: skip
    text = client.get("/query/companies/", {"q": "示例食品"}).content.decode()
    assert "杭州示例食品有限公司" in text
    assert "北京另一家" not in text
    assert "至少输入两个字" in client.get("/query/companies/", {"q": "杭"}).content.decode()
    assert "没有名称含此关键词" in client.get("/query/companies/",
                                              {"q": "%_%"}).content.decode()  # fmt: skip


def test_the_register_lists_approved_business(client: Client, member: Member) -> None:
    from hall.applications.models import Application, ApplicationEvent

    application = Application.objects.create(kind="renewal", status="approved", member=member,
                                             applicant=User.objects.create_user("13911112222"),
                                             branch=member.branch)  # fmt: skip
    ApplicationEvent.objects.create(application=application, action="center_approve",
                                    old_status="center_review", new_status="approved")  # fmt: skip
    text = client.get("/query/register/", {"kind": "renewal"}).content.decode()
    assert "续展" in text
    assert "杭州示例食品有限公司" in text
    assert "杭州" not in client.get("/query/register/", {"kind": "change"}).content.decode()
    entries = client.get("/api/v1/register", {"kind": "renewal"}).json()["results"]
    assert [entry["kind"] for entry in entries] == ["renewal"]
    unknown = client.get("/api/v1/register", {"kind": "' OR 1=1--"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "unknown_kind"
    assert "renewal" in unknown.json()["error"]["details"]["kinds"]


def test_a_photo_of_a_barcode_is_decoded_and_looked_up(client: Client, filed: Product) -> None:
    symbol = encode(filed.display_gtin)
    photo = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=300))
    photo.name = "photo.png"
    text = client.post("/query/photo/", {"photo": photo}).content.decode()
    assert "示例矿泉水" in text
    junk = io.BytesIO(b"\x89PNG broken")
    junk.name = "x.png"
    assert client.post("/query/photo/", {"photo": junk}).status_code == 400
    assert client.post("/query/photo/", {}).status_code == 400


@override_settings(RATE_LIMITS={"address_per_minute": 3, "key_per_minute": 10})
def test_a_flood_from_one_address_gets_429(client: Client, db: None) -> None:
    codes = [client.get("/query/gtin/", {"q": "6901234567892"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/query/prefix/", {"q": "69212345"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 61
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.get("/query/gtin/", {"q": "6901234567892"}).status_code == 200


def test_the_digital_link_resolver_negotiates(client: Client, filed: Product) -> None:
    page = client.get("/01/06921234500019/10/ABC123", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert "示例矿泉水" in page.content.decode()
    assert "ABC123" in page.content.decode()
    assert "Accept" in page["Vary"]
    machine = client.get("/01/06921234500019/10/ABC123/21/S1", HTTP_ACCEPT="application/json")
    assert machine["Content-Type"] == "application/linkset+json"
    entry = machine.json()["linkset"][0]
    assert entry["anchor"] == "http://testserver/01/06921234500019/10/ABC123/21/S1"
    assert entry["https://gs1.org/voc/pip"][0]["href"].endswith("/query/gtin/?q=06921234500019")
    assert machine.json()["elementString"] == "(01)06921234500019(10)ABC123(21)S1"
    all_links = client.get("/01/6921234500019?linkType=all")
    assert all_links.json()["linkset"][0]["itemDescription"] == "示例矿泉水"


def test_the_resolver_refuses_bad_links(client: Client, filed: Product) -> None:
    bad = client.get("/01/06921234500010", HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"]
    order = client.get("/01/06921234500019/21/S1/10/B", HTTP_ACCEPT="application/json")
    assert order.status_code == 400
    unknown = client.get("/01/04006381333931", HTTP_ACCEPT="application/json")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_registered"
    html = client.get("/01/06921234500010")
    assert html.status_code == 400
    assert "resolver-error" in html.content.decode()


def test_the_query_pages_are_in_english_too(client: Client, filed: Product) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/query/"})
    page = client.get("/query/gtin/", {"q": "6921234500010"}).content.decode()
    assert "check digit" in page.lower()


def _expected(number: str, holder: str | None, member: Member | None,
              product: Product | None) -> dict[str, object]:  # fmt: skip
    """What a lookup must say, read through the ORM (not the lookup's own statement)."""
    return {"company_prefix": holder, "registered": holder is not None,
            "member": lookup.member_facts(member) if member else None,
            "product": lookup.product_facts(Product.objects.get(pk=product.pk))
            if product else None}  # fmt: skip


@pytest.fixture
def other_holder(other_member: Member) -> Member:
    """Another member with an EAN-8 code, a UPC prefix and a prefix inside 69212345."""
    Ean8Code.objects.create(member=other_member, number="69000010", product="小瓶",
                            allocated_on=TODAY)  # fmt: skip
    CompanyPrefix.objects.create(member=other_member, prefix="0123456", allocated_on=TODAY,
                                 kind=CompanyPrefix.Kind.UPC)  # fmt: skip
    CompanyPrefix.objects.create(member=other_member, prefix="692123456", allocated_on=TODAY)
    return other_member


def test_one_statement_answers_what_the_models_say(
    client: Client, filed: Product, member_user: User, other_holder: Member,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    """Cases with their contents, EAN-8 codes, UPC prefixes and a longer prefix inside another
    member's: the lookup's one statement agrees with the models, on the page and the API."""
    member, other_member = filed.member, other_holder
    case = bank.case_create(member=member, contained=filed, indicator="1", quantity=24,
                            actor=None, today=TODAY)  # fmt: skip
    services.product_transition(actor=member_user, product_id=case.pk, action="publish",
                                today=TODAY)  # fmt: skip
    cases = {
        case.display_gtin: ("69212345", member, case),
        "6921234500019": ("69212345", member, filed),
        "69000010": ("69000010", other_member, None),
        "012345600005": ("0123456", other_member, None),
        "6921234560013": ("692123456", other_member, None),
        "4006381333931": (None, None, None),
    }
    for query, (holder, owner, product) in cases.items():
        with django_assert_num_queries(1):
            answer = lookup.lookup_gtin(query)
        expected = _expected(answer["gtin14"], holder, owner, product)
        assert {key: answer[key] for key in expected} == expected, query
        api = client.get(f"/api/v1/gtins/{query}")
        if holder is None:
            assert api.status_code == 404
            continue
        assert api.json() == json.loads(json.dumps(answer)), query
        assert answer["message"] in client.get("/query/gtin/", {"q": query}).content.decode()
    assert lookup.lookup_gtin(case.display_gtin)["product"]["contains"] == "6921234500019"


def test_name_search_is_served_by_a_trigram_index_on_postgresql(member: Member) -> None:
    """Part of a Chinese name finds its member on every database; on PostgreSQL the search is
    an index scan (pg_trgm), not a read of every member."""
    assert [found["name"] for found in lookup.search_members("示例食品")] == [member.name]
    assert [found["name"] for found in lookup.search_members("示例")] == [member.name]
    assert not lookup.search_members("不存在的企业")
    if connection.vendor != "postgresql":
        return  # SQLite has no trigram index: it reads the members
    with connection.cursor() as cursor:  # the table is small: make the planner show its index
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Unordered: the members' default order (certificate number) would offer its own index.
    plan = Member.objects.filter(name__icontains="示例食品").order_by().explain()
    assert "members_member_name_trgm" in plan


def test_control_characters_are_just_bad_input(client: Client, filed: Product,
                                               member_user: User) -> None:  # fmt: skip
    """Control characters in a search, a certificate check or a member's product search are
    dropped like any stray keystroke; the API refuses a NUL with its error. An answer, never a
    server error (PostgreSQL refuses text holding NUL)."""
    companies = client.get("/query/companies/", {"q": "示例\x1f食品"})
    assert companies.status_code == 200
    assert "杭州示例食品有限公司" in companies.content.decode()
    unit_separator = client.get("/api/v1/companies", {"q": "示例\x1f"})
    assert [found["name"] for found in unit_separator.json()["results"]] == [filed.member.name]
    check = client.get("/api/v1/certificates/check", {"number": "v\x1d", "company": "b"})
    assert check.status_code == 200
    assert check.json()["genuine"] is False
    for path, query in (
        ("/api/v1/companies", {"q": "示例\x00"}),
        ("/api/v1/certificates/check", {"number": "\x00v", "company": "b"}),
    ):
        refused = client.get(path, query)  # the API says what is wrong: one error format
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "invalid_request"
    page = client.get("/query/certificate/", {"number": "\x1d", "company": "x"})
    assert page.status_code == 200
    for path in ("/query/image/%00", "/verify/%00", "/query/companies/?q=%00"):
        refused = client.get(path)  # a NUL anywhere is refused before any view
        assert refused.status_code == 400, path
        assert "NUL" in refused.content.decode()
    log_in(client, member_user.mobile)
    assert client.get("/payments/orders/%00/").status_code == 400
    listing = client.get("/products/", {"q": "矿泉\x1f水"})
    assert listing.status_code == 200
    assert filed.name in listing.content.decode()
