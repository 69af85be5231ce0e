"""The demo's printing company (``python -m hall demo`` calls :func:`seed`): approved by the
demo center's reviewer, with a login and one recorded check of the demo member's certificate,
so that the printer's page, its record and its copy are there to look at."""

from __future__ import annotations

import io
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from hall.accounts.models import User
from hall.members.models import Member
from hall.printers import checks, companies
from hall.printers.models import CompanyEvent, Printer, PrintingCompany
from tiaoma import uscc

MOBILE, PASSWORD = "13800000006", "Printer2026demo"
NAME = "杭州示例印务有限公司"
USCC_BODY = "91330106704123456"
#: The demo member seeded by the demo command, whose certificate the printer checks.
CUSTOMER = ("物编注字第123456号", "杭州示例食品有限公司")


def seed(out: TextIO) -> list[str]:
    """Create (or refresh) the demo printing company and its login; the login lines to print."""
    with transaction.atomic():
        company = _company()
        user = _login(company)
        _approve(company, user)
        if not company.checks.exists() and Member.objects.filter(name=CUSTOMER[1]).exists():
            checks.check_record(user=user, kind=checks.Kind.CERTIFICATE, entered=CUSTOMER[0],
                                company_name=CUSTOMER[1])  # fmt: skip
    out.write(f"demo printing company: {NAME} ({company.uscc}), approved\n")
    return [f"  login {MOBILE} / {PASSWORD}   印刷企业用户（{NAME}，已核准）"]


def _company() -> PrintingCompany:
    code = USCC_BODY + uscc.calc_check_digit(USCC_BODY)
    company = PrintingCompany.objects.filter(uscc=code).first()
    if company is not None:
        return company
    company = PrintingCompany(name=NAME, uscc=code, contact="王五", contact_phone="057188886666",
                              address="杭州市拱墅区莫干山路 100 号")  # fmt: skip
    company.licence.save("licence.png", ContentFile(_licence_png()), save=False)
    company.save()
    return company


def _login(company: PrintingCompany) -> User:
    user = User.objects.filter(mobile=MOBILE).first()
    if user is None:
        user = User.objects.create_user(MOBILE, PASSWORD, name="王五", role=User.Role.PRINTER)
    else:
        user.set_password(PASSWORD)
        user.role = User.Role.PRINTER
        user.save()
    Printer.objects.update_or_create(user=user, defaults={"company": company})
    return user


def _approve(company: PrintingCompany, user: User) -> None:
    """Approved by the demo center's reviewer, as staff approve any company (on the record)."""
    if company.approved:
        return
    reviewer = User.objects.filter(role__in=companies.DECIDERS).order_by("pk").first()
    if reviewer is not None:
        companies.company_decide(actor=reviewer, company_id=company.pk,
                                 status=PrintingCompany.Status.APPROVED)  # fmt: skip
        return
    company.status = PrintingCompany.Status.APPROVED  # a hall with no staff yet: the seed's word
    company.save(update_fields=["status"])
    CompanyEvent.objects.create(company=company, actor=user, new_status=company.status,
                                reason="demo")  # fmt: skip


def _licence_png() -> bytes:
    """A stand-in scan of a business licence: a pale page with a title bar."""
    image = Image.new("RGB", (600, 420), "#f7f3e8")
    ImageDraw.Draw(image).rectangle((40, 40, 560, 90), fill="#b22222")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
