"""The public query system (商品条码查询, seed 002/003 art. 29; domain.md §7).

Each answer is a plain dict, the same for the pages and the JSON API: is the number well
formed (the numbers library's reason if not), which organisation issued its prefix, which
member holds the company prefix and is the membership valid, which product it is. Nothing is
cached between saving and asking: what a member files is visible at once.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.applications.models import Application, ApplicationEvent
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product
from hall.reasons import reason
from tiaoma import gtin, upc
from tiaoma.errors import TiaomaError

#: Products the public sees: filed ones, in use or discontinued (drafts are the member's own).
PUBLIC_STATUSES = (Product.Status.IN_USE, Product.Status.DISCONTINUED)
PUBLIC_FIELDS = ["name", "name_en", "brand", "brand_en", "specification", "net_content_unit",
                 "gpc_brick", "classification", "level", "quantity", "status"]  # fmt: skip
#: The kinds of business the register publishes (seed 002/003 art. 29).
REGISTER_KINDS = [Application.Kind.REGISTRATION, Application.Kind.RENEWAL, Application.Kind.CHANGE,
                  Application.Kind.CANCELLATION, Application.Kind.FOREIGN_FILING,
                  Application.Kind.GROUP_AUTHORISATION, Application.Kind.EAN8,
                  Application.Kind.UPC]  # fmt: skip


def membership_valid(member: Member, today: date | None = None) -> bool:
    return member.status == Member.Status.ACTIVE and member.valid_until >= (
        today or timezone.localdate()
    )


def member_facts(member: Member) -> dict[str, Any]:
    """What the public may know of a member: its name, certificate and whether it is valid."""
    return {
        "name": member.name,
        "name_en": member.name_en,
        "certificate_number": member.certificate_number,
        "status": member.status,
        "status_text": member.get_status_display(),
        "valid_from": member.valid_from.isoformat(),
        "valid_until": member.valid_until.isoformat(),
        "membership_valid": membership_valid(member),
        "branch": member.branch.name,
    }


def product_facts(product: Product) -> dict[str, Any]:
    facts: dict[str, Any] = {name: getattr(product, name) for name in PUBLIC_FIELDS}
    facts.update(
        gtin=product.display_gtin,
        gtin14=product.gtin,
        kind=product.kind,
        status_text=product.get_status_display(),
        level_text=product.get_level_display(),
        net_content=None if product.net_content is None else f"{product.net_content.normalize():f}",
        market_date=product.market_date.isoformat() if product.market_date else None,
        discontinued_on=product.discontinued_on.isoformat() if product.discontinued_on else None,
        contains=product.contains.display_gtin if product.contains else None,
        has_image=bool(product.image),
    )
    return facts


def _error(error: TiaomaError) -> dict[str, Any]:
    return {"code": error.code, "message": reason(error), "message_en": error.message,
            "message_zh": error.message_zh}  # fmt: skip


def lookup_gtin(text: str) -> dict[str, Any]:
    """Everything known of a GTIN (8, 12, 13 or 14 digits)."""
    try:
        parsed = gtin.parse(text)
    except TiaomaError as error:
        return {"query": text[:40], "well_formed": False, "error": _error(error)}
    number = parsed.gtin14
    answer: dict[str, Any] = {"query": text[:40], "well_formed": True, "gtin": parsed.value,
                              "gtin14": number, "structure": parsed.as_dict()}  # fmt: skip
    product = (Product.objects.filter(gtin=number, superseded=False, status__in=PUBLIC_STATUSES)
               .select_related("member__branch", "contains").first())  # fmt: skip
    holder = _holder(number)
    answer["registered"] = holder is not None
    answer["company_prefix"] = holder[0] if holder else None
    answer["member"] = member_facts(holder[1]) if holder else None
    answer["product"] = product_facts(product) if product else None
    answer["message"] = _summary(parsed, holder, product)
    return answer


def prefix_candidates(number: str) -> list[tuple[str, str]]:
    """(prefix, kind) pairs a GTIN-14 could fall under: an EAN prefix of 6-12 digits after the
    leading 0, or a UPC prefix of 6-11 digits of the GTIN-12."""
    found = [(number[1 : 1 + n], str(CompanyPrefix.Kind.EAN)) for n in range(6, 13)]
    if number.startswith("00"):
        found += [(number[2 : 2 + n], str(CompanyPrefix.Kind.UPC)) for n in range(6, 12)]
    return found


def _holder(number: str) -> tuple[str, Member] | None:
    """The company prefix (or EAN-8) in this system's register that the GTIN falls under."""
    if number.startswith("000000"):
        code = Ean8Code.objects.filter(number=number[6:]).select_related("member__branch").first()
        if code is not None:
            return code.number, code.member
    wanted = Q(pk__in=[])
    for prefix, kind in prefix_candidates(number):
        wanted |= Q(prefix=prefix, kind=kind)
    found = CompanyPrefix.objects.filter(wanted).select_related("member__branch")
    best = max(found, key=lambda p: len(p.prefix), default=None)
    return (best.prefix, best.member) if best else None


def _summary(parsed: gtin.Gtin, holder: tuple[str, Member] | None,
             product: Product | None) -> str:  # fmt: skip
    organisation = parsed.issuer.organisation_zh if parsed.issuer else _("未分配的前缀")
    if holder is None:
        if parsed.is_china:
            return _("未注册：此编码的厂商识别代码不在本系统的注册记录中（前缀由%(org)s分配）") % {
                "org": organisation}  # fmt: skip
        return _("未注册：此编码的前缀由%(org)s分配，不属于本系统管理的编码") % {
            "org": organisation
        }
    member = holder[1]
    state = _("有效") if membership_valid(member) else member.get_status_display()
    if product is None:
        text = _(
            "厂商识别代码 %(prefix)s 属于%(name)s（系统成员资格%(state)s），此编码尚未通报产品信息"
        )
        return text % {"prefix": holder[0], "name": member.name, "state": state}
    return _("%(name)s（系统成员资格%(state)s）的产品：%(product)s") % {
        "name": member.name, "state": state, "product": product.name}  # fmt: skip


