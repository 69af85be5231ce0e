"""Setting up a real hall (issue 21): ``python -m hall bootstrap FILE``, then the members of the
center it replaces (``import_members``), then the first registration approved with a prefix of
the bootstrapped pool; the demo refused outside a development hall, and ``check --deploy``
refusing a database that ran it. Run on PostgreSQL too (DATABASE_URL), as CI does."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.checks import registry
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.registration import registration_submit
from hall.applications.workflow import application_transition
from hall.fees.models import FeeSchedule
from hall.members.models import BranchOffice, CompanyPrefix, Member, PrefixPool
from hall.portal.checks import no_demo_accounts
from tests.hall.conftest import captcha_answer, make_member, make_uscc
from tests.hall.steps import fulfil

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bootstrap.toml"
PASSWORD = "Center2027pass"


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def bootstrap(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("bootstrap", str(path), *options, stdout=out, stderr=out)
    return out.getvalue()


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """The example file with one line changed (the change must be there to make)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bootstrap.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def nothing_written() -> None:
    assert BranchOffice.objects.count() == 0
    assert PrefixPool.objects.count() == 0
    assert not FeeSchedule.objects.filter(effective_from=date(2027, 1, 1)).exists()
    assert not User.objects.exists()


def test_the_example_sets_up_a_hall_and_a_second_run_changes_nothing(password_file: Path) -> None:
    first = bootstrap(EXAMPLE, "--password-file", str(password_file))
    assert "分支机构 3301 浙江分中心：新建" in first
    assert "branch office 3301 浙江分中心: created" in first
    branch = BranchOffice.objects.get(code="3301")
    assert (branch.region, branch.contacts[0]["phone"]) == ("浙江", "0571-85786900")
    pools = PrefixPool.objects.order_by("block")
    assert [(p.block, p.length, p.kind, p.next_number) for p in pools] == [
        ("692", 8, "ean", 0), ("6930", 9, "ean", 1000)]  # fmt: skip
    single = FeeSchedule.objects.get(company_type="single", effective_from=date(2027, 1, 1))
    assert (single.joining_fen, single.joining_with_ean8_fen, single.yearly_fen) == (
        80000, 120000, 64000)  # fmt: skip
    admin = User.objects.get(mobile="13800000000")
    assert (admin.role, admin.is_staff, admin.is_superuser) == (User.Role.ADMIN, True, True)
    assert check_password(PASSWORD, admin.password)
    assert not TOTPDevice.objects.filter(user=admin).exists()  # enrolled at the first login
    assert PASSWORD not in first
    counts = [model.objects.count() for model in (BranchOffice, PrefixPool, FeeSchedule, User)]
    again = bootstrap(EXAMPLE)  # no password needed: the account exists
    assert "与文件一致，没有任何改动" in again
    assert "新建" not in again
    assert counts == [model.objects.count() for model in (BranchOffice, PrefixPool,
                                                          FeeSchedule, User)]  # fmt: skip


def test_the_administrator_binds_a_second_factor_at_the_first_login(
    client: Client, password_file: Path
) -> None:
    bootstrap(EXAMPLE, "--password-file", str(password_file))
    login = {"method": "mobile", "identifier": "13800000000", "password": PASSWORD,
             "captcha": captcha_answer(client)}  # fmt: skip
    assert client.post("/accounts/login/", login).status_code == 302
    refused = client.get("/admin/members/prefixpool/")
    assert refused.url.startswith("/accounts/2fa/")  # type: ignore[attr-defined]
    enrol = client.get("/accounts/2fa/").content.decode()
    assert 'id="otp-secret"' in enrol  # the enrolment, not a code asked for


def test_a_branch_brought_up_to_date_and_a_future_schedule_changed(
    tmp_path: Path, password_file: Path
) -> None:
    bootstrap(EXAMPLE, "--password-file", str(password_file))
    path = edited(tmp_path, 'postcode = "310012"', 'postcode = "310013"')
    path.write_text(path.read_text().replace("yearly = 640", "yearly = 600"))
    out = bootstrap(path)
    assert "分支机构 3301 浙江分中心：已更新" in out
    assert "收费标准 单一企业 2027-01-01：已更新" in out
    assert BranchOffice.objects.get(code="3301").postcode == "310013"
    assert FeeSchedule.objects.get(company_type="single",
                                   effective_from=date(2027, 1, 1)).yearly_fen == 60000  # fmt: skip


