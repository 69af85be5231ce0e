"""Products at scale (issue 23): the search's filters and sort keys, GS1's GPC loaded by the
import command, bulk status changes and edits (all or nothing, own products only, refused to
read-only accounts), a clone, N GTINs at once, pallets and the hierarchy tree, and the Digital
Link QR and GS1 DataMatrix beside the EAN-13 (decoded by zxing-cpp)."""

from __future__ import annotations

import io
import re
import threading
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from hall.accounts.models import User
from hall.core.errors import Forbidden, RateLimited
from hall.members.models import CompanyPrefix, Member
from hall.products import bank, bulk, demo, gpc, hierarchy, search, services
from hall.products.bank import BankError
from hall.products.models import GpcBrick, Product
from hall.products.services import ProductError
from hall.products.transfer import import_table
from tests.hall.conftest import PASSWORD, log_in, make_member
from tests.hall.windows import start_early_in_a_window

pytestmark = pytest.mark.django_db
TODAY = date.today()
FILED = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL", "net_content": 550,
         "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip

#: A small GPC file in GS1's XML format (the structure of "GPC as of <date>" files: nested
#: segment/family/class/brick with code and text; attribute types under bricks).
GPC_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<schema languageCode="EN" dateUtc="20241130">
  <segment code="50000000" text="Food/Beverage">
    <family code="50200000" text="Beverages">
      <class code="50202300" text="Non Alcoholic Beverages - Ready to Drink">
        <brick code="10000232" text="Packaged Water" definition="Water in a container">
          <attType code="20000208" text="Type of Water">
            <attValue code="30002944" text="Mineral"/>
          </attType>
        </brick>
        <brick code="10000233" text="Juice Drinks - Ready to Drink"/>
      </class>
    </family>
    <family code="50190000" text="Prepared/Preserved Foods">
      <class code="50193800" text="Ready-Made Combination Meals">
        <brick code="10000450" text="Ready Meals (Frozen)"/>
      </class>
    </family>
  </segment>
