"""How a printing company comes to be, and who acts for it.

An account is made as every account of the hall is (hall.accounts: mobile, image captcha, SMS
code, password). Not yet a member's, it may then file a printing company (name, unified social
credit code, business licence, contact): the account becomes the company's first, with the role
``printer``, and the company waits for the center. Center staff approve or refuse it (each
decision a history row); only an approved company records checks and print jobs.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.core.errors import Conflict, Forbidden, HallError, NotFound
from hall.printers.documents import Document
from hall.printers.models import CompanyEvent, Printer, PrintingCompany

Status = PrintingCompany.Status
#: Staff who decide on printing companies.
DECIDERS = (User.Role.CENTER, User.Role.ADMIN)
#: The decisions staff make, from the one status they start from.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.APPROVED: (Status.PENDING, Status.REJECTED),
    Status.REJECTED: (Status.PENDING,),
}


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
    """The account's company, approved by the center; else refused (403)."""
    company = require_company(user)
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
    licence: Document,
) -> PrintingCompany:
    """File a printing company: ``user`` (an account of no member and no company) becomes its
    first account, with the role ``printer``; the company waits for the center's approval."""
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=user.pk)
        if account.role != User.Role.MEMBER or account.member_id is not None:
            raise PrinterError(
                _("此账号已是系统成员或印刷企业的账号，不能再登记印刷企业"),
                code="printer_account_taken",
            )
        if PrintingCompany.objects.filter(uscc=uscc).exists():
            raise _uscc_taken()
        company = PrintingCompany(
            name=name, uscc=uscc, contact=contact, contact_phone=contact_phone, address=address
        )
        company.licence.save(f"licence.{licence.suffix}", ContentFile(licence.data), save=False)
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


def _uscc_taken() -> PrinterError:
    return PrinterError(
        _("该统一社会信用代码的印刷企业已登记：请由该企业的账号登录"), code="printer_uscc_taken"
    )


def company_decide(
    *, actor: User, company_id: int, status: str, reason: str = ""
) -> PrintingCompany:
    """Center staff approve a printing company or refuse it (with the reason it is told)."""
    if actor.role not in DECIDERS:
        raise Forbidden(_("只有编码中心的工作人员可以审核印刷企业"))
    if status not in ALLOWED_TRANSITIONS:
        raise PrinterError(_("无效的审核结果"))
    if status == Status.REJECTED and not reason.strip():
        raise PrinterError(_("请填写未通过的原因"), code="reason_required")
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
