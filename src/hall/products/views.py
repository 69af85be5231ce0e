"""The member's number bank and product data pages; staff see their region's products."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts.keys import member_key_issue, member_key_revoke
from hall.accounts.models import ApiKey, User
from hall.accounts.roles import require_member_role
from hall.accounts.services import AccountError
from hall.core import httpcache, sheetscan
from hall.core.sizes import too_large
from hall.core.spreadsheets import CONTENT_TYPES as TABLE_TYPES
from hall.core.spreadsheets import TableError, kind_of, refuse_non_table
from hall.core.typed import typed
from hall.jobs.models import Job
from hall.jobs.queue import enqueue
from hall.members.models import Member
from hall.products import bank, bulk, gpc, hierarchy, search, services
from hall.products.artwork import (
    ArtworkError,
    digital_link_uri,
    labels_pdf,
    page_symbols,
    product_artwork,
    proof_check,
    proof_failure,
)
from hall.products.bank import BankError
from hall.products.forms import (
    AllocateForm,
    ArtworkForm,
    BulkEditForm,
    CaseForm,
    Ean8Form,
    ImportForm,
    LabelsForm,
    ProductForm,
    ProofForm,
    ReserveForm,
)
from hall.products.history import changes
from hall.products.models import Product
from hall.products.search import SearchForm
from hall.products.services import ACTION_NAMES, ALLOWED_TRANSITIONS, ProductError
from hall.products.transfer import LIMITS, export, template

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _member(request: HttpRequest) -> Member:
    """The member a clerk acts for; staff and unactivated accounts have none."""
    member = _user(request).member
    if member is None or _user(request).role != User.Role.MEMBER:
        raise Http404
    return member


def _product(request: HttpRequest, product_id: int) -> Product:
    product = services.visible_to(_user(request)).filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product


def _errors(form: Any) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _search(request: HttpRequest, products: QuerySet[Product]) -> tuple[Any, QuerySet[Product]]:
    """The search form read from the query string and what it finds (nothing when a filter or
    the sort key is refused: the form then says why)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, products.none()
    return form, search.filtered(products, form.cleaned_data)


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form, products = _search(request, services.visible_to(user).select_related("member"))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = form.cleaned_data if form.is_valid() else {}
    context: dict[str, Any] = {
        "page": page, "form": form, "kept": search.query_string(kept),
        "sort": kept.get("sort", search.DEFAULT_SORT), "columns": _columns(kept),
        "pages": {name: search.query_string(kept, page=number) for name, number in
                  _neighbours(page).items()},
        "bricks": gpc.names(p.gpc_brick for p in page),
    }  # fmt: skip
    if user.role == User.Role.MEMBER and user.member is not None:
        member = user.member
        context.update(
            member=member,
            usage=[(p, bank.capacity(p)) for p in member.prefixes.filter(retired_on__isnull=True)],
            allocate_form=AllocateForm(member=member),
            ean8_form=Ean8Form(member=member) if bank.unused_ean8(member).exists() else None,
            labels_form=LabelsForm(products=products),
            bulk_form=BulkEditForm(auto_id="bulk_%s"),
            transitions=[(name, ACTION_NAMES[name]) for name in ALLOWED_TRANSITIONS],
        )
    status = 400 if form.errors else 200
    return render(request, "products/list.html", context, status=status)


#: The list's sortable columns: (sort key, heading).
COLUMNS = [("gtin", _lazy("商品条码")), ("name", _lazy("产品名称")), ("brand", _lazy("品牌")),
           ("level", _lazy("包装层级")), ("gpc", _lazy("GPC 细块")), ("status", _lazy("状态")),
           ("changed", _lazy("更新时间"))]  # fmt: skip


