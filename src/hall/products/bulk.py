"""Changes to many products at once, and a product's clone.

A member with thousands of products changes a selection, or every product a search finds, in
one request: publish, discontinue or reinstate them, or set the same brand, GPC brick or
classification on all. Each request is all or nothing: the rows are locked in id order (two
clerks' requests wait for each other instead of deadlocking), every product is judged before
any is written, and one refused product refuses the request, naming it. A product outside the
actor's reach (another member's id in a hand-made form) is never changed: the request is
refused as not found. The database work is set-based: one UPDATE for the selection and the
history rows inserted together, so 10,000 products change in seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import ApiKey, User
from hall.accounts.roles import require_member_role
from hall.core import limits
from hall.core.errors import RateLimited
from hall.core.inserting import insert
from hall.products import bank, gpc
from hall.products.history import jsonable, record
from hall.products.models import Product, ProductEvent
from hall.products.services import (
    ACTION_NAMES,
    ALLOWED_TRANSITIONS,
    ProductError,
    editable_by,
    missing_for_filing,
)

Status = Product.Status
#: The most products one request changes; a member with more narrows the search.
MAX_BULK = 20_000
#: Bulk requests a member may make a minute (a person clicks a few; a script is slowed down).
BULK_PER_MINUTE = 30
#: Products a member's bulk changes may change a minute: two of the largest.
BULK_ROWS_PER_MINUTE = 2 * MAX_BULK
#: The fields a bulk edit sets (the same value on every product chosen).
BULK_FIELDS = ("brand", "brand_en", "gpc_brick", "classification")
#: At most this many refused products are named in a refusal.
NAMED = 5


#: The columns a bulk change reads of each product: what the rules judge and the history
#: keeps (a product's description or picture is not loaded 10,000 times for nothing).
JUDGED = ("id", "member_id", "gtin", "kind", "status", "contains_id", "quantity", "version",
          *BULK_FIELDS, "name", "specification", "net_content", "net_content_unit")  # fmt: skip


@dataclass(frozen=True)
class Selection:
    """What a bulk request changes: the ids ticked on the page, or, with ``everything``, every
    product the search found (``matching``, already limited to the actor's reach)."""

    ids: frozenset[int] = frozenset()
    everything: bool = False
    matching: QuerySet[Product] | None = None


def _locked(actor: User | ApiKey, selection: Selection) -> list[Product]:
    """The chosen products, locked in id order; refused whole if any is out of reach."""
    require_member_role(actor)
    _spend(actor)
    reachable = editable_by(actor)
    if selection.everything and selection.matching is not None:
        chosen = reachable.filter(pk__in=selection.matching.values("pk"))
    else:
        chosen = reachable.filter(pk__in=selection.ids)
    if not selection.everything and not selection.ids:
        raise ProductError(_("请先选择产品"))
    if not selection.everything and len(selection.ids) > MAX_BULK:
        raise ProductError(_("一次最多修改 %(most)d 个产品，请缩小范围") % {"most": MAX_BULK})
    products = list(chosen.select_for_update().order_by("pk").only(*JUDGED)[: MAX_BULK + 1])
    if len(products) > MAX_BULK:
        raise ProductError(_("一次最多修改 %(most)d 个产品，请缩小范围") % {"most": MAX_BULK})
    if not selection.everything and len(products) != len(selection.ids):
        raise ProductError(_("所选产品中有的不存在或不属于本企业，未做任何修改"),
                           code="not_found", status=404)  # fmt: skip
    if not products:
        raise ProductError(_("没有符合条件的产品"))
    _spend_rows(actor, len(products))
    return products


Change = tuple[int, dict[str, Any], dict[str, Any]]  # a product's id, its values before, after


def _spend(actor: User | ApiKey) -> None:
    """A flood of bulk requests (each up to 20,000 rows) is refused for a while, per member."""
    verdict = limits.spend(f"products-bulk:{actor.member_id}", BULK_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(_("批量操作过于频繁，请 %(seconds)d 秒后再试")
                          % {"seconds": verdict.retry_after})  # fmt: skip


def _spend_rows(actor: User | ApiKey, rows: int) -> None:
    """The rows a member's bulk changes write a minute (each a product and its history row)
    are bounded too: requests alone would let a script rewrite 20,000 rows thirty times."""
    verdict = limits.spend(f"products-bulk-rows:{actor.member_id}", BULK_ROWS_PER_MINUTE,
                           cost=rows)  # fmt: skip
    if not verdict.allowed:
        raise RateLimited(_("一分钟内批量修改的产品已达 %(most)d 个，请 %(seconds)d 秒后再试")
                          % {"most": BULK_ROWS_PER_MINUTE,
                             "seconds": verdict.retry_after})  # fmt: skip


def _history(actor: User | ApiKey, action: str, changes: list[Change], at: datetime) -> None:
    """One history row per changed product, written together: the rows are made by their
    columns (a model's relations cost more to set than the rest of a 10,000-row change)."""
    user = actor.pk if isinstance(actor, User) and actor.pk else None
    key = actor.pk if isinstance(actor, ApiKey) else None
    insert([ProductEvent(product_id=pk, actor_id=user, api_key_id=key, action=action,
                         before={k: jsonable(v) for k, v in before.items()},
                         after={k: jsonable(v) for k, v in after.items()}, at=at)
            for pk, before, after in changes])  # fmt: skip


def _names(products: list[Product]) -> str:
    shown = "、".join(p.display_gtin for p in products[:NAMED])
    return shown + (_(" 等 %(count)d 个") % {"count": len(products)} if len(products) > NAMED
                    else "")  # fmt: skip


@dataclass(frozen=True)
class Changed:
    count: int


def products_bulk_transition(*, actor: User | ApiKey, selection: Selection, action: str,
                             today: date) -> Changed:  # fmt: skip
    """Publish, discontinue or reinstate every chosen product (the single product's table of
    allowed moves and its rule that a product in use has its data)."""
    transition = ALLOWED_TRANSITIONS.get(action)
    if transition is None:
        raise ProductError(_("不支持的批量操作：%(action)s") % {"action": action[:30]})
    with transaction.atomic():
        products = _locked(actor, selection)
        _refuse_any(products, transition.sources, action)
        if transition.target == Status.IN_USE:
            _refuse_incomplete(products)
        now = timezone.now()
        stopped = today if transition.target == Status.DISCONTINUED else None
        Product.objects.filter(pk__in=[p.pk for p in products]).update(
            status=transition.target, discontinued_on=stopped, version=F("version") + 1,
            updated_at=now,
        )  # fmt: skip
        _history(actor, action, [(p.pk, {"status": p.status}, {"status": transition.target})
                                 for p in products], at=now)  # fmt: skip
        return Changed(len(products))


def _refuse_any(products: list[Product], sources: frozenset[str], action: str) -> None:
    wrong = [p for p in products if p.status not in sources]
    if wrong:
        raise ProductError(_("%(products)s 的当前状态为“%(status)s”，不能%(action)s，未做任何修改")
                           % {"products": _names(wrong), "status": wrong[0].get_status_display(),
                              "action": ACTION_NAMES[action]})  # fmt: skip


def _refuse_incomplete(products: list[Product]) -> None:
    contents = {p.contains_id for p in products if p.contains_id is not None}
    chosen = {p.pk for p in products}
    in_use = set(Product.objects.filter(pk__in=contents - chosen, status=Status.IN_USE)
                 .values_list("pk", flat=True)) | (contents & chosen)  # fmt: skip
    waiting = {p.pk for p in products if p.contains_id and p.contains_id not in in_use}
    incomplete = [p for p in products if p.pk in waiting or missing_for_filing(p)]
    if incomplete:
        first = incomplete[0]
        why = "、".join(missing_for_filing(first)) or _("所含产品尚未启用")
        raise ProductError(_("%(products)s 的信息不完整（%(fields)s），未做任何修改")
                           % {"products": _names(incomplete), "fields": why})  # fmt: skip


def products_bulk_edit(*, actor: User | ApiKey, selection: Selection,
                       data: dict[str, Any]) -> Changed:  # fmt: skip
    """Set the given fields (brand, GPC brick, classification) to the same value on every
    chosen product; the history keeps each product's own value before."""
    values = {k: v for k, v in data.items() if k in BULK_FIELDS}
    if not values:
        raise ProductError(_("请填写要批量修改的内容"))
    if values.get("gpc_brick"):
        gpc.refuse_unknown(values["gpc_brick"])
    with transaction.atomic():
        products = _locked(actor, selection)
        changing = [p for p in products if any(getattr(p, k) != v for k, v in values.items())]
        _refuse_emptied(changing, values)
        now = timezone.now()
        Product.objects.filter(pk__in=[p.pk for p in changing]).update(
            **values, version=F("version") + 1, updated_at=now
        )
        _history(actor, "bulk_edit", [(p.pk, *_diff(p, values)) for p in changing], at=now)
        return Changed(len(changing))


def _diff(product: Product, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The product's values before and after, of the fields the edit changes for it."""
    changed = [k for k, v in values.items() if getattr(product, k) != v]
    return {k: getattr(product, k) for k in changed}, {k: values[k] for k in changed}


def _refuse_emptied(products: list[Product], values: dict[str, Any]) -> None:
    """A product in use keeps the data filing asks for: emptying its brand is refused."""
    if all(value not in (None, "") for value in values.values()):
        return  # nothing emptied: no product can lose what filing asks for
    spoiled: list[Product] = []
    missing: list[str] = []
    for product in products:
        if product.status == Status.DRAFT:
            continue
        columns = {name: getattr(product, name) for name in JUDGED}
        trial = Product(**(columns | values))
        if found := missing_for_filing(trial):
            spoiled.append(product)
            missing = missing or found
    if spoiled:
        refused = _("%(products)s 正在使用中，修改后信息将不完整（%(fields)s），未做任何修改")
        raise ProductError(refused % {"products": _names(spoiled), "fields": "、".join(missing)})


#: What a clone copies: the product's data, not its GTIN, status, image or history.
CLONED = ("name", "name_en", "brand", "brand_en", "specification", "net_content",
          "net_content_unit", "gpc_brick", "classification", "level", "market_date",
          "description")  # fmt: skip


def product_clone(*, actor: User, product_id: int, today: date) -> Product:
    """A new draft with the next free GTIN of the product's company prefix and a copy of its
    data (a new flavour of the same line); the history of both says where it came from."""
    require_member_role(actor)
    with transaction.atomic():
        source = editable_by(actor).filter(pk=product_id).select_related("prefix").first()
        if source is None:
            raise ProductError(_("产品不存在"), code="not_found", status=404)
        if source.prefix is None or source.kind == Product.Kind.GTIN14:
            raise ProductError(_("只能复制由厂商识别代码编码的零售单元（缩短码和箱码不能复制）"))
        data: dict[str, object] = {name: getattr(source, name) for name in CLONED}
        clone = bank.gtin_allocate(member=source.member, prefix=source.prefix.prefix,
                                   actor=actor, today=today, data=data)  # fmt: skip
        record(clone, actor=actor, action="cloned", before={},
               after={"source": source.display_gtin})  # fmt: skip
        return clone
