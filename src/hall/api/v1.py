"""The hall's JSON API (``/api/v1/``), its OpenAPI description at ``/api/v1/openapi.json`` and
the interactive page at ``/api/v1/docs``.

The lookups need no key (a key raises the limit); member endpoints need the member's API key
in ``X-API-Key`` and reach only that member's data. Every error has one shape::

    {"error": {"code": "not_registered", "message": "…", "details": …}}
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from ninja import Field, File, NinjaAPI, Schema, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader

from hall.accounts.models import ApiKey, digest
from hall.core import limits
from hall.core.errors import json_error
from hall.jobs.models import Job
from hall.jobs.queue import enqueue
from hall.lookup import batch, services
from hall.members.models import Member
from hall.products import bank
from hall.products.artwork import ArtworkError, product_artwork
from hall.products.bank import BankError
from hall.products.forms import ProductForm
from hall.products.models import Product
from hall.products.services import ProductError, product_transition, product_update

#: A batch costs one request of the limit per this many GTINs.
BATCH_COST_UNIT = 100


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.details = status, code, details


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorDetail


class AnyKeyAuth(APIKeyHeader):
    """Any live key: a retailer's or a member's."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return _key(key) if key else None


class KeyAuth(AnyKeyAuth):
    """A member's key."""

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        found = super().authenticate(request, key)
        return found if found is not None and found.member_id is not None else None


#: "Last used" is written at most this often, not on every request of a busy key.
LAST_USED_SECONDS = 60


def _key(secret: str) -> ApiKey | None:
    found = ApiKey.objects.filter(digest=digest(secret), revoked_at__isnull=True).first()
    now = timezone.now()
    last = found.last_used_at if found is not None else None
    if found is not None and (last is None or (now - last).total_seconds() > LAST_USED_SECONDS):
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


api = NinjaAPI(
    title="tiaoma 条码业务大厅 API",
    version="1.0",
    description="商品条码查询、批量核验与系统成员的编码、产品和图稿接口。"
    " Lookups, batch verification, and the members' number bank, products and artwork.",
    urls_namespace="api",
)
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                   413: ErrorOut, 429: ErrorOut}  # fmt: skip


