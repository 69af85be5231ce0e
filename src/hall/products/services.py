"""Product data (产品信息通报): changes with their history, and the status of each GTIN.

A product starts as a draft when its GTIN is allocated. Filed (``publish``) it is in use and
public; its data must then be complete. Discontinued, it stays public with its status, and its
GTIN is never given to another product (domain.md §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.accounts.models import ApiKey, User
from hall.accounts.roles import may, require_member_role
from hall.core.errors import HallError
from hall.products.history import label, record
from hall.products.models import Product

Status = Product.Status
Role = User.Role


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


ALLOWED_TRANSITIONS: dict[str, Transition] = {
    "publish": Transition(frozenset({Status.DRAFT}), Status.IN_USE),
    "discontinue": Transition(frozenset({Status.DRAFT, Status.IN_USE}), Status.DISCONTINUED),
    "reinstate": Transition(frozenset({Status.DISCONTINUED}), Status.IN_USE),
}
#: The fields a product in use must have (a case: what it contains and how many).
FILING_FIELDS = ["name", "brand", "specification", "net_content", "net_content_unit"]
CASE_FILING_FIELDS = ["name", "contains", "quantity"]
#: The fields a member edits; the GTIN, its kind and status move only through the services.
EDITABLE = [
    "name", "name_en", "brand", "brand_en", "specification", "net_content", "net_content_unit",
    "gpc_brick", "classification", "level", "quantity", "market_date", "description", "image",
]  # fmt: skip
ACTION_NAMES = {
    "allocated": gettext_lazy("分配编码"),
    "changed": gettext_lazy("修改信息"),
    "publish": gettext_lazy("通报（启用）"),
    "discontinue": gettext_lazy("停用"),
    "reinstate": gettext_lazy("重新启用"),
    "superseded": gettext_lazy("编码重新分配"),
    "imported": gettext_lazy("批量导入"),
    "bulk_edit": gettext_lazy("批量修改"),
    "cloned": gettext_lazy("复制产品"),
}


class ProductError(HallError):
    """A refused change; the message says why."""

    code = "product"


def visible_to(actor: User) -> QuerySet[Product]:
    """The products ``actor`` may see: a member its own, a branch its region's, the center all."""
    products = Product.objects.filter(superseded=False)
    if actor.role in (Role.CENTER, Role.ADMIN):
        return products
    if actor.role == Role.BRANCH:
        return products.filter(member__branch_id=actor.branch_id)
    if actor.member_id is None:
        return products.none()
    return products.filter(member_id=actor.member_id)


def editable_by(actor: User | ApiKey) -> QuerySet[Product]:
    """Only the member itself changes its product data: its clerks, or its API keys (a
    retailer's key has no member); not its read-only accounts (hall.accounts.roles)."""
    if not may(actor):
        return Product.objects.none()
    if isinstance(actor, ApiKey):
        if actor.member_id is None or actor.revoked_at is not None:
            return Product.objects.none()
        return Product.objects.filter(superseded=False, member_id=actor.member_id)
    if actor.role != Role.MEMBER or actor.member_id is None:
        return Product.objects.none()
    return visible_to(actor)


def missing_for_filing(product: Product) -> list[str]:
    """The labels of the fields still empty that a product in use must have."""
    fields = CASE_FILING_FIELDS if product.kind == Product.Kind.GTIN14 else FILING_FIELDS
    # By column ("contains_id"): a bulk change judges thousands without loading the contents.
    columns = [(name, f"{name}_id" if name == "contains" else name) for name in fields]
    missing = [label(name) for name, column in columns if getattr(product, column) in (None, "")]
    if product.kind != Product.Kind.GTIN14 and not (product.gpc_brick or product.classification):
        missing.append(_("GPC 细块代码或全国产品分类代码"))
    return missing


def _locked(actor: User | ApiKey, product_id: int) -> Product:
    require_member_role(actor)  # a read-only account (or its key) changes nothing
    product = editable_by(actor).select_for_update().filter(pk=product_id).first()
    if product is None:
        raise ProductError(_("产品不存在"), code="not_found", status=404)
    return product


def product_update(*, actor: User | ApiKey, product_id: int, version: int,
                   data: dict[str, object]) -> Product:  # fmt: skip
    """Change the product's editable fields; the history keeps what each was before and who
    changed them (a clerk, or the API key a program used)."""
    with transaction.atomic():
        product = _locked(actor, product_id)
        if version != product.version:
            raise ProductError(_("此产品已被他人修改，请刷新后再改"), code="stale_edit", status=409)
        changed = {k: v for k, v in data.items() if k in EDITABLE and getattr(product, k) != v}
        if not changed:
            return product
        before = {k: getattr(product, k) for k in changed}
        for field, value in changed.items():
            setattr(product, field, value)
        if product.status != Status.DRAFT and (missing := missing_for_filing(product)):
            raise ProductError(
                _("使用中的产品信息不完整：%(fields)s") % {"fields": "、".join(missing)}
            )
        product.version += 1
        product.updated_at = timezone.now()
        product.save()
        record(product, actor=actor, action="changed", before=before, after=changed)
        if "image" in changed and before["image"]:
            # The replaced picture is no one's once the change is kept (the history names it).
            replaced, storage = before["image"].name, before["image"].storage
            transaction.on_commit(lambda: storage.delete(replaced))
        return product


def product_transition(*, actor: User | ApiKey, product_id: int, action: str,
                       today: date) -> Product:  # fmt: skip
    """Publish, discontinue or reinstate a product (one table of allowed moves)."""
    with transaction.atomic():
        product = _locked(actor, product_id)
        transition = ALLOWED_TRANSITIONS.get(action)
        if transition is None or product.status not in transition.sources:
            raise ProductError(_("产品当前状态为“%(status)s”，不能%(action)s")
                               % {"status": product.get_status_display(),
                                  "action": ACTION_NAMES.get(action, action)})  # fmt: skip
        if transition.target == Status.IN_USE and (missing := missing_for_filing(product)):
            raise ProductError(_("请先填写：%(fields)s") % {"fields": "、".join(missing)})
        if transition.target == Status.IN_USE and product.contains_id is not None:
            _contents_in_use(product)
        old = product.status
        product.status = transition.target
        product.discontinued_on = today if transition.target == Status.DISCONTINUED else None
        product.version += 1
        product.updated_at = timezone.now()
        product.save()
        record(product, actor=actor, action=action, before={"status": old},
               after={"status": product.status})  # fmt: skip
        return product


def _contents_in_use(case: Product) -> None:
    contained = case.contains
    if contained is not None and contained.status != Status.IN_USE:
        raise ProductError(_("所含产品 %(gtin)s 尚未启用，请先通报它")
                           % {"gtin": contained.display_gtin})  # fmt: skip
