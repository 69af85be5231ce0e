"""What an application costs: the kinds' fee rules, from the fee schedule in force
(``hall.fees.rules``), and the one question everything asks, :func:`application_fee_fen`.
The application's pages and its order both ask here; a kind's descriptor names its rule."""

from __future__ import annotations

from datetime import date

from hall.applications.descriptors import descriptor
from hall.applications.models import Application
from hall.fees.rules import RENEWAL_YEARS, NoSchedule, registration_fen, renewal_fen
from hall.members.models import Member

__all__ = [
    "RENEWAL_YEARS",
    "NoSchedule",
    "application_fee_fen",
    "registration_fee",
    "renewal_fee",
    "renewal_fee_fen",
]


def renewal_fee_fen(member: Member, *, codes: int = 0, day: date | None = None) -> int:
    """By company name one membership's two years; by code, that for each code renewed."""
    return renewal_fen(member.company_type, codes=codes, day=day)


def renewal_fee(application: Application, day: date | None = None) -> int | None:
    """The renewal's rule: two years of its member's maintenance, for each code renewed."""
    if application.member is None:
        return None
    codes = len(application.data.get("codes") or [])
    return renewal_fee_fen(application.member, codes=codes, day=day)


def registration_fee(application: Application, day: date | None = None) -> int | None:
    """The registration's rule: the joining fee and the first two years' maintenance of the
    company type filled in (None until it is)."""
    if "company_type" not in application.data:
        return None
    return registration_fen(str(application.data["company_type"]), day=day)


def application_fee_fen(application: Application, *, day: date | None = None) -> int | None:
    """The application's fee in fen by its kind's rule, from the schedule in force on ``day``
    (today), or None for a kind that costs nothing (or one whose rule cannot tell yet).
    Raises :class:`NoSchedule` when no schedule is in force for a paid kind."""
    rule = descriptor(application.kind).fee
    return rule(application, day) if rule else None
