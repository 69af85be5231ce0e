"""The demo's notices (``python -m hall demo`` calls :func:`seed`): the demo member's
administrator has a confirmed e-mail address — so that a development hall's mail lands in
``var/mail`` — and a read and an unread notice in its notification center."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from hall.accounts.models import User
from hall.notices.events import event
from hall.notices.models import Notice
from hall.notices.services import msgid

#: The demo member's administrator (the demo command's first login) and its address.
MOBILE, EMAIL = "13800000001", "member@example.com"


def seed(out: TextIO) -> list[str]:
    """Give the demo member's administrator its address and notices (again: nothing doubled);
    the lines to print."""
    user = User.objects.filter(mobile=MOBILE).select_related("member").first()
    if user is None or user.member is None:
        return []
    member = user.member
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(email=EMAIL, email_confirmed=True)
        registration = user.applications.filter(kind="registration").first()
        if registration is not None:
            _notice(user, "demo-approved", "approved", read=True,
                    params={"kind": _label(registration, "kind"), "number": registration.pk,
                            "status": _label(registration, "status"), "reason": ""},
                    link=reverse("applications:detail", args=[registration.pk]))  # fmt: skip
        _notice(user, "demo-renewal", "renewal", read=False,
                params={"name": member.name, "number": member.certificate_number,
                        "until": member.valid_until},
                link=reverse("applications:renewal_start"))  # fmt: skip
    out.write(f"demo notices: {MOBILE} has 2 (1 unread) and the confirmed address {EMAIL}\n")
    return [f"  e-mail of {MOBILE}: {EMAIL} (confirmed; development mail is written to var/mail)"]


def _label(row: Model, field: str) -> str:
    """The msgid of a choice field's value (the notices keep msgids, drawn in each reader's
    language)."""
    return msgid(dict(row._meta.get_field(field).flatchoices)[getattr(row, field)])  # type: ignore[union-attr]


def _notice(user: User, key: str, name: str, *, read: bool, params: dict[str, object],
            link: str) -> None:  # fmt: skip
    Notice.objects.update_or_create(
        recipient=user, key=key,
        defaults={"event": name, "params": event(name).check(params), "link": link,
                  "read_at": timezone.now() if read else None},
    )  # fmt: skip
