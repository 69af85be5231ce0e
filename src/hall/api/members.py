"""A member's own data behind its API key: the number bank, its products (allocate, change,
file, discontinue), their barcode artwork and their history. Another member's products are
not found; what the key changes, the history records as done by the key. A key acts for its
maker's role (hall.accounts.roles): one made by an account that is now read-only only reads,
its writes refused with 403 ``role_forbidden``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Router, Status
from pydantic import BeforeValidator

from hall.api.keys import key_of, member_key, member_of
from hall.api.schemas import (
    AllocateIn,
    BankOut,
    HistoryOut,
    ProductChange,
    ProductData,
    ProductOut,
    ProductsOut,
    StatusIn,
    refusals,
)
from hall.core import httpcache
from hall.core.errors import HallError, NotFound
from hall.core.typed import clean_digits, digits
from hall.lookup import services
from hall.products import bank
from hall.products.artwork import CONTENT_TYPES, product_artwork
from hall.products.forms import ProductForm
from hall.products.history import label
from hall.products.models import Product, ProductEvent
from hall.products.services import ACTION_NAMES, product_transition, product_update

router = Router(tags=["member"], auth=member_key)

PAGE_SIZE = 100
#: Ten million products, a hundred a page: beyond it a page number is nonsense, not a query.
MAX_PAGE = 100_000
#: A whole number in a query string, its digits typed full-width or in groups as well.
Whole = Annotated[int, BeforeValidator(clean_digits)]
Gtin = PathEx[str, P(description="The product's GTIN, in any of its lengths.",
                     example="6921234500019")]  # fmt: skip


def _own(request: HttpRequest, gtin: str) -> Product:
    member = member_of(request)
    number = "".join(c for c in digits(gtin) if c in "0123456789")[:14].zfill(14)
    product = bank.member_products(member).filter(gtin=number).first()
    if product is None:
        raise NotFound(_("本企业没有此商品条码的产品"))
    return product


def _product_out(product: Product) -> dict[str, Any]:
    facts = services.product_facts(product)
    facts.update(id=product.pk, version=product.version,
                 net_content=None if product.net_content is None else str(product.net_content),
                 market_date=product.market_date.isoformat() if product.market_date else None,
                 description=product.description)  # fmt: skip
    return facts


@router.get("/bank", response={200: BankOut, **refusals(401, 429)})
def number_bank(request: HttpRequest) -> Any:
    """Each company prefix's capacity: total, used, reserved, free."""
    member = member_of(request)
    rows = []
    for prefix in member.prefixes.filter(retired_on__isnull=True):
        usage = bank.capacity(prefix)
        rows.append({"prefix": prefix.prefix, "kind": prefix.kind, "total": usage.total,
                     "used": usage.used, "reserved": usage.reserved,
                     "free": usage.free})  # fmt: skip
    return {"prefixes": rows}


@router.get("/products", response={200: ProductsOut, **refusals(400, 401, 429)})
def product_list(request: HttpRequest, status: str = "",
                 page: Annotated[Whole, Field(ge=1, le=MAX_PAGE)] = 1) -> Any:  # fmt: skip
    """The member's products, 100 a page; ``status`` draft, in_use or discontinued."""
    member = member_of(request)
    products = bank.member_products(member).order_by("gtin")
    if status and status not in Product.Status.values:
        raise HallError(_("状态应为 %(choices)s 之一")
                        % {"choices": ", ".join(Product.Status.values)},
                        code="invalid_request")  # fmt: skip
    if status:
        products = products.filter(status=status)
    start = (page - 1) * PAGE_SIZE
    return {"count": products.count(), "page": page,
            "results": [_product_out(p) for p in products[start : start + PAGE_SIZE]]}  # fmt: skip


def _checked(data: ProductData, product: Product | None = None) -> dict[str, Any]:
    """The given fields judged by the hall's product form (the one judge of product data)."""
    given = data.dict(exclude_none=True, exclude={"prefix", "item", "version"})
    current = {} if product is None else {k: getattr(product, k) for k in ProductData.model_fields}
    values = {k: "" if v is None else str(v) for k, v in {**current, **given}.items()}
    values.update(
        level=values.get("level") or "each", quantity=str(product.quantity if product else 1)
    )
    cleaned, errors = ProductForm.clean_row(values)
    if errors:
        raise HallError(_("产品信息有误"), code="invalid_product", details=errors)
    return {k: cleaned[k] for k in given}


