"""Products as staff see them: the number bank's rows with their history, reservations, proofs
and counters. Only the member itself changes its product data (hall.products.services), and a
GTIN once given is its product's for good: every page here is read-only, nothing is deleted."""

from __future__ import annotations

from django.contrib import admin

from hall.core.admin import ReadOnlyAdmin, ReadOnlyInline
from hall.products.models import (
    GpcBrick,
    NumberBank,
    Product,
    ProductEvent,
    ProofCheck,
    Reservation,
)


class EventInline(ReadOnlyInline[ProductEvent]):
    model = ProductEvent
    fields = readonly_fields = ("at", "actor", "api_key", "action", "before", "after")


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin[Product]):
    list_display = ["gtin", "name", "brand", "member", "kind", "level", "status", "superseded"]
    list_filter = ["status", "kind", "level", "superseded"]
    search_fields = ["gtin", "name", "brand", "member__name", "member__certificate_number"]
    list_select_related = ["member"]
    inlines = [EventInline]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin[Reservation]):
    list_display = ["prefix", "first", "last", "member", "note", "created_at"]
    search_fields = ["prefix__prefix", "member__name"]
    list_select_related = ["prefix", "member"]


@admin.register(ProofCheck)
class ProofCheckAdmin(ReadOnlyAdmin[ProofCheck]):
    list_display = ["at", "product", "result", "letter", "passed", "matches"]
    list_filter = ["passed", "letter"]
    search_fields = ["product__gtin", "product__name"]
    list_select_related = ["product"]


@admin.register(NumberBank)
class NumberBankAdmin(ReadOnlyAdmin[NumberBank]):
    """Each prefix's next item reference to try: moved only by the bank (set back, it would
    look at numbers again; set forward, it would skip them)."""

    list_display = ["prefix", "next_item"]
    search_fields = ["prefix__prefix"]
    list_select_related = ["prefix"]


@admin.register(GpcBrick)
class GpcBrickAdmin(ReadOnlyAdmin[GpcBrick]):
    """GS1's GPC bricks as loaded from GS1's file (``python -m hall gpc_import``): read-only
    here, replaced only by loading a newer file."""

    list_display = ["code", "title", "class_title", "family_title", "segment_title", "published"]
    search_fields = ["code", "title", "class_title", "family_title"]
    list_filter = ["segment_title"]
