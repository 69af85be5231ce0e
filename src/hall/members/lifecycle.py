"""The calendar of a membership (domain.md §3): reminders 90, 30 and 7 days before expiry, the
membership expired the day after, cancelled when the grace for a late renewal has passed, its
prefixes retired for good. Run daily: ``python -m hall membership_calendar``.

Our reading of "not renewed by expiry → cancelled": the center allows ``MEMBERSHIP_GRACE_DAYS``
(90 by default, a setting) for a late renewal before it cancels; set it to 0 for the letter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from hall.members.models import CompanyPrefix, Member, Notice
from hall.sms import services as sms

REMINDER_DAYS = (90, 30, 7)
#: Who tells the member's accounts that a reminder is due, with its words' parameters (name,
#: number, until) and the reminder's key: hall.notices, above this app, registers itself here
#: (NoticesConfig.ready). The member's contact mobile, when no account has it, is sent the SMS
#: from here.
REMINDED: list[Callable[[Member, dict[str, object], str], None]] = []


@dataclass
class Report:
    reminded: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)


def membership_calendar(today: date) -> Report:
    """Do today's reminders, expiries and cancellations; safe to run more than once a day."""
    report = Report()
    for days in REMINDER_DAYS:
        for member in Member.objects.filter(status=Member.Status.ACTIVE,
                                            valid_until=today + timedelta(days=days)):  # fmt: skip
            if _remind(member, days):
                report.reminded.append(member.certificate_number)
    with transaction.atomic():
        lapsed = Member.objects.select_for_update().filter(status=Member.Status.ACTIVE,
                                                           valid_until__lt=today)  # fmt: skip
        report.expired = [m.certificate_number for m in lapsed]
        lapsed.update(status=Member.Status.EXPIRED)
    grace = timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    # A code renewed on its own (按码续展) lapses on its own date, after the same grace.
    CompanyPrefix.objects.filter(retired_on__isnull=True, valid_until__lt=today - grace).update(
        retired_on=today
    )
    for member in Member.objects.filter(status=Member.Status.EXPIRED,
                                        valid_until__lt=today - grace):  # fmt: skip
        member_cancel(member=member, today=today)
        report.cancelled.append(member.certificate_number)
    return report


def _remind(member: Member, days: int) -> bool:
    told = {"name": member.name, "number": member.certificate_number,
            "until": member.valid_until}  # fmt: skip
    text = sms.render("renewal_reminder", **told)
    try:
        with transaction.atomic():
            key = f"renewal-{member.valid_until}-{days}"
            Notice.objects.create(member=member, key=key, text=text)
            for tell in REMINDED:
                tell(member, told, key)
            if member.mobile not in {user.mobile for user in member.users.all()}:
                sms.notify(member.mobile, "renewal_reminder", **told)
    except IntegrityError:  # already reminded today
        return False
    return True


def member_cancel(*, member: Member, today: date) -> None:
    """End the membership; its prefixes are retired, never to be allocated again."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(status=Member.Status.CANCELLED)
        CompanyPrefix.objects.filter(member=member, retired_on__isnull=True).update(
            retired_on=today
        )
