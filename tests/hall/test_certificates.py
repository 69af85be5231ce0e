"""Certificates: an A4 PDF with the Chinese text as outlines and a QR code that zxing-cpp reads
as the public verification address. The page is rendered to test-artifacts/hall/ to look at."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from django.test import Client, override_settings

from hall.accounts.models import User
from hall.core import cjk
from hall.members.certificates import certificate_number_from, certificate_pdf, verification_url
from hall.members.models import Member
from tests import system
from tests.hall.browser import SHOTS

pytestmark = pytest.mark.django_db


def _font_present() -> None:
    from pathlib import Path

    from django.conf import settings

    system.require(Path(settings.CJK_FONT).exists(), "fonts-noto-cjk")


def test_the_certificate_page_and_its_qr_code(member: Member) -> None:
    _font_present()
    pdf = certificate_pdf(member)
    assert pdf.startswith(b"%PDF-1.4")
    assert b"/Font" not in pdf  # outlines: no font to embed or to miss
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SHOTS / "certificate.png")
    found = zxingcpp.read_barcodes(image.convert("L"))
    assert [r.text for r in found] == [verification_url(member)]
    token = verification_url(member).rsplit("/verify/t/", 1)[1]  # a signed token, not the number
    assert certificate_number_from(token) == member.certificate_number


def test_members_download_their_own(client: Client, member_user: User, other_user: User) -> None:
    _font_present()
    client.force_login(member_user)
    response = client.get("/accounts/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    client.force_login(User.objects.create_user("13900000044", "x"))  # not activated
    assert client.get("/accounts/certificate.pdf").status_code == 404


def test_without_the_font_the_message_says_what_to_install(
    client: Client, member_user: User
) -> None:
    cjk._font.cache_clear()
    cjk._glyph.cache_clear()
    try:
        with override_settings(CJK_FONT="/nonexistent/font.ttc"):
            client.force_login(member_user)
            response = client.get("/accounts/certificate.pdf", follow=True)
            assert "fonts-noto-cjk" in response.content.decode()
    finally:
        cjk._font.cache_clear()
        cjk._glyph.cache_clear()


def test_the_prefilled_renewal_form(client: Client, member_user: User, other_user: User) -> None:
    from hall.applications.models import Application
    from hall.applications.renewal import prefilled

    _font_present()
    member = member_user.member
    assert member is not None
    application = Application.objects.create(
        kind="renewal",
        member=member,
        applicant=member_user,
        branch=member.branch,
        data=prefilled(member),
    )
    client.force_login(member_user)
    response = client.get(f"/applications/{application.pk}/renewal-form.pdf")
    assert response.status_code == 200
    image = pypdfium2.PdfDocument(response.content)[0].render(scale=150 / 72).to_pil()
    image.save(SHOTS / "renewal-form.png")
    assert image.convert("L").getextrema()[0] == 0  # something is drawn
    client.force_login(other_user)
    assert client.get(f"/applications/{application.pk}/renewal-form.pdf").status_code == 404