@router.post("/products", response={201: ProductOut, **refusals(400, 401, 403, 429)})
def product_allocate(request: HttpRequest, payload: AllocateIn) -> Any:
    """Allocate the next free GTIN of ``prefix`` (or item reference ``item``) to a new draft."""
    member = member_of(request)
    product = bank.gtin_allocate(member=member, prefix=digits(payload.prefix),
                                 actor=key_of(request),
                                 today=timezone.localdate(), item=payload.item,
                                 data=_checked(payload))  # fmt: skip
    return Status(201, _product_out(product))


@router.get("/products/{gtin}", response={200: ProductOut, **refusals(400, 401, 404, 429)})
def product_get(request: HttpRequest, gtin: Gtin) -> Any:
    """One of the member's products, by its GTIN in any of its lengths."""
    return _product_out(_own(request, gtin))


@router.patch("/products/{gtin}",
              response={200: ProductOut, **refusals(400, 401, 403, 404, 409, 429)})  # fmt: skip
def product_change(request: HttpRequest, gtin: Gtin, payload: ProductChange) -> Any:
    """Change product data; ``version`` must be the product's current version (else 409
    ``stale_edit``). The history names the API key as who changed it."""
    product = _own(request, gtin)
    changed = product_update(actor=key_of(request), product_id=product.pk,
                             version=payload.version, data=_checked(payload, product))  # fmt: skip
    return _product_out(changed)


@router.post("/products/{gtin}/status",
             response={200: ProductOut, **refusals(400, 401, 403, 404, 429)})  # fmt: skip
def product_status(request: HttpRequest, gtin: Gtin, payload: StatusIn) -> Any:
    """``publish`` (file it: in use, its data complete), ``discontinue`` or ``reinstate``."""
    product = _own(request, gtin)
    moved = product_transition(actor=key_of(request), product_id=product.pk,
                               action=payload.action, today=timezone.localdate())  # fmt: skip
    return _product_out(moved)


def _event_out(row: ProductEvent) -> dict[str, Any]:
    key = row.api_key
    return {"at": row.at, "action": row.action,
            "action_text": str(ACTION_NAMES.get(row.action, row.action)),
            "acted_by": row.acted_by() or None,
            "api_key": {"name": key.name, "prefix": key.prefix} if key is not None else None,
            "changes": [{"field": name, "label": label(name), "before": row.before.get(name),
                         "after": row.after.get(name)}
                        for name in dict.fromkeys([*row.before, *row.after])]}  # fmt: skip


@router.get("/products/{gtin}/history",
            response={200: HistoryOut, **refusals(400, 401, 404, 429)})  # fmt: skip
def product_history(request: HttpRequest, gtin: Gtin) -> Any:
    """Every allocation, change and status move of the product, oldest first, with who acted:
    a user of the hall, or the API key a program used."""
    product = _own(request, gtin)
    rows = product.events.select_related("actor", "api_key")
    return {"results": [_event_out(row) for row in rows]}


ARTWORK_RESPONSE = {"responses": {200: {
    "description": "The barcode artwork, as an attachment.",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in CONTENT_TYPES.values()}}}}  # fmt: skip


@router.get("/products/{gtin}/artwork", response={200: None, **refusals(400, 401, 404, 429)},
            openapi_extra=ARTWORK_RESPONSE)  # fmt: skip
def product_artwork_file(request: HttpRequest, gtin: Gtin, format: str = "svg",
                         magnification: Decimal = Decimal("1.00"),
                         dpi: Whole = 600) -> Any:  # fmt: skip
    """The barcode as SVG, PDF, EPS or PNG at magnification 0.80-2.00."""
    product = _own(request, gtin)
    if not Decimal("0.80") <= magnification <= Decimal("2.00") or not 72 <= dpi <= 2400:
        raise HallError(_("放大系数应为 0.80 至 2.00，分辨率 72 至 2400 dpi"),
                        code="invalid_request")  # fmt: skip
    made = product_artwork(product, format, magnification, dpi)
    response = HttpResponse(made.data, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    # The member's own: kept by its client, revalidated by ETag; never by a shared cache,
    # and one key's answer is not another's.
    patch_vary_headers(response, ["X-API-Key"])
    return httpcache.cached(request, response, httpcache.PRIVATE)
