"""Many new rows at once: on PostgreSQL by COPY with ids taken from the sequence, elsewhere by
bulk_create; either way the objects come back saved, with their ids, stamps and values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from hall.core.inserting import insert
from hall.members.models import Member
from hall.products.history import event
from hall.products.models import Product, ProductEvent

pytestmark = pytest.mark.django_db


def products(member: Member, count: int) -> list[Product]:
    prefix = member.prefixes.get()
    return [Product(member=member, prefix=prefix, gtin=f"06921234{item:05d}0"[:14],
                    kind="gtin13", status="draft", name=f"产品{item}", net_content=Decimal("1.5"),
                    net_content_unit="kg") for item in range(count)]  # fmt: skip


def test_the_rows_are_saved_with_their_ids_and_stamps(member: Member) -> None:
    before = timezone.now()
    made = insert(products(member, 3))
    assert len({p.pk for p in made}) == 3
    assert all(p.pk for p in made)
    assert not any(p._state.adding for p in made)
    for product in made:
        saved = Product.objects.get(pk=product.pk)
        assert (saved.gtin, saved.name, saved.net_content) == (product.gtin, product.name,
                                                               Decimal("1.500"))  # fmt: skip
        assert saved.created_at == product.created_at >= before
        assert saved.updated_at == product.updated_at


def test_json_values_and_references_survive(member: Member) -> None:
    made = insert(products(member, 2))
    events = insert([event(p, actor=None, action="imported", before={"名称": "旧"},
                           after={"net_content": Decimal("2.5"), "n": [1, 2]})
                     for p in made])  # fmt: skip
    saved = ProductEvent.objects.get(pk=events[1].pk)
    assert saved.product_id == made[1].pk
    assert (saved.before, saved.after) == ({"名称": "旧"}, {"net_content": "2.5", "n": [1, 2]})


def test_new_ids_follow_on_from_ordinary_saves(member: Member) -> None:
    first, second = products(member, 2)
    first.save()
    (copied,) = insert([second])
    third = Product(member=member, gtin="06921234000990", kind="gtin13", status="draft")
    third.save()  # the sequence moved past the copied row's id: no collision
    assert first.pk < copied.pk < third.pk


def test_nothing_to_insert() -> None:
    assert insert([]) == []
