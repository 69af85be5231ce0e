"""A member's activity log (issue 23): its applications', products', payments' and accounts'
history in one list, newest first, paged without losing a row however many share a moment;
a colleague's security log only for the administrator; nothing of another member's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hall.accounts.models import SecurityEvent, User
from hall.applications.models import Application, ApplicationEvent
from hall.members.models import Member
from hall.portal import activity
from hall.products import bank
from hall.products.models import ProductEvent

pytestmark = pytest.mark.django_db


def _rows(client: Client, query: str = "") -> tuple[list[str], str]:
    page = client.get(f"/accounts/center/activity/{query}").content.decode()
    rows = re.findall(r'<tr class="activity-(\w+)">', page)
    older = re.search(r'href="\?source=[^"&]*&amp;before=([^"]+)" id="older"', page)
    return rows, (older.group(1) if older else "")


def test_every_row_once_across_pages_even_when_many_share_a_moment(
    member: Member, member_user: User, other_user: User
) -> None:
    moment = timezone.now() - timedelta(hours=1)
    products = bank.gtins_allocate(member=member, prefix="69212345", count=70, actor=member_user,
                                   today=timezone.localdate(), data={})  # fmt: skip
    ProductEvent.objects.filter(product__member=member).update(at=moment)  # one import's moment
    application = Application.objects.create(
        kind="renewal", member=member, applicant=member_user, branch=member.branch
    )
    for _n in range(30):
        ApplicationEvent.objects.create(application=application, action="submit",
                                        new_status="materials", at=moment)  # fmt: skip
        SecurityEvent.objects.create(kind="login", user=member_user, created_at=moment)
    # Another member's history never shows.
    SecurityEvent.objects.create(kind="login", user=other_user, created_at=moment)
    client = Client()
    client.force_login(member_user)
    seen: list[str] = []
    query = ""
    for _page in range(5):
        rows, older = _rows(client, query)
        seen += rows
        if not older:
            break
        query = f"?before={older}"
    assert len(products) == 70
    assert seen.count("products") == 70
    assert seen.count("applications") == 30
    assert seen.count("accounts") == 30
    assert len(seen) == 130


def test_a_colleagues_security_log_is_the_administrators_to_read(
    member: Member, member_user: User
) -> None:
    clerk = User.objects.create_user("13700000011", "x", member=member, member_role="clerk")
    SecurityEvent.objects.create(kind="login", user=member_user, client_address="10.0.0.1")
    SecurityEvent.objects.create(kind="login", user=clerk, client_address="10.0.0.2")
    as_admin = activity.activity(member, member_user, source="accounts")
    as_clerk = activity.activity(member, clerk, source="accounts")
    assert sorted(e.detail for e in as_admin) == ["地址 10.0.0.1", "地址 10.0.0.2"]
    assert [e.detail for e in as_clerk] == ["地址 10.0.0.2"]


def test_nonsense_in_the_query_is_said_and_ignored(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    for query, said in (("?source=<script>", "没有“&lt;script&gt;”这类记录"),
                        ("?before=yesterday", "“更早”的位置无效"),
                        ("?before=2026-01-01T00:00:00~x~1", "“更早”的位置无效"),
                        ("?before=2026-01-01T00:00:00~a~1", "“更早”的位置无效")):  # fmt: skip
        answer = client.get(f"/accounts/center/activity/{query}")
        assert answer.status_code == 200
        assert said in answer.content.decode()


def test_an_account_of_no_member_has_no_log(fresh_user: User) -> None:
    client = Client()
    client.force_login(fresh_user)
    assert client.get("/accounts/center/activity/").status_code == 404
    assert Client().get("/accounts/center/activity/").status_code == 302  # to the login
