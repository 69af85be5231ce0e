"""The public query system (商品条码查询, seed 002/003 art. 29; domain.md §7).

Each answer is a plain dict, the same for the pages and the JSON API: is the number well
formed (the numbers library's reason if not), which organisation issued its prefix, which
member holds the company prefix and is the membership valid, which product it is.

The answers for a GTIN, a prefix and a certificate are cached and never older than the last
change (hall.lookup.answers: what is cached, how a change makes the old answer unreachable,
and when the replica may answer); the others read the alias hall.core.replicas chooses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import psycopg
from django.db import connections, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hall.applications.descriptors import kinds
from hall.applications.models import Application, ApplicationEvent
from hall.core import limits
from hall.core.errors import HallError
from hall.core.reasons import reason, reasons
from hall.core.replicas import reading
from hall.core.sizes import too_large
from hall.core.typed import digits as typed_digits
from hall.core.typed import typed
from hall.lookup import answers
from hall.members.facts import certificate_forms, mask_certificate, name_key, same_name
from hall.members.models import CompanyPrefix, Member
from hall.products.models import Product, display_gtin
from tiaoma import gtin, scan, upc
from tiaoma.errors import TiaomaError

#: Products the public sees: filed ones, in use or discontinued (drafts are the member's own).
PUBLIC_STATUSES = (Product.Status.IN_USE, Product.Status.DISCONTINUED)
PUBLIC_FIELDS = ["name", "name_en", "brand", "brand_en", "specification", "net_content_unit",
                 "gpc_brick", "classification", "level", "quantity", "status"]  # fmt: skip


def register_kinds() -> list[Application.Kind]:
    """The kinds of business the register publishes (seed 002/003 art. 29): those whose
    descriptors say so."""
    return kinds(published=True)


def membership_valid(member: Member, today: date | None = None) -> bool:
    return _valid(member.status, member.valid_until, today or timezone.localdate())


def _valid(status: str, valid_until: date, today: date) -> bool:
    return status == Member.Status.ACTIVE and valid_until >= today


#: The member's columns the public sees, in the order :func:`_member_facts` takes them.
MEMBER_COLUMNS = ("name", "name_en", "certificate_number", "status", "valid_from", "valid_until")
#: The product's columns the public sees, in the order :func:`_product_facts` takes them.
PRODUCT_COLUMNS = ("gtin", "kind", *PUBLIC_FIELDS, "net_content", "market_date",
                   "discontinued_on", "image")  # fmt: skip


def member_facts(member: Member) -> dict[str, Any]:
    """What the public may know of a member: its name, certificate and whether it is valid."""
    return _member_facts([getattr(member, name) for name in MEMBER_COLUMNS], member.branch.name)


def _member_facts(values: Sequence[Any], branch: str) -> dict[str, Any]:
    facts = dict(zip(MEMBER_COLUMNS, values, strict=True))
    # Masked: a number with its company's name is what a printer checks a certificate by.
    facts["certificate_number"] = mask_certificate(facts["certificate_number"])
    valid_until = _day(facts["valid_until"])
    facts.update(status_text=label(Member.Status, facts["status"]),
                 valid_from=_day(facts["valid_from"]).isoformat(),
                 valid_until=valid_until.isoformat(),
                 membership_valid=_valid(facts["status"], valid_until, timezone.localdate()),
                 branch=branch)  # fmt: skip
    return facts


def product_facts(product: Product) -> dict[str, Any]:
    contained = product.contains
    return _product_facts([getattr(product, name) for name in PRODUCT_COLUMNS],
                          contained.display_gtin if contained is not None else None)  # fmt: skip


def _product_facts(values: Sequence[Any], contains: str | None) -> dict[str, Any]:
    facts = dict(zip(PRODUCT_COLUMNS, values, strict=True))
    number, net_content, image = facts.pop("gtin"), facts["net_content"], facts.pop("image")
    facts.update(
        gtin=display_gtin(number, facts["kind"]),
        gtin14=number,
        status_text=label(Product.Status, facts["status"]),
        level_text=label(Product.Level, facts["level"]),
        # SQLite gives a float: its shortest spelling is the decimal that was stored.
        net_content=None if net_content is None else f"{Decimal(str(net_content)).normalize():f}",
        market_date=_iso(facts["market_date"]),
        discontinued_on=_iso(facts["discontinued_on"]),
        contains=contains,
        has_image=bool(image),
    )
    return facts


def _day(value: date | str) -> date:
    """A date as the database gave it (SQLite gives text where a query computes the column)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _iso(value: date | str | None) -> str | None:
    return None if value is None else _day(value).isoformat()


