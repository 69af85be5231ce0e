"""Every action at every status for every kind (issue 19): the workflow refuses in the service
whatever its pages would have refused, so a hand-made post cannot skip a step.

Two kinds of application per kind: a complete one (step 1 valid, the business licence uploaded,
the fee paid where the kind is paid for), where exactly the table's moves for that kind pass;
and a bare one (nothing filled, uploaded or paid), where every guarded action is refused with
nothing written.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from hall.accounts.models import User
from hall.applications.models import Application, ApplicationEvent
from hall.applications.workflow import ALLOWED_TRANSITIONS, WorkflowError, application_transition
from hall.members.models import PrefixPool
from tests.hall.steps import VALID_DATA, add_licence, pay

pytestmark = pytest.mark.django_db
#: What the domain says, written here and not read from the kinds' descriptors, so that a
#: descriptor that gets a kind's payment or reviewer wrong fails this test: registration and
#: renewal are paid (domain.md §5); the branch alone decides a request about an account.
PAID_KINDS = frozenset({Application.Kind.REGISTRATION, Application.Kind.RENEWAL})
BRANCH_FINAL_KINDS = frozenset({Application.Kind.ACTIVATION, Application.Kind.MOBILE_CHANGE})
Kind, Status = Application.Kind, Application.Status


@pytest.fixture
def people(member_user: User, fresh_user: User) -> dict[str, User]:
    member = member_user.member
    assert member is not None
    PrefixPool.objects.create(block="692", length=8)  # where an approved registration's comes from
    return {
        "member": member_user,
        "stranger": fresh_user,
        "branch": User.objects.create_user("13900000010", "x", role=User.Role.BRANCH,
                                           branch=member.branch),
        "center": User.objects.create_user("13900000012", "x", role=User.Role.CENTER),
    }  # fmt: skip


def _applicant(kind: str, people: dict[str, User]) -> User:
    """Registration and activation are filed by an account that is no member's yet."""
    return people["stranger"] if kind in (Kind.REGISTRATION, Kind.ACTIVATION) else people["member"]


def _application(kind: str, status: str, people: dict[str, User], complete: bool) -> Application:
    applicant, member = _applicant(kind, people), people["member"].member
    assert member is not None
    application = Application.objects.create(
        kind=kind, status=status, applicant=applicant, branch=member.branch,
        member=None if kind == Kind.REGISTRATION else member,
        data=VALID_DATA[kind] if complete else {},
    )  # fmt: skip
    if complete:
        add_licence(application)
        if kind in PAID_KINDS:
            pay(application)
    return application


def _actor(action: str, kind: str, people: dict[str, User]) -> User:
    roles = ALLOWED_TRANSITIONS[action].roles
    if User.Role.MEMBER in roles:
        return _applicant(kind, people)
    return people["branch"] if User.Role.BRANCH in roles else people["center"]


def _fits_kind(action: str, kind: str) -> bool:
    """The moves the table has for this kind: paid kinds pay, the branch alone decides an
    activation and the center decides everything else."""
    if action in ("materials_done", "payment_received"):
        return kind in PAID_KINDS
    if action == "materials_done_free":
        return kind not in PAID_KINDS
    if action == "branch_grant":
        return kind in BRANCH_FINAL_KINDS
    if action == "branch_approve" or action.startswith("center_"):
        return kind not in BRANCH_FINAL_KINDS
    return True