#: (what the example says, what the operator wrote instead), where the error points, and why.
BAD_ENTRIES = [
    (('name = "北京分中心"', "name = 3"), ":31: branch[2].name:", "应为带引号的文字"),
    (('email = "zjancc@sina.com"', 'email = "nope"'), ":20: branch[1].email:", "Email"),
    (('postcode = "310012"', 'post_code = "310012"'), ":19: branch[1].post_code:", "未知的键"),
    (("length = 9", "length = 13"), ":49: pool[2].length:", "6 至 12 位"),
    (('block = "6930"', 'block = "6921"'), ":48: pool[2].block:", "与 pool[1] 的前缀段重叠"),
    (('company_type = "group"', 'company_type = "guild"'),
     ":67: fee_schedule[2].company_type:", "不是有效选项"),
    (("yearly = 1200", "yearly = -5"), ":71: fee_schedule[2].yearly:", "以元为单位的金额"),
    (("yearly = 1200\nnote", 'yearly = 1200\n[[fee_schedule]]\ncompany_type = "group"\n'
      "effective_from = 2027-01-01\njoining = 1\njoining_with_ean8 = 1\nyearly = 1\nnote"),
     ":74: fee_schedule[3].effective_from:", "与 fee_schedule[2].effective_from 重复"),
    (('mobile = "13800000000"', 'mobile = "12345"'), ":88: admin.mobile:", "手机号无效"),
    (("[admin]", "[administrator]"), ":87: administrator:", "未知的表"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "place", "reason"), BAD_ENTRIES)
def test_a_bad_entry_is_named_by_its_line_and_key_and_nothing_is_written(
    tmp_path: Path, password_file: Path, change: tuple[str, str], place: str, reason: str
) -> None:
    path = edited(tmp_path, *change)
    with pytest.raises(CommandError) as refused:
        bootstrap(path, "--password-file", str(password_file))
    message = str(refused.value)
    assert f"{path}{place}" in message
    assert reason in message
    assert "未写入任何内容 / nothing was written" in message
    nothing_written()


def test_a_file_that_is_not_toml_names_its_line(tmp_path: Path) -> None:
    path = edited(tmp_path, 'code = "1101"', 'code = "1101" = "x"')
    with pytest.raises(CommandError, match=r"TOML 格式错误.*\(at line 30, column 15\)"):
        bootstrap(path)
    nothing_written()


def test_what_would_break_the_hall_is_refused(tmp_path: Path, password_file: Path) -> None:
    """A schedule in force that fees were charged by, a pool's kind, a pool that would give
    prefixes nesting with one already given, a member's mobile made the administrator."""
    in_force = edited(tmp_path, "yearly = 640", "yearly = 700")  # 2023's was 640
    in_force.write_text(in_force.read_text().replace("2027-01-01", "2023-01-01"))
    with pytest.raises(
        CommandError, match=r"fee_schedule\[1\]\.yearly: 此收费标准已生效，原为 640"
    ):
        bootstrap(in_force, "--password-file", str(password_file))
    nothing_written()
    bootstrap(EXAMPLE, "--password-file", str(password_file))
    upc = edited(tmp_path, "length = 8", 'length = 8\nkind = "upc"')
    with pytest.raises(CommandError, match=r"pool\[1\]\.kind: 已有此代码池，类型为 ean"):
        bootstrap(upc)
    make_member("3301", "旧成员有限公司", "物编注字第900001号", "6945678", "91330106MA27XK9Q0")
    nesting = edited(tmp_path, 'block = "6930"', 'block = "69456"')
    with pytest.raises(CommandError, match="6945678 与此代码池的号段重叠而长度不同"):
        bootstrap(nesting)
    member_mobile = edited(tmp_path, 'mobile = "13800000000"', 'mobile = "13900000001"')
    User.objects.create_user("13900000001", "x")
    with pytest.raises(CommandError, match=r"admin.mobile: 此手机号已是其他账号（系统成员用户）"):
        bootstrap(member_mobile)


