"""What an application costs: the one fee rule of the hall, from the fee schedule in force
(``hall.fees.rules``). The application's pages and its order both ask here."""

from __future__ import annotations

from hall.applications.models import Application
from hall.fees.rules import RENEWAL_YEARS, NoSchedule, registration_fen, renewal_fen
from hall.members.models import Member

__all__ = ["RENEWAL_YEARS", "NoSchedule", "application_fee_fen", "renewal_fee_fen"]


def renewal_fee_fen(member: Member, *, codes: int = 0) -> int:
    """By company name one membership's two years; by code, that for each code renewed."""
    return renewal_fen(member.company_type, codes=codes)


def application_fee_fen(application: Application) -> int | None:
    """The application's fee in fen, or None for a kind that costs nothing (or a registration
    whose company type is not filled in yet). Raises :class:`NoSchedule` when no schedule is
    in force for a paid kind."""
    if application.kind == Application.Kind.RENEWAL and application.member:
        return renewal_fee_fen(application.member, codes=len(application.data.get("codes") or []))
    if application.kind == Application.Kind.REGISTRATION and "company_type" in application.data:
        return registration_fen(str(application.data["company_type"]))
    return None
