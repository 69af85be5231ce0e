"""The renewal through its pages: step 1 pre-filled and checked, materials, transfer payment,
the branch's and the center's review, the new validity; another member or region sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.sms.models import SmsMessage
from tests.hall.conftest import make_member, scan_png

pytestmark = pytest.mark.django_db(transaction=True)


def _archived(application: Application, seconds: float = 20) -> None:
    """Wait for the background merge of the materials (a thread of this process) to finish."""
    import time

    from hall.applications.services import ARCHIVE_JOB
    from hall.jobs.models import Job

    deadline = time.monotonic() + seconds
    unfinished = Job.objects.filter(name=ARCHIVE_JOB).exclude(status__in=["done", "failed"])
    while unfinished.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not unfinished.exists()
    assert not Job.objects.filter(name=ARCHIVE_JOB, status="failed").exists()
    application.refresh_from_db()


def _step1(application: Application) -> dict[str, object]:
    return {
        "renewal_type": "by_name",
        "legal_representative": "张三",
        "mobile": "13900000001",
        "contact": "李四",
        "area_code": "0571",
        "contact_phone": "88888888",
        "contact_mobile": "13900000001",
        "invoice_title": "杭州示例食品有限公司",
        "taxpayer_number": application.member.uscc,  # type: ignore[union-attr]
        "receive_mail": "True",
        "filled_on": "2026-12-01",
        "version": application.version,
    }


def _act(client: Client, application: Application, action: str, reason: str = "") -> None:
    application.refresh_from_db()
    if action == "payment_received":  # a transfer seen: the payments app pays the order
        client.post(f"/payments/applications/{application.pk}/transfer-received/")
        return
    client.post(
        f"/applications/{application.pk}/act/",
        {"action": action, "version": application.version, "reason": reason, "confirmed": "on"},
    )


def test_renewal_from_step_one_to_the_new_validity(member_user: User, member: Member) -> None:
    branch = User.objects.create_user(
        "13900000020", "x", role=User.Role.BRANCH, branch=member.branch
    )
    center = User.objects.create_user("13900000021", "x", role=User.Role.CENTER)
    client = Client()
    client.force_login(member_user)
    client.post("/applications/renewal/")
    application = Application.objects.get()
    page = client.get(f"/applications/{application.pk}/fill/").content.decode()
    assert member.archive_index in page
    assert "1280 元" in page  # 2 years x 640 yuan, computed
    bad = {
        **_step1(application),
        "taxpayer_number": "12345",
        "area_code": "571",
        "renewal_type": "by_code",
    }
    page = client.post(f"/applications/{application.pk}/fill/", bad).content.decode()
    assert "纳税人识别号应为" in page
    assert "区号应为" in page
    assert "按码续展请选择要续展的代码" in page
    client.post(f"/applications/{application.pk}/fill/", _step1(application))
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS
    assert SmsMessage.objects.filter(mobile=member_user.mobile, text__contains="续展").exists()
    _act(client, application, "materials_done")
    application.refresh_from_db()
    assert application.status == Application.Status.MATERIALS  # no licence yet
    client.post(
        f"/applications/{application.pk}/upload/licence/", {"image": scan_png(), "version": 1}
    )
    _act(client, application, "materials_done")
    client.post(
        f"/applications/{application.pk}/upload/remittance/", {"image": scan_png(), "version": 1}
    )
    _archived(application)
    assert application.status == Application.Status.PAYMENT
    assert application.archive.name.endswith(".tif")

    staff = Client()
    staff.force_login(branch)
    assert str(application.pk) in staff.get("/applications/review/").content.decode()
    _act(staff, application, "payment_received")
    _act(staff, application, "branch_return")  # without a reason: refused
    application.refresh_from_db()
    assert application.status == Application.Status.BRANCH_REVIEW
    _act(staff, application, "branch_return", "营业执照未盖章")
    _act(client, application, "resubmit")
    _act(staff, application, "branch_approve")
    staff.force_login(center)
    _act(staff, application, "center_approve")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    old = member.valid_until
    member.refresh_from_db()
    assert member.valid_until == old.replace(year=old.year + 2)
    history = client.get(f"/applications/{application.pk}/").content.decode()
    assert "营业执照未盖章" in history
    assert "退回修改" in history


def test_outside_the_window_the_member_is_told_the_dates(member_user: User, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(valid_until=member.valid_until + timedelta(days=365))
    client = Client()
    client.force_login(member_user)
    page = client.post("/applications/renewal/", follow=True).content.decode()
    assert "有效期届满前三个月内" in page
    assert not Application.objects.exists()


def test_another_member_or_region_sees_nothing(
    member_user: User, other_user: User, member: Member
) -> None:
    client = Client()
    client.force_login(member_user)
    client.post("/applications/renewal/")
    application = Application.objects.get()
    outsider_branch = make_member(
        "4401", "广州某公司", "物编注字第300003号", "69277777", "91440101MA5ABCD00"
    ).branch
    strangers = [
        other_user,
        User.objects.create_user("13900000030", "x", role=User.Role.BRANCH, branch=outsider_branch),
    ]
    for stranger in strangers:
        other = Client()
        other.force_login(stranger)
        for url in [f"/applications/{application.pk}/", f"/applications/{application.pk}/fill/"]:
            assert other.get(url).status_code == 404
        response = other.post(
            f"/applications/{application.pk}/act/",
            {"action": "withdraw", "version": application.version},
        )
        assert response.status_code == 404
        assert (
            f"/applications/{application.pk}/" not in other.get("/applications/").content.decode()
        )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