def label(choices: type[models.Choices], value: Any) -> str:
    """The value's label in the active language (the labels made once per language, not per
    answer); a value the choices do not know shows as itself, as Django's get_FOO_display
    does."""
    return _labels(choices, translation.get_language()).get(value, str(value))


@cache
def _labels(choices: type[models.Choices], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def _error(error: TiaomaError) -> dict[str, Any]:
    return dict(reasons(error))


def lookup_gtin(text: str) -> dict[str, Any]:
    """Everything known of a GTIN (8, 12, 13 or 14 digits)."""
    answer: dict[str, Any] = json.loads(gtin_answer(text)[1])
    return answer


#: The status of a GTIN's answer through the API: found, malformed, not registered.
OK, MALFORMED, NOT_REGISTERED = 200, 400, 404


def gtin_answer(text: str, owed: limits.Charge | None = None) -> tuple[int, bytes]:
    """A GTIN's answer (:func:`lookup_gtin`'s) as JSON, cached, and the API's status for it;
    ``owed``, the request's rate-limit charge, counted on the way (RateLimited if over).

    Only a GTIN written as its 8, 12, 13 or 14 digits is kept (four spellings at most): any
    other spelling (spaces, hyphens, full-width digits) is answered afresh, so that one GTIN
    cannot fill the cache with its spellings."""
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        if owed is not None and not (verdict := limits.settle(owed)).allowed:
            raise limits.refusal(verdict)
        return _written(_lookup_gtin(text, reading()))
    kept = answers.answer("gtin", text, answers.gtin_scopes(text.zfill(14)),
                          lambda alias: b"%d %s" % _written(_lookup_gtin(text, alias)),
                          owed)  # fmt: skip
    status, body = kept.split(b" ", 1)
    return int(status), body


def _written(answer: dict[str, Any]) -> tuple[int, bytes]:
    status = OK if answer.get("registered") else MALFORMED if not answer["well_formed"] else (
        NOT_REGISTERED)  # fmt: skip
    return status, json.dumps(answer).encode()


def _lookup_gtin(text: str, alias: str) -> dict[str, Any]:
    try:
        parsed = gtin.parse(text)
    except TiaomaError as error:
        return {"query": text[:40], "well_formed": False, "error": _error(error)}
    number = parsed.gtin14
    answer: dict[str, Any] = {"query": text[:40], "well_formed": True, "gtin": parsed.value,
                              "gtin14": number, "structure": parsed.as_dict()}  # fmt: skip
    prefix, member, product = _known(number, alias)
    answer["registered"] = prefix is not None
    answer["company_prefix"] = prefix
    answer["member"] = member
    answer["product"] = product
    answer["message"] = _summary(parsed, prefix, member, product)
    return answer


#: The lengths of the company prefixes a GTIN-14 may fall under: an EAN prefix after the
#: leading 0, a UPC prefix of the GTIN-12 after 00.
_EAN_LENGTHS, _UPC_LENGTHS = range(6, 13), range(6, 12)


def prefix_candidates(number: str) -> list[tuple[str, str]]:
    """(prefix, kind) pairs a GTIN-14 could fall under."""
    found = [(number[1 : 1 + n], str(CompanyPrefix.Kind.EAN)) for n in _EAN_LENGTHS]
    if number.startswith("00"):
        found += [(number[2 : 2 + n], str(CompanyPrefix.Kind.UPC)) for n in _UPC_LENGTHS]
    return found


def _columns(alias: str, names: Sequence[str]) -> str:
    return ", ".join(f"{alias}.{name}" for name in names)


def _quoted(values: Sequence[str]) -> str:
    """Constants of the code (choice values) written into a statement, never user input."""
    if not all(re.fullmatch(r"[a-z_0-9]+", value) for value in values):
        raise ValueError(values)
    return ", ".join(f"'{value}'" for value in values)


def _candidates_sql() -> str:
    """:func:`prefix_candidates` in SQL: a row for each (kind, prefix), made once per lookup.
    (A filter naming them all is computed again for every row of a small prefix table, which
    PostgreSQL reads whole: 40 % fewer lookups a second at 101 prefixes.)"""
    ean = [f"SELECT '{CompanyPrefix.Kind.EAN.value}' AS kind, substr(%(gtin)s, 2, {n}) AS prefix"
           for n in _EAN_LENGTHS]  # fmt: skip
    upc = [f"SELECT '{CompanyPrefix.Kind.UPC.value}', substr(%(gtin)s, 3, {n}) "
           f"WHERE substr(%(gtin)s, 1, 2) = '00'" for n in _UPC_LENGTHS]  # fmt: skip
    return " UNION ALL ".join(ean + upc)


#: One statement for everything a GTIN lookup shows (the page, the API and the resolver): the
#: EAN-8 code, else the longest company prefix the number falls under, with its member and
#: branch; the live filed product and what it contains. Its one parameter is the GTIN-14 and
#: its text never changes, so PostgreSQL plans it once per connection; NOT superseded is
#: written out, for a generic plan uses the partial index on the GTIN only for a predicate it
#: can see.
_KNOWN_SQL = f"""
SELECT h.prefix, {_columns("m", MEMBER_COLUMNS)}, b.name,
       {_columns("p", PRODUCT_COLUMNS)}, c.gtin, c.kind
FROM (SELECT 1 AS one) AS q
LEFT JOIN (
    SELECT prefix, member_id FROM (
        SELECT number AS prefix, member_id, 99 AS rank FROM members_ean8code
        WHERE substr(%(gtin)s, 1, 6) = '000000' AND number = substr(%(gtin)s, 7, 8)
        UNION ALL
        SELECT cp.prefix, cp.member_id, length(cp.prefix) AS rank
        FROM ({_candidates_sql()}) AS wanted
        JOIN members_companyprefix cp ON cp.kind = wanted.kind AND cp.prefix = wanted.prefix
    ) AS candidates ORDER BY rank DESC LIMIT 1
) AS h ON 1 = 1
LEFT JOIN members_member m ON m.id = h.member_id
LEFT JOIN members_branchoffice b ON b.id = m.branch_id
LEFT JOIN products_product p ON p.gtin = %(gtin)s AND NOT p.superseded
                             AND p.status IN ({_quoted(PUBLIC_STATUSES)})
LEFT JOIN products_product c ON c.id = p.contains_id"""
_MEMBER_AT, _PRODUCT_AT = 1, 2 + len(MEMBER_COLUMNS)
_CONTAINED_AT = _PRODUCT_AT + len(PRODUCT_COLUMNS)


def _known_row(number: str, alias: str) -> tuple[Any, ...]:
    with server_bound_cursor(alias) as cursor:
        cursor.execute(_KNOWN_SQL, {"gtin": number})
        rows = cursor.fetchall()
    return tuple(rows[0])  # one row always: the statement selects from (SELECT 1)


def server_bound_cursor(alias: str) -> Any:
    """A cursor on ``alias`` whose statements PostgreSQL plans once per connection, and whose
    parameters travel apart from the statement: psycopg's own, binding on the server (Django's
    binds in Python), in Django's wrapper (its errors, its query log). Django's cursor on other
    databases."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = psycopg.Cursor(connection.connection)
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(cursor, connection)


Known = tuple[str | None, dict[str, Any] | None, dict[str, Any] | None]


def _known(number: str, alias: str) -> Known:
    """The holder's prefix (or EAN-8 code), its member's facts and the filed product's facts
    of a GTIN-14, read from ``alias``; None for what there is none of."""
    row = _known_row(number, alias)
    member = row[_MEMBER_AT : _PRODUCT_AT - 1]
    product = row[_PRODUCT_AT:_CONTAINED_AT]
    contained, contained_kind = row[_CONTAINED_AT:]
    return (
        row[0],
        None if row[0] is None else _member_facts(member, row[_PRODUCT_AT - 1]),
        None if product[0] is None else _product_facts(
            product, None if contained is None else display_gtin(contained, contained_kind)),
    )  # fmt: skip


def _summary(parsed: gtin.Gtin, prefix: str | None, member: dict[str, Any] | None,
             product: dict[str, Any] | None) -> str:  # fmt: skip
    organisation = parsed.issuer.organisation_zh if parsed.issuer else _("未分配的前缀")
    if prefix is None or member is None:
        if parsed.is_china:
            return _("未注册：此编码的厂商识别代码不在本系统的注册记录中（前缀由%(org)s分配）") % {
                "org": organisation}  # fmt: skip
        return _("未注册：此编码的前缀由%(org)s分配，不属于本系统管理的编码") % {
            "org": organisation
        }
    state = _("有效") if member["membership_valid"] else member["status_text"]
    if product is None:
        text = _(
            "厂商识别代码 %(prefix)s 属于%(name)s（系统成员资格%(state)s），此编码尚未通报产品信息"
        )
        return text % {"prefix": prefix, "name": member["name"], "state": state}
    return _("%(name)s（系统成员资格%(state)s）的产品：%(product)s") % {
        "name": member["name"], "state": state, "product": product["name"]}  # fmt: skip


def lookup_prefix(text: str) -> dict[str, Any]:
    """The member that holds a company prefix."""
    digits = typed_digits(text)[:20]
    if not re.fullmatch(r"[0-9]{6,12}", digits):
        problem = {"code": "prefix_format", "message": _("厂商识别代码应为 6 至 12 位数字")}
        return {"query": digits, "well_formed": False, "error": problem}
    made = lambda alias: json.dumps(_lookup_prefix(digits, alias)).encode()  # noqa: E731
    kept = answers.answer("prefix", digits, answers.prefix_scopes(digits), made)
    answer: dict[str, Any] = json.loads(kept)
    return answer


def _lookup_prefix(digits: str, alias: str) -> dict[str, Any]:
    found = (CompanyPrefix.objects.using(alias).filter(prefix=digits)
             .select_related("member__branch").first())  # fmt: skip
    answer: dict[str, Any] = {"query": digits, "well_formed": True, "registered": found is not None}
    if found is not None:
        answer.update(prefix=found.prefix, kind=found.kind,
                      allocated_on=found.allocated_on.isoformat(),
                      retired=found.retired_on is not None,
                      member=member_facts(found.member))  # fmt: skip
    return answer


def check_certificate(number: str, company: str) -> dict[str, Any]:
    """Is the certificate genuine and valid? Both the number and the company's name must match,
    so that a number alone reveals nothing (what printing companies must check)."""
    forms = certificate_forms(number)
    scope = answers.certificate_scope(forms[0])
    name = name_key(company)
    if scope is None or len(name) > NAME_LENGTH:  # no certificate's number or company's name
        return _check_certificate(forms, company, reading())
    query = json.dumps([forms[0], name])  # the whole name, as the check compares it
    kept = answers.answer("certificate", query, (scope,),
                          lambda alias: json.dumps(_check_certificate(forms, company, alias))
                          .encode())  # fmt: skip
    answer: dict[str, Any] = json.loads(kept)
    return answer


#: The longest name a member may have: a longer one is no member's, and is not kept.
NAME_LENGTH = Member._meta.get_field("name").max_length or 200


def _check_certificate(forms: list[str], company: str, alias: str) -> dict[str, Any]:
    member = (Member.objects.using(alias).filter(certificate_number__in=forms)
              .select_related("branch").first())  # fmt: skip
    if member is None or not same_name(member.name, company):
        return {"genuine": False, "message": _("查无此证书：证书编号与企业名称不符，或证书不存在")}
    return _genuine(member)


def check_signed_certificate(number: str, edition: int | None = None) -> dict[str, Any]:
    """The certificate a signed QR code names (its signature checked by the caller): genuine,
    and valid or not by the member's status today, not by what the paper says; a paper of an
    edition since reissued (补办: lost, damaged) is genuine but superseded, and not valid."""
    member = (Member.objects.using(reading()).filter(certificate_number=number)
              .select_related("branch").first())  # fmt: skip
    if member is None:
        return {"genuine": False, "message": _("查无此证书：该证书已不存在")}
    answer = _genuine(member)
    answer["member"].update(certificate_number=member.certificate_number, uscc=member.uscc)
    answer["state"] = _state(member)
    if edition is None and member.certificate_edition > 1:  # a QR printed before editions
        note = _(
            "；此二维码不含版次，该证书已补办为第%(current)d版：请核对纸质证书上的版次，旧版作废"
        )
        answer["message"] += note % {"current": member.certificate_edition}
    if edition is not None and edition < member.certificate_edition:
        answer["valid"] = False
        answer["state"] = _("已作废（已补办第%(current)d版）") % {
            "current": member.certificate_edition
        }
        answer["message"] = _(
            "此为第%(edition)d版证书，已补办为第%(current)d版，此版作废：请以最新版证书为准"
        ) % {"edition": edition, "current": member.certificate_edition}
    return answer


def forged_certificate() -> dict[str, Any]:
    """The answer for a QR code the hall did not sign, or one altered since."""
    return {
        "genuine": False,
        "message": _("证书不真实：二维码未通过防伪校验，可能是伪造或被篡改的证书"),
    }


def _state(member: Member) -> str:
    """有效, 已过期 (by status or by date) or 已注销, as of today."""
    if member.status == Member.Status.CANCELLED:
        return str(Member.Status.CANCELLED.label)
    if membership_valid(member):
        return str(Member.Status.ACTIVE.label)
    return str(Member.Status.EXPIRED.label)


def _genuine(member: Member) -> dict[str, Any]:
    valid = membership_valid(member)
    message = (_("证书真实有效，有效期至 %(until)s") if valid
               else _("证书真实，但已失效（%(status)s，有效期至 %(until)s）"))  # fmt: skip
    facts = {**member_facts(member), "certificate_number": member.certificate_number}
    return {"genuine": True, "valid": valid, "member": facts,
            "edition": member.certificate_edition,
            "prefixes": [p.prefix for p in member.prefixes.filter(retired_on__isnull=True)],
            "message": message % {"until": member.valid_until.isoformat(),
                                  "status": _state(member)}}  # fmt: skip


def search_members(text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Members whose name contains ``text`` (two characters at least: 杭州 finds 杭州示例食品)."""
    words = typed(text).strip()[:50]
    if len(words) < 2:
        return []
    found = Member.objects.using(reading()).filter(Q(name__icontains=words)
                                                   | Q(name_en__icontains=words))  # fmt: skip
    members = found.select_related("branch").prefetch_related("prefixes").order_by("name")[:limit]
    return [{**member_facts(m), "prefixes": [p.prefix for p in m.prefixes.all()]}
            for m in members]  # fmt: skip


def register(kind: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """The published register: approved business, newest first."""
    published = register_kinds()
    shown = [kind] if kind in published else published
    events = (ApplicationEvent.objects.using(reading())
              .filter(new_status=Application.Status.APPROVED, application__kind__in=shown)
              .select_related("application__member").order_by("-at", "-id")[:limit])  # fmt: skip
    return [_register_entry(event) for event in events]


def _register_entry(event: ApplicationEvent) -> dict[str, Any]:
    application = event.application
    member = application.member
    number = mask_certificate(member.certificate_number) if member else ""
    return {"date": timezone.localtime(event.at).date().isoformat(), "kind": application.kind,
            "kind_text": application.get_kind_display(), "company": application.company_name,
            "certificate_number": number}  # fmt: skip


class PhotoError(HallError):
    """A photo that cannot be read; the message says why."""

    code = "photo_refused"


#: What one anonymous photo may cost: phones take 12 million pixels (some 50 on request), and
#: zxing-cpp takes about a second for 5 million at worst; a PDF's first page is rendered within
#: the same pixels and seconds, or refused.
PHOTO_MAX_PIXELS = 25_000_000
PHOTO_SECONDS = 5.0


def lookup_photo(data: bytes, *, limit: int, size: int | None = None) -> list[dict[str, Any]]:
    """Every barcode in the photo, decoded by zxing-cpp, and each GTIN looked up. ``size`` is
    the upload's own (``data`` may be read only to the limit and a byte)."""
    if not data:
        raise PhotoError(_("请选择一张条码照片"))
    if len(data) > limit:
        raise PhotoError(too_large(max(size or 0, len(data)), limit))

    try:
        found = scan.read(data, pages=1, max_pixels=PHOTO_MAX_PIXELS, seconds=PHOTO_SECONDS)
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
