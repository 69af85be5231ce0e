"""The admin pages staff fix things by hand with (issue 21): every registered page renders for a
center administrator, every model of the hall has a page or a stated reason not to, and what
would break the hall's invariants (a prefix's number, money, history) cannot be changed or
deleted there."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts import security
from hall.accounts.models import ApiKey, Invitation, SecurityEvent, User, digest
from hall.applications.models import Application, CalendarDay, CalendarYear
from hall.fees.models import FeeSchedule
from hall.jobs.models import Job, TaskRun
from hall.members.models import (
    CompanyPrefix,
    Ean8Code,
    Filing,
    Member,
    MemberVersion,
    Notice,
    PrefixPool,
)
from hall.members.numbering import next_in_sequence
from hall.payments.models import (
    Invoice,
    Notification,
    Order,
    ReconciliationRun,
    Refund,
    StrayPayment,
)
from hall.products.models import (
    GpcBrick,
    NumberBank,
    Product,
    ProductEvent,
    ProofCheck,
    Reservation,
)
from hall.sms.models import SmsCode, SmsMessage
from tests.hall.steps import add_licence, pay

pytestmark = pytest.mark.django_db

#: The hall's models without a page of their own, and why.
NOT_FOR_STAFF = {
    "applications.applicationevent": "shown read-only under its application",
    "applications.material": "shown read-only under its application",
    "products.productevent": "shown read-only under its product",
    "jobs.jobstep": "a job's committed chunks: the job's page shows its progress",
    "payments.sandboxpayment": "the sandbox gateway's own ledger (development only)",
    "payments.sandboxrefund": "the sandbox gateway's own ledger (development only)",
    "sms.smsthrottle": "when a number was last sent a code: nothing to fix",
}
HALL_APPS = {"members", "accounts", "fees", "applications", "payments", "products", "sms", "jobs"}


@pytest.fixture
def administrator(db: None) -> User:
    """The center's administrator as ``bootstrap`` makes it (its second factor passed)."""
    return User.objects.create_superuser("13800000000", "Center2027pass", name="管理员")


@pytest.fixture
def every_record(administrator: User) -> None:
    """At least one row of every model with an admin page: the demo's, and the rest."""
    call_command("demo", stdout=StringIO())
    today = timezone.localdate()
    member = Member.objects.get(certificate_number="物编注字第123456号")
    prefix = CompanyPrefix.objects.get(prefix="69212345")
    product = Product.objects.get(gtin="06921234500019")
    application = Application.objects.get(member=member, kind="registration")
    next_in_sequence("certificate")
    Notice.objects.create(member=member, key="renewal", text="请续展")
    MemberVersion.objects.create(member=member, data={"name": "旧名"}, changed={"name": "新名"})
    Ean8Code.objects.create(member=member, number="69012341", product="口香糖", allocated_on=today)
    Filing.objects.create(member=member, kind=Filing.Kind.FOREIGN_CODE, data={"gtin": "1"},
                          filed_on=today)  # fmt: skip
    security.record(SecurityEvent.Kind.LOGIN, user=administrator)
    Invitation.objects.create(member=member, mobile="13900000077",
                              invited_by=member.users.get(mobile="13800000001"),
                              expires_at=timezone.now() + timedelta(days=7))  # fmt: skip
    ApiKey.issue(name="ERP", member=member)
    add_licence(application)
    CalendarDay.objects.get_or_create(day=date(2026, 10, 1), defaults={"is_workday": False})
    CalendarYear.objects.get_or_create(year=2026, defaults={"source": "国务院办公厅通知"})
    # Money of an application of its own (the demo's registration has its paid order already).
    owner = member.users.get(mobile="13800000001")
    _money(Application.objects.create(kind="change", member=member, branch=member.branch,
                                      applicant=owner))  # fmt: skip
    ProductEvent.objects.create(product=product, actor=administrator, action="changed",
                                before={"name": "旧"}, after={"name": "新"})  # fmt: skip
    NumberBank.objects.create(prefix=prefix, next_item=3)
    GpcBrick.objects.create(code="10000232", title="Packaged Water", class_code="50202300",
                            class_title="Waters", family_code="50200000", family_title="Beverages",
                            segment_code="50000000", segment_title="Food/Beverage")  # fmt: skip
    Reservation.objects.create(member=member, prefix=prefix, first=100, last=199, note="饮料")
    ProofCheck.objects.create(product=product, image="proofs/a.png", report="proofs/a.pdf",
                              result="3.6/06/670", grade="3.6", letter="A", passed=True,
                              matches=True)  # fmt: skip
    SmsMessage.objects.create(mobile="13800000001", text="验证码 123456")
    SmsCode.objects.create(mobile="13800000001", purpose=SmsCode.Purpose.REGISTER,
                           code_hash="x", expires_at=timezone.now())  # fmt: skip
    Job.objects.create(name="products_import", owner=f"member:{member.pk}")
    TaskRun.objects.create(name="membership_calendar", day=today)
    Group.objects.create(name="审核员")