def _error(status: int, code: str, message: str, details: Any = None, *,
           headers: dict[str, str] | None = None) -> HttpResponse:  # fmt: skip
    response = json_error(status, code, message, details)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    headers = {"Retry-After": str(error.details["retry_after"])} if error.status == 429 else None
    return _error(error.status, error.code, str(error), error.details, headers=headers)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    details = [{"loc": list(e.get("loc", [])), "message": str(e.get("msg", ""))}
               for e in error.errors]  # fmt: skip
    return _error(400, "invalid_request", _("请求参数有误"), details)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(401, "unauthorised", _("缺少有效的 API 密钥（X-API-Key）"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _error(error.status_code, "http_error", str(error))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return _error(413, "too_large", _("请求过大：每次最多核验 %(limit)d 个编码")
                  % {"limit": batch.MAX_PER_REQUEST}, {"limit": batch.MAX_PER_REQUEST})  # fmt: skip


def _spend(request: HttpRequest, cost: int = 1) -> None:
    """Count the request against its key's limit, or its client address's."""
    secret = request.headers.get("X-API-Key")
    if secret:
        # A member endpoint's authentication has found the key already.
        known = getattr(request, "auth", None)
        key = known if isinstance(known, ApiKey) else _key(secret)
        if key is None:
            raise ApiError(401, "unauthorised", _("API 密钥无效或已停用"))
        verdict = limits.for_key(key.pk, key.per_minute or limits.key_limit(), cost)
    else:
        verdict = limits.for_address(request, cost)
    if not verdict.allowed:
        raise ApiError(429, "rate_limited", _("请求过于频繁：每分钟最多 %(limit)d 次")
                       % {"limit": verdict.limit},
                       {"limit": verdict.limit, "retry_after": verdict.retry_after})  # fmt: skip


# -- lookups ---------------------------------------------------------------------------------


@api.get("/gtins/{gtin}", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def gtin_lookup(request: HttpRequest, gtin: str) -> Any:
    """Is the GTIN well formed, who issued its prefix, which member holds it, which product."""
    _spend(request)
    answer = services.lookup_gtin(gtin)
    if not answer["well_formed"]:
        error = answer["error"]
        raise ApiError(400, error["code"], error["message"])
    if not answer["registered"]:
        raise ApiError(404, "not_registered", answer["message"],
                       {"structure": answer["structure"]})  # fmt: skip
    # The answer is plain JSON already: ninja's check of it against dict[str, Any] would only
    # cost time on the API's busiest path.
    return HttpResponse(json.dumps(answer), content_type="application/json; charset=utf-8")


@csrf_exempt  # as the API's own routes: no cookie authenticates it, and it changes nothing
@require_GET
def gtin_lookup_route(request: HttpRequest, gtin: str) -> HttpResponse:
    """The route Django serves for :func:`gtin_lookup` (hall.urls, ahead of the API's own):
    the same function and errors without ninja's per-request work, which the busiest path of
    the API does not need (a path parameter that is any text, no key required, its answer
    already JSON). ninja still describes it in the OpenAPI document."""
    try:
        return gtin_lookup(request, gtin)  # type: ignore[no-any-return]
    except ApiError as error:
        return _api_error(request, error)


class BatchIn(Schema):
    gtins: list[str]


@api.post("/verify", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def gtins_verify(request: HttpRequest, payload: BatchIn) -> Any:
    """Up to 10,000 GTINs at once (a retailer's assortment): one answer each, in order."""
    count = len(payload.gtins)
    if count > batch.MAX_PER_REQUEST:
        raise ApiError(413, "too_large", _("每次最多核验 %(limit)d 个编码，此请求有 %(count)d 个")
                       % {"limit": batch.MAX_PER_REQUEST, "count": count},
                       {"limit": batch.MAX_PER_REQUEST})  # fmt: skip
    _spend(request, max(1, -(-count // BATCH_COST_UNIT)))
    return {"count": count, "results": batch.verify_batch(payload.gtins)}


any_key_auth = AnyKeyAuth()


def _job_owner(key: ApiKey) -> str:
    """A member's jobs are seen by all its keys; a retailer's by the key that started them."""
    return f"member:{key.member_id}" if key.member_id else f"key:{key.pk}"


def _job_out(request: HttpRequest, found: Job) -> dict[str, Any]:
    refused = found.result.get("refused") if isinstance(found.result, dict) else None
    path = reverse("api:verify_job_result", args=[found.pk]) if found.output else None
    return {"id": found.pk, "status": found.status, "total": found.total, "done": found.done,
            "percent": found.percent, "counts": None if refused else found.result or None,
            "error": refused or found.error or None,
            "result_url": request.build_absolute_uri(path) if path else None}  # fmt: skip


@api.post("/verify/jobs", auth=any_key_auth, response={202: dict[str, Any], **ERRORS},
          tags=["lookup"])  # fmt: skip
def verify_job_start(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A file of GTINs (CSV or Excel, the first column; up to 2,000,000) verified in the
    background: poll the job, then download its result as CSV. One job at a time per owner."""
    key = request.auth  # type: ignore[attr-defined]
    _spend(request)
    if (file.size or 0) > batch.MAX_FILE_BYTES:
        raise ApiError(413, "too_large", _("文件过大：最大 %(limit)d MB")
                       % {"limit": batch.MAX_FILE_BYTES // 2**20},
                       {"limit_bytes": batch.MAX_FILE_BYTES})  # fmt: skip
    owner = _job_owner(key)
    running = Job.objects.filter(
        owner=owner, name="verify_file", status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    if running is not None:
        raise ApiError(409, "job_running", _("上一个核验任务尚未完成，请完成后再提交"),
                       {"job": running.pk})  # fmt: skip
    kind = "xlsx" if (file.name or "").lower().endswith(".xlsx") else "csv"
    started = enqueue("verify_file", owner=owner, arguments={"key": key.pk},
                      input_name=f"gtins.{kind}", input_data=file.read())  # fmt: skip
    return Status(202, _job_out(request, started))


def _own_job(request: HttpRequest, job_id: int) -> Job:
    _spend(request)
    owner = _job_owner(request.auth)  # type: ignore[attr-defined]
    found = Job.objects.filter(pk=job_id, owner=owner, name="verify_file").first()
    if found is None:
        raise ApiError(404, "not_found", _("没有这个核验任务"))
    return found


@api.get("/verify/jobs/{job_id}", auth=any_key_auth, response={200: dict[str, Any], **ERRORS},
         tags=["lookup"])  # fmt: skip
def verify_job(request: HttpRequest, job_id: int) -> Any:
    """How far the job has come; when done, its counts and where its result is."""
    return _job_out(request, _own_job(request, job_id))


@api.get("/verify/jobs/{job_id}/result", auth=any_key_auth, url_name="verify_job_result",
         response={200: None, **ERRORS}, tags=["lookup"])  # fmt: skip
def verify_job_result(request: HttpRequest, job_id: int) -> Any:
    """The result as CSV (UTF-8): one row per input line, in order."""
    found = _own_job(request, job_id)
    if not found.output:
        raise ApiError(404, "not_ready", _("核验任务尚未完成"))
    return FileResponse(found.output.open("rb"), as_attachment=True,
                        filename=f"verify-{found.pk}.csv",
                        content_type="text/csv; charset=utf-8")  # fmt: skip


@api.get("/prefixes/{prefix}", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def prefix_lookup(request: HttpRequest, prefix: str) -> Any:
    """The member that holds a company prefix."""
    _spend(request)
    answer = services.lookup_prefix(prefix)
    if not answer["well_formed"]:
        raise ApiError(400, answer["error"]["code"], answer["error"]["message"])
    if not answer["registered"]:
        raise ApiError(404, "not_registered", _("未注册：此厂商识别代码不在本系统的注册记录中"))
    return answer


@api.get("/certificates/check", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def certificate_check(request: HttpRequest, number: str, company: str) -> Any:
    """Is the certificate genuine and valid? The number and the company's name must match."""
    _spend(request)
    return services.check_certificate(number, company)


@api.get("/companies", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def companies(request: HttpRequest, q: str) -> Any:
    """Members whose name contains ``q`` (two characters at least)."""
    _spend(request)
    if len(q.strip()) < 2:
        raise ApiError(400, "query_too_short", _("请至少输入两个字"))
    return {"results": services.search_members(q)}


@api.get("/register", response={200: dict[str, Any], **ERRORS}, tags=["lookup"])
def register(request: HttpRequest, kind: str = "") -> Any:
    """The published register of approved business, newest first; ``kind`` one of them."""
    _spend(request)
    if kind and kind not in services.REGISTER_KINDS:
        known = [str(value) for value in services.REGISTER_KINDS]
        message = _("没有这种业务类型：%(kind)s（可选：%(kinds)s）")
        raise ApiError(400, "unknown_kind", message % {"kind": kind[:40],
                       "kinds": ", ".join(known)}, {"kinds": known})  # fmt: skip
    return {"results": services.register(kind)}


# -- the member's number bank and products ----------------------------------------------------

member_auth = KeyAuth()


def _member(request: HttpRequest) -> Member:
    key = request.auth  # type: ignore[attr-defined]
    assert isinstance(key, ApiKey)
    assert key.member is not None
    _spend(request)
    return key.member


def _own(request: HttpRequest, gtin: str) -> Product:
    member = _member(request)
    number = "".join(c for c in gtin if c.isdigit())[:14].zfill(14)
    product = bank.member_products(member).filter(gtin=number).first()
    if product is None:
        raise ApiError(404, "not_found", _("本企业没有此商品条码的产品"))
    return product


def _product_out(product: Product) -> dict[str, Any]:
    facts = services.product_facts(product)
    facts.update(id=product.pk, version=product.version,
                 net_content=None if product.net_content is None else str(product.net_content),
                 market_date=product.market_date.isoformat() if product.market_date else None,
                 description=product.description)  # fmt: skip
    return facts


@api.get("/bank", auth=member_auth, response={200: dict[str, Any], **ERRORS}, tags=["member"])
def number_bank(request: HttpRequest) -> Any:
    """Each company prefix's capacity: total, used, reserved, free."""
    member = _member(request)
    rows = []
    for prefix in member.prefixes.filter(retired_on__isnull=True):
        usage = bank.capacity(prefix)
        rows.append({"prefix": prefix.prefix, "kind": prefix.kind, "total": usage.total,
                     "used": usage.used, "reserved": usage.reserved,
                     "free": usage.free})  # fmt: skip
    return {"prefixes": rows}


PAGE_SIZE = 100
#: Ten million products, a hundred a page: beyond it a page number is nonsense, not a query.
MAX_PAGE = 100_000


@api.get("/products", auth=member_auth, response={200: dict[str, Any], **ERRORS},
         tags=["member"])  # fmt: skip
def product_list(request: HttpRequest, status: str = "",
                 page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1) -> Any:  # fmt: skip
    """The member's products, 100 a page; ``status`` draft, in_use or discontinued."""
    member = _member(request)
    products = bank.member_products(member).order_by("gtin")
    if status and status not in Product.Status.values:
        raise ApiError(400, "invalid_request", _("状态应为 %(choices)s 之一")
                       % {"choices": ", ".join(Product.Status.values)})  # fmt: skip
    if status:
        products = products.filter(status=status)
    start = (page - 1) * PAGE_SIZE
    return {"count": products.count(), "page": page,
            "results": [_product_out(p) for p in products[start : start + PAGE_SIZE]]}  # fmt: skip


class ProductData(Schema):
    name: str | None = None
    name_en: str | None = None
    brand: str | None = None
    brand_en: str | None = None
    specification: str | None = None
    net_content: Decimal | None = None
    net_content_unit: str | None = None
    gpc_brick: str | None = None
    classification: str | None = None
    level: str | None = None
    market_date: date | None = None
    description: str | None = None


class AllocateIn(ProductData):
    prefix: str
    item: int | None = None


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
        raise ApiError(400, "invalid_product", _("产品信息有误"), errors)
    return {k: cleaned[k] for k in given}


@api.post("/products", auth=member_auth, response={201: dict[str, Any], **ERRORS},
          tags=["member"])  # fmt: skip
def product_allocate(request: HttpRequest, payload: AllocateIn) -> Any:
    """Allocate the next free GTIN of ``prefix`` (or item reference ``item``) to a new draft."""
    member = _member(request)
    data = _checked(payload)
    try:
        product = bank.gtin_allocate(member=member, prefix=payload.prefix, actor=None,
                                     today=timezone.localdate(), item=payload.item,
                                     data=data)  # fmt: skip
    except BankError as error:
        raise ApiError(400, "refused", str(error)) from error
    return Status(201, _product_out(product))


@api.get("/products/{gtin}", auth=member_auth, response={200: dict[str, Any], **ERRORS},
         tags=["member"])  # fmt: skip
def product_get(request: HttpRequest, gtin: str) -> Any:
    return _product_out(_own(request, gtin))


class ProductChange(ProductData):
    version: int


def _acting_user(product: Product) -> Any:
    """The services act for a user: the member's first clerk stands for its API key."""
    clerk = product.member.users.filter(role="member").first()
    if clerk is None:
        raise ApiError(400, "no_clerk", _("本企业还没有已激活的用户，不能通过接口修改产品"))
    return clerk


@api.patch("/products/{gtin}", auth=member_auth, response={200: dict[str, Any], **ERRORS},
           tags=["member"])  # fmt: skip
def product_change(request: HttpRequest, gtin: str, payload: ProductChange) -> Any:
    """Change product data; ``version`` must be the product's current version."""
    product = _own(request, gtin)
    data = _checked(payload, product)
    try:
        changed = product_update(actor=_acting_user(product), product_id=product.pk,
                                 version=payload.version, data=data)  # fmt: skip
    except ProductError as error:
        raise ApiError(409 if "刷新" in str(error) else 400, "refused", str(error)) from error
    return _product_out(changed)


class StatusIn(Schema):
    action: str


@api.post("/products/{gtin}/status", auth=member_auth,
          response={200: dict[str, Any], **ERRORS}, tags=["member"])  # fmt: skip
def product_status(request: HttpRequest, gtin: str, payload: StatusIn) -> Any:
    """``publish``, ``discontinue`` or ``reinstate``."""
    product = _own(request, gtin)
    try:
        moved = product_transition(actor=_acting_user(product), product_id=product.pk,
                                   action=payload.action, today=timezone.localdate())  # fmt: skip
    except ProductError as error:
        raise ApiError(400, "refused", str(error)) from error
    return _product_out(moved)


@api.get("/products/{gtin}/artwork", auth=member_auth, response={200: None, **ERRORS},
         tags=["member"])  # fmt: skip
def product_artwork_file(request: HttpRequest, gtin: str, format: str = "svg",
                         magnification: Decimal = Decimal("1.00"),
                         dpi: int = 600) -> Any:  # fmt: skip
    """The barcode as SVG, PDF, EPS or PNG at magnification 0.80-2.00."""
    product = _own(request, gtin)
    if not Decimal("0.80") <= magnification <= Decimal("2.00") or not 72 <= dpi <= 2400:
        raise ApiError(
            400, "invalid_request", _("放大系数应为 0.80 至 2.00，分辨率 72 至 2400 dpi")
        )
    try:
        made = product_artwork(product, format, magnification, dpi)
    except ArtworkError as error:
        raise ApiError(400, "refused", str(error)) from error
    response = HttpResponse(made.data, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
