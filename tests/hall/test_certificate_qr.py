"""The certificate's QR code opens a page that says at once whether the certificate is genuine
and valid, and for which company and prefixes, without asking for the company's name: the QR
carries a token signed with the hall's key, read against the member's status of today. A QR
made up or altered by anyone else gets a clear "not genuine" page; the old /verify/<number>
address still opens the form it always did."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils import timezone

from hall.members.certificates import (
    SignedCertificate,
    certificate_from,
    certificate_number_from,
    certificate_pdf,
    certificate_token,
    verification_url,
)
from hall.members.models import Member
from tests import system

pytestmark = pytest.mark.django_db
COMPANY = "杭州示例食品有限公司"


def _scanned_path(member: Member) -> str:
    """What a phone reads from the certificate's PDF: the QR's address, as a path to open."""
    system.require(Path(settings.CJK_FONT).exists(), "fonts-noto-cjk")
    page = pypdfium2.PdfDocument(certificate_pdf(member))[0].render(scale=200 / 72).to_pil()
    found = zxingcpp.read_barcodes(page.convert("L"))
    assert len(found) == 1
    return urlsplit(found[0].text).path


def _verdict(page: str) -> str:
    return page.split('id="verdict"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_the_scanned_qr_says_genuine_and_valid_and_whose(client: Client, member: Member) -> None:
    path = _scanned_path(member)
    assert path.startswith("/verify/t/")
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert _verdict(page).startswith("证书真实有效，有效期至")
    assert COMPANY in page
    assert "69212345" in page  # the prefixes it may use
    assert "物编注字第100001号" in page
    assert 'name="company"' not in page  # the name is not asked for


@pytest.mark.parametrize(("change", "state"), [
    ({"status": Member.Status.CANCELLED}, "已注销"),
    ({"status": Member.Status.EXPIRED}, "已过期"),
    ({"valid_until": timezone.localdate() - timedelta(days=1)}, "已过期"),  # lapsed by date
])  # fmt: skip
def test_the_same_qr_follows_the_members_status_today(
    client: Client, member: Member, change: dict[str, object], state: str
) -> None:
    path = _scanned_path(member)  # printed while valid
    Member.objects.filter(pk=member.pk).update(**change)
    page = client.get(path).content.decode()
    assert _verdict(page).startswith(f"证书真实，但已失效（{state}")
    assert f"真实 · {state}" in page
    assert COMPANY in page


def test_a_forged_or_altered_qr_is_not_genuine(client: Client, member: Member,
                                              other_member: Member) -> None:  # fmt: skip
    token = certificate_token(member)
    payload, signature = token.rsplit(":", 1)
    other = certificate_token(other_member).rsplit(":", 1)[0]
    forgeries = [
        f"{other}:{signature}",  # another certificate's number with this one's signature
        f"{payload}:{signature[:-2]}{'AB' if signature[-2:] != 'AB' else 'CD'}",  # tampered
        signing.Signer().sign_object(member.certificate_number),  # signed, not as a certificate
        signing.dumps(member.certificate_number, salt="hall.members.certificate"),  # timestamped
        signing.Signer(key="not-the-hall-key", salt="hall.members.certificate").sign_object(
            member.certificate_number
        ),
        "物编注字第100001号:abc",
        "nothing-signed-here",
    ]
    for forged in forgeries:
        with pytest.raises(signing.BadSignature):
            certificate_number_from(forged)
        response = client.get(f"/verify/t/{forged}")
        assert response.status_code == 200, forged
        page = response.content.decode()
        assert _verdict(page).startswith("证书不真实"), forged
        assert COMPANY not in page
        assert "北京另一家" not in page


def test_a_genuine_token_for_a_certificate_that_is_gone(client: Client, member: Member) -> None:
    path = urlsplit(verification_url(member)).path
    Member.objects.filter(pk=member.pk).update(certificate_number="物编注字第100009号")
    page = client.get(path).content.decode()
    assert _verdict(page) == "查无此证书：该证书已不存在"
    assert COMPANY not in page


def test_the_page_in_english(client: Client, member: Member) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    forged = client.get("/verify/t/nothing-signed-here").content.decode()
    assert _verdict(forged).startswith("Not genuine: the QR code failed the anti-forgery check")
    genuine = client.get(urlsplit(verification_url(member)).path).content.decode()
    assert "Genuine · " in genuine


def test_old_qr_addresses_open_the_form_as_before(client: Client, member: Member) -> None:
    page = client.get("/verify/物编注字第100001号").content.decode()
    assert 'value="物编注字第100001号"' in page
    assert 'name="company"' in page  # the old address still asks for the name


def test_a_printed_qr_stays_genuine_when_the_secret_key_is_rotated(
    client: Client, member: Member
) -> None:
    """The key that signed printed certificates moves to HALL_SECRET_KEY_FALLBACKS."""
    from django.test import override_settings

    printed = verification_url(member)
    new_key = "rotated-" + "k" * 50
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
        assert _verdict(client.get(urlsplit(printed).path).content.decode()).startswith(
            "证书真实有效"
        )
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        assert "证书真实有效" not in _verdict(client.get(urlsplit(printed).path).content.decode())


def test_a_reissued_certificates_old_paper_is_superseded(client: Client, member: Member) -> None:
    """补办: the lost paper's QR still reads genuine, but says it was replaced and is not valid;
    the new edition's QR reads valid."""
    old = f"/verify/t/{certificate_token(member)}"
    Member.objects.filter(pk=member.pk).update(certificate_edition=2)
    member.refresh_from_db()
    page = client.get(old).content.decode()
    assert _verdict(page).startswith("此为第1版证书，已补办为第2版，此版作废")
    assert "已作废（已补办第2版）" in page
    new = client.get(f"/verify/t/{certificate_token(member)}").content.decode()
    assert _verdict(new).startswith("证书真实有效")


def test_a_first_qr_without_its_edition_still_reads(client: Client, member: Member) -> None:
    """The QR codes printed before the edition was signed carry the number alone."""
    first = signing.Signer(salt="hall.members.certificate").sign_object(member.certificate_number)
    assert certificate_from(first) == SignedCertificate(member.certificate_number, None)
    assert _verdict(client.get(f"/verify/t/{first}").content.decode()).startswith("证书真实有效")
    with pytest.raises(signing.BadSignature):
        certificate_from(signing.Signer(salt="hall.members.certificate").sign_object({"n": 1}))


def test_a_first_qr_of_a_reissued_certificate_asks_for_the_edition(
    client: Client, member: Member
) -> None:
    first = signing.Signer(salt="hall.members.certificate").sign_object(member.certificate_number)
    Member.objects.filter(pk=member.pk).update(certificate_edition=3)
    verdict = _verdict(client.get(f"/verify/t/{first}").content.decode())
    assert "此二维码不含版次，该证书已补办为第3版" in verdict
