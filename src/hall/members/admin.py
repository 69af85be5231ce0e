from django.contrib import admin

from hall.members.models import BranchOffice, CompanyPrefix, Member


class PrefixInline(admin.TabularInline[CompanyPrefix, Member]):
    model = CompanyPrefix
    extra = 0


@admin.register(BranchOffice)
class BranchOfficeAdmin(admin.ModelAdmin[BranchOffice]):
    list_display = ["code", "name", "region", "email"]
    search_fields = ["code", "name", "region"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin[Member]):
    list_display = ["certificate_number", "name", "branch", "valid_until", "status"]
    list_filter = ["status", "company_type", "branch"]
    search_fields = ["name", "certificate_number", "uscc", "archive_index", "prefixes__prefix"]
    inlines = [PrefixInline]
