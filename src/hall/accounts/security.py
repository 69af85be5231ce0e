"""The audit log (with the client address of :mod:`hall.core.clients`)."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from hall.accounts.models import SecurityEvent, User
from hall.core.clients import client_address, client_network

__all__ = ["client_address", "record"]
logger = logging.getLogger("hall.security")


def record(
    kind: SecurityEvent.Kind,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    mobile: str = "",
    detail: str = "",
) -> None:
    """Write one audit-log row (and a log line)."""
    address = client_address(request) if request is not None else None
    SecurityEvent.objects.create(
        kind=kind,
        user=user,
        mobile=mobile or (user.mobile if user else ""),
        client_address=address,
        client_network=client_network(address) if address else "",
        detail=detail[:200],
    )
    logger.info(
        "%s mobile=%s address=%s %s", kind, mobile or (user and user.mobile), address, detail
    )


def sessions_clear(today: date) -> None:
    """The expired sessions (Django keeps them until asked)."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
