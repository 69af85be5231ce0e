"""Fees from the schedule in force on a day (domain.md §5): amounts are computed, never typed."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hall.core.errors import Unavailable
from hall.fees.models import FeeSchedule

RENEWAL_YEARS = 2


class NoSchedule(Unavailable):
    """No fee schedule is in force for that company type on that day."""

    code = "no_fee_schedule"


def schedule_on(company_type: str, day: date | None = None) -> FeeSchedule:
    day = day or timezone.localdate()
    schedule = (FeeSchedule.objects.filter(company_type=company_type, effective_from__lte=day)
                .order_by("-effective_from").first())  # fmt: skip
    if schedule is None:
        raise NoSchedule(_("%(day)s 没有适用的收费标准，请联系编码中心") % {"day": day})
    return schedule


def renewal_fen(company_type: str, *, codes: int = 0, day: date | None = None) -> int:
    """Two years' maintenance; by code, for each code renewed."""
    return schedule_on(company_type, day).yearly_fen * RENEWAL_YEARS * max(codes, 1)


def registration_fen(company_type: str, *, ean8: bool = False, day: date | None = None) -> int:
    """The joining fee (with EAN-8 if asked) and the first two years' maintenance."""
    schedule = schedule_on(company_type, day)
    joining = schedule.joining_with_ean8_fen if ean8 else schedule.joining_fen
    return joining + schedule.yearly_fen * RENEWAL_YEARS