</schema>"""


def allocate(member: Member, count: int = 1, **data: object) -> list[Product]:
    return bank.gtins_allocate(member=member, prefix="69212345", count=count, actor=None,
                               today=TODAY, data=data or None)  # fmt: skip


def filed_products(member: Member, user: User, count: int) -> list[Product]:
    made = allocate(member, count, **FILED)
    chosen = bulk.Selection(frozenset(p.pk for p in made))
    bulk.products_bulk_transition(actor=user, selection=chosen, action="publish", today=TODAY)
    return made


def reader_of(member: Member) -> User:
    return User.objects.create_user("13900000009", PASSWORD, member=member,
                                    member_role="readonly")  # fmt: skip


@pytest.fixture
def clerk(client: Client, member_user: User) -> Client:
    log_in(client, member_user.mobile)
    return client


@pytest.fixture
def gpc_file(tmp_path: Path) -> Path:
    path = tmp_path / "GPC as of November 2024 v20241130 GB.xml"
    path.write_bytes(GPC_XML)
    return path


# -- search ----------------------------------------------------------------------------------


def test_filters_narrow_and_sort_keys_order_the_list(
    clerk: Client, member: Member, member_user: User
) -> None:
    water = filed_products(member, member_user, 2)
    allocate(member, 1, name="纸箱", brand="乙牌", gpc_brick="10000450")
    bank.case_create(member=member, contained=water[0], indicator="1", quantity=12,
                     actor=None, today=TODAY)  # fmt: skip
    Product.objects.filter(pk=water[1].pk).update(created_at=timezone.now() - timedelta(days=40))

    def gtins(query: str) -> list[str]:
        page = clerk.get(f"/products/?{query}")
        assert page.status_code == 200, page.content.decode()[:500]
        return [p.display_gtin for p in page.context["page"]]

    assert gtins("status=in_use") == [water[0].display_gtin, water[1].display_gtin]
    assert gtins("level=case") == ["16921234500016"]
    assert gtins("gpc=10000450") == ["6921234500033"]
    assert gtins("prefix=69212345&status=draft&level=each") == ["6921234500033"]
    old = (TODAY - timedelta(days=30)).isoformat()
    assert gtins(f"created_to={old}") == [water[1].display_gtin]
    assert len(gtins(f"created_from={old}&changed_from={TODAY.isoformat()}")) == 3
    assert gtins("sort=brand&level=each")[0] == "6921234500033"  # 乙 (U+4E59) before 示
    assert gtins("sort=-brand&level=each")[-1] == "6921234500033"
    assert gtins("sort=-gtin")[0] == "16921234500016"


def test_a_hand_made_sort_key_or_bad_date_gets_a_message_not_a_500(
    clerk: Client, member: Member
) -> None:
    allocate(member, 3)
    page = clerk.get("/products/?sort=member__password")
    assert page.status_code == 400
    assert "不能按“member__password”排序" in page.content.decode()
    assert list(page.context["page"]) == []
    for query in ("created_from=2026-13-40", "changed_from=2026-05-02&changed_to=2026-05-01",
                  "prefix=abc", "status=deleted", "level=crate"):  # fmt: skip
        refused = clerk.get(f"/products/?{query}")
        assert refused.status_code == 400, query
        assert refused.context["form"].errors, query
    export = clerk.get("/products/export/?format=csv&sort=;drop")
    assert export.status_code == 302


def test_filters_are_kept_across_pages_and_sorting(clerk: Client, member: Member) -> None:
    allocate(member, 120, brand="示例")
    page = clerk.get("/products/?q=示例&status=draft&sort=-gtin")
    text = page.content.decode()
    following = re.search(r'href="\?([^"]+)" id="next-page"', text)
    assert following is not None
    kept = following.group(1).replace("&amp;", "&")
    assert "status=draft" in kept
    assert "sort=-gtin" in kept
    assert "page=2" in kept
    second = clerk.get(f"/products/?{kept}")
    assert second.context["page"].number == 2
    assert second.context["page"][0].display_gtin == "6921234500705"  # 120, 119, ... 71 then 70
    assert 'aria-sort="descending"' in text


def test_the_search_reads_its_indexes(member: Member) -> None:
    """EXPLAIN (SQLite's and PostgreSQL's) of a member's filtered, sorted page names the
    member's index for the column, not a scan of every member's products."""
    allocate(member, 30, brand="示例", gpc_brick="10000232")
    products = services.visible_to(User(role=User.Role.MEMBER, member_id=member.pk))
    for data, indexes in (({"gpc": "10000232", "sort": "gtin"}, ("gtin", "gpc")),
                          ({"sort": "-changed"}, ("updated",)),
                          ({"sort": "-created"}, ("created",))):  # fmt: skip
        query = search.filtered(products, data)[:50]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # a few rows: make the planner show its hand
                # (any member-led index bounds the rows; the sort's own index is what the
                # page needs once there are thousands: sorting and bitmaps made dear)
                for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
                    cursor.execute(f"SET LOCAL {setting} = off")
        plan = query.explain()
        assert any(f"product_member_{name}" in plan for name in indexes), plan
        assert "Seq Scan" not in plan
        assert not re.search(r"SCAN products_product$", plan, re.M)


# -- GPC -------------------------------------------------------------------------------------


def test_the_gpc_import_loads_gs1s_xml_and_names_bricks(
    gpc_file: Path, clerk: Client, member: Member
) -> None:
    out = io.StringIO()
    call_command("gpc_import", str(gpc_file), stdout=out)
    assert "loaded 3 GPC bricks (EN, 20241130)" in out.getvalue()
    water = GpcBrick.objects.get(code="10000232")
    assert (water.title, water.class_title, water.family_title, water.segment_title) == (
        "Packaged Water",
        "Non Alcoholic Beverages - Ready to Drink",
        "Beverages",
        "Food/Beverage",
    )
    assert water.definition == "Water in a container"
    product = allocate(member, 1, gpc_brick="10000232", name="水")[0]
    assert "10000232 Packaged Water" in clerk.get("/products/").content.decode()
    form = clerk.get(f"/products/{product.pk}/").content.decode()
    assert '<small class="hint">Packaged Water</small>' in form  # under the GPC field
    assert '<option value="10000232">Packaged Water</option>' in form  # its suggestions
    assert [p.pk for p in clerk.get("/products/?gpc=water").context["page"]] == [product.pk]
    found = clerk.get("/products/gpc/?q=juice").content.decode()
    assert "10000233" in found
    assert "Juice Drinks" in found


def test_an_unknown_brick_is_refused_once_gpc_is_loaded(
    gpc_file: Path, clerk: Client, member: Member
) -> None:
    product = allocate(member, 1, name="水")[0]
    data = {"name": "水", "level": "each", "quantity": "1", "version": "1"}
    before = clerk.post(f"/products/{product.pk}/", {**data, "gpc_brick": "10999999"})
    assert before.status_code == 302  # nothing loaded: any well-formed brick code is taken
    call_command("gpc_import", str(gpc_file), stdout=io.StringIO())
    refused = clerk.post(f"/products/{product.pk}/", {**data, "gpc_brick": "10999998",
                                                      "version": "2"})  # fmt: skip
    assert refused.status_code == 400
    assert "GPC 细块代码 10999998 不在已导入的 GS1 GPC 中" in refused.content.decode()
    assert Product.objects.get(pk=product.pk).gpc_brick == "10999999"
    table = "名称,GPC 细块代码,状态\n甲,10000232,草稿\n乙,10999997,草稿\n".encode()
    report = import_table(member=member, actor=None, data=table, today=TODAY)
    assert report.created == 1
    assert "10999997" in report.failed[0][2]


@pytest.mark.parametrize(("content", "message"), [
    (b"<schema><segment code='50000000' text='x'>", "不是有效的 XML"),  # cut short
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><schema/>', "DOCTYPE"),  # entities: an XML bomb's way
    (b"<schema><segment code='5000' text='x'/></schema>", "不是 8 位数字"),
    (b"<schema/>", "没有细块"),
    (b"<schema><brick code='10000001' text='x'/></schema>", "不在 门类/大类/类别 之内"),
    (GPC_XML.replace(b"10000233", b"10000232"), "重复"),
])  # fmt: skip
def test_a_bad_gpc_file_changes_nothing(
    tmp_path: Path, gpc_file: Path, content: bytes, message: str
) -> None:
    call_command("gpc_import", str(gpc_file), stdout=io.StringIO())
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("gpc_import", str(bad), stdout=io.StringIO())
    assert GpcBrick.objects.count() == 3  # the loaded bricks stay as they were


def test_the_parser_streams_and_drops_what_it_read() -> None:
    """iterparse with each element cleared: a file of 20,000 bricks is read brick by brick."""
    bricks = "".join(f'<brick code="1{n:07d}" text="B{n}"/>' for n in range(20_000))
    big = (
        f'<schema><segment code="50000000" text="S"><family code="50100000" text="F">'
        f'<class code="50101000" text="C">{bricks}</class></family></segment></schema>'
    )
    stream = gpc.parse(io.BytesIO(big.encode()))
    first = next(stream)
    assert (first.code, first.parents[2]) == ("10000000", ("50101000", "C"))
    assert sum(1 for _ in stream) == 19_999


# -- bulk changes ----------------------------------------------------------------------------


def test_a_bulk_status_change_is_audited_per_product(
    clerk: Client, member: Member, member_user: User
) -> None:
    made = allocate(member, 4, **FILED)
    response = clerk.post("/products/bulk/", {"products": [p.pk for p in made[:3]],
                                              "action": "publish", "status": "draft"})  # fmt: skip
    assert response.status_code == 302
    assert "status=draft" in response["Location"]  # back to the same search
    statuses = dict(Product.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in made] == ["in_use", "in_use", "in_use", "draft"]
    event = made[0].events.last()
    assert event is not None
    assert (event.action, event.actor, event.before, event.after) == (
        "publish",
        member_user,
        {"status": "draft"},
        {"status": "in_use"},
    )
    assert Product.objects.get(pk=made[0].pk).version == 2


def test_one_refused_product_refuses_the_whole_request(clerk: Client, member: Member) -> None:
    complete = allocate(member, 3, **FILED)
    bare = allocate(member, 1, name="无品牌")[0]
    response = clerk.post("/products/bulk/", {"products": [p.pk for p in [*complete, bare]],
                                              "action": "publish"}, follow=True)  # fmt: skip
    assert "6921234500040 的信息不完整" in response.content.decode()
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}
    assert not Product.objects.filter(events__action="publish").exists()
    clerk.post("/products/bulk/", {"products": [complete[0].pk], "action": "publish"})
    wrong = clerk.post("/products/bulk/", {"products": [p.pk for p in complete],
                                           "action": "reinstate"}, follow=True)  # fmt: skip
    assert "不能重新启用，未做任何修改" in wrong.content.decode()


def test_another_members_ids_in_a_hand_made_post_change_nothing(
    clerk: Client, member: Member, other_member: Member
) -> None:
    own = allocate(member, 2, **FILED)
    theirs = bank.gtin_allocate(member=other_member, prefix="69254321", actor=None, today=TODAY,
                                data=FILED)  # fmt: skip
    response = clerk.post("/products/bulk/", {"products": [own[0].pk, theirs.pk],
                                              "action": "publish"}, follow=True)  # fmt: skip
    assert "不存在或不属于本企业，未做任何修改" in response.content.decode()
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}
    edit = clerk.post("/products/bulk/", {"products": [theirs.pk], "action": "bulk_edit",
                                          "brand": "冒牌"}, follow=True)  # fmt: skip
    assert "不存在或不属于本企业" in edit.content.decode()
    assert Product.objects.get(pk=theirs.pk).brand == "示例"
    for bad in (["1;2"], ["-1"], ["9" * 30]):
        clerk.post("/products/bulk/", {"products": bad, "action": "publish"})
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}
    clone = clerk.post(f"/products/{theirs.pk}/clone/")
    assert clone.status_code == 404


def test_everything_matching_the_search_and_the_bound(
    clerk: Client, member: Member, other_member: Member
) -> None:
    allocate(member, 30, **FILED)
    allocate(member, 5, name="其他")
    bank.gtin_allocate(member=other_member, prefix="69254321", actor=None, today=TODAY,
                       data=FILED)  # fmt: skip
    response = clerk.post("/products/bulk/", {"everything": "1", "q": "示例矿泉水",
                                              "action": "publish"}, follow=True)  # fmt: skip
    assert "30 个产品" in response.content.decode()
    assert Product.objects.filter(status="in_use").count() == 30
    assert Product.objects.filter(member=other_member, status="draft").count() == 1
    bad = clerk.post("/products/bulk/", {"everything": "1", "sort": "password",
                                         "action": "discontinue"}, follow=True)  # fmt: skip
    assert "不能按“password”排序" in bad.content.decode()
    assert Product.objects.filter(status="discontinued").count() == 0
    ids = frozenset(range(1, bulk.MAX_BULK + 2))
    with pytest.raises(ProductError, match="一次最多修改"):
        bulk.products_bulk_transition(actor=User.objects.get(member=member),
                                      selection=bulk.Selection(ids), action="discontinue",
                                      today=TODAY)  # fmt: skip


def test_a_bulk_edit_sets_the_fields_and_keeps_each_ones_before(
    gpc_file: Path, clerk: Client, member: Member, member_user: User
) -> None:
    call_command("gpc_import", str(gpc_file), stdout=io.StringIO())
    first = allocate(member, 1, brand="旧甲")[0]
    second = allocate(member, 1, brand="旧乙")[0]
    response = clerk.post("/products/bulk/", {"products": [first.pk, second.pk],
                                              "action": "bulk_edit", "brand": "新牌",
                                              "gpc_brick": "10000233"}, follow=True)  # fmt: skip
    assert "已批量修改 2 个产品" in response.content.decode()
    assert set(Product.objects.values_list("brand", "gpc_brick")) == {("新牌", "10000233")}
    rows = {e.product_id: e for e in Product.objects.get(pk=second.pk).events.filter(
        action="bulk_edit")}  # fmt: skip
    assert rows[second.pk].before == {"brand": "旧乙", "gpc_brick": ""}
    assert rows[second.pk].actor == member_user
    unknown = clerk.post("/products/bulk/", {"products": [first.pk], "action": "bulk_edit",
                                             "gpc_brick": "10999999"}, follow=True)  # fmt: skip
    assert "不在已导入的 GS1 GPC 中" in unknown.content.decode()
    empty = clerk.post("/products/bulk/", {"products": [first.pk], "action": "bulk_edit"},
                       follow=True)  # fmt: skip
    assert "请填写要批量修改的内容" in empty.content.decode()
    history = clerk.get(f"/products/{second.pk}/").content.decode()
    assert "批量修改" in history
    assert "旧乙" in history


def test_a_product_in_use_keeps_its_filing_data(member: Member, member_user: User) -> None:
    in_use = filed_products(member, member_user, 1)[0]
    with pytest.raises(ProductError, match="正在使用中"):  # classification empties nothing,
        bulk.products_bulk_edit(actor=member_user, selection=bulk.Selection(frozenset([in_use.pk])),
                                data={"brand": ""} | {"gpc_brick": ""})  # fmt: skip
    with pytest.raises(ProductError, match="请填写要批量修改的内容"):
        bulk.products_bulk_edit(actor=member_user, selection=bulk.Selection(frozenset([in_use.pk])),
                                data={"gtin": "06900000000000"})  # fmt: skip


def test_a_read_only_account_is_refused_and_sees_no_buttons(client: Client, member: Member) -> None:
    made = allocate(member, 2, **FILED)
    reader = reader_of(member)
    with pytest.raises(Forbidden):
        bulk.products_bulk_transition(actor=reader, selection=bulk.Selection(
            frozenset(p.pk for p in made)), action="publish", today=TODAY)  # fmt: skip
    with pytest.raises(Forbidden):
        bulk.product_clone(actor=reader, product_id=made[0].pk, today=TODAY)
    with pytest.raises(Forbidden):
        bank.gtins_allocate(member=member, prefix="69212345", count=2, actor=reader, today=TODAY)
    log_in(client, reader.mobile)
    page = client.get("/products/").content.decode()
    assert 'id="bulk-publish"' not in page
    assert 'id="allocate"' not in page
    assert 'id="clone"' not in client.get(f"/products/{made[0].pk}/").content.decode()
    client.post("/products/bulk/", {"products": [p.pk for p in made], "action": "publish"})
    client.post(f"/products/{made[0].pk}/clone/")
    client.post("/products/allocate/", {"company_prefix": "69212345", "count": "3"})
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}
    assert Product.objects.count() == 2


# -- clone -----------------------------------------------------------------------------------


def test_a_clone_takes_the_next_gtin_and_copies_the_data(
    clerk: Client, member: Member, member_user: User
) -> None:
    source = filed_products(member, member_user, 1)[0]
    response = clerk.post(f"/products/{source.pk}/clone/")
    clone = Product.objects.exclude(pk=source.pk).get()
    assert response["Location"] == f"/products/{clone.pk}/"
    assert clone.display_gtin == "6921234500026"
    assert (clone.status, clone.name, clone.brand, clone.net_content, clone.gpc_brick) == (
        "draft",
        source.name,
        source.brand,
        source.net_content,
        source.gpc_brick,
    )
    assert [e.action for e in clone.events.all()] == ["allocated", "cloned"]
    assert clone.events.last().after == {"source": source.display_gtin}  # type: ignore[union-attr]
    history = clerk.get(f"/products/{clone.pk}/").content.decode()
    assert f"复制自：{source.display_gtin}" in history
    case = bank.case_create(member=member, contained=source, indicator="1", quantity=6,
                            actor=None, today=TODAY)  # fmt: skip
    refused = clerk.post(f"/products/{case.pk}/clone/", follow=True)
    assert "箱码不能复制" in refused.content.decode()


# -- N GTINs at once -------------------------------------------------------------------------


def test_allocating_n_gtins_at_once(clerk: Client, member: Member, member_user: User) -> None:
    response = clerk.post("/products/allocate/", {"company_prefix": "69212345", "count": "25",
                                                  "name": "新品"})  # fmt: skip
    assert response.status_code == 302
    assert "prefix=69212345" in response["Location"]
    made = list(Product.objects.order_by("gtin"))
    assert [p.display_gtin for p in made[:2]] == ["6921234500019", "6921234500026"]
    assert len(made) == 25
    assert {p.name for p in made} == {"新品"}
    assert made[0].events.get().actor == member_user
    both = clerk.post("/products/allocate/", {"company_prefix": "69212345", "count": "2",
                                              "item": "900"}, follow=True)  # fmt: skip
    assert "指定项目代码时一次只能分配一个编码" in both.content.decode()
    too_many = clerk.post("/products/allocate/", {"company_prefix": "69212345",
                                                  "count": "1001"}, follow=True)  # fmt: skip
    assert "1000" in too_many.content.decode()
    assert Product.objects.count() == 25


def test_a_prefix_with_fewer_free_numbers_allocates_none(member: Member) -> None:
    prefix = CompanyPrefix.objects.create(member=member, prefix="6921234599",
                                          allocated_on=member.valid_from)  # fmt: skip
    # 99 numbers (item references 1-99; 0 is not given by the next-free rule), 97 taken
    bank.gtins_allocate(member=member, prefix=prefix.prefix, count=97, actor=None, today=TODAY)
    with pytest.raises(BankError, match="只剩 2 个可分配的编码，不够 5 个"):
        bank.gtins_allocate(member=member, prefix=prefix.prefix, count=5, actor=None, today=TODAY)
    assert Product.objects.filter(prefix=prefix).count() == 97
    assert len(bank.gtins_allocate(member=member, prefix=prefix.prefix, count=2, actor=None,
                                   today=TODAY)) == 2  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_clerks_allocating_n_at_once_never_share_a_gtin() -> None:
    """Eight clerks each take 3 × 20 GTINs at once (on PostgreSQL with DATABASE_URL: real row
    locks; on SQLite the database lock): 480 numbers, none twice, none skipped."""
    member = make_member("3301", "并发有限公司", "物编注字第100009号", "69212345",
                         "91330106MA27XK5Q0")  # fmt: skip
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def clerk() -> None:
        try:
            start.wait()
            for _ in range(3):
                allocate(member, 20)
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Product.objects.values_list("gtin", flat=True))
    assert len(numbers) == len(set(numbers)) == 480
    prefix = CompanyPrefix.objects.get(prefix="69212345")
    assert sorted(bank.item_of(prefix, n) for n in numbers) == list(range(1, 481))


# -- each → case → pallet --------------------------------------------------------------------


def test_pallets_of_cases_and_the_tree(clerk: Client, member: Member) -> None:
    each = allocate(member, 1, name="矿泉水")[0]
    clerk.post(f"/products/{each.pk}/case/", {"indicator": "1", "quantity": "24", "level": "case"})
    case = Product.objects.get(level="case")
    page = clerk.get(f"/products/{case.pk}/").content.decode()
    assert '<option value="pallet">' in page
    assert '<option value="case">' not in page
    clerk.post(f"/products/{case.pk}/case/", {"indicator": "5", "quantity": "40",
                                              "level": "pallet"})  # fmt: skip
    pallet = Product.objects.get(level="pallet")
    assert (pallet.gtin, pallet.contains, pallet.quantity) == ("56921234500014", case, 40)
    root = hierarchy.tree(pallet)
    assert root.product == each
    assert root.children[0].product == case
    assert root.children[0].children[0].current
    tree = clerk.get(f"/products/{each.pk}/").content.decode()
    assert nesting(tree) == {"6921234500019": 1, "16921234500016": 2, "56921234500014": 3}
    assert 'aria-current="true"' in tree


class _Nesting(HTMLParser):
    """How deep in nested lists each link of the page's tree sits."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.inside, self.found = 0, False, dict[str, int]()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or ("id", "tree") in attrs
        self.depth += tag == "ul" and self.inside

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "ul" and self.inside
        self.inside = self.inside and self.depth > 0

    def handle_data(self, data: str) -> None:
        if self.inside and data.strip().isdigit():
            self.found[data.strip()] = self.depth


