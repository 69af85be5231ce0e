"""The printing company's pages: thin views over the services. Every record is looked up
within the signed-in account's company (another company's ids answer 404), and every change
goes through a service that checks the company is approved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hall.accounts.models import User
from hall.applications.uploads import MAX_BYTES, UploadError, read_image
from hall.core import limits
from hall.core.errors import Forbidden, RateLimited
from hall.core.spreadsheets import CONTENT_TYPES
from hall.printers import checks, companies, export, jobs
from hall.printers.forms import CheckForm, CompanyForm, DecisionForm, ExportForm, JobForm, ProofForm
from hall.printers.models import CertificateCheck, PrintingCompany

#: The records a page lists (the export has them all).
SHOWN = 50
#: A print proof: a 600 dpi PNG of a symbol is tens of KB. Within the hall's default request
#: body (2.5 MB, hall.core.bodylimits) as every upload here is.
MAX_PROOF_BYTES = MAX_BYTES
EXPORTS_PER_MINUTE = 10
#: Copies are served as what they are, never run: the rendered answer in a sandbox.
_FILE_TYPES = {
    "html": "text/html; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "tif": "image/tiff",
    "bmp": "image/bmp",
    "gif": "image/gif",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    company = companies.company_of(_user(request))
    if company is None:
        return redirect("printers:register")
    return _home(request, company, CheckForm())


def _home(
    request: HttpRequest, company: PrintingCompany, form: CheckForm, status: int = 200
) -> HttpResponse:
    context = {
        "company": company,
        "form": form,
        "checks": company.checks.select_related("checked_by")[:SHOWN],
        "jobs": company.jobs.select_related("check_record")[:SHOWN],
        "export_form": ExportForm(initial=ExportForm.initial_range(timezone.localdate())),
    }
    return render(request, "printers/home.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """File a printing company (an account of no member's, not yet any company's)."""
    user = _user(request)
    if companies.company_of(user) is not None:
        return redirect("printers:home")
    form = CompanyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The upload as it came: the service reads it once the account may file at all.
            companies.company_register(user=user, **data)
            messages.success(request, _("登记已提交，请等待编码中心审核"))
            return redirect("printers:home")
        except (UploadError, companies.PrinterError) as error:
            form.add_error(None, str(error))
    return render(request, "printers/register.html", {"form": form})


@login_required
@require_POST
def check_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    company = companies.require_approved(user)
    form = CheckForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = checks.check_record(
                user=user,
                kind=data["kind"],
                entered=data["entered"],
                company_name=data["company_name"],
                scan=data["scan"],  # read by the service once the company's minute is spent
            )
            return redirect("printers:check", check.pk)
        except UploadError as error:
            form.add_error("scan", str(error))
        except companies.PrinterError as error:
            form.add_error(None, str(error))
    return _home(request, company, form, status=400)


@login_required
@require_GET
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    check = checks.check_of(_user(request), check_id)
    return render(request, "printers/check.html", {"check": check, "jobs": check.jobs.all()})


@login_required
@require_GET
def check_file(request: HttpRequest, check_id: int, which: str) -> FileResponse:
    """A copy kept with the check: ``snapshot`` (the hall's answer) or ``scan``."""
    check = checks.check_of(_user(request), check_id)
    stored = {"snapshot": check.snapshot, "scan": check.scan}.get(which)
    if stored is None or not stored.name:
        raise Http404
    return _file(stored, f"check-{check.pk}-{which}")


def _file(stored: Any, name: str) -> FileResponse:
    suffix = stored.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        stored.open("rb"),
        content_type=_FILE_TYPES.get(suffix, "application/octet-stream"),
        filename=f"{name}.{suffix}",
    )
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def checks_export(request: HttpRequest) -> HttpResponseBase:
    company = companies.require_company(_user(request))
    verdict = limits.for_address(request, bucket="printer-export", limit=EXPORTS_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(_("导出过于频繁，请稍后再试"))
    export.export_spend(company)
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise companies.PrinterError(_("请填写开始日期、结束日期和格式"))
    data = form.cleaned_data
    found = export.checks_in(company, data["start"], data["end"])
    stem = f"checks-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    if data["format"] == "zip":
        with export.zip_turn(company):
            archive = export.checks_zip(found)
        # Streamed from the temporary file, which the response closes (and so removes).
        return FileResponse(
            archive, as_attachment=True, filename=f"{stem}.zip", content_type="application/zip"
        )
    kind = data["format"]
    response = HttpResponse(export.checks_table(found, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


def _printable_checks(company: PrintingCompany) -> list[CertificateCheck]:
    valid = company.checks.filter(result=CertificateCheck.Result.VALID)
    return list(valid.filter(valid_until__gte=timezone.localdate())[:SHOWN])


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    company = companies.require_approved(user)
    form = JobForm(
        request.POST or None,
        checks=_printable_checks(company),
        initial={"check_id": request.GET.get("check")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = jobs.job_record(
                user=user,
                check_id=data["check_id"],
                gtins=data["gtins"].splitlines(),
                magnification=data["magnification"],
                substrate=data["substrate"],
                quantity=data["quantity"],
            )
            messages.success(request, _("印刷业务已记录，请上传样张检测"))
            return redirect("printers:job", job.pk)
        except companies.PrinterError as error:
            form.add_error(None, str(error))
    return render(request, "printers/job_new.html", {"form": form})


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = jobs.job_of(_user(request), job_id)
    context = {"job": job, "failure": jobs.proof_failure(job), "proof_form": ProofForm()}
    return render(request, "printers/job.html", context)


@login_required
@require_POST
def job_proof(request: HttpRequest, job_id: int) -> HttpResponse:
    user = _user(request)
    job = jobs.job_of(user, job_id)
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择印刷样张图片"))
        return redirect("printers:job", job.pk)
    try:
        image = read_image(form.cleaned_data["image"], MAX_PROOF_BYTES)
        job = jobs.job_proof_grade(
            user=user, job_id=job.pk, image=image, dpi=form.cleaned_data["dpi"]
        )
    except (UploadError, companies.PrinterError) as error:
        messages.error(request, str(error))
        return redirect("printers:job", job.pk)
    if job.proof_passed:
        messages.success(
            request, _("样张合格，检测结果：%(result)s") % {"result": job.proof_result}
        )
    else:
        messages.error(request, jobs.proof_failure(job))
    return redirect("printers:job", job.pk)


@login_required
@require_GET
def job_file(request: HttpRequest, job_id: int, which: str) -> FileResponse:
    job = jobs.job_of(_user(request), job_id)
    stored = {"proof": job.proof, "report": job.proof_report}.get(which)
    if stored is None or not stored.name:
        raise Http404
    return _file(stored, f"job-{job.pk}-{which}")


# --- The center's side ---------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in companies.DECIDERS:
        raise Forbidden(_("只有编码中心的工作人员可以审核印刷企业"))
    return user


@login_required
@require_GET
def staff_companies(request: HttpRequest) -> HttpResponse:
    _staff(request)
    pending = PrintingCompany.objects.filter(status=PrintingCompany.Status.PENDING)
    others = PrintingCompany.objects.exclude(status=PrintingCompany.Status.PENDING)
    context = {
        "pending": pending.order_by("filed_at"),
        "others": others[:SHOWN],
        "decision_form": DecisionForm(),
    }
    return render(request, "printers/staff.html", context)


@login_required
@require_POST
def staff_decide(request: HttpRequest, company_id: int) -> HttpResponse:
    actor = _staff(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise companies.PrinterError(_("无效的审核结果"))
    company = companies.company_decide(
        actor=actor,
        company_id=company_id,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request,
        _("已审核：%(name)s，%(status)s")
        % {"name": company.name, "status": company.get_status_display()},
    )
    return redirect("printers:staff")


@login_required
@require_GET
def licence(request: HttpRequest, company_id: int) -> FileResponse:
    """A company's business licence: to the center's staff, and to the company's own accounts."""
    user = _user(request)
    own = companies.company_of(user)
    if user.role not in companies.DECIDERS and (own is None or own.pk != company_id):
        raise Http404
    company = PrintingCompany.objects.filter(pk=company_id).first()
    if company is None or not company.licence.name:
        raise Http404
    return _file(company.licence, f"licence-{company.pk}")
