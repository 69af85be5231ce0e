"""What an application costs, from the fee schedule in force (``hall.fees.rules``)."""

from __future__ import annotations

from hall.fees.rules import RENEWAL_YEARS, registration_fen, renewal_fen
from hall.members.models import Member

__all__ = ["RENEWAL_YEARS", "registration_fee_fen", "renewal_fee_fen"]


def renewal_fee_fen(member: Member, *, codes: int = 0) -> int:
    """By company name one membership's two years; by code, that for each code renewed."""
    return renewal_fen(member.company_type, codes=codes)


def registration_fee_fen(company_type: str) -> int:
    """The joining fee and the first two years' maintenance."""
    return registration_fen(company_type)