def _columns(kept: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(key, heading, link, aria-sort) per column: a click sorts by it, a second click
    downwards."""
    current = kept.get("sort", search.DEFAULT_SORT)
    made = []
    for key, heading in COLUMNS:
        upwards = current != key
        state = {key: "ascending", f"-{key}": "descending"}.get(current, "none")
        link = search.query_string(kept, sort=key if upwards else f"-{key}", page=None)
        made.append((key, str(heading), link, state))
    return made


def _neighbours(page: Any) -> dict[str, int]:
    found = {}
    if page.has_previous():
        found["previous"] = page.previous_page_number()
    if page.has_next():
        found["next"] = page.next_page_number()
    return found


@login_required
@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = AllocateForm(request.POST, member=member)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:list")
    data = form.cleaned_data
    if (data["count"] or 1) > 1:
        return _allocate_many(request, member, data)
    try:
        product = bank.gtin_allocate(member=member, prefix=data["company_prefix"],
                                     actor=_user(request), today=timezone.localdate(),
                                     item=data["item"], data={"name": data["name"]})  # fmt: skip
    except BankError as error:
        messages.error(request, str(error))
        return redirect("products:list")
    messages.success(request, _("已分配商品条码 %(gtin)s") % {"gtin": product.display_gtin})
    return redirect("products:detail", product.pk)


def _allocate_many(request: HttpRequest, member: Member, data: dict[str, Any]) -> HttpResponse:
    try:
        made = bank.gtins_allocate(member=member, prefix=data["company_prefix"],
                                   count=data["count"], actor=_user(request),
                                   today=timezone.localdate(),
                                   data={"name": data["name"]})  # fmt: skip
    except BankError as error:
        messages.error(request, str(error))
        return redirect("products:list")
    done = _("已分配 %(count)d 个商品条码：%(first)s 至 %(last)s")
    ends = {"first": made[0].display_gtin, "last": made[-1].display_gtin}
    messages.success(request, done % {"count": len(made), **ends})
    query = search.query_string({"prefix": data["company_prefix"], "status": "draft",
                                 "sort": "-created"})  # fmt: skip
    return redirect(f"{reverse('products:list')}?{query}")


@login_required
@require_POST
def ean8_assign(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = Ean8Form(request.POST, member=member)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:list")
    data = {"name": form.cleaned_data["name"]} if form.cleaned_data["name"] else None
    try:
        product = bank.ean8_assign(member=member, number=form.cleaned_data["number"],
                                   actor=_user(request), today=timezone.localdate(),
                                   data=data)  # fmt: skip
    except BankError as error:
        messages.error(request, str(error))
        return redirect("products:list")
    return redirect("products:detail", product.pk)


def _product_form(product: Product, brick: str) -> ProductForm:
    """The product's form, its GPC field naming the brick (once GS1's GPC is loaded)."""
    form = ProductForm(instance=product, initial={"version": product.version})
    if brick:
        form.fields["gpc_brick"].help_text = brick
    return form


def _detail_context(request: HttpRequest, product: Product, **forms: Any) -> dict[str, Any]:
    user = _user(request)
    brick = gpc.names([product.gpc_brick]).get(product.gpc_brick, "")
    editable = services.editable_by(user).filter(pk=product.pk).exists()
    actions = [(name, ACTION_NAMES[name]) for name, t in ALLOWED_TRANSITIONS.items()
               if product.status in t.sources] if editable else []  # fmt: skip
    return {
        "product": product,
        "editable": editable,
        "actions": actions,
        "missing": services.missing_for_filing(product),
        "events": [
            (row, ACTION_NAMES.get(row.action, row.action), changes(row))
            for row in product.events.select_related("actor", "api_key")
        ],
        "tree": hierarchy.tree(product),
        "symbols": page_symbols(product),
        "digital_link": digital_link_uri(product),
        "brick": brick,
        "known_bricks": _known_bricks(product),
        "clonable": editable
        and product.prefix_id is not None
        and product.kind != Product.Kind.GTIN14,
        "proofs": [(proof, proof_failure(proof)) for proof in product.proofs.all()[:10]],
        "artwork_form": ArtworkForm(),
        # One page, four forms: each its own ids, so that every label names its own field.
        "proof_form": ProofForm(auto_id="proof_%s"),
        "case_form": CaseForm(auto_id="case_%s", level=product.level) if editable else None,
        "form": _product_form(product, brick),
        **forms,
    }


def _known_bricks(product: Product) -> list[tuple[str, str]]:
    """The bricks the member already uses, with their names, for the form's suggestions."""
    used = (Product.objects.filter(member_id=product.member_id).exclude(gpc_brick="")
            .values_list("gpc_brick", flat=True).distinct()[:200])  # fmt: skip
    return sorted(gpc.names(used).items())


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    if request.method == "GET":
        return render(request, "products/detail.html", _detail_context(request, product))
    form = ProductForm(request.POST, request.FILES, instance=Product(member=product.member))
    if form.is_valid():
        try:
            services.product_update(actor=_user(request), product_id=product.pk,
                                    version=form.cleaned_data["version"] or 0,
                                    data=form.product_data())  # fmt: skip
            messages.success(request, _("已保存"))
            return redirect("products:detail", product.pk)
        except ProductError as error:
            form.add_error(None, str(error))
    context = _detail_context(request, product, form=form)
    return render(request, "products/detail.html", context, status=400)