def nesting(page: str) -> dict[str, int]:
    parser = _Nesting()
    parser.feed(page)
    return parser.found


@pytest.mark.parametrize(("inner", "level", "message"), [
    ("case", "case", "由零售单元的编码"),  # a case (a GTIN-14) in a case
    ("case", "inner", "由零售单元的编码"),  # a case in an inner pack
    ("pallet", "pallet", "“托盘”不能装入“托盘”"),  # a pallet on a pallet
    ("each filed as a case", "case", "“箱”不能装入“箱”"),  # a GTIN-13 whose level says case
])  # fmt: skip
def test_a_package_holds_only_lower_levels(
    member: Member, inner: str, level: str, message: str
) -> None:
    each = allocate(member, 1, name="矿泉水")[0]
    case = bank.case_create(member=member, contained=each, indicator="1", quantity=24,
                            actor=None, today=TODAY)  # fmt: skip
    contained = case
    if inner == "pallet":
        contained = bank.case_create(member=member, contained=case, indicator="5", quantity=40,
                                     actor=None, today=TODAY, level="pallet")  # fmt: skip
    if inner == "each filed as a case":
        Product.objects.filter(pk=each.pk).update(level="case")
        contained = Product.objects.get(pk=each.pk)
    with pytest.raises(BankError, match=message):
        bank.case_create(member=member, contained=contained, indicator="7", quantity=2,
                         actor=None, today=TODAY, level=level)  # fmt: skip


