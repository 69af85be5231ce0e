"""The history of a product: every allocation, change and status move, with who acted: a
user on the hall's pages, or the API key a program used."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hall.accounts.models import ApiKey, User
from hall.products.models import Product, ProductEvent

#: Who acted: a user, an API key (a member's program, through the API), or nobody (the hall).
Actor = User | ApiKey | None


def jsonable(value: object) -> object:
    """A field's value as JSON keeps it: dates as ISO text, decimals as text, files by name."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "name") and not isinstance(value, str):
        return getattr(value, "name", "") or ""
    return value


def event(product: Product, *, actor: Actor, action: str, before: dict[str, object],
          after: dict[str, object], at: datetime | None = None) -> ProductEvent:  # fmt: skip
    """A history row, not yet saved (the import saves them in bulk, all ``at`` one time)."""
    user, key = (None, actor) if isinstance(actor, ApiKey) else (actor, None)
    return ProductEvent(
        product=product,
        actor=user if user is not None and user.pk else None,
        api_key=key,
        action=action,
        before={k: jsonable(v) for k, v in before.items()},
        after={k: jsonable(v) for k, v in after.items()},
        at=at or timezone.now(),
    )


def record(product: Product, *, actor: Actor, action: str,
           before: dict[str, object], after: dict[str, object]) -> ProductEvent:  # fmt: skip
    made = event(product, actor=actor, action=action, before=before, after=after)
    made.save()
    return made


#: What the history records beyond the product's own fields, by the name it shows.
EXTRA_LABELS = {"source": gettext_lazy("复制自")}


def label(field: str) -> str:
    """A product field's name as the hall shows it."""
    if field in EXTRA_LABELS:
        return str(EXTRA_LABELS[field])
    try:
        return str(Product._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return field


def _shown(field: str, value: object) -> str:
    """A recorded value as a person reads it: choices by their names, nothing as a dash."""
    if value in (None, ""):
        return "—"
    try:
        choices = dict(Product._meta.get_field(field).flatchoices or [])  # type: ignore[union-attr]
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def changes(row: ProductEvent) -> list[tuple[str, str, str]]:
    """(field's name, value before, value after) for each field the event touched."""
    fields = dict.fromkeys([*row.before, *row.after])
    return [(label(name), _shown(name, row.before.get(name)), _shown(name, row.after.get(name)))
            for name in fields]  # fmt: skip
