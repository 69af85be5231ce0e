"""Print jobs (seed 002 art. 21-22): the GTINs a printing company prints for a customer, each
under a prefix (or a filed GTIN) of the customer's valid certificate check; the magnification
within GB 12904's 0.80-2.00; the substrate; and the proof graded as the hall grades members'
proofs (tiaoma's ISO/IEC 15416 grader, GB/T 18348's pass mark: hall.products.artwork), passed
only when it carries one of the job's own GTINs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.core import limits
from hall.core.errors import NotFound, RateLimited
from hall.core.reasons import reason
from hall.printers import retention
from hall.printers.companies import PrinterError, require_approved, require_company
from hall.printers.models import CertificateCheck, PrintingCompany, PrintJob
from hall.products.artwork import PASSING_GRADE, PROOF_MAX_PIXELS, UNREADABLE_PROOF
from tiaoma import gtin
from tiaoma.errors import TiaomaError
from tiaoma.render.layout import MAGNIFICATION_RANGE
from tiaoma.verify.grading import VerifyError, verify
from tiaoma.verify.report import html

#: The most GTINs one job names (a label run of a product range).
MAX_GTINS = 200
#: Proofs a company may have graded a minute.
PROOFS_PER_MINUTE = 20


def job_record(
    *,
    user: User,
    check_id: int,
    gtins: Iterable[str],
    magnification: str,
    substrate: str,
    quantity: int | None = None,
) -> PrintJob:
    """Record a print job resting on one of the company's valid checks. The check is locked
    while the job is written: retention (which locks what it deletes) and the job never pass
    each other, and a check past keeping is refused, too old to rely on anyway."""
    company = require_approved(user)
    with transaction.atomic():
        found = CertificateCheck.objects.select_for_update().filter(pk=check_id, company=company)
        check = found.first()
        if check is None:  # another company's check is as absent as none
            raise NotFound(_("查验记录不存在"))
        _require_printable(check)
        numbers = _customer_gtins(check, gtins)
        if substrate not in PrintJob.Substrate.values:
            raise PrinterError(_("请选择承印材料"))
        return PrintJob.objects.create(
            company=company,
            check_record=check,
            created_by=user,
            gtins=numbers,
            magnification=_magnification(magnification),
            substrate=substrate,
            quantity=quantity,
        )


def _require_printable(check: CertificateCheck) -> None:
    """Art. 21: no valid certificate, no printing; and a certificate valid when checked but
    expired since must be checked again."""
    if check.result != CertificateCheck.Result.VALID:
        raise PrinterError(
            _("该查验记录的结果为“%(result)s”：委托人不能出具有效证书或备案文件的，不得承印")
            % {"result": check.get_result_display()},
            code="check_not_valid",
        )
    if check.valid_until is not None and check.valid_until < timezone.localdate():
        raise PrinterError(
            _("查验时的证书已过有效期（%(until)s），请重新查验")
            % {"until": check.valid_until.isoformat()},
            code="check_outdated",
        )
    if check.checked_at < retention.cutoff(timezone.localdate()):
        raise PrinterError(
            _("该查验记录已超过两年存档期限，请重新查验委托人的证书"), code="check_past_keeping"
        )


def _customer_gtins(check: CertificateCheck, typed: Iterable[str]) -> list[str]:
    """Each GTIN valid (the library's check) and the customer's: under one of the checked
    prefixes, or one of the filed foreign GTINs. As written, in the order given, once each."""
    numbers: list[str] = []
    seen: set[str] = set()  # 06921234500019 is 6921234500019
    for line in typed:
        text = line.strip()
        if not text:
            continue
        try:
            parsed = gtin.parse(text)
        except TiaomaError as error:
            raise PrinterError(reason(error), code="gtin_invalid") from error
        if not _belongs(check, parsed):
            raise PrinterError(
                _("商品条码 %(gtin)s 不属于委托人（%(name)s）的厂商识别代码")
                % {"gtin": parsed.value, "name": check.member_name},
                code="gtin_not_customers",
            )
        if parsed.gtin14 not in seen:
            seen.add(parsed.gtin14)
            numbers.append(parsed.value)
    if not numbers:
        raise PrinterError(_("请输入要印刷的商品条码"))
    if len(numbers) > MAX_GTINS:
        raise PrinterError(_("一次最多录入 %(count)d 个商品条码") % {"count": MAX_GTINS})
    return numbers


def _belongs(check: CertificateCheck, parsed: gtin.Gtin) -> bool:
    number = parsed.gtin14
    if number in check.gtins:
        return True
    # An EAN prefix follows the GTIN-14's leading 0; a UPC prefix its 00.
    return any(
        number[1:].startswith(prefix) or (number.startswith("00") and number[2:].startswith(prefix))
        for prefix in check.prefixes
    )


def _magnification(text: str) -> Decimal:
    """GB 12904 7.1.3: an EAN-13's magnification is 0.80 to 2.00."""
    low, high = MAGNIFICATION_RANGE
    try:
        value = Decimal(text.strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, AttributeError):
        value = Decimal("NaN")
    if not value.is_finite() or not Decimal(str(low)) <= value <= Decimal(str(high)):
        raise PrinterError(
            _("放大系数应在 %(low).2f 至 %(high).2f 之间（GB 12904）") % {"low": low, "high": high},
            code="magnification",
        )
    return value


def job_of(user: User, job_id: int) -> PrintJob:
    company = require_company(user)
    job = PrintJob.objects.filter(pk=job_id, company=company).select_related("check_record").first()
    if job is None:
        raise NotFound(_("印刷业务记录不存在"))
    return job


def job_proof_grade(*, user: User, job_id: int, image: bytes, dpi: int | None) -> PrintJob:
    """Grade the job's proof and keep it with the job: passed at 1.5 (D) or better and only
    if it carries one of the job's GTINs; an image with no gradable barcode is a failed proof,
    and a file that is no image is refused."""
    company = require_approved(user)
    job = job_of(user, job_id)
    _spend(company)
    try:
        graded = verify(image, dpi=dpi, max_pixels=PROOF_MAX_PIXELS)[0]
    except VerifyError as error:
        if error.code not in UNREADABLE_PROOF:
            raise PrinterError(reason(error), code="proof_refused") from error
        return _keep(job, image, _Graded("—", "F", "", False, _unreadable_report()))
    except TiaomaError as error:
        raise PrinterError(reason(error), code="proof_refused") from error
    decoded = (graded.decoded_data or graded.data)[:100]
    passed = _ours(job, decoded) and graded.grade.value >= PASSING_GRADE
    return _keep(
        job, image, _Graded(graded.result, graded.grade.letter, decoded, passed, html(graded))
    )


def _spend(company: PrintingCompany) -> None:
    """Grading takes a second of a worker's time: so many proofs a minute per company."""
    verdict = limits.spend(f"printer-proofs:{company.pk}", PROOFS_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(
            _("检测过于频繁，请 %(seconds)d 秒后再试") % {"seconds": verdict.retry_after}
        )


def _ours(job: PrintJob, decoded: str) -> bool:
    """zxing-cpp reads a UPC-A as 13 digits: every length compares as GTIN-14."""
    if not decoded.isdigit():
        return False
    return decoded.zfill(14) in {gtin.parse(number).gtin14 for number in job.gtins}


def _unreadable_report() -> str:
    why = escape(_("不合格：样张上未找到可检测的条码"))
    return (
        f'<!doctype html><html><head><meta charset="utf-8"></head><body><p>{why}</p></body></html>'
    )


@dataclass(frozen=True)
class _Graded:
    """What the grader said of a proof, as the job keeps it."""

    result: str
    letter: str
    decoded: str
    passed: bool
    report: str


def _keep(job: PrintJob, image: bytes, graded: _Graded) -> PrintJob:
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().get(pk=job.pk)
        old = [stored.name for stored in (job.proof, job.proof_report) if stored.name]
        job.proof.save(f"proof.{_suffix(image)}", ContentFile(image), save=False)
        job.proof_report.save("proof.html", ContentFile(graded.report.encode()), save=False)
        job.proof_result, job.proof_letter = graded.result, graded.letter
        job.proof_decoded, job.proof_passed = graded.decoded, graded.passed
        job.save()
        transaction.on_commit(lambda: _delete(old, job))
    return job


#: The formats the grader reads, by their first bytes.
_MAGIC = {
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpg",
    b"%PDF-": "pdf",
    b"II*\x00": "tif",
    b"MM\x00*": "tif",
    b"BM": "bmp",
    b"GIF8": "gif",
}


def _suffix(data: bytes) -> str:
    return next((suffix for magic, suffix in _MAGIC.items() if data.startswith(magic)), "bin")


def _delete(names: list[str], job: PrintJob) -> None:
    """A proof graded again replaces the one before (its files go once the new one is kept)."""
    for name in names:
        job.proof.storage.delete(name)


def proof_failure(job: PrintJob) -> str:
    """Why the job's proof failed, in the reader's language; empty when it passed or is none."""
    if job.proof_passed is not False:
        return ""
    if not job.proof_decoded:
        return _("不合格：样张上未找到可检测的条码")
    if not _ours(job, job.proof_decoded):
        return _("不合格：样张上的条码（%(data)s）不是本业务的商品条码") % {
            "data": job.proof_decoded
        }
    return _("不合格：符号等级（%(letter)s）低于 GB/T 18348 要求的 1.5（D）") % {
        "letter": job.proof_letter
    }
