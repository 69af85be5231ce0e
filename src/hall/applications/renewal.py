"""Renewal (续展, seed 000 §2): within the three months before expiry, two more years from the
old expiry (domain.md §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.applications.models import Application
from hall.applications.workflow import WorkflowError
from hall.members.models import Member

WINDOW_MONTHS = 3
VALIDITY_YEARS = 2


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover - day 28 exists in every month


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.opens <= day <= self.closes


def renewal_window(member: Member) -> Window:
    """The three months before expiry, the expiry day included."""
    return Window(_add_months(member.valid_until, -WINDOW_MONTHS), member.valid_until)


def renewal_start(*, user: User, today: date | None = None) -> Application:
    """Open a renewal for the user's member, pre-filled from the member's data (step 1)."""
    member = user.member
    if member is None:
        raise WorkflowError(_("账号尚未激活：请先用系统成员证书激活"))
    require_member_role(user)
    today = today or timezone.localdate()
    window = renewal_window(member)
    if today not in window:
        raise WorkflowError(_("续展办理时间为有效期届满前三个月内：%(opens)s 至 %(closes)s")
                            % {"opens": window.opens, "closes": window.closes})  # fmt: skip
    try:
        with transaction.atomic():
            return Application.objects.create(kind=Application.Kind.RENEWAL, member=member,
                                              applicant=user, branch=member.branch,
                                              data=prefilled(member, today))  # fmt: skip
    except IntegrityError:
        raise WorkflowError(_("已有一项未办结的续展申请")) from None


def prefilled(member: Member, today: date | None = None) -> dict[str, object]:
    """Step 1's fields from the member's data (seed 000 §2.1), each in the form the page's own
    rules accept, so that a member whose data is unchanged submits it as it stands."""
    area_code, phone = split_phone(member.contact_phone)
    return {
        "archive_index": member.archive_index, "renewal_type": "by_name",
        "legal_representative": member.legal_representative,
        "legal_representative_phone": member.legal_representative_phone,
        "mobile": member.mobile, "contact": member.contact, "area_code": area_code,
        "contact_phone": phone, "contact_mobile": member.mobile, "fax": member.fax,
        "email": member.email, "receive_mail": True, "website": member.website,
        "invoice_title": member.name, "taxpayer_number": member.uscc,
        "filled_on": (today or timezone.localdate()).isoformat(),
        "prefixes": [{"prefix": p.prefix, "kind": p.kind} for p in member.prefixes.all()],
        "codes": [],
    }  # fmt: skip


#: A landline as members' records hold it: the area code (010, 02x, or 0 and three digits),
#: then the number (7-8 digits) and an extension, with or without separators
#: ("0571-88888888", "(0571)8888888", "0571 88888888转12").
_LANDLINE = re.compile(
    r"^\(?(0(?:10|2\d|[3-9]\d\d))\)?[-\s]?(\d{7,8})(?:[-\s]?(?:转|-)\s*(\d{1,6}))?$"
)


def split_phone(text: str) -> tuple[str, str]:
    """(area code, number[-extension]) of a recorded landline; ("", text) when it is not one,
    for the member to correct (a number without its area code is kept as the number)."""
    compact = (text or "").strip()
    found = _LANDLINE.match(compact)
    if found is None:
        return "", compact
    area, number, extension = found.groups()
    return area, f"{number}-{extension}" if extension else number


def approve_renewal(application: Application, today: date) -> None:
    """By company name: the membership two more years from the old expiry, its codes with it.
    By code: each code chosen two more years from its own expiry; the membership lasts as long
    as its longest-lived code."""
    assert application.member_id is not None  # a renewal always has its member
    member = Member.objects.select_for_update().get(pk=application.member_id)
    codes = application.data.get("codes") or []
    prefixes = member.prefixes.filter(retired_on__isnull=True)
    if codes:
        # The codes not renewed keep the date they had: pinned before the member's moves.
        prefixes.exclude(prefix__in=codes).filter(valid_until__isnull=True).update(
            valid_until=member.valid_until
        )
        for prefix in prefixes.filter(prefix__in=codes):
            prefix.valid_until = add_years(prefix.valid_until or member.valid_until, VALIDITY_YEARS)
            prefix.save(update_fields=["valid_until"])
        longest = max(p.valid_until or member.valid_until for p in prefixes)
        member.valid_from, member.valid_until = member.valid_until, max(longest, member.valid_until)
    else:
        prefixes.update(valid_until=None)
        member.valid_from = member.valid_until
        member.valid_until = add_years(member.valid_until, VALIDITY_YEARS)
    member.status = Member.Status.ACTIVE
    member.save(update_fields=["valid_from", "valid_until", "status"])
