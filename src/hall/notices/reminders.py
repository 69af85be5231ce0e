"""The renewal window: the membership calendar (hall.members.lifecycle) finds a member due for
its 90-, 30- or 7-day reminder, and every account of the member is told here."""

from __future__ import annotations

from django.urls import reverse

from hall.members.models import Member
from hall.notices.services import Sms, tell_all


def renewal_due(member: Member, told: dict[str, object], key: str) -> None:
    """Tell the member's accounts that its certificate expires on ``told["until"]``, once per
    reminder (``key``: the expiry and the reminder's days)."""
    tell_all(member.users.all(), event_name="renewal", params=told,
             link=reverse("applications:renewal_start"), key=key,
             sms_message=Sms("renewal_reminder", told))  # fmt: skip
