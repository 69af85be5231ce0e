"""Company users and roles (issue 23): the administrator invites a clerk and a read-only user,
changes roles and removes accounts; a read-only account sees everything of its member and
changes nothing, a hand-made post refused by the service (hall.accounts.roles); the last
administrator stays; every role change is audited and told by SMS."""

from __future__ import annotations

import io
import os
from datetime import date
from typing import Any

import pytest
from django.test import Client

from hall.accounts.models import ApiKey, Invitation, MemberRole, SecurityEvent, User
from hall.applications.models import Application, Material
from hall.jobs.models import Job
from hall.members.models import Member
from hall.payments.models import Order
from hall.payments.orders import order_for
from hall.products import bank
from hall.products.models import Product, Reservation
from hall.sms.models import SmsMessage
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD, scan_png
from tests.hall.steps import VALID_DATA
from tests.hall.test_products_pages import filed_data

pytestmark = pytest.mark.django_db(transaction=True)  # SMS go out when a transaction commits
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the browser walk reads the ORM
TODAY = date.today()
READ_ONLY = "只读账号只能查看，不能办理或修改"


def _text(response: Any) -> str:
    return response.content.decode()  # type: ignore[no-any-return]


def _joined(admin: Client, mobile: str, role: str) -> tuple[User, Client]:
    """``mobile`` registers, is invited as ``role`` by the administrator and accepts."""
    user = User.objects.create_user(mobile, PASSWORD)
    sent = admin.post("/accounts/users/", {"mobile": mobile, "role": role})
    assert sent.status_code == 302
    invitation = Invitation.objects.get(mobile=mobile)
    client = Client()
    client.force_login(user)
    client.post(f"/accounts/invitations/{invitation.pk}/accept/")
    user.refresh_from_db()
    return user, client


@pytest.fixture
def admin(member_user: User) -> Client:
    client = Client()
    client.force_login(member_user)
    return client


def test_an_administrator_invites_a_clerk_and_a_read_only_user(
    admin: Client, member_user: User, member: Member
) -> None:
    clerk, clerk_client = _joined(admin, "13700000011", MemberRole.CLERK)
    reader, reader_client = _joined(admin, "13700000012", MemberRole.READ_ONLY)
    assert (clerk.member, clerk.member_role) == (member, "clerk")
    assert (reader.member, reader.member_role) == (member, "readonly")
    assert SecurityEvent.objects.filter(kind="invited", detail="13700000012 readonly").exists()
    # The administrator sees each account's role and may change it; the others may not.
    accounts = _text(admin.get("/accounts/users/"))
    assert f'id="role-{reader.pk}"' in accounts
    assert f'id="set-role-{member_user.pk}"' in accounts
    for client in (clerk_client, reader_client):
        page = _text(client.get("/accounts/users/"))
        assert "只有企业管理员可以" in page
        assert "set-role-" not in page
        assert "只读" in page
        assert "经办人" in page
    # The clerk is offered the business, the read-only user only what is there.
    assert 'id="renew"' in _text(clerk_client.get("/accounts/center/"))
    center = _text(reader_client.get("/accounts/center/"))
    assert 'id="renew"' not in center
    assert 'id="read-only"' in center
    assert 'id="allocate"' in _text(clerk_client.get("/products/"))
    products = _text(reader_client.get("/products/"))
    assert 'id="allocate"' not in products
    assert 'id="import"' not in products
    assert 'id="new-key"' not in _text(reader_client.get("/products/keys/"))


def test_an_invitation_to_another_members_account_is_refused_without_saying_whose(
    admin: Client, other_user: User, other_member: Member
) -> None:
    refused = _text(admin.post("/accounts/users/", {"mobile": other_user.mobile, "role": "clerk"}))
    assert "该手机号已是其他企业的账号" in refused
    assert other_member.name not in refused
    assert other_member.certificate_number not in refused
    assert not Invitation.objects.exists()
    assert not SmsMessage.objects.filter(mobile=other_user.mobile).exists()


