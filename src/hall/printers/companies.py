"""How a printing company comes to be, and who acts for it.

An account is made as every account of the hall is (hall.accounts: mobile, image captcha, SMS
code, password). Not yet a member's, it may then file a printing company (name, unified social
credit code, business licence, contact): the account becomes the company's first, with the role
``printer``, and the company waits for the center. Center staff approve or refuse it (each
decision a history row); only an approved company records checks and print jobs. An approved
company the center suspends (with the reason it is told) records nothing until reinstated.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.uploads import Upload
from hall.core import limits
from hall.core.errors import Conflict, Forbidden, HallError, NotFound, RateLimited
from hall.printers.documents import Document, clean_document
from hall.printers.models import CompanyEvent, Printer, PrintingCompany

Status = PrintingCompany.Status
#: Staff who decide on printing companies.
DECIDERS = (User.Role.CENTER, User.Role.ADMIN)
#: The decisions staff make, from the one status they start from.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.APPROVED: (Status.PENDING, Status.REJECTED, Status.SUSPENDED),
    Status.REJECTED: (Status.PENDING,),
    Status.SUSPENDED: (Status.APPROVED,),
}
#: The decisions the company is told the reason of.
REASON_REQUIRED = (Status.REJECTED, Status.SUSPENDED)
#: Filings an account may try a minute: each reads a licence (an image decoded, a PDF opened).
FILINGS_PER_MINUTE = 5
#: An account with one of these open is on its way to become a member's.
MEMBER_KINDS = (Application.Kind.REGISTRATION, Application.Kind.ACTIVATION)
CLOSED = (Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.WITHDRAWN)


class PrinterError(HallError):
    """A printing company's business refused; the message says why."""

    code = "printer"


def company_of(user: Any) -> PrintingCompany | None:
    """The printing company ``user`` acts for, if any."""
    if not isinstance(user, User) or user.role != User.Role.PRINTER:
        return None
    printer = Printer.objects.filter(user=user).select_related("company").first()
    return printer.company if printer else None


def require_company(user: Any) -> PrintingCompany:
    """The account's company, or 404: a page of printers' business is nobody else's."""
    company = company_of(user)
    if company is None:
        raise NotFound(_("只有印刷企业账号可以使用此功能"))
    return company


def require_approved(user: Any) -> PrintingCompany:
    """The account's company, approved by the center (and not suspended since); else refused
    (403)."""
    company = require_company(user)
    if company.status == Status.SUSPENDED:
        raise Forbidden(
            _("贵企业已被编码中心暂停（%(reason)s），暂不能录入查验或印刷记录")
            % {"reason": company.reason},
            code="printer_suspended",
        )
    if not company.approved:
        raise Forbidden(
            _("贵企业的登记尚未通过编码中心审核，暂不能录入查验或印刷记录"),
            code="printer_not_approved",
        )
    return company


def company_register(
    *,
    user: User,
    name: str,
    uscc: str,
    contact: str,
    contact_phone: str,
    address: str,
    licence: Upload | Document,
) -> PrintingCompany:
    """File a printing company: ``user`` (an account of no member, no company and no open
    registration or activation) becomes its first account, with the role ``printer``; the
    company waits for the center's approval. The licence is read only once the account may
    file and the code is free: a refused filing costs no image decoding and no PDF opening."""
    _spend_filing(user)
    _require_free(user, uscc)
    document = licence if isinstance(licence, Document) else clean_document(licence)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        _require_free(account, uscc)  # again, under the account's lock
        company = PrintingCompany(
            name=name, uscc=uscc, contact=contact, contact_phone=contact_phone, address=address
        )
        company.licence.save(f"licence.{document.suffix}", ContentFile(document.data), save=False)
        try:
            with transaction.atomic():
                company.save()
        except IntegrityError:  # filed a moment ago by another request
            raise _uscc_taken() from None
        Printer.objects.create(user=account, company=company)
        account.role = User.Role.PRINTER
        account.save(update_fields=["role"])
        CompanyEvent.objects.create(company=company, actor=account, new_status=Status.PENDING)
    user.role = User.Role.PRINTER
    return company


def _spend_filing(user: User) -> None:
    verdict = limits.spend(f"printer-filing:{user.pk}", FILINGS_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(
            _("登记提交过于频繁，请 %(seconds)d 秒后再试") % {"seconds": verdict.retry_after}
        )


def _require_free(account: User, uscc: str) -> None:
    """The account is nobody's yet and on no way to a member's; the code is no company's."""
    if account.role != User.Role.MEMBER or account.member_id is not None:
        raise PrinterError(
            _("此账号已是系统成员或印刷企业的账号，不能再登记印刷企业"),
            code="printer_account_taken",
        )
    applications = Application.objects.filter(applicant=account, kind__in=MEMBER_KINDS)
    if applications.exclude(status__in=CLOSED).exists():
        raise PrinterError(
            _("此账号有正在办理的注册或账号激活申请，不能同时登记印刷企业"),
            code="printer_account_applying",
        )
    if PrintingCompany.objects.filter(uscc=uscc).exists():
        raise _uscc_taken()


def _uscc_taken() -> PrinterError:
    return PrinterError(
        _("该统一社会信用代码的印刷企业已登记：请由该企业的账号登录"), code="printer_uscc_taken"
    )


def company_decide(
    *, actor: User, company_id: int, status: str, reason: str = ""
) -> PrintingCompany:
    """Center staff approve a printing company or refuse it, suspend an approved one or
    reinstate it (a refusal and a suspension with the reason the company is told)."""
    if actor.role not in DECIDERS:
        raise Forbidden(_("只有编码中心的工作人员可以审核印刷企业"))
    if status not in ALLOWED_TRANSITIONS:
        raise PrinterError(_("无效的审核结果"))
    if status in REASON_REQUIRED and not reason.strip():
        why = _("请填写暂停的原因") if status == Status.SUSPENDED else _("请填写未通过的原因")
        raise PrinterError(why, code="reason_required")
    with transaction.atomic():
        company = PrintingCompany.objects.select_for_update().filter(pk=company_id).first()
        if company is None:
            raise NotFound(_("印刷企业不存在"))
        if company.status not in ALLOWED_TRANSITIONS[status]:
            raise Conflict(
                _("该印刷企业当前为“%(status)s”，不能再办理此审核")
                % {"status": company.get_status_display()}
            )
        old = company.status
        company.status, company.reason = status, reason.strip()[:500]
        company.save(update_fields=["status", "reason"])
        CompanyEvent.objects.create(
            company=company, actor=actor, old_status=old, new_status=status, reason=company.reason
        )
    return company
