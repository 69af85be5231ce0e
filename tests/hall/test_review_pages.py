"""Reviewers see what they approve (issue 22, part 1): an application's page shows the filed
data under its form's labels (a change's old -> new values), the uploads inline, the payment and
the history newest first; the queue filters and counts; the member's center lists its open and
returned applications with the return reason. Another region's reviewer gets 404."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from hall.accounts.models import User
from hall.applications.descriptors import descriptor
from hall.applications.models import Application
from hall.applications.workflow import application_transition
from hall.members.models import BranchOffice, Member
from tests.hall.browser import both_sizes, log_in, shot
from tests.hall.conftest import make_member
from tests.hall.steps import VALID_DATA, fulfil

pytestmark = pytest.mark.django_db
Kind, Status = Application.Kind, Application.Status


@pytest.fixture
def reviewers(member: Member) -> dict[str, User]:
    elsewhere = make_member(
        "4401", "广州某公司", "物编注字第300003号", "69277777", "91440101MA5ABCD00"
    ).branch
    return {
        "branch": User.objects.create_user("13900000010", "x", role=User.Role.BRANCH,
                                           branch=member.branch),
        "other_branch": User.objects.create_user("13900000011", "x", role=User.Role.BRANCH,
                                                 branch=elsewhere),
        "center": User.objects.create_user("13900000012", "x", role=User.Role.CENTER),
    }  # fmt: skip


def _filed(
    user: User, kind: str, status: str = Status.BRANCH_REVIEW, **data: object
) -> Application:
    """An application of ``user``'s member, step 1 filed as its form accepts (``data`` on top)."""
    member = user.member
    assert member is not None
    application = Application.objects.create(
        kind=kind, member=member, applicant=user, branch=member.branch, status=status
    )
    return fulfil(application, **data)


def _page(user: User, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _section(page: str, element_id: str) -> str:
    """The element with ``element_id`` up to the next heading, tags stripped to their text."""
    start = page.index(f'id="{element_id}"')
    end = page.find("<h2", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None]))


def test_a_branch_reviewer_sees_a_changes_old_and_new_values(
    member_user: User, member: Member, reviewers: dict[str, User]
) -> None:
    change = _filed(member_user, Kind.CHANGE, contact="王五", reason="联系人离职")
    status, page = _page(reviewers["branch"], f"/applications/{change.pk}/")
    assert status == 200
    content = _section(page, "content")
    assert "企业名称 杭州示例食品有限公司 → 杭州示例食品股份有限公司" in content
    assert "联系人 联系人 → 王五" in content
    assert "变更原因 联系人离职" in content
    assert page.count('class="changed"') == 2  # the two rows that change stand out
    # Approved: the member now holds the new values, the page still shows what was before.
    for action, actor in (("branch_approve", "branch"), ("center_approve", "center")):
        change.refresh_from_db()
        application_transition(application_id=change.pk, action=action, actor=reviewers[actor],
                               version=change.version)  # fmt: skip
    member.refresh_from_db()
    assert member.contact == "王五"
    _, page = _page(member_user, f"/applications/{change.pk}/")
    assert "联系人 联系人 → 王五" in _section(page, "content")


def test_the_registration_shows_its_fields_in_their_words(
    fresh_user: User, reviewers: dict[str, User]
) -> None:
    branch = BranchOffice.objects.get(code="3301")
    registration = Application.objects.create(
        kind=Kind.REGISTRATION, applicant=fresh_user, branch=branch, status=Status.BRANCH_REVIEW
    )
    fulfil(registration, website="https://example.cn")
    status, page = _page(reviewers["branch"], f"/applications/{registration.pk}/")
    assert status == 200
    content = _section(page, "content")
    expected = ["企业名称 新注册有限公司", "统一社会信用代码 " + registration.data["uscc"],
                "注册地址 杭州", "网址 https://example.cn",
                "分支机构 3301 3301 分中心"]  # fmt: skip
    for shown in expected:
        assert shown in content, shown
    assert "企业类型 single" not in content  # the choice's label, not its stored key
    assert f'src="/applications/{registration.pk}/materials/' in page  # the licence inline
    assert "已网上支付" in _section(page, "payment")
    # The same page for the applicant, read-only: the data, no reviewer's buttons.
    status, mine = _page(fresh_user, f"/applications/{registration.pk}/")
    assert status == 200
    assert "企业名称 新注册有限公司" in _section(mine, "content")
    assert "action-branch_approve" not in mine
    assert "action-branch_approve" in page