def lookup_prefix(text: str) -> dict[str, Any]:
    """The member that holds a company prefix."""
    digits = re.sub(r"\s", "", text)[:20]
    if not re.fullmatch(r"\d{6,12}", digits):
        problem = {"code": "prefix_format", "message": _("厂商识别代码应为 6 至 12 位数字")}
        return {"query": digits, "well_formed": False, "error": problem}
    found = CompanyPrefix.objects.filter(prefix=digits).select_related("member__branch").first()
    answer: dict[str, Any] = {"query": digits, "well_formed": True, "registered": found is not None}
    if found is not None:
        answer.update(prefix=found.prefix, kind=found.kind,
                      allocated_on=found.allocated_on.isoformat(),
                      retired=found.retired_on is not None,
                      member=member_facts(found.member))  # fmt: skip
    return answer


def _certificate_forms(text: str) -> list[str]:
    """The ways a certificate number is written: 物编注字第100001号, or only its digits."""
    cleaned = re.sub(r"\s", "", text)[:40]
    digits = re.sub(r"\D", "", cleaned)
    return [cleaned, f"物编注字第{digits}号"] if digits else [cleaned]


def _same_name(a: str, b: str) -> bool:
    """Names compared as people type them: spaces and full-width brackets do not matter."""
    table = str.maketrans({"（": "(", "）": ")"})
    return re.sub(r"\s", "", a).translate(table) == re.sub(r"\s", "", b).translate(table)


def check_certificate(number: str, company: str) -> dict[str, Any]:
    """Is the certificate genuine and valid? Both the number and the company's name must match,
    so that a number alone reveals nothing (what printing companies must check)."""
    member = (Member.objects.filter(certificate_number__in=_certificate_forms(number))
              .select_related("branch").first())  # fmt: skip
    if member is None or not _same_name(member.name, company):
        return {"genuine": False, "message": _("查无此证书：证书编号与企业名称不符，或证书不存在")}
    valid = membership_valid(member)
    message = (_("证书真实有效，有效期至 %(until)s") if valid
               else _("证书真实，但已失效（%(status)s，有效期至 %(until)s）"))  # fmt: skip
    return {"genuine": True, "valid": valid, "member": member_facts(member),
            "edition": member.certificate_edition,
            "prefixes": [p.prefix for p in member.prefixes.filter(retired_on__isnull=True)],
            "message": message % {"until": member.valid_until.isoformat(),
                                  "status": member.get_status_display()}}  # fmt: skip


def search_members(text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Members whose name contains ``text`` (two characters at least: 杭州 finds 杭州示例食品)."""
    words = text.strip()[:50]
    if len(words) < 2:
        return []
    found = Member.objects.filter(Q(name__icontains=words) | Q(name_en__icontains=words))
    members = found.select_related("branch").prefetch_related("prefixes").order_by("name")[:limit]
    return [{**member_facts(m), "prefixes": [p.prefix for p in m.prefixes.all()]}
            for m in members]  # fmt: skip


def register(kind: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """The published register: approved business, newest first."""
    kinds = [kind] if kind in REGISTER_KINDS else REGISTER_KINDS
    events = (ApplicationEvent.objects.filter(new_status=Application.Status.APPROVED,
                                              application__kind__in=kinds)
              .select_related("application__member").order_by("-at", "-id")[:limit])  # fmt: skip
    return [_register_entry(event) for event in events]


def _register_entry(event: ApplicationEvent) -> dict[str, Any]:
    application = event.application
    member = application.member
    return {"date": timezone.localtime(event.at).date().isoformat(), "kind": application.kind,
            "kind_text": application.get_kind_display(), "company": application.company_name,
            "certificate_number": member.certificate_number if member else ""}  # fmt: skip


class PhotoError(Exception):
    """A photo that cannot be read; the message says why."""


def lookup_photo(data: bytes, *, limit: int) -> list[dict[str, Any]]:
    """Every barcode in the photo, decoded by zxing-cpp, and each GTIN looked up."""
    if not data:
        raise PhotoError(_("请选择一张条码照片"))
    if len(data) > limit:
        raise PhotoError(_("照片过大：上限 %(mb)d MB") % {"mb": limit // 2**20})
    from tiaoma import scan  # noqa: PLC0415 - the scan extra

    try:
        found = scan.read(data, pages=1)
    except TiaomaError as error:
        raise PhotoError(reason(error)) from error
    if not found:
        raise PhotoError(_("照片中没有找到条码：请对准条码、避免反光后再拍"))
    return [{"symbology": item.symbology, "data": item.data,
             "answer": lookup_gtin(number) if (number := _gtin_in(item)) else None}
            for item in found]  # fmt: skip


def _gtin_in(item: Any) -> str | None:
    """The GTIN a barcode carries: AI (01), a UPC-E expanded, or the digits of an EAN/UPC."""
    if item.gs1 is not None and (element := item.gs1.get("01")) is not None:
        return str(element.value)
    if item.identified is not None and item.identified.kind == "upc_e":
        return upc.to_upc_a(item.data[:8])
    digits = item.data.split(" ")[0]
    return digits if len(digits) in (8, 12, 13, 14) and gtin.is_valid(digits) else None
