"""Registration (注册): on the center's approval the company becomes a member with the next free
prefix of its pool, a certificate number, an archive index number and two years' validity."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.renewal import VALIDITY_YEARS, add_years
from hall.applications.workflow import ON_APPROVAL
from hall.members.models import Member
from hall.members.numbering import archive_index, certificate_number, prefix_allocate

#: The member fields a registration form carries (domain.md §3.1).
MEMBER_FIELDS = (
    "name", "name_en", "uscc", "company_type", "registered_address", "office_address",
    "postcode", "registered_capital", "legal_representative", "legal_representative_phone",
    "contact", "contact_phone", "mobile", "fax", "email", "website", "economic_type_code",
    "industry_code", "division_code", "estimated_products",
)  # fmt: skip


def _approve_registration(application: Application, today: date) -> None:
    fields = {name: application.data[name] for name in MEMBER_FIELDS if name in application.data}
    member = Member(**fields, branch=application.branch, certificate_number=certificate_number(),
                    archive_index=archive_index(today), valid_from=today,
                    valid_until=add_years(today, VALIDITY_YEARS))  # fmt: skip
    member.full_clean()
    member.save()
    block, length = application.data.get("pool", settings.REGISTRATION_POOL)
    prefix_allocate(member=member, block=block, length=length, today=today)
    application.member = member
    application.save(update_fields=["member"])
    User.objects.filter(pk=application.applicant_id, member__isnull=True).update(member=member)


ON_APPROVAL[Application.Kind.REGISTRATION] = _approve_registration
