"""Branch offices, members, their prefixes and the pools prefixes come from, as staff fix them.

A member's numbers (certificate, archive index, edition) and status move only through the
hall's rules (numbering, lifecycle): they are read-only here, and a member's data changed by
hand is kept as a version first, as an approved change application keeps it. A prefix once
given stays with its member for good: it is never added, moved or deleted by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from hall.core.admin import KeptAdmin, ReadOnlyAdmin, ReadOnlyInline
from hall.members.models import (
    BranchOffice,
    CompanyPrefix,
    Ean8Code,
    Filing,
    Member,
    MemberVersion,
    Notice,
    PrefixPool,
    Sequence,
)


class PrefixInline(ReadOnlyInline[CompanyPrefix]):
    model = CompanyPrefix
    fields = readonly_fields = ("prefix", "kind", "allocated_on", "retired_on", "valid_until")


class VersionInline(ReadOnlyInline[MemberVersion]):
    model = MemberVersion
    fields = readonly_fields = ("changed_at", "data", "changed")


@admin.register(BranchOffice)
class BranchOfficeAdmin(KeptAdmin[BranchOffice]):
    list_display = ["code", "name", "region", "email", "member_count"]
    search_fields = ["code", "name", "region"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BranchOffice]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=gettext_lazy("系统成员数"), ordering="member_total")
    def member_count(self, branch: Any) -> int:
        return int(branch.member_total)


@admin.register(Member)
class MemberAdmin(KeptAdmin[Member]):
    list_display = ["certificate_number", "name", "uscc", "branch", "valid_until", "status"]
    list_filter = ["status", "company_type", "branch"]
    search_fields = ["name", "certificate_number", "uscc", "archive_index", "gds_card",
                     "prefixes__prefix"]  # fmt: skip
    list_select_related = ["branch"]
    readonly_fields = ["certificate_number", "archive_index", "certificate_edition", "status"]
    inlines = [PrefixInline, VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members come from approved registrations (or import_members)

    def save_model(self, request: HttpRequest, obj: Member, form: ModelForm[Member],
                   change: bool) -> None:  # fmt: skip
        """The data before the change is kept as a version (the member's history)."""
        if change and form.changed_data:
            before = Member.objects.get(pk=obj.pk)
            names = [n for n in form.changed_data if n in {f.name for f in Member._meta.fields}]
            MemberVersion.objects.create(
                member=obj, data={n: _plain(getattr(before, n)) for n in names},
                changed={n: _plain(getattr(obj, n)) for n in names},
            )  # fmt: skip
        super().save_model(request, obj, form, change)


def _plain(value: object) -> object:
    """A value as a version keeps it in JSON: a date as text, a branch by its code."""
    if isinstance(value, BranchOffice):
        return value.code
    return value if isinstance(value, str | int | float | bool | None) else str(value)


@admin.register(CompanyPrefix)
class CompanyPrefixAdmin(KeptAdmin[CompanyPrefix]):
    list_display = ["prefix", "kind", "member", "allocated_on", "retired_on", "valid_until"]
    list_filter = ["kind", ("retired_on", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "member__name", "member__certificate_number"]
    list_select_related = ["member"]
    #: A prefix's number, holder and dates of allocation and retirement are its history; only
    #: the validity of a code renewed on its own (按码续展) may be corrected.
    readonly_fields = ["prefix", "kind", "member", "allocated_on", "retired_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # given by a pool (numbering.prefix_allocate) or an approved application


@admin.register(PrefixPool)
class PrefixPoolAdmin(KeptAdmin[PrefixPool]):
    list_display = ["block", "length", "kind", "next_number"]
    list_filter = ["kind", "length"]
    search_fields = ["block"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The prefixes already given keep the block, length and kind they were given under.
        return ["block", "length", "kind"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.next_number == 0  # only a pool nothing was given from


@admin.register(Ean8Code)
class Ean8CodeAdmin(KeptAdmin[Ean8Code]):
    list_display = ["number", "member", "product", "allocated_on"]
    search_fields = ["number", "product", "member__name"]
    list_select_related = ["member"]
    readonly_fields = ["number", "member", "allocated_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # allocated by an approved EAN-8 application


@admin.register(Filing)
class FilingAdmin(KeptAdmin[Filing]):
    list_display = ["filed_on", "kind", "member"]
    list_filter = ["kind"]
    search_fields = ["member__name", "member__certificate_number"]
    list_select_related = ["member"]
    readonly_fields = ["kind", "member", "filed_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # filed by an approved application


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin[Notice]):
    list_display = ["created_at", "member", "key"]
    search_fields = ["member__name", "key", "text"]
    list_select_related = ["member"]


@admin.register(MemberVersion)
class MemberVersionAdmin(ReadOnlyAdmin[MemberVersion]):
    list_display = ["changed_at", "member", "changed"]
    search_fields = ["member__name", "member__certificate_number"]
    list_select_related = ["member"]


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin[Sequence]):
    """The counters of certificate and archive index numbers: shown, moved only by the hall
    (a counter set back would hand out a number again)."""

    list_display = ["name", "value"]