def test_the_password_is_checked_and_never_taken_from_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weak = tmp_path / "weak"
    weak.write_text("12345678")
    with pytest.raises(CommandError, match="admin: 管理员密码不符合要求"):
        bootstrap(EXAMPLE, "--password-file", str(weak))
    nothing_written()
    monkeypatch.delenv("HALL_BOOTSTRAP_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--password-file 或环境变量 HALL_BOOTSTRAP_PASSWORD"):
        bootstrap(EXAMPLE)  # (pytest's stdin is not a terminal: nobody to ask)
    monkeypatch.setenv("HALL_BOOTSTRAP_PASSWORD", PASSWORD)
    bootstrap(EXAMPLE)
    assert check_password(PASSWORD, User.objects.get(mobile="13800000000").password)


def test_a_check_shows_what_would_change_and_writes_nothing() -> None:
    out = bootstrap(EXAMPLE, "--check")
    assert "分支机构 3301 浙江分中心：新建" in out
    assert "仅检查：未写入任何内容" in out
    nothing_written()


def test_the_demo_refuses_a_production_hall_and_check_deploy_finds_its_accounts() -> None:
    with override_settings(DEVELOPMENT=False), pytest.raises(CommandError, match="development"):
        call_command("demo", stdout=StringIO())
    assert not User.objects.exists()
    assert no_demo_accounts in registry.registry.get_checks(include_deployment_checks=True)
    assert no_demo_accounts not in registry.registry.get_checks()  # (a deploy check only)
    call_command("demo", stdout=StringIO())  # a development hall, later deployed as it is
    with override_settings(DEVELOPMENT=False):
        (error,) = no_demo_accounts()
        assert error.id == "hall.E101"
        assert "13800000001, 13800000002, 13800000003" in error.msg
        User.objects.filter(mobile__startswith="1380000000").update(password="!")
        TOTPDevice.objects.all().delete()
        assert no_demo_accounts() == []


def _registered_and_approved(branch_code: str) -> Application:
    """A company registers on the hall's pages, pays, and is approved by its branch and the
    center (the services those pages call)."""
    applicant = User.objects.create_user("13500000001", "x")
    data = {"name": "新注册有限公司", "uscc": make_uscc("91330106MA27XK9Q0"),
            "company_type": "single", "registered_address": "杭州", "legal_representative": "法人",
            "contact": "联系人", "mobile": "13500000001", "branch": branch_code}  # fmt: skip
    application = registration_submit(user=applicant, data=data)
    fulfil(application, **data)
    branch = BranchOffice.objects.get(code=branch_code)
    reviewer = User.objects.create_user("13900000010", "x", role=User.Role.BRANCH, branch=branch)
    center = User.objects.create_user("13900000012", "x", role=User.Role.CENTER)
    for action, actor in (("materials_done", applicant), ("payment_received", reviewer),
                          ("branch_approve", reviewer), ("center_approve", center)):  # fmt: skip
        application.refresh_from_db()
        application = application_transition(application_id=application.pk, action=action,
                                              actor=actor, version=application.version)  # fmt: skip
    return application


def test_a_real_hall_bootstrapped_then_its_members_brought_in_then_a_registration(
    tmp_path: Path, password_file: Path
) -> None:
    """The hall of issue 21 on a fresh database: bootstrap, the old center's members, then a
    newcomer approved with the next free prefix of the bootstrapped pool, past the imported
    ones, and a certificate number none of them has."""
    bootstrap(EXAMPLE, "--password-file", str(password_file))
    members = tmp_path / "members.csv"
    members.write_text(
        "企业名称,统一社会信用代码,物编注字,有效期起,有效期至,分支机构,厂商识别代码,联系手机\n"
        f"老牌一有限公司,{make_uscc('91330106MA00000A0')},物编注字第000001号,2025-01-01,"
        "2027-01-01,3301,69200000,13800000011\n"
        f"老牌二有限公司,{make_uscc('91110105MA00000B0')},物编注字第000002号,2025-01-01,"
        "2027-01-01,北京分中心,69200001、6901234,13800000012\n",
        encoding="utf-8",
    )  # fmt: skip
    out = StringIO()
    call_command("import_members", str(members), stdout=out)
    assert "新建 2" in out.getvalue()
    application = _registered_and_approved("3301")
    assert application.status == Application.Status.APPROVED
    member = application.member
    assert member is not None
    assert member.prefixes.get().prefix == "69200002"  # 692/8, the imported two skipped
    assert member.certificate_number == "物编注字第000003号"
    assert member.branch.code == "3301"
    assert CompanyPrefix.objects.count() == 4
    assert Member.objects.count() == 3
