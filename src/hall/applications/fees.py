"""The renewal fee shown in step 1 (domain.md §5): two years of the yearly maintenance fee by
company type, in fen. The schedules become data with effective dates in the payments issue;
until then this is the current schedule, and no amount is ever typed by hand."""

from __future__ import annotations

from hall.members.models import Member

#: Yearly maintenance in yuan (domain.md §5, the schedule after the 2020-2022 reduction).
YEARLY_MAINTENANCE_YUAN = {
    Member.CompanyType.SINGLE: 640,
    Member.CompanyType.GROUP: 1200,
    Member.CompanyType.IMPORT_EXPORT: 1200,
}
RENEWAL_YEARS = 2


def renewal_fee_fen(member: Member, *, codes: int = 0) -> int:
    """By company name one membership's fee; by code (a merged company's several codes, each
    from a former membership) that fee for each code renewed."""
    one = YEARLY_MAINTENANCE_YUAN[Member.CompanyType(member.company_type)] * RENEWAL_YEARS * 100
    return one * max(codes, 1)