def test_a_loop_in_the_data_is_refused_not_followed(member: Member) -> None:
    each = allocate(member, 1, name="矿泉水")[0]
    case = bank.case_create(member=member, contained=each, indicator="1", quantity=24,
                            actor=None, today=TODAY)  # fmt: skip
    Product.objects.filter(pk=each.pk).update(contains=case)  # made outside the services
    each.refresh_from_db()
    with pytest.raises(BankError, match="循环"):
        hierarchy.tree(each)
    with pytest.raises(BankError, match="循环"):
        bank.case_create(member=member, contained=case, indicator="5", quantity=4,
                         actor=None, today=TODAY, level="pallet")  # fmt: skip


# -- the 2D symbols --------------------------------------------------------------------------


def decoded(png: bytes) -> list[tuple[str, str]]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [(r.text, r.symbology_identifier) for r in zxingcpp.read_barcodes(image)]


def test_the_digital_link_qr_and_datamatrix_decode_to_the_gtin(
    clerk: Client, member: Member
) -> None:
    product = allocate(member, 1, name="水")[0]
    qr = clerk.get(f"/products/{product.pk}/artwork/?symbol=qr&format=png&magnification=1.00")
    assert qr["Content-Disposition"] == 'attachment; filename="6921234500019-qr-1.00.png"'
    assert decoded(qr.content) == [("http://127.0.0.1:8000/01/06921234500019", "]Q1")]
    matrix = clerk.get(f"/products/{product.pk}/artwork/?symbol=datamatrix&format=png"
                       "&magnification=0.80&dpi=1200")  # fmt: skip
    assert decoded(matrix.content) == [("(01)06921234500019", "]d2")]  # ]d2: FNC1 first, GS1
    linear = clerk.get(f"/products/{product.pk}/artwork/?format=png&magnification=1.00")
    assert decoded(linear.content) == [("6921234500019", "]E0")]
    svg = clerk.get(f"/products/{product.pk}/artwork/?symbol=qr&format=svg&magnification=2.00")
    assert svg.content.startswith(b"<svg")
    refused = clerk.get(f"/products/{product.pk}/artwork/?symbol=aztec&format=png", follow=True)
    assert refused.status_code == 200  # a message, not a 500