def test_the_history_is_newest_first_with_the_return_reason_on_top(
    member_user: User, reviewers: dict[str, User]
) -> None:
    upc = _filed(member_user, Kind.UPC)
    moves = [("branch_return", "branch", "请补充北美客户的订单"), ("resubmit", "member", ""),
             ("branch_return", "branch", "订单须加盖公章")]  # fmt: skip
    people = {**reviewers, "member": member_user}
    for action, actor, reason in moves:
        upc.refresh_from_db()
        application_transition(application_id=upc.pk, action=action, actor=people[actor],
                               version=upc.version, reason=reason)  # fmt: skip
    _, page = _page(member_user, f"/applications/{upc.pk}/")
    on_top = _section(page, "return-reason")
    assert "订单须加盖公章" in on_top
    assert "请补充" not in on_top
    assert page.index('id="return-reason"') < page.index('id="content"')
    history = _section(page, "history")
    assert history.index("订单须加盖公章") < history.index("分支机构初审") < history.index("请补充")
    assert "北美客户 Example Inc." in _section(page, "content")
    assert "无需缴费" in _section(page, "payment")


def test_another_regions_reviewer_and_another_member_get_404(
    member_user: User, other_user: User, reviewers: dict[str, User]
) -> None:
    change = _filed(member_user, Kind.CHANGE)
    for stranger in (reviewers["other_branch"], other_user):
        assert _page(stranger, f"/applications/{change.pk}/")[0] == 404
    assert _page(reviewers["center"], f"/applications/{change.pk}/")[0] == 200


def _queue_rows(page: str) -> list[int]:
    """The application numbers the queue's table lists, in its order."""
    table = page[page.index('id="queue"') :]
    return [int(n) for n in re.findall(r'href="/applications/(\d+)/"', table)]


def _counts(page: str) -> dict[str, int]:
    found = re.findall(r'id="count-(\w+)">[^<]*</a> <span class="count">(\d+)<', page)
    return {status: int(n) for status, n in found}


def test_the_queue_filters_sorts_by_due_date_and_counts(
    member_user: User, member: Member, reviewers: dict[str, User]
) -> None:
    today = timezone.localdate()
    due = {Kind.CHANGE: today + timedelta(days=3), Kind.UPC: today - timedelta(days=2),
           Kind.EAN8: today + timedelta(days=1)}  # fmt: skip
    made = {kind: _filed(member_user, kind) for kind in due}
    for kind, day in due.items():
        Application.objects.filter(pk=made[kind].pk).update(branch_due=day)
    returned = _filed(member_user, Kind.CANCELLATION, Status.RETURNED)
    deciding = _filed(member_user, Kind.REISSUE, Status.CENTER_REVIEW)
    elsewhere = Member.objects.exclude(pk=member.pk).get()
    theirs = Application.objects.create(
        kind=Kind.CHANGE, member=elsewhere, applicant=member_user, branch=elsewhere.branch,
        status=Status.CENTER_REVIEW,
    )  # fmt: skip
    queue = "/applications/review/"
    _, page = _page(reviewers["branch"], queue)
    # What waits for the branch, the earliest due first; counts of every status of its region.
    assert _queue_rows(page) == [made[Kind.UPC].pk, made[Kind.EAN8].pk, made[Kind.CHANGE].pk]
    assert _counts(page) == {"branch_review": 3, "returned": 1, "center_review": 1, "overdue": 1}
    assert 'id="calendar-warning"' not in page
    assert 'name="branch"' not in page
    _, page = _page(reviewers["branch"], queue + "?kind=ean8")
    assert _queue_rows(page) == [made[Kind.EAN8].pk]
    assert _counts(page) == {"branch_review": 1}
    _, page = _page(reviewers["branch"], queue + "?status=returned")
    assert _queue_rows(page) == [returned.pk]
    _, page = _page(reviewers["branch"], queue + "?overdue=on")
    assert _queue_rows(page) == [made[Kind.UPC].pk]
    assert 'href="?overdue=on" id="count-overdue"' in page
    _, page = _page(reviewers["branch"], queue + "?kind=upc&overdue=on&status=returned")
    assert _queue_rows(page) == []  # the filters combine: nothing overdue is also returned
    assert 'href="?kind=upc&amp;status=returned" id="count-returned"' not in page  # none
    assert 'href="?kind=upc&amp;status=branch_review" id="count-branch_review"' in page
    # The center: every region by default, one branch on asking.
    _, page = _page(reviewers["center"], queue)
    assert _queue_rows(page) == [deciding.pk, theirs.pk]
    _, page = _page(reviewers["center"], queue + f"?branch={elsewhere.branch.code}")
    assert _queue_rows(page) == [theirs.pk]
    assert _counts(page) == {"center_review": 1}  # and nothing of that branch overdue


