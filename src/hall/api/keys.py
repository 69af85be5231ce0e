"""Who is asking: the API key in ``X-API-Key`` (a retailer's raises the lookup limits, a
member's opens the member endpoints), and what the request costs of its minute's limit."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader

from hall.accounts.models import ApiKey, digest
from hall.core import limits
from hall.core.errors import Unauthorised
from hall.members.models import Member

#: "Last used" is written at most this often, not on every request of a busy key.
LAST_USED_SECONDS = 60


def live_key(secret: str) -> ApiKey | None:
    """The key whose secret this is, unless revoked; its "last used" brought up to date."""
    found = ApiKey.objects.filter(digest=digest(secret), revoked_at__isnull=True).first()
    now = timezone.now()
    last = found.last_used_at if found is not None else None
    if found is not None and (last is None or (now - last).total_seconds() > LAST_USED_SECONDS):
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


class AnyKeyAuth(APIKeyHeader):
    """Any live key: a retailer's or a member's."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return live_key(key) if key else None


class MemberKeyAuth(AnyKeyAuth):
    """A member's key."""

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        found = super().authenticate(request, key)
        return found if found is not None and found.member_id is not None else None


any_key = AnyKeyAuth()
member_key = MemberKeyAuth()


def spend(request: HttpRequest, cost: int = 1) -> None:
    """Count the request against its key's limit, or its client address's."""
    secret = request.headers.get("X-API-Key")
    if secret:
        # An endpoint behind a key has found it already.
        known = getattr(request, "auth", None)
        key = known if isinstance(known, ApiKey) else live_key(secret)
        if key is None:
            raise Unauthorised(_("API 密钥无效或已停用"))
        verdict = limits.for_key(key.pk, key.per_minute or limits.key_limit(), cost)
    else:
        verdict = limits.for_address(request, cost)
    if not verdict.allowed:
        raise limits.refusal(verdict)


def key_of(request: HttpRequest) -> ApiKey:
    """The key an endpoint behind :data:`any_key` or :data:`member_key` was called with."""
    key = getattr(request, "auth", None)
    assert isinstance(key, ApiKey)
    return key


def member_of(request: HttpRequest) -> Member:
    """The member whose key called a member endpoint; the request counted against the key."""
    key = key_of(request)
    assert key.member is not None
    spend(request)
    return key.member
