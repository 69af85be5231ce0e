"""A printing company's check of its customer's certificate or filing document, recorded (seed
002 art. 21: 查验委托人的《系统成员证书》或者相关备案文件，并复印存档，存档期限为2年).

The hall answers as the public check does (hall.lookup.services: the number with the company's
name, or the certificate's signed QR code) and keeps, with who checked and when: what was
entered, the answer (valid, expired, cancelled or unknown, with the member's name, prefixes and
validity), the hall's answer rendered as a page (the copy an inspector reads), and the
customer's scan or photo of the paper when the printer gives one. A filing document (境外码备案,
集团授权备案) is the member's approved application of that kind, named by its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.uploads import Upload
from hall.core import limits
from hall.core.errors import NotFound, RateLimited
from hall.core.typed import digits, typed
from hall.lookup import services as lookup
from hall.members.certificates import certificate_from
from hall.members.facts import same_name
from hall.members.models import Member
from hall.printers.companies import PrinterError, require_approved, require_company
from hall.printers.documents import Document, clean_document
from hall.printers.models import CertificateCheck, PrintingCompany
from tiaoma import gtin

Kind, Result = CertificateCheck.Kind, CertificateCheck.Result
#: Checks a company may record a minute: a busy counter checks a few customers an hour.
CHECKS_PER_MINUTE = 20
#: The filing documents a printer may be shown instead of a certificate.
FILING_KINDS = (Application.Kind.FOREIGN_FILING, Application.Kind.GROUP_AUTHORISATION)
_TOKEN_IN_URL = re.compile(r"/verify/t/([^/?#\s]+)")


@dataclass(frozen=True)
class Answer:
    """What the hall answered, in the record's terms."""

    result: str
    message: str
    member: Member | None = None
    prefixes: tuple[str, ...] = ()
    gtins: tuple[str, ...] = ()
    valid_until: date | None = None


def check_record(
    *,
    user: User,
    kind: str,
    entered: str,
    company_name: str = "",
    scan: Upload | Document | None = None,
) -> CertificateCheck:
    """Check what the customer showed and keep the record with its copies. What was typed is
    judged first (a malformed entry costs nothing), then the company's minute is spent, and
    only then is the scan read (an image decoded, a PDF opened)."""
    company = require_approved(user)
    entered, company_name = typed(entered).strip()[:300], typed(company_name).strip()[:200]
    if kind not in Kind.values:
        raise PrinterError(_("无效的查验方式"))
    if not entered:
        raise PrinterError(_("请输入证书编号、二维码内容或备案文件编号"))
    if kind in (Kind.CERTIFICATE, Kind.FILING) and not company_name:
        raise PrinterError(_("请输入委托人的企业名称（与编号一同核对）"))
    if kind == Kind.FILING and _filing_number(entered) is None:
        raise PrinterError(_("备案文件编号应为数字（备案业务的编号）"), code="filing_number")
    _spend(company)
    document = scan if scan is None or isinstance(scan, Document) else clean_document(scan)
    answer = _answer(kind, entered, company_name)
    check = CertificateCheck(
        company=company,
        checked_by=user,
        kind=kind,
        entered=entered,
        entered_company=company_name,
        result=answer.result,
        message=answer.message[:300],
        member=answer.member,
        member_name=answer.member.name if answer.member else "",
        certificate_number=(answer.member.certificate_number if answer.member else ""),
        valid_until=answer.valid_until,
        prefixes=list(answer.prefixes),
        gtins=list(answer.gtins),
    )
    with transaction.atomic():
        check.snapshot.save("check.html", ContentFile(_snapshot(check).encode()), save=False)
        if document is not None:
            check.scan.save(f"scan.{document.suffix}", ContentFile(document.data), save=False)
        check.save()
    return check