def test_bad_filter_values_are_ignored_with_a_message(
    member_user: User, reviewers: dict[str, User]
) -> None:
    change = _filed(member_user, Kind.CHANGE)
    bad = "/applications/review/?kind=nonsense&status=%27%3B--&branch=9999&page=x"
    status, page = _page(reviewers["center"], bad)
    assert status == 200
    assert "筛选条件“业务类型”的值无效，已忽略" in page
    assert "筛选条件“状态”的值无效，已忽略" in page
    assert "筛选条件“分支机构”的值无效，已忽略" in page
    status, page = _page(reviewers["branch"], bad)
    assert status == 200
    assert change.pk in _queue_rows(page)  # the branch has no branch filter: nothing to refuse
    assert "“分支机构”" not in page


def test_the_members_center_lists_its_open_and_returned_applications(
    member_user: User, other_user: User, reviewers: dict[str, User]
) -> None:
    upc = _filed(member_user, Kind.UPC)
    application_transition(application_id=upc.pk, action="branch_return",
                           actor=reviewers["branch"], version=upc.version,
                           reason="请补充北美客户的订单")  # fmt: skip
    open_change = _filed(member_user, Kind.CHANGE, Status.MATERIALS)
    closed = _filed(member_user, Kind.REISSUE, Status.APPROVED)
    theirs = _filed(other_user, Kind.CHANGE)
    status, page = _page(member_user, "/accounts/center/")
    assert status == 200
    notice = _section(page, f"returned-{upc.pk}")
    assert "请补充北美客户的订单" in notice
    assert "UPC申请" in notice
    assert page.index(f'id="returned-{upc.pk}"') < page.index('id="member"')  # on top
    listed = [int(n) for n in re.findall(r'href="/applications/(\d+)/"',
                                         page[page.index('id="open-applications"') :])]  # fmt: skip
    assert sorted(listed) == sorted([upc.pk, open_change.pk])
    assert closed.pk not in listed
    assert theirs.pk not in listed
    # A reviewer's center lists no applications of its own: it has the queue.
    assert 'id="open-applications"' not in _page(reviewers["branch"], "/accounts/center/")[1]
    # 我的业务 too: the returned one with its reason.
    status, page = _page(member_user, "/applications/")
    assert status == 200
    rows = page[page.index('id="applications"') :]
    assert "请补充北美客户的订单" in rows
    assert rows.count("退回原因") == 1


@pytest.mark.parametrize("kind", list(VALID_DATA))
def test_every_kinds_filed_data_is_on_its_page_under_its_labels(
    kind: str, member_user: User, fresh_user: User, reviewers: dict[str, User]
) -> None:
    """Walks every kind (the EAN-8 sizes, the UPC's customer, the foreign GTIN, ...): each field
    filed is shown under its form's label, a choice by its words rather than its stored key."""
    member = member_user.member
    assert member is not None
    applicant, owner = (fresh_user, None) if kind == Kind.REGISTRATION else (member_user, member)
    application = fulfil(Application.objects.create(
        kind=kind, member=owner, applicant=applicant, branch=member.branch,
        status=Status.BRANCH_REVIEW,
    ))  # fmt: skip
    status, page = _page(reviewers["branch"], f"/applications/{application.pk}/")
    assert status == 200
    content = _section(page, "content")
    form = descriptor(kind).form(member=owner)
    for name, value in VALID_DATA[kind].items():
        if value in ("", []):
            continue
        field, words = form.fields[name], _words(form.fields[name], value)
        if kind == Kind.CHANGE and name != "reason":  # the member's value, then the filed one
            assert f"{field.label} " in content, (kind, name)
            assert f"→ {words}" in content, (kind, name)
        else:
            assert f"{field.label} {words}" in content, (kind, name)


def _words(field: forms.Field, value: object) -> str:
    """How a filed value reads: a model choice as the object, a choice by its label."""
    if isinstance(field, forms.ModelChoiceField):
        return str(field.queryset.get(**{field.to_field_name or "pk": value}))  # type: ignore[union-attr]
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices)[value])  # type: ignore[arg-type]
    return str(value)


