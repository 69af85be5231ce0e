"""The other applications through their pages: what each asks, what approval does."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import CompanyPrefix, Ean8Code, Filing, Member, MemberVersion
from tests.hall.conftest import scan_png
from tiaoma import gtin

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reviewers(member: Member) -> tuple[User, User]:
    branch = User.objects.create_user(
        "13900000050", "x", role=User.Role.BRANCH, branch=member.branch
    )
    center = User.objects.create_user("13900000051", "x", role=User.Role.CENTER)
    return branch, center


def _act(client: Client, application: Application, action: str, **extra: str) -> str:
    application.refresh_from_db()
    response = client.post(
        f"/applications/{application.pk}/act/",
        {"action": action, "version": application.version, "confirmed": "on", **extra},
        follow=True,
    )
    return response.content.decode()


def _through(
    member_user: User,
    reviewers: tuple[User, User],
    kind: str,
    form: dict[str, Any],
    **approval: str,
) -> Application:
    client = Client()
    client.force_login(member_user)
    response = client.post(f"/applications/new/{kind}/", form)
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get(kind=kind)
    client.post(
        f"/applications/{application.pk}/upload/licence/", {"image": scan_png(), "version": 1}
    )
    _act(client, application, "materials_done")
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW  # no fee: no payment step
    staff = Client()
    staff.force_login(reviewers[0])
    _act(staff, application, "branch_approve")
    staff.force_login(reviewers[1])
    _act(staff, application, "center_approve", **approval)
    application.refresh_from_db()
    return application


def test_change_keeps_the_old_data(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    old_name = member.name
    application = _through(
        member_user, reviewers, "change", {"name": "杭州示例食品股份有限公司", "reason": "更名"}
    )
    assert application.status == Application.Status.APPROVED
    member.refresh_from_db()
    assert member.name == "杭州示例食品股份有限公司"
    client = Client()
    client.force_login(member_user)
    if Path(settings.CJK_FONT).exists():
        pdf = client.get(f"/applications/{application.pk}/certificate.pdf")
        assert pdf.content.startswith(b"%PDF")
    assert MemberVersion.objects.get(member=member).data == {"name": old_name}


def test_a_change_without_changes_is_refused(member_user: User, member: Member) -> None:
    client = Client()
    client.force_login(member_user)
    page = client.post("/applications/new/change/", {"reason": "无"}).content.decode()
    assert "请填写要变更的内容" in page
    assert not Application.objects.exists()


def test_cancellation_retires_the_prefixes(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    _through(member_user, reviewers, "cancellation", {"reason": "停止生产"})
    member.refresh_from_db()
    assert member.status == Member.Status.CANCELLED
    assert CompanyPrefix.objects.get(member=member).retired_on is not None


def test_reissue_raises_the_edition(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    application = _through(member_user, reviewers, "reissue", {"reason": "证书遗失"})
    member.refresh_from_db()
    assert member.certificate_edition == 2
    client = Client()
    client.force_login(member_user)
    assert client.get(f"/applications/{application.pk}/certificate.pdf").status_code in (200, 302)
    cancelled = Application.objects.create(
        kind="cancellation",
        member=member,
        applicant=member_user,
        branch=member.branch,
        status="approved",
    )
    assert client.get(f"/applications/{cancelled.pk}/certificate.pdf").status_code == 404


def test_ean8_only_where_an_ean13_would_not_fit(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    client = Client()
    client.force_login(member_user)
    big = {"product": "大包装", "largest_face_cm2": "400", "printable_area_cm2": "800"}
    assert "不符合缩短码申请条件" in client.post("/applications/new/ean8/", big).content.decode()
    small = {"product": "口香糖", "largest_face_cm2": "30", "printable_area_cm2": "60"}
    _through(member_user, reviewers, "ean8", small)
    code = Ean8Code.objects.get(member=member)
    assert code.number.startswith("690")
    assert gtin.validate(code.number) == code.number


def test_upc_records_the_prefix_the_center_assigns(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    application = _through(
        member_user,
        reviewers,
        "upc",
        {"reason": "出口美国", "customer": "Example Inc."},
        upc_prefix="0812345",
    )
    assert application.status == Application.Status.APPROVED
    assert CompanyPrefix.objects.get(member=member, kind="upc").prefix == "0812345"


def test_upc_approval_needs_the_prefix(
    member_user: User, member: Member, reviewers: tuple[User, User]
) -> None:
    application = _through(member_user, reviewers, "upc", {"reason": "出口", "customer": "X"})
    assert application.status == Application.Status.CENTER_REVIEW


def test_filings(member_user: User, member: Member, reviewers: tuple[User, User]) -> None:
    client = Client()
    client.force_login(member_user)
    chinese = {
        "gtin": "6936983800013",
        "brand": "b",
        "product": "p",
        "owner": "o",
        "authorisation": "a",
    }
    assert (
        "无需境外码备案"
        in client.post("/applications/new/foreign_filing/", chinese).content.decode()
    )
    _through(member_user, reviewers, "foreign_filing", {**chinese, "gtin": "4006381333931"})
    _through(
        member_user,
        reviewers,
        "group_authorisation",
        {
            "group_name": "示例集团",
            "group_certificate": "物编注字第000009号",
            "prefixes": "69299999",
            "until": "2028-12-31",
        },
    )
    kinds = set(Filing.objects.filter(member=member).values_list("kind", flat=True))
    assert kinds == {"foreign_code", "group_authorisation"}
    assert Filing.objects.get(kind="group_authorisation").data["until"] == "2028-12-31"
    assert date.fromisoformat("2028-12-31")


def test_unknown_kinds_and_unactivated_accounts(fresh_user: User, member: Member) -> None:
    client = Client()
    client.force_login(fresh_user)
    assert client.get("/applications/new/registration/").status_code == 404
    page = client.post("/applications/new/cancellation/", {"reason": "x"}).content.decode()
    assert "账号尚未激活" in page