@login_required
@require_GET
def image(request: HttpRequest, product_id: int) -> FileResponse:
    product = _product(request, product_id)
    if not product.image:
        raise Http404
    return FileResponse(product.image.open("rb"), content_type="image/png")


@login_required
@require_POST
def act(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    try:
        services.product_transition(actor=_user(request), product_id=product.pk,
                                    action=request.POST.get("action", ""),
                                    today=timezone.localdate())  # fmt: skip
    except ProductError as error:
        messages.error(request, str(error))
    return redirect("products:detail", product.pk)


@login_required
@require_POST
def case_new(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    member = _member(request)
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:detail", product.pk)
    data = form.cleaned_data
    try:
        case = bank.case_create(member=member, contained=product, indicator=data["indicator"],
                                quantity=data["quantity"], level=data["level"],
                                actor=_user(request), today=timezone.localdate())  # fmt: skip
    except BankError as error:
        messages.error(request, str(error))
        return redirect("products:detail", product.pk)
    return redirect("products:detail", case.pk)


@login_required
@require_GET
def artwork(request: HttpRequest, product_id: int) -> HttpResponseBase:
    """The barcode as a file, the member's own: kept by the member's browser an hour, and a
    304 when asked again for the same file (the artwork is the same bytes for the same GTIN
    and choices, so its hash is its ETag)."""
    product = _product(request, product_id)
    form = ArtworkForm(request.GET)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:detail", product.pk)
    data = form.cleaned_data
    try:
        made = product_artwork(product, data["format"], data["magnification"], data["dpi"] or 600,
                               symbol=data["symbol"] or "linear")  # fmt: skip
    except ArtworkError as error:
        messages.error(request, str(error))
        return redirect("products:detail", product.pk)
    response = HttpResponse(made.data, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return httpcache.cached(request, response, httpcache.PRIVATE)


@login_required
@require_POST
def labels(request: HttpRequest) -> HttpResponse:
    form = LabelsForm(request.POST, products=services.visible_to(_user(request)))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:list")
    try:
        pdf = labels_pdf(list(form.cleaned_data["products"]), form.cleaned_data["magnification"])
    except ArtworkError as error:
        messages.error(request, str(error))
        return redirect("products:list")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
    return response


#: A print proof scanned at 1200 dpi as a PNG is at most a few MB; a PDF of it, less.
MAX_PROOF_BYTES = 30 * 1024 * 1024


@login_required
@require_POST
def proof(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    _member(request)  # staff look; the member checks its proofs
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("products:detail", product.pk)
    upload = form.cleaned_data["image"]
    if upload.size > MAX_PROOF_BYTES:
        messages.error(request, too_large(upload.size, MAX_PROOF_BYTES))
        return redirect("products:detail", product.pk)
    try:
        check = proof_check(product=product, actor=_user(request), image=upload.read(),
                            filename=upload.name or "", dpi=form.cleaned_data["dpi"])  # fmt: skip
    except ArtworkError as error:
        messages.error(request, str(error))
        return redirect("products:detail", product.pk)
    if not check.passed:  # a failed proof is an error, whatever its grade
        messages.error(request, proof_failure(check))
    else:
        messages.success(request, _("样张合格，检测结果：%(result)s") % {"result": check.result})
    return redirect("products:detail", product.pk)


@login_required
@require_GET
def proof_report(request: HttpRequest, product_id: int, proof_id: int) -> FileResponse:
    product = _product(request, product_id)
    check = product.proofs.filter(pk=proof_id).first()
    if check is None:
        raise Http404
    return FileResponse(check.report.open("rb"), content_type="text/html; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def reservations(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = ReserveForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bank.range_reserve(member=member, prefix=data["company_prefix"], first=data["first"],
                               last=data["last"], note=data["note"], actor=_user(request),
                               today=timezone.localdate())  # fmt: skip
            messages.success(request, _("已预留号段"))
            return redirect("products:reservations")
        except BankError as error:
            form.add_error(None, str(error))
    context = {"form": form, "reservations": member.reservations.select_related("prefix")}
    return render(request, "products/reservations.html", context)


@login_required
@require_POST
def reservation_release(request: HttpRequest, reservation_id: int) -> HttpResponse:
    try:
        bank.range_release(member=_member(request), reservation_id=reservation_id,
                           actor=_user(request))  # fmt: skip
        messages.success(request, _("已释放号段"))
    except BankError as error:
        messages.error(request, str(error))
    return redirect("products:reservations")


#: A file of 200,000 rows with every column filled is about 40 MB as CSV.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_member_role(_user(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"" if upload.size > MAX_IMPORT_BYTES else upload.read(MAX_IMPORT_BYTES + 1)
        if upload.size > MAX_IMPORT_BYTES or len(data) > MAX_IMPORT_BYTES:
            form.add_error("file", too_large(max(upload.size, len(data)), MAX_IMPORT_BYTES))
        elif (refused := _table_refusal(data)) is not None:
            form.add_error("file", refused)
        else:
            started = enqueue("products_import", owner=_owner(member),
                              arguments={"member": member.pk, "actor": _user(request).pk},
                              input_name=f"import.{kind_of(data)}", input_data=data)  # fmt: skip
            return redirect("products:job", started.pk)
    jobs = Job.objects.filter(owner=_owner(member), name="products_import")[:10]
    return render(request, "products/import.html", {"form": form, "jobs": jobs})


def _table_refusal(data: bytes) -> str | None:
    """A file that is empty or not a table, or a workbook too large or too wide, is refused on
    the page, in milliseconds, before a job or its input is written (a CSV's rows are counted
    as the job reads it), with the words the job would use."""
    try:
        refuse_non_table(data)
        if kind_of(data) == "xlsx":
            sheetscan.check(data, LIMITS)
    except TableError as error:
        return str(error)
    return None


def _owner(member: Member) -> str:
    return f"member:{member.pk}"


def _job(request: HttpRequest, job_id: int) -> Job:
    found = Job.objects.filter(pk=job_id, owner=_owner(_member(request))).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "products/job.html", {"job": _job(request, job_id)})


@login_required
@require_GET
def job_errors(request: HttpRequest, job_id: int) -> FileResponse:
    found = _job(request, job_id)
    if not found.output:
        raise Http404
    name = (found.output.name or "").rsplit("/", 1)[-1]
    kind = "xlsx" if name.endswith(".xlsx") else "csv"
    return FileResponse(found.output.open("rb"), as_attachment=True,
                        filename=f"errors-{found.pk}.{kind}",
                        content_type=TABLE_TYPES[kind])  # fmt: skip


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in TABLE_TYPES:
        raise Http404
    response = HttpResponse(template(kind), content_type=TABLE_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="products-template.{kind}"'
    return response


@login_required
@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("format", "xlsx")
    if kind not in TABLE_TYPES:
        messages.error(request, _("导出格式应为 xlsx 或 csv"))
        return redirect("products:list")
    form, products = _search(request, services.visible_to(_user(request)))
    if form.errors:
        messages.error(request, _errors(form))
        return redirect("products:list")
    response = HttpResponse(export(products, kind), content_type=TABLE_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="products.{kind}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """The member's API keys: made here (the secret shown once), revoked here."""
    member = _member(request)
    if request.method == "POST":
        try:
            # Shown on this page once, never stored or put in a cookie (a redirect would carry
            # it in the messages cookie, which is signed but readable).
            _key, secret = member_key_issue(actor=_user(request), name=request.POST.get("name", ""))
        except AccountError as error:
            messages.error(request, str(error))
            return redirect("products:keys")
        return _keys_page(request, member, new_secret=secret)
    return _keys_page(request, member)


def _keys_page(request: HttpRequest, member: Member, new_secret: str = "") -> HttpResponse:
    keys = ApiKey.objects.filter(member=member, revoked_at__isnull=True).order_by("-id")
    response = render(request, "products/keys.html", {"keys": keys, "new_secret": new_secret})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    _member(request)
    member_key_revoke(actor=_user(request), key_id=key_id)
    messages.success(request, _("已停用密钥"))
    return redirect("products:keys")


def _selection(request: HttpRequest) -> bulk.Selection:
    """The products a bulk form names: ticked ids, or every product the kept search finds."""
    if request.POST.get("everything") == "1":
        form = SearchForm(request.POST)
        if not form.is_valid():
            raise ProductError(_errors(form))
        found = search.filtered(services.visible_to(_user(request)), form.cleaned_data)
        return bulk.Selection(everything=True, matching=found)
    raw = request.POST.getlist("products")
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in raw):
        raise ProductError(_("所选产品有误"))
    return bulk.Selection(ids=frozenset(int(value) for value in raw))


@login_required
@require_POST
def bulk_change(request: HttpRequest) -> HttpResponse:
    """A status change or a bulk edit of the chosen products; back to the same search."""
    _member(request)
    kept = search.query_string({name: request.POST.get(name, "") for name in search.KEPT})
    action = request.POST.get("action", "")
    try:
        if action == "bulk_edit":
            changed = _bulk_edit(request)
        else:
            changed = bulk.products_bulk_transition(
                actor=_user(request), selection=_selection(request), action=action,
                today=timezone.localdate(),
            ).count  # fmt: skip
    except (ProductError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        name = ACTION_NAMES.get(action, action)
        done = _("已%(action)s %(count)d 个产品")
        messages.success(request, done % {"action": name, "count": changed})
    return redirect(f"{reverse('products:list')}?{kept}")


def _bulk_edit(request: HttpRequest) -> int:
    form = BulkEditForm(request.POST)
    if not form.is_valid():
        raise ProductError(_errors(form))
    return bulk.products_bulk_edit(actor=_user(request), selection=_selection(request),
                                   data=form.values()).count  # fmt: skip


@login_required
@require_POST
def clone(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product(request, product_id)
    _member(request)
    try:
        made = bulk.product_clone(actor=_user(request), product_id=product.pk,
                                  today=timezone.localdate())  # fmt: skip
    except (ProductError, BankError) as error:
        messages.error(request, str(error))
        return redirect("products:detail", product.pk)
    messages.success(request, _("已复制为新产品 %(gtin)s（草稿）") % {"gtin": made.display_gtin})
    return redirect("products:detail", made.pk)


@login_required
@require_GET
def gpc_bricks(request: HttpRequest) -> HttpResponse:
    """Look a GPC brick up by its code or words of its name, class or family."""
    query = typed(request.GET.get("q", "")).strip()[:100]
    context = {"query": query, "bricks": gpc.matching(query), "loaded": gpc.loaded()}
    return render(request, "products/gpc.html", context)
