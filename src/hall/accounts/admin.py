from django.contrib import admin

from hall.accounts.models import SecurityEvent, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["mobile", "name", "role", "member", "branch", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "branch"]
    search_fields = ["mobile", "name", "gds_card", "member__name"]
    exclude = ["password"]
    readonly_fields = ["last_login", "date_joined", "activated_at", "failed_logins"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    list_display = ["created_at", "kind", "mobile", "client_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["mobile", "client_address"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit log is read-only
