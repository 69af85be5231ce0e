"""The daily membership job: reminders once, expiry the day after, cancellation after grace."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from hall.accounts.models import User
from hall.members.lifecycle import membership_calendar
from hall.members.models import CompanyPrefix, Member, Notice
from hall.sms.models import SmsMessage

pytestmark = pytest.mark.django_db(transaction=True)


def test_reminders_90_30_7_days_before_and_only_once(member_user: User, member: Member) -> None:
    for days in (91, 90, 30, 7):
        today = member.valid_until - timedelta(days=days)
        first = membership_calendar(today)
        again = membership_calendar(today)
        assert first.reminded == ([] if days == 91 else [member.certificate_number])
        assert again.reminded == []
    assert Notice.objects.filter(member=member).count() == 3
    assert SmsMessage.objects.filter(mobile=member_user.mobile).count() == 3


@override_settings(MEMBERSHIP_GRACE_DAYS=30)
def test_expired_the_day_after_then_cancelled_with_prefixes_retired(member: Member) -> None:
    assert membership_calendar(member.valid_until).expired == []
    assert membership_calendar(member.valid_until + timedelta(days=1)).expired == [
        member.certificate_number
    ]
    member.refresh_from_db()
    assert member.status == Member.Status.EXPIRED
    assert membership_calendar(member.valid_until + timedelta(days=30)).cancelled == []
    late = member.valid_until + timedelta(days=31)
    assert membership_calendar(late).cancelled == [member.certificate_number]
    member.refresh_from_db()
    assert member.status == Member.Status.CANCELLED
    assert CompanyPrefix.objects.get(member=member).retired_on == late


def test_the_command(member: Member) -> None:
    out = StringIO()
    call_command(
        "membership_calendar", date=str(member.valid_until - timedelta(days=30)), stdout=out
    )
    assert "reminded 1" in out.getvalue()
    with pytest.raises(CommandError, match="not a date"):
        call_command("membership_calendar", date="tomorrow")
