"""The notices for support staff, read-only: what an account was told and when it read it,
its choices, and the confirmation mails sent (for a member who says no mail came)."""

from __future__ import annotations

from django.contrib import admin

from hall.core.admin import ReadOnlyAdmin
from hall.notices.models import EmailConfirmation, Notice, Preference


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin[Notice]):
    list_display = ["created_at", "recipient", "event", "link", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__mobile"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin[Preference]):
    list_display = ["user", "language", "muted"]
    search_fields = ["user__mobile"]
    list_select_related = ["user"]


@admin.register(EmailConfirmation)
class EmailConfirmationAdmin(ReadOnlyAdmin[EmailConfirmation]):
    list_display = ["sent_at", "user", "address"]
    search_fields = ["user__mobile", "address"]
    list_select_related = ["user"]
