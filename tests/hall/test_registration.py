"""Registration approval: a member with the next free prefix, a certificate number, an archive
index number and two years; 50 concurrent approvals never share a prefix."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connections

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.workflow import application_transition
from hall.members.models import BranchOffice, CompanyPrefix, Member, PrefixPool
from hall.members.numbering import PoolExhausted, prefix_allocate
from tests.hall.conftest import make_uscc
from tests.hall.steps import add_licence, pay

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 11, 21)


@pytest.fixture
def center(db: None) -> User:
    return User.objects.create_user("13900000099", "x", role=User.Role.CENTER)


def _registration(index: int, branch: BranchOffice) -> Application:
    applicant = User.objects.create_user(f"135{index:08d}", "x")
    data = {
        "name": f"示例企业{index}有限公司",
        "uscc": make_uscc(f"91330106MA{index:07d}"),
        "registered_address": "地址",
        "legal_representative": "法人",
        "contact": "联系人",
    }
    application = Application.objects.create(
        kind=Application.Kind.REGISTRATION,
        applicant=applicant,
        branch=branch,
        status=Application.Status.CENTER_REVIEW,
        data=data,
    )
    add_licence(application)
    pay(application)
    return application


def _approve(application: Application, center: User) -> Application:
    return application_transition(
        application_id=application.pk,
        action="center_approve",
        actor=center,
        version=application.version,
        today=TODAY,
    )


def test_an_approved_registration_becomes_a_member(center: User) -> None:
    branch = BranchOffice.objects.create(
        code="3301", name="浙江分中心", region="浙江", address="杭州"
    )
    PrefixPool.objects.create(block="692", length=8)
    CompanyPrefix.objects.create(
        member=Member.objects.create(
            name="旧成员",
            uscc=make_uscc("91330106MA9999999"),
            registered_address="a",
            legal_representative="b",
            contact="c",
            certificate_number="x1",
            archive_index="y1",
            branch=branch,
            valid_from=TODAY,
            valid_until=date(2027, 1, 1),
        ),
        prefix="69200000",
        allocated_on=TODAY,
        retired_on=TODAY,
    )  # a cancelled member's prefix: never given again
    application = _approve(_registration(1, branch), center)
    member = application.member
    assert member is not None
    assert member.prefixes.get().prefix == "69200001"
    assert member.certificate_number == "物编注字第000001号"
    assert member.archive_index == "2026000001"
    assert (member.valid_from, member.valid_until) == (TODAY, date(2028, 11, 21))
    applicant = User.objects.get(pk=application.applicant_id)
    assert (applicant.member, applicant.member_admin) == (member, True)  # its first account


def test_an_exhausted_pool_says_so(db: None) -> None:
    branch = BranchOffice.objects.create(code="3301", name="浙江", region="浙江", address="杭州")
    PrefixPool.objects.create(block="6929999", length=8, next_number=10)
    member = Member.objects.create(
        name="m",
        uscc=make_uscc("91330106MA0000001"),
        registered_address="a",
        legal_representative="b",
        contact="c",
        certificate_number="c1",
        archive_index="a1",
        branch=branch,
        valid_from=TODAY,
        valid_until=date(2028, 1, 1),
    )
    with pytest.raises(PoolExhausted, match="已无可分配的代码"):
        prefix_allocate(member=member, block="6929999", length=8, today=TODAY)


def test_fifty_concurrent_approvals_never_share_a_prefix(center: User) -> None:
    branch = BranchOffice.objects.create(
        code="3301", name="浙江分中心", region="浙江", address="杭州"
    )
    PrefixPool.objects.create(block="692", length=8)
    applications = [_registration(index, branch) for index in range(50)]
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def approve_some(chunk: list[Application]) -> None:
        try:
            start.wait()
            for application in chunk:
                _approve(application, center)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve_some, args=(applications[i::10],)) for i in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prefixes = list(CompanyPrefix.objects.values_list("prefix", flat=True))
    assert len(prefixes) == len(set(prefixes)) == 50
    assert sorted(prefixes) == [f"692{n:05d}" for n in range(50)]
    assert Member.objects.values("certificate_number").distinct().count() == 50


def test_a_double_submitted_registration_makes_one_application(db: None) -> None:
    from hall.applications.registration import registration_submit
    from hall.applications.workflow import WorkflowError

    BranchOffice.objects.create(code="3301", name="浙江分中心", region="浙江", address="杭州")
    user = User.objects.create_user("13500000077", "x")
    data = {
        "name": "双击有限公司",
        "uscc": make_uscc("91330106MA0000077"),
        "branch": "3301",
        "registered_address": "a",
        "legal_representative": "b",
        "contact": "c",
        "mobile": "13500000077",
        "company_type": "single",
    }
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def submit() -> None:
        try:
            start.wait()
            registration_submit(user=user, data=data)
            outcomes.append("made")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "已有一项未办结的注册申请"]
    assert Application.objects.count() == 1


def test_a_prefix_overlapping_one_of_another_length_is_skipped(db: None) -> None:
    """A pool whose numbers meet prefixes of another length (an imported member's 7-digit
    6920000, a longer 692000105) never gives a prefix inside or around them."""
    branch = BranchOffice.objects.create(code="3301", name="浙江", region="浙江", address="杭州")
    PrefixPool.objects.create(block="692", length=8, next_number=0)

    def company(n: int) -> Member:
        return Member.objects.create(
            name=f"m{n}", uscc=make_uscc(f"91330106MA000000{n}"), registered_address="a",
            legal_representative="b", contact="c", certificate_number=f"c{n}",
            archive_index=f"a{n}", branch=branch, valid_from=TODAY, valid_until=date(2028, 1, 1),
        )  # fmt: skip

    old = company(1)
    for held in ("6920000", "692000105"):  # holds 69200000-69200009; is inside 69200010
        CompanyPrefix.objects.create(member=old, prefix=held, allocated_on=TODAY)
    given = prefix_allocate(member=company(2), block="692", length=8, today=TODAY)
    assert given.prefix == "69200011"
