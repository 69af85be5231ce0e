"""What the attacker's review of issue 23's work found, each closed (hall.printers' own are in
its tests): an account cannot be a printing company's and a member's at once; news of a
member's business goes to who still acts for it; bulk changes are bounded by the rows they
write; nonsense in a cursor or a product id is a message, not a 500; a notice's link stays on
the hall."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hall.accounts.models import MemberRole, User
from hall.accounts.roles import may
from hall.applications.models import Application
from hall.applications.registration import approve_registration
from hall.applications.workflow import WorkflowError
from hall.core.errors import RateLimited
from hall.members.models import Member
from hall.notices import services as notices
from hall.notices.models import Notice
from hall.products import bulk
from hall.products.models import Product
from tests.hall.steps import VALID_DATA
from tests.hall.test_products_scale import FILED, allocate

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_registration_of_an_account_since_made_a_printers_is_not_approved(
    fresh_user: User, member: Member
) -> None:
    application = Application.objects.create(kind="registration", applicant=fresh_user,
                                             branch=member.branch,
                                             data=VALID_DATA["registration"])  # fmt: skip
    User.objects.filter(pk=fresh_user.pk).update(role=User.Role.PRINTER)
    application.refresh_from_db()
    with pytest.raises(WorkflowError, match="已不能代表新企业"):
        approve_registration(application, date.today())
    fresh_user.refresh_from_db()
    assert fresh_user.member_id is None
    # Were one bound to a member anyway, it would act for it in nothing.
    fresh_user.member = member
    fresh_user.member_role = MemberRole.ADMIN
    assert not may(fresh_user)
    assert not may(fresh_user, "manage")


def test_news_of_the_business_goes_to_who_still_acts_for_the_member(
    member: Member, member_user: User
) -> None:
    clerk = User.objects.create_user("13700000011", "x", member=member, member_role="clerk")
    assert notices.who_hears(clerk, member) == [clerk]
    User.objects.filter(pk=clerk.pk).update(member=None)  # removed
    clerk.refresh_from_db()
    assert notices.who_hears(clerk, member) == [member_user]
    User.objects.filter(pk=clerk.pk).update(member=member, is_active=False)  # disabled
    clerk.refresh_from_db()
    assert notices.who_hears(clerk, member) == [member_user]
    told = notices.tell_all([clerk, member_user], event_name="paid",
                            params={"number": 1, "amount": "1.00", "order": "O1"})  # fmt: skip
    assert [n.recipient_id for n in told] == [member_user.pk]
    assert not Notice.objects.filter(recipient=clerk).exists()


def test_bulk_changes_are_bounded_by_the_rows_they_write(
    member: Member, member_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BULK_ROWS_PER_MINUTE", 5)
    made = allocate(member, 3, **FILED)
    chosen = bulk.Selection(frozenset(p.pk for p in made))
    bulk.products_bulk_edit(actor=member_user, selection=chosen, data={"brand": "甲"})
    with pytest.raises(RateLimited, match="已达 5 个"):
        bulk.products_bulk_edit(actor=member_user, selection=chosen, data={"brand": "乙"})
    assert set(Product.objects.values_list("brand", flat=True)) == {"甲"}


def test_nonsense_digits_are_messages_not_server_errors(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    cursor = client.get("/accounts/center/activity/?before=2026-01-01T00:00:00%2B08:00~a~%C2%B2")
    assert cursor.status_code == 200
    assert "“更早”的位置无效" in cursor.content.decode()
    bad = client.post("/products/bulk/", {"action": "publish", "products": "²"}, follow=True)
    assert bad.status_code in (200, 400)
    assert "所选产品有误" in bad.content.decode()


def test_a_notices_link_stays_on_the_hall(member_user: User) -> None:
    for link in ("//evil.example/", "/\\evil.example", "/\t/evil.example", "https://x/"):
        with pytest.raises(ValueError, match="a path of the hall"):
            notices.notify(recipient=member_user, event_name="paid", link=link,
                           params={"number": 1, "amount": "1.00", "order": "O1"})  # fmt: skip
    assert not Notice.objects.exists()
