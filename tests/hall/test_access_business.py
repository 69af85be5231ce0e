"""Every page of an application and its order is out of reach of another member, a branch of
another region and an unactivated account: 404, never a hint that it exists. The review queue
shows a branch its own region only, overdue applications marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application, Material
from hall.members.models import Member
from hall.payments.orders import order_for
from tests.hall.conftest import make_member, scan_png

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paying(member_user: User, member: Member) -> Application:
    application = Application.objects.create(
        kind="renewal",
        member=member,
        applicant=member_user,
        branch=member.branch,
        status="materials",
    )
    client = Client()
    client.force_login(member_user)
    client.post(
        f"/applications/{application.pk}/upload/licence/", {"image": scan_png(), "version": 1}
    )
    Application.objects.filter(pk=application.pk).update(status="payment")
    application.refresh_from_db()
    return application


def _strangers(other_user: User, fresh_user: User) -> list[User]:
    elsewhere = make_member(
        "4401", "广州某公司", "物编注字第300003号", "69277777", "91440101MA5ABCD00"
    ).branch
    reviewer = User.objects.create_user("13900000080", "x", role=User.Role.BRANCH, branch=elsewhere)
    return [other_user, fresh_user, reviewer]


def test_nobody_else_reaches_an_application_or_its_order(
    paying: Application, other_user: User, fresh_user: User
) -> None:
    order = order_for(paying)
    material = Material.objects.get(application=paying)
    pk, number = paying.pk, order.number
    gets = [
        f"/applications/{pk}/",
        f"/applications/{pk}/fill/",
        f"/applications/{pk}/renewal-form.pdf",
        f"/applications/{pk}/certificate.pdf",
        f"/applications/{pk}/materials/{material.pk}/",
        f"/payments/orders/{number}/",
        f"/payments/sandbox/{number}/",
        f"/payments/orders/{number}/invoice.pdf",
    ]
    posts = [
        (f"/applications/{pk}/act/", {"action": "withdraw", "version": paying.version}),
        (f"/applications/{pk}/upload/licence/", {"image": scan_png(), "version": 1}),
        (f"/payments/applications/{pk}/pay/", {}),
        (f"/payments/orders/{number}/start/", {"method": "支付宝支付"}),
        (f"/payments/sandbox/{number}/", {"outcome": "succeed"}),
    ]
    for stranger in _strangers(other_user, fresh_user):
        client = Client()
        client.force_login(stranger)
        for url in gets:
            assert client.get(url).status_code == 404, (stranger.mobile, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (stranger.mobile, url)
    paying.refresh_from_db()
    order.refresh_from_db()
    assert (paying.status, order.status) == ("payment", "pending")
    assert Material.objects.filter(application=paying).count() == 1


def test_the_queue_is_the_regions_and_overdue_stands_out(member: Member, member_user: User) -> None:
    due = timezone.localdate() - timedelta(days=1)
    late = Application.objects.create(
        kind="change",
        member=member,
        applicant=member_user,
        branch=member.branch,
        status="branch_review",
        branch_due=due,
    )
    other = make_member("4401", "广州某公司", "物编注字第300003号", "69277777", "91440101MA5ABCD00")
    theirs = Application.objects.create(
        kind="change",
        member=other,
        applicant=User.objects.create_user("13900000081", "x", member=other),
        branch=other.branch,
        status="branch_review",
    )
    reviewer = User.objects.create_user(
        "13900000082", "x", role=User.Role.BRANCH, branch=member.branch
    )
    client = Client()
    client.force_login(reviewer)
    page = client.get("/applications/review/").content.decode()
    assert f"/applications/{late.pk}/" in page
    assert f"/applications/{theirs.pk}/" not in page
    assert 'class="overdue"' in page
    client.force_login(member_user)
    assert client.get("/applications/review/").status_code == 404
