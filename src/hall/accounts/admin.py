"""Accounts, the audit log, invitations and API keys, as staff see and fix them.

An account is never deleted (its history names it): it is made unusable instead. A staff
member who lost the phone with the authenticator has the second factor reset here, and binds
a new one at the next login. An API key's secret is shown once, when it is issued here (a
retailer's key, which no member's page makes); keys are revoked, never deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.models import ApiKey, Invitation, SecurityEvent, User, revoke_keys_of
from hall.core.admin import KeptAdmin, ReadOnlyAdmin


@admin.register(User)
class UserAdmin(KeptAdmin[User]):
    list_display = ["mobile", "name", "role", "member", "branch", "is_active", "locked_until"]
    list_filter = ["role", "is_active", "is_staff", "branch"]
    search_fields = ["mobile", "name", "gds_card", "member__name"]
    list_select_related = ["member", "branch"]
    exclude = ["password"]
    readonly_fields = ["last_login", "date_joined", "activated_at", "failed_logins",
                       "session_epoch"]  # fmt: skip
    actions = ["reset_second_factor"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The login mobile changes through the user center or the branch (both numbers told).
        fields = list(self.readonly_fields)
        return [*fields, "mobile"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User],
                   change: bool) -> None:  # fmt: skip
        """An account staff move to another member (or out of one), or make unusable, keeps no
        key it made for its old place."""
        moved = change and {"member", "is_active"} & set(form.changed_data)
        super().save_model(request, obj, form, change)
        if moved:
            revoke_keys_of(obj)

    @admin.action(description=gettext_lazy("重置所选账号的动态验证码（下次登录重新绑定）"))
    def reset_second_factor(self, request: HttpRequest, chosen: QuerySet[User]) -> None:
        for user in chosen:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            self.log_change(request, user, _("重置动态验证码"))
        messages.success(request, _("已重置 %(count)d 个账号的动态验证码")
                         % {"count": len(chosen)})  # fmt: skip


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin[SecurityEvent]):
    """The audit log: read-only, and kept (retention clears it, not staff)."""

    list_display = ["created_at", "kind", "mobile", "client_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["mobile", "client_address", "detail"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin[Invitation]):
    """A member's administrator invites and revokes in the user center; staff look here."""

    list_display = ["created_at", "member", "mobile", "invited_by", "expires_at", "accepted_at",
                    "revoked_at"]  # fmt: skip
    search_fields = ["mobile", "member__name"]
    list_select_related = ["member", "invited_by"]


class RevokedFilter(admin.SimpleListFilter):
    title = gettext_lazy("状态")
    parameter_name = "revoked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", gettext_lazy("使用中")), ("yes", gettext_lazy("已停用"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(KeptAdmin[ApiKey]):
    list_display = ["name", "prefix", "member", "per_minute", "created_by", "created_at",
                    "last_used_at", "revoked_at"]  # fmt: skip
    list_filter = [RevokedFilter]
    search_fields = ["name", "prefix", "member__name", "member__certificate_number"]
    list_select_related = ["member", "created_by"]
    exclude = ["digest"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        made = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        # A key stays with the member it was issued to (its requests are that member's).
        return [*made, "member"] if obj is not None else made

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm[ApiKey],
                   change: bool) -> None:  # fmt: skip
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = ApiKey.issue(name=obj.name, member=obj.member, created_by=request.user)
        ApiKey.objects.filter(pk=key.pk).update(per_minute=obj.per_minute)
        for column in ApiKey._meta.concrete_fields:  # the admin goes on with the key issued
            if column.attname != "per_minute":
                setattr(obj, column.attname, getattr(key, column.attname))
        obj._state.adding = False
        obj.issued_secret = secret  # type: ignore[attr-defined]  # for response_add, once

    def response_add(self, request: HttpRequest, obj: ApiKey,
                     post_url_continue: str | None = None) -> HttpResponse:  # fmt: skip
        """The secret, shown on this page once: never stored, never put in a cookie (a
        redirect would carry it in the messages cookie)."""
        page = engines["django"].from_string(SECRET_PAGE)
        secret = getattr(obj, "issued_secret", "")
        context = {**self.admin_site.each_context(request), "key": obj, "secret": secret,
                   "opts": self.opts, "title": _("API 密钥已生成")}  # fmt: skip
        response = HttpResponse(page.render(context, request))
        add_never_cache_headers(response)
        return response

    @admin.action(description=gettext_lazy("停用所选密钥"))
    def revoke(self, request: HttpRequest, chosen: QuerySet[ApiKey]) -> None:
        stopped = chosen.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("已停用 %(count)d 个密钥") % {"count": stopped})


SECRET_PAGE = """{% extends "admin/base_site.html" %}{% load i18n %}
{% block content %}
<p>{% translate "密钥只显示这一次，请立即复制并交给使用方：" %}</p>
<p><code id="api-secret">{{ secret }}</code></p>
<p><a href="{% url 'admin:accounts_apikey_changelist' %}">{{ key }}</a></p>
{% endblock %}"""
