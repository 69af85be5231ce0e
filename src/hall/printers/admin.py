"""Printing companies and their records as staff read them. A company's status moves only on
the center's page (hall.printers.views.staff_companies, each decision a history row); checks
and print jobs are the companies' own records, never written here."""

from __future__ import annotations

from django.contrib import admin

from hall.core.admin import ReadOnlyAdmin, ReadOnlyInline
from hall.printers.models import CertificateCheck, CompanyEvent, PrintingCompany, PrintJob


class EventInline(ReadOnlyInline[CompanyEvent]):
    model = CompanyEvent
    fields = readonly_fields = ("at", "actor", "old_status", "new_status", "reason")


@admin.register(PrintingCompany)
class PrintingCompanyAdmin(ReadOnlyAdmin[PrintingCompany]):
    list_display = ["name", "uscc", "status", "filed_at"]
    list_filter = ["status"]
    search_fields = ["name", "uscc"]
    inlines = [EventInline]


@admin.register(CertificateCheck)
class CertificateCheckAdmin(ReadOnlyAdmin[CertificateCheck]):
    list_display = ["checked_at", "company", "kind", "entered", "result", "member_name"]
    list_filter = ["result", "kind"]
    search_fields = ["entered", "member_name", "company__name"]


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyAdmin[PrintJob]):
    list_display = ["created_at", "company", "magnification", "substrate", "proof_passed"]
    list_filter = ["substrate", "proof_passed"]
