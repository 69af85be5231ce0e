"""The one table of transitions: every allowed move works, every other is refused; a stale
form, a missing reason, the wrong role or region are refused without leaking anything."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.workflow import (
    NotFound,
    WorkflowError,
    application_transition,
)
from hall.members.models import Member
from tests.hall.steps import fulfil

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def people(member_user: User, other_user: User) -> dict[str, User]:
    member = member_user.member
    other = other_user.member
    assert member is not None
    assert other is not None
    return {
        "member": member_user,
        "other_member": other_user,
        "branch": User.objects.create_user("13900000010", "x", role=User.Role.BRANCH,
                                           branch=member.branch),
        "other_branch": User.objects.create_user("13900000011", "x", role=User.Role.BRANCH,
                                                 branch=other.branch),
        "center": User.objects.create_user("13900000012", "x", role=User.Role.CENTER),
    }  # fmt: skip


def _application(user: User, status: str) -> Application:
    member = user.member
    assert member is not None
    return Application.objects.create(
        kind=Application.Kind.CHANGE,
        member=member,
        applicant=user,
        branch=member.branch,
        status=status,
    )


def test_wrong_role_region_or_member_sees_nothing(people: dict[str, User]) -> None:
    application = _application(people["member"], Status.BRANCH_REVIEW)
    for who, action in [
        ("other_branch", "branch_approve"),
        ("member", "branch_approve"),
        ("other_member", "resubmit"),
        ("center", "branch_approve"),
    ]:
        with pytest.raises(NotFound, match="申请不存在"):
            application_transition(
                application_id=application.pk,
                action=action,
                actor=people[who],
                version=application.version,
            )
    with pytest.raises(NotFound):
        application_transition(
            application_id=99999, action="branch_approve", actor=people["branch"], version=1
        )


def test_stale_forms_missing_reasons_and_unknown_actions(people: dict[str, User]) -> None:
    application = _application(people["member"], Status.BRANCH_REVIEW)
    with pytest.raises(WorkflowError, match="刷新页面"):
        application_transition(
            application_id=application.pk,
            action="branch_approve",
            actor=people["branch"],
            version=application.version - 1,
        )
    with pytest.raises(WorkflowError, match="原因"):
        application_transition(
            application_id=application.pk,
            action="branch_return",
            actor=people["branch"],
            version=application.version,
            reason="  ",
        )
    with pytest.raises(WorkflowError, match="未知的操作"):
        application_transition(
            application_id=application.pk,
            action="approve_everything",
            actor=people["center"],
            version=application.version,
        )


def test_branch_due_date_counts_official_holidays(people: dict[str, User]) -> None:
    from django.core.management import call_command

    call_command("calendar_update", first=2026, last=2026, stdout=open("/dev/null", "w"))  # noqa: SIM115
    application = _application(people["member"], Status.PAYMENT)
    application.kind = Application.Kind.RENEWAL  # a paid kind: its order is paid
    application.save(update_fields=["kind"])
    fulfil(application)
    # Paid on Wednesday 30 September 2026: National Day runs 1-7 October (8th is a workday).
    moved = application_transition(
        application_id=application.pk,
        action="payment_received",
        actor=people["branch"],
        version=application.version,
        today=date(2026, 9, 30),
    )
    assert moved.branch_due == date(2026, 10, 13)


def test_a_year_without_the_official_schedule_is_assumed_monday_to_friday(db: None) -> None:
    from hall.applications.workdays import add_working_days

    due = add_working_days(date(2027, 3, 5), 5)  # Friday -> the next Friday
    assert (due.day, due.assumed) == (date(2027, 3, 12), True)


def test_one_open_application_of_a_kind_per_member(people: dict[str, User]) -> None:
    from django.db import IntegrityError, transaction

    _application(people["member"], Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(people["member"], Status.PAYMENT)
    _application(people["member"], Status.APPROVED)  # a closed one does not count


def test_renewal_window_and_two_more_years(people: dict[str, User], member: Member) -> None:
    from hall.applications.renewal import renewal_start, renewal_window

    user = people["member"]
    window = renewal_window(member)
    with pytest.raises(WorkflowError, match="有效期届满前三个月内"):
        renewal_start(user=user, today=window.opens - timedelta(days=1))
    application = renewal_start(user=user, today=window.opens)
    assert application.data["archive_index"] == member.archive_index
    assert application.data["prefixes"] == [{"prefix": "69212345", "kind": "ean"}]
    with pytest.raises(WorkflowError, match="未办结"):
        renewal_start(user=user, today=window.opens)
    old_expiry = member.valid_until
    fulfil(application)
    for action, actor in [
        ("submit", user),
        ("materials_done", user),
        ("payment_received", people["branch"]),
        ("branch_approve", people["branch"]),
        ("center_approve", people["center"]),
    ]:
        application = application_transition(
            application_id=application.pk, action=action, actor=actor, version=application.version
        )
    member.refresh_from_db()
    assert member.valid_from == old_expiry
    assert member.valid_until == old_expiry.replace(year=old_expiry.year + 2)
    assert application.events.count() == 5


def test_renewal_by_code_renews_each_chosen_code_on_its_own(
    people: dict[str, User], member: Member
) -> None:
    from hall.applications.fees import renewal_fee_fen
    from hall.applications.renewal import renewal_start, renewal_window
    from hall.members.models import CompanyPrefix

    merged = CompanyPrefix.objects.create(
        member=member, prefix="69355555", allocated_on=member.valid_from
    )
    user = people["member"]
    application = renewal_start(user=user, today=renewal_window(member).opens)
    fulfil(application, renewal_type="by_code", codes=["69355555"])
    assert renewal_fee_fen(member, codes=1) == renewal_fee_fen(member)
    assert renewal_fee_fen(member, codes=2) == 2 * renewal_fee_fen(member)
    old = member.valid_until
    for action, actor in [
        ("submit", user),
        ("materials_done", user),
        ("payment_received", people["branch"]),
        ("branch_approve", people["branch"]),
        ("center_approve", people["center"]),
    ]:
        application = application_transition(
            application_id=application.pk, action=action, actor=actor, version=application.version
        )
    merged.refresh_from_db()
    member.refresh_from_db()
    assert merged.valid_until == old.replace(year=old.year + 2)
    assert CompanyPrefix.objects.get(prefix="69212345").valid_until == old  # not renewed
    assert member.valid_until == old.replace(year=old.year + 2)


def test_a_code_renewed_on_its_own_lapses_on_its_own_date(member: Member) -> None:
    from django.test import override_settings

    from hall.members.lifecycle import membership_calendar
    from hall.members.models import CompanyPrefix

    CompanyPrefix.objects.filter(prefix="69212345").update(valid_until=date(2026, 1, 1))
    with override_settings(MEMBERSHIP_GRACE_DAYS=10):
        membership_calendar(date(2026, 1, 12))
    assert CompanyPrefix.objects.get(prefix="69212345").retired_on == date(2026, 1, 12)