def _spend(company: PrintingCompany) -> None:
    verdict = limits.spend(f"printer-checks:{company.pk}", CHECKS_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(
            _("查验过于频繁，请 %(seconds)d 秒后再试") % {"seconds": verdict.retry_after}
        )


def _answer(kind: str, entered: str, company_name: str) -> Answer:
    if kind == Kind.CERTIFICATE:
        return _from_lookup(lookup.check_certificate(entered, company_name))
    if kind == Kind.TOKEN:
        return _token_answer(entered)
    if kind == Kind.FILING:
        return _filing_answer(entered, company_name)
    raise PrinterError(_("无效的查验方式"))


def _token_answer(entered: str) -> Answer:
    """The QR code's text: the verification address (a scanner types it) or the token alone."""
    found = _TOKEN_IN_URL.search(entered)
    token = found.group(1) if found else entered
    try:
        signed = certificate_from(token)
    except signing.BadSignature:
        return _from_lookup(lookup.forged_certificate())
    answer = lookup.check_signed_certificate(signed.number, signed.edition)
    # A paper of an edition since reissued (补办) is void, as a cancelled certificate is.
    superseded = signed.edition is not None and signed.edition < answer.get("edition", 0)
    return _from_lookup(answer, superseded=superseded)


def _from_lookup(answer: dict[str, Any], *, superseded: bool = False) -> Answer:
    """hall.lookup's answer as a result: the member found again by its (unmasked) number."""
    if not answer["genuine"]:
        return Answer(Result.UNKNOWN, answer["message"])
    facts = answer["member"]
    member = Member.objects.filter(certificate_number=facts["certificate_number"]).first()
    if answer["valid"]:
        result = Result.VALID
    elif facts["status"] == Member.Status.CANCELLED or superseded:
        result = Result.CANCELLED
    else:
        result = Result.EXPIRED
    return Answer(
        result,
        answer["message"],
        member,
        tuple(answer["prefixes"]),
        valid_until=date.fromisoformat(facts["valid_until"]),
    )


def _filing_answer(entered: str, company_name: str) -> Answer:
    """An approved filing (its application's number) of the named company: valid while its
    member is and, for a group's authorisation, until the date it runs to."""
    number = _filing_number(entered)
    application = None
    if number is not None:
        application = (
            Application.objects.filter(
                pk=number, kind__in=FILING_KINDS, status=Application.Status.APPROVED
            )
            .select_related("member")
            .first()
        )
    member = application.member if application else None
    if application is None or member is None or not same_name(member.name, company_name):
        return Answer(Result.UNKNOWN, _("查无此备案：备案编号与企业名称不符，或备案不存在"))
    return _filing_result(application, member)


def _filing_number(entered: str) -> int | None:
    """The application's number as written (``No.12``, full-width digits), or None: only ASCII
    digits count ("²" is a digit to :meth:`str.isdigit` and no number to :func:`int`)."""
    number = digits(entered).removeprefix("No.")
    if number.isascii() and number.isdigit() and len(number) <= 12:
        return int(number)
    return None


def _filing_result(application: Application, member: Member) -> Answer:
    data, today = application.data, timezone.localdate()
    until = _date_or_none(data.get("until")) or member.valid_until
    if application.kind == Application.Kind.FOREIGN_FILING:
        filed = str(data.get("gtin", ""))
        prefixes, gtins = (), (gtin.parse(filed).gtin14,) if gtin.is_valid(filed) else ()
    else:
        prefixes, gtins = tuple(re.findall(r"[0-9]{6,12}", str(data.get("prefixes", "")))), ()
    if member.status == Member.Status.CANCELLED:
        result = Result.CANCELLED
    elif not lookup.membership_valid(member) or until < today:
        result = Result.EXPIRED
    else:
        result = Result.VALID
    message = _("%(kind)s（编号 %(number)s）：%(name)s，%(result)s，有效期至 %(until)s") % {
        "kind": application.get_kind_display(),
        "number": application.pk,
        "name": member.name,
        "result": Result(result).label,
        "until": until.isoformat(),
    }
    return Answer(result, message, member, prefixes, gtins, until)


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _snapshot(check: CertificateCheck) -> str:
    """The hall's answer as a page of its own: the copy kept and handed to an inspector."""
    return render_to_string("printers/snapshot.html", {"check": check, "at": timezone.now()})


def check_of(user: User, check_id: int) -> CertificateCheck:
    """One of the account's company's checks; another company's is as absent as none (404)."""
    company = require_company(user)
    check = CertificateCheck.objects.filter(pk=check_id, company=company).first()
    if check is None:
        raise NotFound(_("查验记录不存在"))
    return check
