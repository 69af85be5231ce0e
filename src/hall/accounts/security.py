"""The audit log and the client address it records."""

from __future__ import annotations

import logging

from django.http import HttpRequest

from hall.accounts.models import SecurityEvent, User

logger = logging.getLogger("hall.security")


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from (behind a proxy, set REMOTE_ADDR there)."""
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


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
        detail=detail[:200],
    )
    logger.info(
        "%s mobile=%s address=%s %s", kind, mobile or (user and user.mobile), address, detail
    )
