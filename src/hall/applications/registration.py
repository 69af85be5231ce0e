"""Registration (注册): on the center's approval the company becomes a member with the next free
prefix of its pool, a certificate number, an archive index number and two years' validity."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts.models import MemberRole, User
from hall.applications.models import Application
from hall.applications.renewal import VALIDITY_YEARS, add_years
from hall.applications.workflow import WorkflowError, application_transition
from hall.members.models import BranchOffice, Member
from hall.members.numbering import (
    archive_index,
    certificate_number,
    gds_card_number,
    prefix_allocate,
)

#: The member fields a registration form carries (domain.md §3.1).
MEMBER_FIELDS = (
    "name", "name_en", "uscc", "company_type", "registered_address", "office_address",
    "postcode", "registered_capital", "legal_representative", "legal_representative_phone",
    "contact", "contact_phone", "mobile", "fax", "email", "website", "economic_type_code",
    "industry_code", "division_code", "estimated_products",
)  # fmt: skip


def registration_submit(*, user: User, data: dict[str, Any]) -> Application:
    """A company's registration: created and submitted at once (step 1 done)."""
    if user.member_id is not None or user.role != User.Role.MEMBER:
        raise WorkflowError(_("此账号已是系统成员的账号，无需注册"))
    branch = BranchOffice.objects.get(code=data["branch"])
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=Application.Kind.REGISTRATION, applicant=user, branch=branch, data=data
            )
    except IntegrityError:
        raise WorkflowError(_("已有一项未办结的注册申请")) from None
    return application_transition(
        application_id=application.pk, action="submit", actor=user, version=application.version
    )


def approve_registration(application: Application, today: date) -> None:
    applicant = application.applicant
    if applicant.role != User.Role.MEMBER or applicant.member_id is not None:
        # Its account became another's meanwhile (a printing company's, another member's):
        # it cannot also be the new member's administrator.
        raise WorkflowError(_("申请人的账号已不能代表新企业（已是其他企业或印刷企业的账号）："
                              "请退回，由企业用新账号重新申请"))  # fmt: skip
    fields = {name: application.data[name] for name in MEMBER_FIELDS if name in application.data}
    member = Member(**fields, branch=application.branch, certificate_number=certificate_number(),
                    archive_index=archive_index(today), valid_from=today,
                    gds_card=gds_card_number(application.branch.code),
                    valid_until=add_years(today, VALIDITY_YEARS))  # fmt: skip
    try:
        member.full_clean()
    except ValidationError as error:  # e.g. the same company registered meanwhile
        raise WorkflowError(" ".join(error.messages)) from error
    member.save()
    block, length = application.data.get("pool", settings.REGISTRATION_POOL)
    prefix_allocate(member=member, block=block, length=length, today=today)
    application.member = member
    application.save(update_fields=["member"])
    # The applicant is the new member's first account, and so its administrator; it logs in
    # by the member's card number too (登录选择 GDS卡号).
    card = member.gds_card if not User.objects.filter(gds_card=member.gds_card).exists() else None
    User.objects.filter(pk=application.applicant_id, member__isnull=True).update(
        member=member, member_role=MemberRole.ADMIN, gds_card=card
    )