def _attempt(application: Application, action: str, actor: User) -> str | None:
    """Try the action in a savepoint that is always rolled back; None if it passed, or the
    refusal. What it wrote is checked before the rollback."""
    rule = ALLOWED_TRANSITIONS[action]
    data = {"upc_prefix": "0123456"} if application.kind == Kind.UPC else None
    events = ApplicationEvent.objects.count()
    try:
        with transaction.atomic():
            moved = application_transition(
                application_id=application.pk, action=action, actor=actor,
                version=application.version, reason="原因" if rule.needs_reason else "",
                data=data, today=date.today() + timedelta(days=1),
            )  # fmt: skip
            assert (moved.status, moved.version) == (rule.target, application.version + 1)
            event = ApplicationEvent.objects.order_by("-id")[0]
            assert ApplicationEvent.objects.count() == events + 1
            assert (event.old_status, event.new_status, event.actor, event.reason) == (
                application.status,
                rule.target,
                actor,
                "原因" if rule.needs_reason else "",
            )
            raise _RolledBack
    except _RolledBack:
        return None
    except WorkflowError as error:
        application.refresh_from_db()
        assert ApplicationEvent.objects.count() == events  # nothing written
        return str(error)


def _close(application: Application) -> None:
    """Out of the way of the next (one open registration or request per applicant)."""
    Application.objects.filter(pk=application.pk).update(status=Status.WITHDRAWN)


class _RolledBack(Exception):
    pass


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_action_at_every_status_for_every_kind(kind: str, people: dict[str, User]) -> None:
    passed, expected = set(), set()
    for status in Status.values:
        application = _application(kind, status, people, complete=True)
        for action, rule in ALLOWED_TRANSITIONS.items():
            if status in rule.sources and _fits_kind(action, kind):
                expected.add((status, action))
            if _attempt(application, action, _actor(action, kind, people)) is None:
                passed.add((status, action))
        application.refresh_from_db()
        assert application.status == status
        _close(application)
    assert passed == expected


#: The actions that need nothing but their status and role.
UNGUARDED = {"withdraw", "branch_return", "center_return", "center_reject"}


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_a_bare_application_cannot_skip_a_step(kind: str, people: dict[str, User]) -> None:
    """Nothing filled in, no licence, no payment: only the unguarded moves pass."""
    for action, rule in ALLOWED_TRANSITIONS.items():
        if not _fits_kind(action, kind):
            continue
        for status in rule.sources:
            application = _application(kind, status, people, complete=False)
            refusal = _attempt(application, action, _actor(action, kind, people))
            assert (refusal is None) == (action in UNGUARDED), (status, action, refusal)
            _close(application)


def test_the_b2_post_is_refused_with_nothing_written(people: dict[str, User], client: Any) -> None:
    """The finding: ``action=materials_done_free`` posted for a registration at its materials
    step (no order, no licence) went straight to the branch. Now a message, and no move."""
    from tests.hall.conftest import log_in

    application = _application(Kind.REGISTRATION, Status.MATERIALS, people, complete=False)
    log_in(client, people["stranger"].mobile)
    response = client.post(f"/applications/{application.pk}/act/",
                           {"action": "materials_done_free", "version": application.version},
                           follow=True)  # fmt: skip
    assert "此类申请须先缴费" in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.MATERIALS, 1)
    assert not ApplicationEvent.objects.filter(application=application).exists()


def test_a_hand_posted_submit_of_a_renewal_draft_is_refused(people: dict[str, User],
                                                            client: Any) -> None:  # fmt: skip
    """Step 1's checks cannot be skipped by posting ``submit`` to the action URL."""
    from tests.hall.conftest import log_in

    member = people["member"].member
    assert member is not None
    application = Application.objects.create(kind=Kind.RENEWAL, applicant=people["member"],
                                             member=member, branch=member.branch,
                                             data={"renewal_type": "by_name"})  # fmt: skip
    log_in(client, people["member"].mobile)
    response = client.post(f"/applications/{application.pk}/act/",
                           {"action": "submit", "version": 1}, follow=True)  # fmt: skip
    assert "请先完整、正确地填写申请内容" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_reviewers_see_documents_and_payment(people: dict[str, User], client: Any) -> None:
    from tests.hall.conftest import log_in

    application = _application(Kind.RENEWAL, Status.BRANCH_REVIEW, people, complete=False)
    people["branch"].set_password("Secret2026pass")
    people["branch"].save()
    log_in(client, people["branch"].mobile)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "✘ 营业执照已上传" in page
    assert "✘ 费用已缴清" in page
