"""What the apps' admin pages share: records staff read but never write (an audit trail, the
money's trail, a product's history), and records staff may fix but never delete (deleting
would lose the history that points at them)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


class KeptAdmin(admin.ModelAdmin[M]):
    """Fixed by hand, never deleted (the rows that point at it keep their meaning)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(KeptAdmin[M]):
    """Shown to staff, moved only by the hall's own rules: no adding, changing or deleting."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[M, Any]):
    """History shown under its record: never added to, changed or deleted there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