def test_the_product_page_shows_the_four_symbols_at_size(clerk: Client, member: Member) -> None:
    product = allocate(member, 1, name="水")[0]
    page = clerk.get(f"/products/{product.pk}/").content.decode()
    for symbol in ("linear", "qr", "hanxin", "datamatrix"):
        assert f'id="symbol-{symbol}"' in page
    shown = re.findall(r'id="symbol-(\w+)"><svg[^>]* width="([\d.]+)mm"', page)
    sizes = dict(shown)
    assert set(sizes) == {"linear", "qr", "hanxin", "datamatrix"}
    assert 37.0 < float(sizes["linear"]) < 38.0  # EAN-13 at 1.00: 37.29 mm with its margins
    assert float(sizes["datamatrix"]) == 9.0  # 16 × 16 modules + 2 quiet, × 0.5 mm
    assert "http://127.0.0.1:8000/01/06921234500019" in page


# -- the demo --------------------------------------------------------------------------------


def test_the_demo_seeds_a_pallet_and_a_product_line_once(member: Member) -> None:
    tea = allocate(member, 2, **FILED)[1]
    bank.case_create(member=member, contained=tea, indicator="1", quantity=24, actor=None,
                     today=TODAY)  # fmt: skip
    out = io.StringIO()
    lines = demo.seed(out)
    assert "pallet 56921234500021" in out.getvalue()  # 5 · 692123450002 · 1
    assert lines
    pallet = Product.objects.get(level="pallet")
    assert hierarchy.size(hierarchy.tree(pallet)) == 3
    assert Product.objects.filter(name="示例苏打水", status="draft").count() == 120
    demo.seed(io.StringIO())
    assert Product.objects.count() == 2 + 1 + 1 + 120