@pytest.mark.django_db(transaction=True)
@both_sizes
def test_a_change_returned_resubmitted_and_approved_in_a_browser(
    page: object, tmp_path: Path
) -> None:
    """The demo member files a change; its branch finds it in the filtered queue, sees the old
    and new values and returns it; the member reads the reason on its center and resubmits; both
    reviewers approve seeing old -> new. Screenshots ``review-*.png``, also at 390 x 844."""
    call_command("demo", stdout=io.StringIO())
    scan = tmp_path / "licence.png"
    Image.new("RGB", (500, 350), "white").save(scan)
    log_in(page, "13800000001", "Member2026demo")
    page.goto("/applications/new/change/")  # type: ignore[attr-defined]
    page.fill("#id_contact", "新联系人")  # type: ignore[attr-defined]
    page.fill("#id_reason", "联系人离职")  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    page.set_input_files("#upload-licence", str(scan))  # type: ignore[attr-defined]
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    page.click("#action-materials_done")  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]

    log_in(page, "13800000002", "Branch2026demo")
    page.click("nav.menu >> text=待审核")  # type: ignore[attr-defined]
    page.select_option("#id_kind", "change")  # type: ignore[attr-defined]
    page.click("#filter")  # type: ignore[attr-defined]
    shot(page, "review-1-queue")
    # The demo member's change, among the made-up year's (the demo's other members).
    page.click("#queue tr:has-text('杭州示例食品有限公司') a")  # type: ignore[attr-defined]
    assert "新联系人" in page.inner_text("#content .changed")  # type: ignore[attr-defined]
    assert page.locator("#materials img").count() == 1  # type: ignore[attr-defined]
    shot(page, "review-2-change-old-new")
    page.fill("#reason-branch_return", "请加盖公章后重新上传")  # type: ignore[attr-defined]
    page.click("#action-branch_return")  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]

    log_in(page, "13800000001", "Member2026demo")
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    assert "请加盖公章后重新上传" in page.inner_text(".notice.returned")  # type: ignore[attr-defined]
    shot(page, "review-3-center-returned")
    page.click(".notice.returned a")  # type: ignore[attr-defined]
    assert "请加盖公章后重新上传" in page.inner_text("#return-reason")  # type: ignore[attr-defined]
    page.click("#action-resubmit")  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]

    reviews = [("13800000002", "Branch2026demo", "branch_approve"),
               ("13800000003", "Center2026demo", "center_approve")]  # fmt: skip
    for mobile, password, action in reviews:
        log_in(page, mobile, password)
        page.click("nav.menu >> text=待审核")  # type: ignore[attr-defined]
        page.select_option("#id_kind", "change")  # type: ignore[attr-defined]
        page.click("#filter")  # type: ignore[attr-defined]
        page.click("#queue tr:has-text('杭州示例食品有限公司') a")  # type: ignore[attr-defined]
        assert "新联系人" in page.inner_text("#content .changed")  # type: ignore[attr-defined]
        page.click(f"#action-{action}")  # type: ignore[attr-defined]
        if action == "center_approve":  # takes effect at once: confirmed first
            assert "不能撤销" in page.inner_text("#final-warning")  # type: ignore[attr-defined]
            shot(page, "review-4-confirm-approval")
            page.click("#confirm")  # type: ignore[attr-defined]
        said = "审核通过，已生效" if action == "center_approve" else "已提交编码中心审核"
        assert said in page.inner_text(".notice.success")  # type: ignore[attr-defined]
        page.click("#logout")  # type: ignore[attr-defined]
    assert Member.objects.get(certificate_number="物编注字第123456号").contact == "新联系人"


def test_the_queue_pages_by_a_hundred_keeping_the_filters(
    member_user: User, member: Member, reviewers: dict[str, User]
) -> None:
    # Account requests: many of one member may be open at once, one per asking account.
    today = timezone.localdate()
    asking = User.objects.bulk_create(User(mobile=f"1360000{n:04d}", password="!")
                                      for n in range(205))  # fmt: skip
    Application.objects.bulk_create(
        Application(kind=Kind.ACTIVATION, member=member, applicant=user, branch=member.branch,
                    status=Status.BRANCH_REVIEW, branch_due=today + timedelta(days=n))
        for n, user in enumerate(asking)
    )  # fmt: skip
    queue = "/applications/review/?kind=activation"
    _, first = _page(reviewers["branch"], queue)
    rows = _queue_rows(first)
    assert len(rows) == 100
    assert "共 205 项" in first
    assert "第 1 / 3 页" in first
    assert 'href="?kind=activation&amp;page=2" id="page-next"' in first
    assert 'id="page-previous"' not in first
    _, last = _page(reviewers["branch"], queue + "&page=3")
    assert len(_queue_rows(last)) == 5
    assert set(_queue_rows(last)).isdisjoint(rows)
    assert 'href="?kind=activation&amp;page=2" id="page-previous"' in last
    # Counts link to the first page of their status, and nonsense pages are answered, not 500s.
    counts = last[last.index('id="status-counts"') :]
    assert "page=" not in counts[: counts.index("</ul>")]
    for nonsense in ("x", "999", "-1"):
        status, page = _page(reviewers["branch"], queue + f"&page={nonsense}")
        assert status == 200
        assert len(_queue_rows(page)) in (100, 5)
