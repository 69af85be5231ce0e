"""``{% unread_notices %}``: the account's unread notices, for the header's link."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from hall.notices.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context: template.Context) -> int:
    """How many of the signed-in account's notices are unread (0 for a visitor)."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)