def _money(application: Application) -> None:
    pay(application)
    order = Order.objects.get(application=application)
    Notification.objects.create(gateway="sandbox", order_number=order.number, transaction="t1",
                                body={"paid": True}, outcome="paid")  # fmt: skip
    Invoice.objects.create(order=order, number="INV0001", title="杭州示例食品有限公司",
                           taxpayer_number="91330106MA27XK5Q0G", item="入网费",
                           amount_fen=order.amount_fen)  # fmt: skip
    Refund.objects.create(order=order, number="RF0001", amount_fen=100, reason="多付",
                          via="sandbox")  # fmt: skip
    StrayPayment.objects.create(order=order, gateway="sandbox", transaction="t2", amount_fen=100)
    ReconciliationRun.objects.create(day=timezone.localdate())


def _url(model: type[Model], view: str, *args: Any) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_every_page_renders_for_the_center_administrator(
    client: Client, administrator: User, every_record: None
) -> None:
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        listing = client.get(_url(model, "changelist"))
        assert listing.status_code == 200, name
        if model_admin.search_fields:  # each search path is a real lookup
            assert client.get(_url(model, "changelist"), {"q": "69"}).status_code == 200, name
        first = model._default_manager.first()
        if model._meta.app_label in HALL_APPS:
            assert first is not None, f"{name}: the fixture made no row to show"
        if first is not None:
            assert client.get(_url(model, "change", first.pk)).status_code == 200, name
        if model_admin.has_add_permission(listing.wsgi_request):
            assert client.get(_url(model, "add")).status_code == 200, name


def test_every_model_of_the_hall_has_a_page_or_a_reason(db: None) -> None:
    from django.apps import apps

    registered = {model._meta.label_lower for model in admin.site._registry}
    hall_models = {model._meta.label_lower for model in apps.get_models()
                   if model._meta.app_label in HALL_APPS}  # fmt: skip
    assert hall_models - registered == set(NOT_FOR_STAFF)
    assert not set(NOT_FOR_STAFF) & registered


