"""Text messages: what the outbox recorded, and the codes sent (their hashes never shown).
Both are read-only and cleared by the retention tasks, not by staff."""

from __future__ import annotations

from django.contrib import admin

from hall.core.admin import ReadOnlyAdmin
from hall.sms.models import SmsCode, SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin[SmsMessage]):
    list_display = ["sent_at", "mobile", "text"]
    search_fields = ["mobile"]
    date_hierarchy = "sent_at"


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnlyAdmin[SmsCode]):
    """Whether a code went to a number, when, and whether it was used: for a member who says
    no code came. The code itself is kept only as a hash, and not shown."""

    list_display = ["created_at", "mobile", "purpose", "client_address", "expires_at",
                    "used_at", "attempts"]  # fmt: skip
    list_filter = ["purpose"]
    search_fields = ["mobile", "client_address"]
    exclude = ["code_hash"]
