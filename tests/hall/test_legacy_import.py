"""Bringing in an existing center's members (issue 21): ``python -m hall import_members FILE``.

Every row is checked and every bad one named by its line and column, in Chinese and English;
one bad row and nothing is written (unless asked); a second run changes nothing; a prefix held
by another member, nesting with one, or inside a pool's block at another length is refused; and
a member brought in activates its first account with its certificate as any member does."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hall.accounts import legacy
from hall.accounts.models import User
from hall.core.spreadsheets import TableError, read_rows, write_table
from hall.members.models import BranchOffice, CompanyPrefix, Member, MemberVersion, PrefixPool
from hall.members.numbering import archive_index, certificate_number
from tests.hall.conftest import captcha_answer, last_code, make_member, make_uscc

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)
HEADER = ("企业名称 / Company name,统一社会信用代码 / USCC,物编注字 / Certificate number,"
          "有效期起 / Valid from,有效期至 / Valid until,分支机构 / Branch,"
          "厂商识别代码 / Company prefixes,GDS卡号 / Member card number,联系手机 / Contact mobile,"
          "档案索引号 / Archive index")  # fmt: skip
HANGZHOU = make_uscc("91330106MA27XK5Q0")
NINGBO = make_uscc("91330201MA2GL8XK0")
BEIJING = make_uscc("91110105MA01ABCD0")
ROWS = [
    f"杭州老牌食品有限公司,{HANGZHOU},物编注字第000005号,2025-01-01,2027-01-01,3301,"
    "69200003、69200004,3301000123,13800000009,2011000007",
    f"宁波老牌饮料有限公司,{NINGBO},000006,2024/3/1,2026/3/1,浙江分中心,6901234,,138 0000 0008,",
    f"北京老牌有限公司,{BEIJING},物编注字第000007号,2025年6月1日,20270601,1101,6934567890,,,",
]


@pytest.fixture
def branches(db: None) -> None:
    """What ``bootstrap`` makes first: the branch offices and the registration pool."""
    BranchOffice.objects.create(code="3301", name="浙江分中心", region="浙江", address="杭州")
    BranchOffice.objects.create(code="1101", name="北京分中心", region="北京", address="北京")
    PrefixPool.objects.create(block="692", length=8)


def table(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def run(data: bytes, **options: bool) -> legacy.Report:
    return legacy.import_members(data, today=TODAY, **options)


def problems(report: legacy.Report) -> list[tuple[int, str | None]]:
    return [(problem.line, problem.column) for problem in report.problems]


def test_members_prefixes_and_certificates_come_in(branches: None) -> None:
    report = run(table(*ROWS))
    assert report.problems == []
    assert sorted(report.created) == ["物编注字第000005号", "物编注字第000006号",
                                      "物编注字第000007号"]  # fmt: skip
    hangzhou = Member.objects.get(uscc=HANGZHOU)
    assert (hangzhou.branch.code, hangzhou.gds_card, hangzhou.mobile) == (
        "3301", "3301000123", "13800000009")  # fmt: skip
    assert (hangzhou.valid_from, hangzhou.valid_until) == (date(2025, 1, 1), date(2027, 1, 1))
    assert sorted(hangzhou.prefixes.values_list("prefix", flat=True)) == ["69200003", "69200004"]
    # The certificate's digits alone, 2024/3/1, a branch by its name, a mobile with spaces:
    # each as the hall writes it. Expired by its dates.
    ningbo = Member.objects.get(uscc=NINGBO)
    assert (ningbo.certificate_number, ningbo.branch.code, ningbo.mobile, ningbo.status) == (
        "物编注字第000006号", "3301", "13800000008", Member.Status.EXPIRED)  # fmt: skip
    beijing = Member.objects.get(uscc=BEIJING)
    assert (beijing.valid_from, beijing.valid_until) == (date(2025, 6, 1), date(2027, 6, 1))
    # No archive index in the file: the hall's next one, after those the file brought.
    assert beijing.archive_index.startswith("2026")


def test_the_next_certificate_and_archive_numbers_repeat_none_imported(branches: None) -> None:
    run(table(*ROWS))
    assert certificate_number() == "物编注字第000008号"
    assert archive_index(date(2011, 5, 1)) == "2011000008"


def test_a_second_run_changes_nothing_and_says_so(branches: None, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(table(*ROWS))
    call_command("import_members", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_members", str(path), stdout=out)
    assert "新建 0，更新 0，无变化 3" in out.getvalue()
    assert "没有任何改动" in out.getvalue()
    assert "no changes" in out.getvalue()
    assert Member.objects.count() == 3
    assert CompanyPrefix.objects.count() == 4


def test_a_member_already_there_is_left_unless_updated_and_its_old_data_kept(
    branches: None,
) -> None:
    run(table(*ROWS))
    moved = (
        ROWS[0]
        .replace("13800000009", "13900000001")
        .replace("69200003、69200004", "69200003、69200004、69200005")
    )
    left = run(table(moved))
    assert (left.created, left.updated, left.differing) == (
        [], [], [(2, "物编注字第000005号", ["mobile", "prefixes"])])  # fmt: skip
    assert Member.objects.get(uscc=HANGZHOU).mobile == "13800000009"
    updated = run(table(moved), update=True)
    assert updated.updated == ["物编注字第000005号"]
    member = Member.objects.get(uscc=HANGZHOU)
    assert member.mobile == "13900000001"
    assert member.prefixes.count() == 3
    version = MemberVersion.objects.get(member=member)
    assert (version.data, version.changed) == ({"mobile": "13800000009"},
                                               {"mobile": "13900000001"})  # fmt: skip
    assert Member.objects.filter(uscc=HANGZHOU).count() == 1  # never made twice


def test_every_bad_row_is_named_and_nothing_is_written(branches: None) -> None:
    holder = make_member("3301", "已有成员有限公司", "物编注字第300003号", "69212345",
                         "91330106MA27XK9Q0")  # fmt: skip
    bad = [
        # 2: the USCC's check character is wrong
        f"甲有限公司,{HANGZHOU[:-1]}0,物编注字第100001号,2025-01-01,2027-01-01,3301,69200010,,,",
        # 3: a date that is not one, a branch the hall does not have, a mobile that is not one
        f"乙有限公司,{NINGBO},物编注字第100002号,2025-13-01,2027-01-01,9999,69200011,,12345,",
        # 4: valid until before valid from
        f"丙有限公司,{BEIJING},物编注字第100003号,2027-01-01,2025-01-01,3301,69200012,,,",
        # 5: a prefix another member holds; 6: one that nests with it (a GTIN read as both)
        f"丁有限公司,{make_uscc('91330106MA00000D0')},物编注字第100004号,2025-01-01,2027-01-01,"
        "3301,69212345,,,",
        f"戊有限公司,{make_uscc('91330106MA00000E0')},物编注字第100005号,2025-01-01,2027-01-01,"
        "3301,692123456,,,",
        # 7: a German prefix, not the center's to give; 8: 7 digits inside the 8-digit pool
        f"己有限公司,{make_uscc('91330106MA00000F0')},物编注字第100006号,2025-01-01,2027-01-01,"
        "3301,4006381,,,",
        f"庚有限公司,{make_uscc('91330106MA00000G0')},物编注字第100007号,2025-01-01,2027-01-01,"
        "3301,6920001,,,",
        # 9: the certificate number of the member already there; 10: row 9's prefix again
        f"辛有限公司,{make_uscc('91330106MA00000H0')},物编注字第300003号,2025-01-01,2027-01-01,"
        "3301,69300001,,,",
        f"壬有限公司,{make_uscc('91330106MA00000J0')},物编注字第100009号,2025-01-01,2027-01-01,"
        "3301,69300001,,,",
        # 11: a good row: it waits for the others to be fixed
        f"癸有限公司,{make_uscc('91330106MA00000K0')},物编注字第100010号,2025-01-01,2027-01-01,"
        "3301,69300002,,,",
    ]  # fmt: skip
    report = run(table(*bad))
    assert problems(report) == [
        (2, "uscc"), (3, "valid_from"), (3, "branch"), (3, "mobile"), (4, "valid_until"),
        (5, "prefixes"), (6, "prefixes"), (6, "prefixes"), (7, "prefixes"), (8, "prefixes"),
        (9, "certificate_number"), (10, "prefixes"),
    ]  # fmt: skip
    assert not report.written
    assert list(Member.objects.values_list("name", flat=True)) == [holder.name]
    texts = [problem.text() for problem in report.problems]
    assert texts[0].startswith("第 2 行 统一社会信用代码：校验码错误")
    assert "Row 2 USCC: Invalid check digit" in texts[0]
    assert "已分配给系统成员“已有成员有限公司”" in texts[5]
    assert "692123456 与第 5 行的 69212345 重叠" in texts[6]
    assert "与系统成员“已有成员有限公司”的 69212345 重叠" in texts[7]
    assert "不是中国物品编码中心的前缀" in texts[8]
    assert "代码池 692… (8) 的号段内而长度不同" in texts[9]
    assert "与第 9 行重复" in texts[11]


def test_the_command_lists_the_errors_and_fails(branches: None, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(table(ROWS[0], ROWS[1].replace(NINGBO, NINGBO[:-1] + "0")))
    err = StringIO()
    with pytest.raises(CommandError, match="未写入任何内容"):
        call_command("import_members", str(path), stdout=StringIO(), stderr=err)
    assert "第 3 行 统一社会信用代码" in err.getvalue()
    assert Member.objects.count() == 0
    with pytest.raises(CommandError, match="有错误的行未导入"):
        call_command("import_members", str(path), "--keep-good", stdout=StringIO(),
                     stderr=StringIO())  # fmt: skip
    assert list(Member.objects.values_list("uscc", flat=True)) == [HANGZHOU]


def test_a_dry_run_judges_every_row_and_writes_nothing(branches: None, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(table(*ROWS))
    out = StringIO()
    call_command("import_members", str(path), "--dry-run", stdout=out)
    assert "新建 3" in out.getvalue()
    assert "试运行：未写入任何内容" in out.getvalue()
    assert Member.objects.count() == 0
    assert certificate_number() == "物编注字第000001号"  # the counters were not moved either


def test_excel_files_english_headers_and_the_template(branches: None, tmp_path: Path) -> None:
    header = ["Company name", "USCC", "Certificate number", "Valid from", "Valid until",
              "Branch", "UPC company prefixes", "Status"]  # fmt: skip
    rows = [["Example Trading Co", HANGZHOU, "100001", "2025-01-01", "2027-01-01", "3301",
             "0614141", "cancelled"]]  # fmt: skip
    report = run(write_table("xlsx", header, rows))
    assert report.problems == []
    member = Member.objects.get()
    prefix = member.prefixes.get()
    # A cancelled member's prefixes are retired: never given to anyone again.
    assert (member.status, prefix.kind, prefix.retired_on) == (
        Member.Status.CANCELLED, CompanyPrefix.Kind.UPC, TODAY)  # fmt: skip
    template = tmp_path / "members.xlsx"
    call_command("import_members", "--template", str(template), stdout=StringIO())
    header_row, example = list(read_rows(template.read_bytes()))
    assert header_row[:2] == ["企业名称 / Company name", "统一社会信用代码 / USCC"]
    assert legacy.columns_of(header_row)["prefixes"] == 6
    assert example[1] == legacy.EXAMPLE[1]


@pytest.mark.parametrize(("data", "refusal"), [
    (table(header="企业名称,物编注字"), "表头缺少这些列"),
    (table(header=HEADER + ",企业名称"), "表头中“企业名称”出现了两次"),
    (b"", "文件是空的"),
    (table(*[ROWS[0]] * (legacy.MAX_ROWS + 1)), "一次最多导入 50000 行"),
])  # fmt: skip
def test_files_that_cannot_be_imported_are_refused_whole(
    branches: None, data: bytes, refusal: str
) -> None:
    with pytest.raises(TableError, match=refusal):
        run(data)
    assert Member.objects.count() == 0


def test_a_file_too_large_is_refused_before_it_is_read(branches: None, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.truncate(legacy.MAX_BYTES + 1)
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_members", str(path), stdout=StringIO())


@pytest.mark.django_db(transaction=True)  # the activation code goes out when its step commits
def test_a_member_brought_in_activates_with_its_certificate(
    branches: None, client: Client, fresh_user: User
) -> None:
    run(table(*ROWS))
    member = Member.objects.get(uscc=HANGZHOU)
    client.force_login(fresh_user)
    found = client.post("/accounts/activate/", {"certificate_number": "000005",
                                                "company_name": "杭州老牌食品有限公司",
                                                "captcha": captcha_answer(client)})  # fmt: skip
    assert found.status_code == 302
    client.post("/accounts/activate/code/", {"action": "send"})
    code = last_code("13800000009")  # the contact mobile the old center held
    answer = client.post("/accounts/activate/code/", {"sms_code": code, "action": "verify"})
    assert answer.status_code == 302
    fresh_user.refresh_from_db()
    assert (fresh_user.member, fresh_user.member_admin, fresh_user.gds_card) == (
        member, True, "3301000123")  # fmt: skip
    center = client.get("/accounts/center/").content.decode()
    assert "69200003" in center
    assert "69200004" in center


def test_members_without_a_card_get_one_none_of_the_files_own(branches: None) -> None:
    """A file whose one member carries a card of the hall's own form and whose others carry
    none: each gets its own, past the file's, and the import goes through whole."""
    rows = [
        f"杭州老牌食品有限公司,{HANGZHOU},物编注字第000005号,2025-01-01,2027-01-01,3301,"
        "69200003,33010000001,13800000009,",
        f"宁波老牌饮料有限公司,{NINGBO},000006,2025-03-01,2027-03-01,3301,6901234,,,",
    ]
    report = run(table(*rows))
    assert report.problems == []
    assert Member.objects.get(uscc=HANGZHOU).gds_card == "33010000001"
    assert Member.objects.get(uscc=NINGBO).gds_card == "33010000002"