def test_a_prefix_keeps_its_number_and_holder_and_a_member_is_never_deleted(
    client: Client, administrator: User, every_record: None
) -> None:
    client.force_login(administrator)
    prefix = CompanyPrefix.objects.get(prefix="69212345")
    other = Member.objects.get(certificate_number="物编注字第654321号")
    page = client.get(_url(CompanyPrefix, "change", prefix.pk)).content.decode()
    assert 'name="prefix"' not in page  # shown, not an input
    moved = {"prefix": "69200000", "member": other.pk, "valid_until": "2030-01-01"}
    answer = client.post(_url(CompanyPrefix, "change", prefix.pk), moved)
    assert answer.status_code == 302
    prefix.refresh_from_db()
    assert (prefix.prefix, prefix.member.certificate_number, prefix.valid_until) == (
        "69212345", "物编注字第123456号", date(2030, 1, 1))  # fmt: skip
    assert client.get(_url(CompanyPrefix, "add")).status_code == 403
    assert client.post(_url(CompanyPrefix, "delete", prefix.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url(Member, "delete", other.pk), {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=other.pk).exists()


def test_a_member_changed_by_hand_keeps_its_data_before_as_a_version(
    client: Client, administrator: User, every_record: None
) -> None:
    client.force_login(administrator)
    member = Member.objects.get(certificate_number="物编注字第654321号")
    page = client.get(_url(Member, "change", member.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"mobile": "13800000018", "prefixes-TOTAL_FORMS": "1",
                 "prefixes-INITIAL_FORMS": "1", "versions-TOTAL_FORMS": "0",
                 "versions-INITIAL_FORMS": "0"})  # fmt: skip
    data["prefixes-0-id"] = str(member.prefixes.get().pk)
    data["prefixes-0-member"] = str(member.pk)
    answer = client.post(_url(Member, "change", member.pk), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    member.refresh_from_db()
    assert member.mobile == "13800000018"
    version = MemberVersion.objects.get(member=member)
    assert (version.data, version.changed) == ({"mobile": "13800000008"},
                                               {"mobile": "13800000018"})  # fmt: skip


def test_the_money_is_read_only(client: Client, administrator: User, every_record: None) -> None:
    client.force_login(administrator)
    order = Order.objects.get(invoice__number="INV0001")  # the demo member's (every_record)
    assert client.get(_url(Order, "change", order.pk)).status_code == 200  # to look at
    changed = client.post(_url(Order, "change", order.pk), {"amount_fen": 1, "status": "pending"})
    assert changed.status_code == 403
    assert client.post(_url(Order, "delete", order.pk), {"post": "yes"}).status_code == 403
    order.refresh_from_db()
    assert (order.amount_fen, order.status) != (1, "pending")
    for model in (Refund, Invoice, Notification, Product, SmsMessage):
        row = model._default_manager.first()
        assert row is not None
        assert client.post(_url(model, "change", row.pk), {}).status_code == 403, model


def test_a_schedule_in_force_is_read_only_and_one_to_come_may_change(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)
    in_force = FeeSchedule.objects.filter(effective_from__lte=date.today()).first()
    assert in_force is not None
    page = client.get(_url(FeeSchedule, "change", in_force.pk)).content.decode()
    assert 'name="yearly_fen"' not in page
    assert client.post(_url(FeeSchedule, "delete", in_force.pk), {"post": "yes"}).status_code == 403
    later = FeeSchedule.objects.create(company_type="single", effective_from=date(2099, 1, 1),
                                       joining_fen=1, joining_with_ean8_fen=1,
                                       yearly_fen=1)  # fmt: skip
    page = client.get(_url(FeeSchedule, "change", later.pk)).content.decode()
    assert 'name="yearly_fen"' in page
    assert client.post(_url(FeeSchedule, "delete", later.pk), {"post": "yes"}).status_code == 302
    assert not FeeSchedule.objects.filter(pk=later.pk).exists()


def test_pools_are_added_and_keep_their_block(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    made = client.post(_url(PrefixPool, "add"), {"block": "693", "length": 8, "kind": "ean",
                                                 "next_number": 0})  # fmt: skip
    assert made.status_code == 302
    pool = PrefixPool.objects.get(block="693")
    client.post(_url(PrefixPool, "change", pool.pk), {"block": "694", "next_number": 7})
    pool.refresh_from_db()
    assert (pool.block, pool.next_number) == ("693", 7)
    assert client.post(_url(PrefixPool, "delete", pool.pk), {"post": "yes"}).status_code == 403


def test_an_api_key_issued_here_shows_its_secret_once_and_is_revoked_here(
    client: Client, administrator: User
) -> None:
    """A retailer's key: only staff issue one (a member makes its own on its pages)."""
    client.force_login(administrator)
    page = client.post(_url(ApiKey, "add"), {"name": "某连锁超市", "per_minute": 600})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    secret = text.split('<code id="api-secret">')[1].split("</code>")[0]
    key = ApiKey.objects.get(name="某连锁超市")
    assert (key.digest, key.member, key.per_minute, key.created_by) == (
        digest(secret), None, 600, administrator)  # fmt: skip
    assert secret not in client.get(_url(ApiKey, "change", key.pk)).content.decode()
    client.post(_url(ApiKey, "changelist"), {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post(_url(ApiKey, "delete", key.pk), {"post": "yes"}).status_code == 403


def test_a_lost_authenticator_is_reset_and_bound_again_at_the_next_login(
    client: Client, administrator: User, every_record: None
) -> None:
    client.force_login(administrator)
    reviewer = User.objects.get(mobile="13800000002")  # the demo's branch reviewer
    assert TOTPDevice.objects.filter(user=reviewer).exists()
    client.post(_url(User, "changelist"), {"action": "reset_second_factor",
                                           "_selected_action": [reviewer.pk]})  # fmt: skip
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert client.post(_url(User, "delete", reviewer.pk), {"post": "yes"}).status_code == 403
