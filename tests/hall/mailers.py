"""Mail backends for the tests of sending (named by dotted path in ``EMAIL_BACKEND``, as an
operator may name any backend): a server down for a moment, and one that refuses the address.
Each counts its tries in ``TRIES``; what gets through lands in Django's locmem outbox."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as Outbox

TRIES: list[str] = []


class DownTwice(Outbox):
    """Refuses the connection twice, then delivers."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        TRIES.append("down-twice")
        if len(TRIES) <= 2:
            raise ConnectionRefusedError("the mail server is restarting")
        sent: int = super().send_messages(messages)
        return sent


class RefusesTheAddress(Outbox):
    """The server says the mailbox does not exist."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        TRIES.append("refused")
        recipients: dict[str, Any] = {m.to[0]: (550, b"no such mailbox") for m in messages}
        raise smtplib.SMTPRecipientsRefused(recipients)
