"""Member certificates as PDF (系统成员证书, and the renewal and change certificates): number,
company, prefixes, validity, and a QR code for the public verification page, drawn by tiaoma's
own encoder and writer. Chinese text is drawn as outlines (``hall.core.cjk``).

The QR carries a token signed with the hall's secret key: whoever scans it learns at once
whether the certificate is genuine and valid, for which company, without typing its name, and
a QR made up or altered by anyone else is shown as not genuine. The token holds only the
certificate number and never expires: the page reads the member's status when it is opened."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from hall.core.cjk import text_operators, text_width
from hall.members.models import Member
from tiaoma.render import geometry_for, layout
from tiaoma.render.vector import POINTS_PER_MM, page_content, pdf_document
from tiaoma.symbols.matrix import qr

A4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
TITLES = {"member": "系统成员证书", "renewal": "系统成员证书（续展）", "change": "系统成员变更证书"}


#: Keeps a certificate token from being accepted as any other value the hall signs.
TOKEN_SALT = "hall.members.certificate"


@dataclass(frozen=True)
class SignedCertificate:
    """What a certificate's QR token names: its number, and the edition printed (``None`` in the
    tokens of certificates printed before editions were signed)."""

    number: str
    edition: int | None


def certificate_token(member: Member) -> str:
    """The certificate number and edition signed (URL-safe: base64 and colons only). No
    timestamp: the token never expires and one certificate always prints the same QR; a
    reissue (补办) prints a new edition, and the old paper's QR then says it is superseded."""
    signed = {"n": member.certificate_number, "e": member.certificate_edition}
    return signing.Signer(salt=TOKEN_SALT).sign_object(signed)


def certificate_from(token: str) -> SignedCertificate:
    """The certificate ``token`` was signed for; :class:`signing.BadSignature` for a token the
    hall did not sign or that was altered since."""
    try:
        signed = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (ValueError, zlib.error) as error:  # signed by the hall, but not as an object: a
        # timestamped value of the same salt checks out and then fails to decode
        raise signing.BadSignature("not a certificate token") from error
    if isinstance(signed, str) and signed:  # a token of the first QR codes: the number alone
        return SignedCertificate(signed, None)
    if isinstance(signed, dict):
        number, edition = signed.get("n"), signed.get("e")
        if isinstance(number, str) and number and isinstance(edition, int) and edition > 0:
            return SignedCertificate(number, edition)
    raise signing.BadSignature("a certificate token holds a certificate number")


def certificate_number_from(token: str) -> str:
    """The certificate number ``token`` was signed for (:func:`certificate_from`)."""
    return certificate_from(token).number


def verification_url(member: Member) -> str:
    """Where the QR code points: the public page that tells whether the certificate is genuine
    and valid, and whose it is."""
    return f"{settings.HALL_PUBLIC_URL.rstrip('/')}/verify/t/{certificate_token(member)}"


def certificate_pdf(member: Member, kind: str = "member") -> bytes:
    """One A4 page: the certificate of ``member``."""
    width, height = A4
    parts = ["0.12 0.31 0.61 RG 2 w 28 28 "
             f"{width - 56:.2f} {height - 56:.2f} re S"]  # fmt: skip
    title = TITLES[kind]
    parts.append(text_operators(title, (width - text_width(title, 30)) / 2, height - 140, 30))
    number = member.certificate_number
    if member.certificate_edition > 1:  # a reissued certificate says which edition it is
        number += f"（第{member.certificate_edition}版）"
    parts.append(text_operators(number, width - 260, height - 70, 12))
    prefixes = "、".join(p.prefix for p in member.prefixes.filter(retired_on__isnull=True))
    rows = [("企业名称", member.name), ("统一社会信用代码", member.uscc),
            ("厂商识别代码", prefixes), ("有效期", f"{member.valid_from} 至 {member.valid_until}"),
            ("分支机构", member.branch.name), ("发证", settings.HALL_NAME)]  # fmt: skip
    y = height - 230
    for label, value in rows:
        parts.append(text_operators(f"{label}：", 80, y, 14))
        parts.append(text_operators(value, 210, y, 14))
        y -= 34
    symbol = qr(verification_url(member))
    drawing = layout(symbol, geometry_for(symbol, module_mm=0.6))
    size = drawing.width * drawing.module_mm * POINTS_PER_MM
    parts.append(page_content(drawing, width - 80 - size, 80, background=False))
    parts.append(text_operators("扫码核验", width - 80 - size, 66, 10))
    return pdf_document([(width, height, "\n".join(parts))])