def _application(member: Member, user: User, status: str) -> Application:
    return Application.objects.create(kind="renewal", member=member, applicant=user,
                                      branch=member.branch, status=status)  # fmt: skip


def _refused(response: Any) -> None:
    assert response.status_code == 403, response.status_code
    assert READ_ONLY in _text(response)


def test_a_read_only_users_hand_made_posts_are_refused_and_change_nothing(
    admin: Client, member_user: User, member: Member
) -> None:
    _reader, client = _joined(admin, "13700000012", MemberRole.READ_ONLY)
    _refused(client.post("/applications/renewal/"))
    assert not Application.objects.exists()
    _refused(client.post("/applications/new/reissue/", VALID_DATA[Application.Kind.REISSUE]))
    assert not Application.objects.exists()

    draft = _application(member, member_user, "materials")
    step1 = {**VALID_DATA[Application.Kind.RENEWAL], "version": draft.version}
    step1.pop("codes")
    _refused(client.post(f"/applications/{draft.pk}/fill/", step1))
    _refused(client.post(f"/applications/{draft.pk}/upload/licence/",
                         {"image": scan_png(), "version": draft.version}))  # fmt: skip
    _refused(
        client.post(
            f"/applications/{draft.pk}/act/",
            {"action": "withdraw", "version": draft.version, "confirmed": "on"},
        )
    )
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.data) == ("materials", 1, {})
    assert not Material.objects.exists()
    assert not draft.events.exists()

    Application.objects.filter(pk=draft.pk).update(status="withdrawn")  # one open renewal
    payable = _application(member, member_user, "payment")
    _refused(client.post(f"/payments/applications/{payable.pk}/pay/"))
    assert not Order.objects.exists()
    # Nor on the sandbox gateway's own page, with an order its administrator placed.
    order = order_for(payable)
    _refused(client.post(f"/payments/sandbox/{order.number}/", {"outcome": "succeed"}))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    order.delete()
    # ... but it sees the applications and their pages.
    assert client.get(f"/applications/{payable.pk}/").status_code == 200
    assert 'id="pay-online"' not in _text(client.get(f"/applications/{payable.pk}/"))
    assert str(payable.pk) in _text(client.get("/applications/"))

    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    _refused(client.post("/products/allocate/", {"company_prefix": "69212345", "name": "水"}))
    assert Product.objects.count() == 1
    _refused(client.post(f"/products/{product.pk}/", filed_data()))
    _refused(client.post(f"/products/{product.pk}/act/", {"action": "discontinue"}))
    _refused(
        client.post(
            f"/products/{product.pk}/case/", {"indicator": "1", "quantity": "6", "level": "case"}
        )
    )
    product.refresh_from_db()
    assert (product.name, product.version, product.status) == ("", 1, "draft")
    assert Product.objects.count() == 1
    csv = io.BytesIO("商品条码,产品名称\n,导入\n".encode())
    csv.name = "import.csv"
    _refused(client.post("/products/import/", {"file": csv}))
    assert not Job.objects.exists()
    _refused(client.post("/products/keys/", {"name": "ERP"}))
    assert not ApiKey.objects.exists()
    key, _secret = ApiKey.issue(name="ERP", member=member, created_by=member_user)
    _refused(client.post(f"/products/keys/{key.pk}/revoke/"))
    key.refresh_from_db()
    assert key.revoked_at is None
    _refused(client.post(f"/products/{product.pk}/proof/", {"image": scan_png(), "dpi": "600"}))
    assert not product.proofs.exists()
    _refused(
        client.post(
            "/products/reservations/",
            {"company_prefix": "69212345", "first": 10, "last": 20, "note": "x"},
        )
    )
    assert not Reservation.objects.exists()
    page = _text(client.get(f"/products/{product.pk}/"))
    assert 'id="product-form"' not in page
    assert 'id="action-publish"' not in page
    # In English, the same refusal.
    client.cookies["django_language"] = "en"
    english = client.post("/products/allocate/", {"company_prefix": "69212345"},
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert english.status_code == 403
    assert "A read-only account can only view" in _text(english)


def test_a_key_acts_for_its_makers_role(admin: Client, member_user: User, member: Member) -> None:
    clerk, client = _joined(admin, "13700000011", MemberRole.CLERK)
    client.post("/products/keys/", {"name": "ERP"})
    key = ApiKey.objects.get()
    assert key.created_by == clerk
    _key, secret = ApiKey.issue(name="ERP 2", member=member, created_by=clerk)
    api = Client()
    made = api.post("/api/v1/products", {"prefix": "69212345"}, content_type="application/json",
                    HTTP_X_API_KEY=secret)  # fmt: skip
    assert made.status_code == 201
    admin.post(f"/accounts/users/{clerk.pk}/role/", {"role": "readonly"})
    refused = api.post("/api/v1/products", {"prefix": "69212345"},
                       content_type="application/json", HTTP_X_API_KEY=secret)  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "role_forbidden"
    gtin = made.json()["gtin"]
    changed = api.patch(f"/api/v1/products/{gtin}", {"name": "改名", "version": 1},
                        content_type="application/json", HTTP_X_API_KEY=secret)  # fmt: skip
    assert changed.status_code == 403
    assert Product.objects.count() == 1
    assert Product.objects.get().name == ""
    assert api.get(f"/api/v1/products/{gtin}", HTTP_X_API_KEY=secret).status_code == 200


def test_roles_change_audited_and_told_and_the_last_administrator_stays(
    admin: Client, member_user: User, member: Member
) -> None:
    clerk, clerk_client = _joined(admin, "13700000011", MemberRole.CLERK)
    # The last administrator can be neither demoted nor removed (nor can a clerk change roles).
    refused = admin.post(f"/accounts/users/{member_user.pk}/role/", {"role": "clerk"}, follow=True)
    assert "企业至少要有一名管理员" in _text(refused)
    member_user.refresh_from_db()
    assert member_user.member_role == "admin"
    assert clerk_client.post(f"/accounts/users/{clerk.pk}/role/",
                             {"role": "admin"}).status_code == 403  # fmt: skip
    assert admin.post(f"/accounts/users/{clerk.pk}/role/", {"role": "boss"}).status_code == 400
    clerk.refresh_from_db()
    assert clerk.member_role == "clerk"
    assert not SecurityEvent.objects.filter(kind="role_changed").exists()
    # Made read-only: audited, told to the account, the administrators and the contact mobile.
    admin.post(f"/accounts/users/{clerk.pk}/role/", {"role": "readonly"})
    clerk.refresh_from_db()
    assert clerk.member_role == "readonly"
    event = SecurityEvent.objects.get(kind="role_changed")
    assert (event.user, event.detail) == (clerk, f"{member.certificate_number} clerk->readonly "
                                                 f"by {member_user.mobile}")  # fmt: skip
    for mobile in (clerk.mobile, member_user.mobile, member.mobile):
        texts = [m.text for m in SmsMessage.objects.filter(mobile=mobile)]
        assert any("137****0011" in t and "“经办人”改为“只读”" in t for t in texts), mobile
    # A second administrator: then the first may step down, and the second may not.
    admin.post(f"/accounts/users/{clerk.pk}/role/", {"role": "admin"})
    admin.post(f"/accounts/users/{member_user.pk}/role/", {"role": "clerk"})
    member_user.refresh_from_db()
    assert member_user.member_role == "clerk"
    assert admin.get("/accounts/users/").status_code == 200
    assert "set-role-" not in _text(admin.get("/accounts/users/"))
    clerk_client.post(f"/accounts/users/{clerk.pk}/role/", {"role": "readonly"})
    clerk.refresh_from_db()
    assert clerk.member_role == "admin"
    clerk_client.post(f"/accounts/users/{member_user.pk}/remove/", {"confirmed": "on"})
    member_user.refresh_from_db()
    assert member_user.member is None


@both_sizes
def test_a_read_only_user_sees_and_is_refused_in_the_browser(
    page: object, member_user: User, member: Member
) -> None:
    reader = User.objects.create_user("13700000012", PASSWORD)
    clerk = User.objects.create_user("13700000011", PASSWORD)
    log_in(page, member_user.mobile, PASSWORD)
    for invited, role in ((clerk, "clerk"), (reader, "readonly")):
        page.goto("/accounts/users/")  # type: ignore[attr-defined]
        page.fill("#id_mobile", invited.mobile)  # type: ignore[attr-defined]
        page.select_option("#id_role", role)  # type: ignore[attr-defined]
        page.click("#invite")  # type: ignore[attr-defined]
        assert "邀请已发送" in text(page)
    shot(page, "90-invite-read-only")
    page.click("#logout")  # type: ignore[attr-defined]
    # The clerk joins and is offered the business.
    log_in(page, clerk.mobile, PASSWORD)
    page.goto("/accounts/activate/")  # type: ignore[attr-defined]
    page.click("#invitations button")  # type: ignore[attr-defined]
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    assert page.locator("#member-role").inner_text() == "经办人"  # type: ignore[attr-defined]
    assert page.locator("#renew").count() == 1  # type: ignore[attr-defined]
    page.goto("/products/")  # type: ignore[attr-defined]
    assert page.locator("#allocate").count() == 1  # type: ignore[attr-defined]
    shot(page, "90b-clerk-products")
    page.click("#logout")  # type: ignore[attr-defined]
    log_in(page, reader.mobile, PASSWORD)
    page.goto("/accounts/activate/")  # type: ignore[attr-defined]
    page.click("#invitations button")  # type: ignore[attr-defined]
    assert f"已加入：{member.name}" in text(page)
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    assert "您的账号为只读" in text(page)
    assert page.locator("#member-role").inner_text() == "只读"  # type: ignore[attr-defined]
    assert page.locator("#renew").count() == 0  # type: ignore[attr-defined]
    shot(page, "91-read-only-center")
    page.goto("/products/")  # type: ignore[attr-defined]
    assert page.locator("#allocate").count() == 0  # type: ignore[attr-defined]
    shot(page, "92-read-only-products")
    page.goto("/accounts/users/")  # type: ignore[attr-defined]
    assert "只读" in text(page)
    shot(page, "93-read-only-accounts")
    # A hand-made POST from the read-only account's own browser, its CSRF token and all: refused
    # with the reason (sent back to the page it came from, the refusal said there).
    answer = page.evaluate("""async () => {
        const cookie = document.cookie.split('; ').find(c => c.startsWith('csrftoken='));
        const token = cookie.split('=')[1];
        const body = new URLSearchParams({name: 'ERP'});
        const answer = await fetch('/products/keys/', {method: 'POST', body,
            headers: {'X-CSRFToken': token}});
        return await answer.text();
    }""")  # type: ignore[attr-defined]
    assert READ_ONLY in answer
    assert not ApiKey.objects.exists()


def test_an_invitation_ends_with_its_senders_administrator_role(
    admin: Client, member_user: User, member: Member
) -> None:
    """An administrator invites a second number of its own as administrator, then is demoted
    (or removed): the invitation lapses, so it cannot bring the administrator back."""
    second, second_client = _joined(admin, "13700000011", MemberRole.ADMIN)
    admin.post("/accounts/users/", {"mobile": "13700000021", "role": "admin"})
    admin.post("/accounts/users/", {"mobile": "13700000022", "role": "admin"})
    second_client.post(f"/accounts/users/{member_user.pk}/role/", {"role": "readonly"})
    lapsed = Invitation.objects.filter(mobile__in=["13700000021", "13700000022"])
    assert all(invitation.revoked_at is not None for invitation in lapsed)
    # Had one stayed open (revoked here by hand back to open), accepting it is refused while its
    # sender is no administrator.
    lapsed.update(revoked_at=None)
    newcomer = User.objects.create_user("13700000021", PASSWORD)
    client = Client()
    client.force_login(newcomer)
    invitation = lapsed.get(mobile="13700000021")
    answer = _text(client.post(f"/accounts/invitations/{invitation.pk}/accept/", follow=True))
    assert "邀请已失效" in answer
    newcomer.refresh_from_db()
    assert newcomer.member_id is None
    # A demoted administrator's stale page posts nothing: its role is read again under lock.
    assert admin.post(f"/accounts/users/{second.pk}/role/", {"role": "readonly"}).status_code == 403
    second.refresh_from_db()
    assert second.member_role == MemberRole.ADMIN


def test_asking_which_numbers_are_accounts_is_bounded_and_audited(
    admin: Client, other_user: User
) -> None:
    answers = [_text(admin.post("/accounts/users/", {"mobile": other_user.mobile, "role": "clerk"}))
               for _ in range(12)]  # fmt: skip
    assert "该手机号已是其他企业的账号" in answers[0]
    assert "操作过于频繁" in answers[-1]
    assert SecurityEvent.objects.filter(kind="invitation_refused").count() == 10


def test_a_key_whose_maker_left_or_was_disabled_reads_only(
    admin: Client, member_user: User, member: Member, other_member: Member
) -> None:
    clerk, _client = _joined(admin, "13700000011", MemberRole.CLERK)
    _key, secret = ApiKey.issue(name="ERP", member=member, created_by=clerk)
    api = Client()

    def post() -> int:
        made = api.post("/api/v1/products", {"prefix": "69212345"},
                        content_type="application/json", HTTP_X_API_KEY=secret)  # fmt: skip
        return made.status_code

    assert post() == 201
    User.objects.filter(pk=clerk.pk).update(member=other_member)  # moved, not through the hall
    assert post() == 403
    User.objects.filter(pk=clerk.pk).update(member=member, is_active=False)
    assert post() == 403
    assert Product.objects.count() == 1


def test_an_import_queued_by_a_clerk_since_made_read_only_writes_nothing(
    admin: Client, member_user: User, member: Member
) -> None:
    """The job the import page queues (recorded here as the page records it, not yet handed to
    a worker: the broker was slow), run after its clerk was made read-only."""
    from django.core.files.base import ContentFile

    from hall.jobs import queue
    from tests.hall.test_products_import import GOOD, csv_file

    clerk, _clerk_client = _joined(admin, "13700000011", MemberRole.CLERK)
    job = Job(name="products_import", owner=f"member:{member.pk}",
              arguments={"member": member.pk, "actor": clerk.pk})  # fmt: skip
    job.input.save("import.csv", ContentFile(csv_file(GOOD)), save=False)
    job.save()
    admin.post(f"/accounts/users/{clerk.pk}/role/", {"role": "readonly"})
    queue.run(job.pk)
    job.refresh_from_db()
    assert READ_ONLY in job.result["refused"]
    assert not Product.objects.exists()


def test_keys_are_made_and_revoked_by_a_service_that_checks_the_role(
    admin: Client, member_user: User, member: Member, other_user: User
) -> None:
    from hall.accounts.keys import member_key_issue, member_key_revoke
    from hall.core.errors import Forbidden, NotFound

    reader, _client = _joined(admin, "13700000012", MemberRole.READ_ONLY)
    with pytest.raises(Forbidden):
        member_key_issue(actor=reader, name="ERP")
    key, _secret = member_key_issue(actor=member_user, name="ERP")
    with pytest.raises(Forbidden):
        member_key_revoke(actor=reader, key_id=key.pk)
    with pytest.raises(NotFound):  # another member's administrator
        member_key_revoke(actor=other_user, key_id=key.pk)
    key.refresh_from_db()
    assert key.revoked_at is None
    member_key_revoke(actor=member_user, key_id=key.pk)
    key.refresh_from_db()
    assert key.revoked_at is not None
