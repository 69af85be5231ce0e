"""Personas of the printing companies' tests: an approved company with its account, another
approved company (whose records must stay out of reach), a company still waiting for the
center, and the center's reviewer who decides."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from hall.accounts.models import User
from hall.printers.models import Printer, PrintingCompany
from tests.hall.conftest import PASSWORD, make_uscc


def company_with_account(
    name: str, body: str, mobile: str, *, status: str = PrintingCompany.Status.APPROVED
) -> User:
    company = PrintingCompany(
        name=name, uscc=make_uscc(body), contact="王五", contact_phone="057188886666", status=status
    )
    company.licence.save("licence.png", ContentFile(png()), save=False)
    company.save()
    user = User.objects.create_user(mobile, PASSWORD, role=User.Role.PRINTER)
    Printer.objects.create(user=user, company=company)
    return user


def png(size: tuple[int, int] = (80, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "scan.png") -> io.BytesIO:
    """Bytes named as a browser sends a file."""
    out = io.BytesIO(data)
    out.name = name
    return out


@pytest.fixture
def printer(db: None) -> User:
    return company_with_account("杭州示例印务有限公司", "91330106704123456", "13600000001")


@pytest.fixture
def other_printer(db: None) -> User:
    return company_with_account("宁波另一家印刷有限公司", "91330206704654321", "13600000002")


@pytest.fixture
def pending_printer(db: None) -> User:
    return company_with_account(
        "温州待审印刷有限公司",
        "91330306704111111",
        "13600000003",
        status=PrintingCompany.Status.PENDING,
    )


@pytest.fixture
def center(db: None) -> User:
    return User.objects.create_user("13900000099", PASSWORD, role=User.Role.CENTER)