def test_a_flood_of_bulk_requests_is_slowed_down(member: Member, member_user: User) -> None:
    made = allocate(member, 1, **FILED)
    chosen = bulk.Selection(frozenset([made[0].pk]))
    start_early_in_a_window()
    for _ in range(bulk.BULK_PER_MINUTE):
        bulk.products_bulk_edit(actor=member_user, selection=chosen, data={"brand": "甲"})
    with pytest.raises(RateLimited, match="批量操作过于频繁"):
        bulk.products_bulk_edit(actor=member_user, selection=chosen, data={"brand": "乙"})
    assert Product.objects.get().brand == "甲"


def test_empty_choices_get_a_message(clerk: Client, member: Member, tmp_path: Path) -> None:
    allocate(member, 2, **FILED)
    none = clerk.post("/products/bulk/", {"action": "publish"}, follow=True)
    assert "请先选择产品" in none.content.decode()
    nothing = clerk.post("/products/bulk/", {"everything": "1", "q": "不存在的名称",
                                             "action": "publish"}, follow=True)  # fmt: skip
    assert "没有符合条件的产品" in nothing.content.decode()
    unknown = clerk.post("/products/bulk/", {"everything": "1", "action": "delete"}, follow=True)
    assert "不支持的批量操作：delete" in unknown.content.decode()
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}
    for _ in range(2):
        again = clerk.post("/products/allocate/", {"company_prefix": "69212345", "count": "1000"},
                           follow=True)  # fmt: skip
        assert "已分配 1000 个商品条码" in again.content.decode()
    assert Product.objects.count() == 2002
    with pytest.raises(CommandError, match="no such file"):
        call_command("gpc_import", str(tmp_path / "absent.xml"), stdout=io.StringIO())


def test_the_gpc_lookup_by_code_and_before_any_load(clerk: Client, gpc_file: Path) -> None:
    empty = clerk.get("/products/gpc/?q=water").content.decode()
    assert 'id="gpc-empty"' in empty
    call_command("gpc_import", str(gpc_file), stdout=io.StringIO())
    by_code = clerk.get("/products/gpc/?q=1000023").content.decode()
    assert "Packaged Water" in by_code
    assert "Juice Drinks" in by_code
    assert "Ready Meals" not in by_code
    assert 'id="gpc-empty"' not in by_code
