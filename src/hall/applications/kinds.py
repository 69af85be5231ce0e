"""The applications other than registration and renewal (domain.md §3): change, cancellation,
certificate reissue, EAN-8, UPC, foreign-code filing and group authorisation; what the member
files for each, and what the center's approval does."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.applications.models import Application
from hall.applications.workflow import WorkflowError, application_transition
from hall.members.lifecycle import member_cancel
from hall.members.models import CompanyPrefix, Ean8Code, Filing, Member, MemberVersion
from hall.members.numbering import next_in_sequence
from tiaoma import checksum

Kind = Application.Kind
#: The member fields a change may touch.
CHANGEABLE = ("name", "name_en", "registered_address", "office_address", "postcode",
              "registered_capital", "legal_representative", "legal_representative_phone",
              "contact", "contact_phone", "mobile", "email")  # fmt: skip


def application_start(*, user: User, kind: str, data: dict[str, Any]) -> Application:
    """A member's application of ``kind`` with the form's ``data``, submitted at once."""
    member = user.member
    if member is None:
        raise WorkflowError(_("账号尚未激活：请先用系统成员证书激活"))
    if member.status == Member.Status.CANCELLED:
        raise WorkflowError(_("该系统成员已注销"))
    if kind != Application.Kind.MOBILE_CHANGE:  # the account's own request: any role files it
        require_member_role(user)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=kind, member=member, applicant=user, branch=member.branch, data=data
            )
    except IntegrityError:
        raise WorkflowError(_("已有一项未办结的同类申请")) from None
    return application_transition(
        application_id=application.pk, action="submit", actor=user, version=application.version
    )


def _member(application: Application) -> Member:
    assert application.member_id is not None  # every kind here has its member
    return Member.objects.select_for_update().get(pk=application.member_id)


def approve_change(application: Application, today: date) -> None:
    member = _member(application)
    changed = {k: v for k, v in application.data.items()
               if k in CHANGEABLE and v not in (None, "") and getattr(member, k) != v}  # fmt: skip
    MemberVersion.objects.create(member=member, changed=changed,
                                 data={k: getattr(member, k) for k in changed})  # fmt: skip
    for field, value in changed.items():
        setattr(member, field, value)
    member.save()


def approve_cancellation(application: Application, today: date) -> None:
    member_cancel(member=_member(application), today=today)


def approve_reissue(application: Application, today: date) -> None:
    member = _member(application)
    member.certificate_edition += 1
    member.save(update_fields=["certificate_edition"])


def approve_ean8(application: Application, today: date) -> None:
    """The next EAN-8 of the center's pool: 69 + block digit + a 4-digit item code + check."""
    block = settings.EAN8_BLOCK
    while True:
        serial = next_in_sequence(f"ean8-{block}")
        if serial >= 10**4:
            raise WorkflowError(_("缩短码已分配完"))
        body = f"{block}{serial:04d}"
        number = body + checksum.calc_check_digit(body)
        if not Ean8Code.objects.filter(number=number).exists():
            break
    Ean8Code.objects.create(
        member=_member(application),
        number=number,
        allocated_on=today,
        product=str(application.data.get("product", ""))[:200],
    )


def approve_upc(application: Application, today: date) -> None:
    prefix = str(application.data.get("upc_prefix") or "")
    if not prefix:
        raise WorkflowError(_("请先在申请中填写分配的 UPC 厂商识别代码"))
    taken = WorkflowError(_("UPC 厂商识别代码 %(prefix)s 已分配，请核对后重填")
                          % {"prefix": prefix}, code="prefix_taken")  # fmt: skip
    if CompanyPrefix.objects.filter(prefix=prefix).exists():
        raise taken
    try:
        with transaction.atomic():  # the same prefix allocated by a concurrent approval
            CompanyPrefix.objects.create(
                member=_member(application), prefix=prefix, kind=CompanyPrefix.Kind.UPC,
                allocated_on=today,
            )  # fmt: skip
    except IntegrityError:
        raise taken from None


def approve_filing(kind: str) -> Any:
    def approve(application: Application, today: date) -> None:
        Filing.objects.create(
            member=_member(application), kind=kind, data=application.data, filed_on=today
        )

    return approve
