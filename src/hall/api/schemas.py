"""What the API takes and gives, as named schemas: the OpenAPI document at
``/api/v1/openapi.json`` is a contract integrators can generate clients from.

Each answer has its own schema with described properties and an example; every refusal is
:class:`ErrorOut`. The services still give plain dicts (the same answers the hall's pages
show); ninja checks them against these schemas on the way out, except the GTIN lookup's (the
API's busiest path) and a batch's verdicts (up to 10,000), which are :func:`written` as JSON
at once and described here all the same.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from hall.jobs.models import Job
from hall.lookup.services import register_kinds
from hall.members.models import CompanyPrefix, Member
from hall.products.models import Product
from hall.products.services import ALLOWED_TRANSITIONS
from tiaoma.gtin import GtinFormat, GtinKind

#: A property named ``date`` hides the type in its class's namespace.
Day = date


def one_of(values: list[str]) -> dict[str, Any]:
    """The values a text property takes, written into its schema as an ``enum``."""
    return {"enum": [str(value) for value in values]}


def examples(*cases: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(cases)})


# -- refusals ---------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="A stable code that programs tell refusals apart by.",
                      examples=["not_registered", "stale_edit", "rate_limited"])  # fmt: skip
    message: str = Field(description="Why, for people, not for parsing: in Chinese, or in "
                         "English when the `django_language` cookie is `en`.")  # fmt: skip
    details: Any = Field(None, description="More for programs, by code: the GTIN's structure "
                         "for `not_registered`, the limit and `retry_after` seconds for "
                         "`rate_limited`, the fields for `invalid_request` and "
                         "`invalid_product`, the running job for `job_running`.")  # fmt: skip


class ErrorOut(Schema):
    """Every refusal of the API, whatever its status."""

    model_config = examples(
        {"error": {"code": "not_registered", "message": "未注册：此编码的前缀由GS1 Germany分配，"
                   "不属于本系统管理的编码", "details": {"structure": {"value": "4006381333931"}}}}
    )  # fmt: skip

    error: ErrorDetail


def written(body: object, status: int = 200) -> HttpResponse:
    """An answer written as JSON at once, for the large or busy ones: ninja's check of it
    against its schema would cost more than making it (a batch of 10,000 verdicts: 0.26 s
    more, against 0.02 s to write). Its schema still describes it, and the tests hold it to
    that (test_api_schema, and schemathesis on every call)."""
    return HttpResponse(json.dumps(body), status=status,
                        content_type="application/json; charset=utf-8")  # fmt: skip


def refusals(*statuses: int) -> dict[int, type[Schema]]:
    """The error responses an operation lists, each with :class:`ErrorOut`."""
    return dict.fromkeys(statuses, ErrorOut)


# -- the public lookups ---------------------------------------------------------------------


class GtinStructure(Schema):
    """The parts of a GTIN and what its GS1 prefix says (GS1 General Specifications 3.3.2)."""

    value: str = Field(description="The GTIN as given, 8, 12, 13 or 14 digits.",
                       examples=["6901234567892"])  # fmt: skip
    format: str = Field(description="The length it was written in.",
                        json_schema_extra=one_of([f.name for f in GtinFormat]))  # fmt: skip
    kind: str = Field(description="What the number is used for, by its GS1 prefix.",
                      json_schema_extra=one_of([k.name for k in GtinKind]))  # fmt: skip
    kind_zh: str = Field(description="The kind in Chinese.", examples=["商品条码"])
    gtin14: str = Field(description="The 14-digit form (AI (01), databases).")
    gtin13: str | None = Field(description="The 13-digit form, when it has one.")
    indicator: str | None = Field(description="A GTIN-14's indicator digit.")
    gs1_prefix: str | None = Field(description="The GS1 prefix; null if GS1 has not "
                                   "allocated it.", examples=["690"])  # fmt: skip
    organisation: str | None = Field(description="The GS1 organisation that issued the prefix.",
                                     examples=["GS1 China"])  # fmt: skip
    organisation_zh: str | None = Field(description="The organisation in Chinese.")
    company_prefix: str | None = Field(description="The company prefix, where its length is "
                                       "known from the prefix.")  # fmt: skip
    company_prefix_length: int | None = Field(description="The company prefix's length.")
    item_reference: str | None = Field(description="The item reference after the company "
                                       "prefix.")  # fmt: skip
    check_digit: str = Field(description="The check digit (GS1 modulo 10).")
    is_china: bool = Field(description="Issued under a GS1 China prefix.")


class GtinProblem(Schema):
    code: str = Field(description="Why the number is not a GTIN.",
                      examples=["invalid_checksum", "invalid_length"])  # fmt: skip
    message: str = Field(description="The reason in the request's language, naming what was "
                         "expected and what was found.")  # fmt: skip


class MemberFacts(Schema):
    """What the public may know of a member (系统成员): its name, certificate and validity."""

    name: str = Field(description="The company's name.", examples=["杭州示例食品有限公司"])
    name_en: str = Field(description="Its English name, if filed (else empty).")
    certificate_number: str = Field(description="The certificate number (系统成员证书编号), "
                                    "masked in public answers.")  # fmt: skip
    status: str = Field(description="The membership's status.",
                        json_schema_extra=one_of(Member.Status.values))  # fmt: skip
    status_text: str = Field(description="The status in the request's language.")
    valid_from: date = Field(description="The membership's first day.")
    valid_until: date = Field(description="The membership's last day.")
    membership_valid: bool = Field(description="Active, and not past its last day.")
    branch: str = Field(description="The branch office (分支机构) the member belongs to.")


class ProductFacts(Schema):
    """A product's filed data (产品信息通报)."""

    gtin: str = Field(description="The GTIN as printed: 8, 12, 13 or 14 digits.",
                      examples=["6921234500019"])  # fmt: skip
    gtin14: str = Field(description="The 14-digit form.", examples=["06921234500019"])
    kind: str = Field(description="The kind of GTIN.",
                      json_schema_extra=one_of(Product.Kind.values))  # fmt: skip
    status: str = Field(description="draft (the member's own), in_use or discontinued.",
                        json_schema_extra=one_of(Product.Status.values))  # fmt: skip
    status_text: str = Field(description="The status in the request's language.")
    name: str = Field(description="The product's name.", examples=["示例矿泉水"])
    name_en: str = Field(description="Its English name (empty if none).")
    brand: str = Field(description="Its brand.")
    brand_en: str = Field(description="Its English brand.")
    specification: str = Field(description="Its specification (规格型号).", examples=["550mL"])
    net_content: str | None = Field(description="The net content, as decimal text.",
                                    examples=["550"])  # fmt: skip
    net_content_unit: str = Field(description="The net content's unit (empty if none).",
                                  json_schema_extra=one_of(["", *Product.Unit.values]))  # fmt: skip
    gpc_brick: str = Field(description="The GPC brick code.", examples=["10000232"])
    classification: str = Field(description="The national product classification "
                                "(GB/T 7635.1).")  # fmt: skip
    level: str = Field(description="The packaging level.",
                       json_schema_extra=one_of(Product.Level.values))  # fmt: skip
    level_text: str = Field(description="The packaging level in the request's language.")
    quantity: int = Field(description="How many of the contained product a case holds.")
    contains: str | None = Field(description="A case's contained product's GTIN.")
    market_date: date | None = Field(description="The day it went on the market.")
    discontinued_on: date | None = Field(description="The day it was discontinued.")
    has_image: bool = Field(description="Whether a picture of the product is filed.")


class GtinAnswer(Schema):
    """A registered GTIN: its structure, the member that holds its company prefix and the
    product filed under it (null until one is filed)."""

    model_config = examples(
        {"query": "6921234500019", "well_formed": True, "gtin": "6921234500019",
         "gtin14": "06921234500019", "registered": True, "company_prefix": "69212345",
         "message": "杭州示例食品有限公司（系统成员资格有效）的产品：示例矿泉水",
         "structure": {"value": "6921234500019", "format": "GTIN_13", "kind": "TRADE_ITEM",
                       "kind_zh": "商品条码", "gtin14": "06921234500019",
                       "gtin13": "6921234500019", "indicator": None, "gs1_prefix": "692",
                       "organisation": "GS1 China", "organisation_zh": "中国物品编码中心",
                       "company_prefix": "69212345", "company_prefix_length": 8,
                       "item_reference": "0001", "check_digit": "9", "is_china": True},
         "member": {"name": "杭州示例食品有限公司", "name_en": "", "status": "active",
                    "certificate_number": "物编注字第1****1号", "status_text": "有效",
                    "valid_from": "2024-01-01", "valid_until": "2028-01-01",
                    "membership_valid": True, "branch": "浙江分中心"},
         "product": None}
    )  # fmt: skip

    query: str = Field(description="What was asked (its first 40 characters).")
    well_formed: bool = Field(description="Always true here: a malformed GTIN is a 400.")
    gtin: str = Field(description="The GTIN as given.")
    gtin14: str = Field(description="The 14-digit form.")
    structure: GtinStructure = Field(description="The GTIN's parts and its GS1 prefix.")
    registered: bool = Field(description="Always true here: an unregistered GTIN is a 404.")
    company_prefix: str = Field(description="The company prefix (or EAN-8 code) it falls under.")
    member: MemberFacts = Field(description="The member that holds the company prefix.")
    product: ProductFacts | None = Field(description="The filed product, in use or "
                                         "discontinued; null if none is filed.")  # fmt: skip
    message: str = Field(description="The answer in a sentence, in the request's language.")


class PrefixAnswer(Schema):
    """A registered company prefix and the member that holds it."""

    model_config = examples({"query": "69212345", "well_formed": True, "registered": True,
                             "prefix": "69212345", "kind": "ean", "allocated_on": "2024-01-01",
                             "retired": False, "member": None})  # fmt: skip

    query: str = Field(description="What was asked, without spaces.")
    well_formed: bool = Field(description="Always true here: a malformed prefix is a 400.")
    registered: bool = Field(description="Always true here: an unknown prefix is a 404.")
    prefix: str = Field(description="The company prefix, 6 to 12 digits.")
    kind: str = Field(description="An EAN (GS1) or a UPC prefix.",
                      json_schema_extra=one_of(CompanyPrefix.Kind.values))  # fmt: skip
    allocated_on: date = Field(description="The day it was allocated.")
    retired: bool = Field(description="Whether it has been retired.")
    member: MemberFacts = Field(description="The member that holds it.")


class CertificateCheck(Schema):
    """Whether a certificate is genuine: the number and the company's name must both match,
    so a number alone reveals nothing. The member's facts only when it is genuine."""

    model_config = examples(
        {"genuine": True, "valid": True, "edition": 1, "prefixes": ["69212345"],
         "message": "证书真实有效，有效期至 2028-01-01", "member": None},
        {"genuine": False, "valid": None, "member": None, "edition": None, "prefixes": None,
         "message": "查无此证书：证书编号与企业名称不符，或证书不存在"},
    )  # fmt: skip

    genuine: bool = Field(description="The number and the name match a member's certificate.")
    valid: bool | None = Field(None, description="Whether the membership is valid today "
                               "(null if not genuine).")  # fmt: skip
    member: MemberFacts | None = Field(None, description="The member, with its whole "
                                       "certificate number (null if not genuine).")  # fmt: skip
    edition: int | None = Field(None, description="The certificate's edition (证书版次).")
    prefixes: list[str] | None = Field(None, description="The member's company prefixes in use.")
    message: str = Field(description="The answer in a sentence.")


class Company(MemberFacts):
    prefixes: list[str] = Field(description="The member's company prefixes.")


class CompaniesOut(Schema):
    """Members whose name contains the query, by name (at most 50)."""

    model_config = examples({"results": []})

    results: list[Company] = Field(description="The members found.")


class RegisterEntry(Schema):
    date: Day = Field(description="The day the business was approved.")
    kind: str = Field(description="The kind of business.",
                      json_schema_extra=one_of(list(register_kinds())))  # fmt: skip
    kind_text: str = Field(description="The kind in the request's language.")
    company: str = Field(description="The company's name as applied.")
    certificate_number: str = Field(description="Its certificate number, masked.")


class RegisterOut(Schema):
    """The published register (公告): approved business, newest first (at most 100)."""

    model_config = examples(
        {"results": [{"date": "2026-03-01", "kind": "renewal", "kind_text": "续展",
                      "company": "杭州示例食品有限公司",
                      "certificate_number": "物编注字第1****1号"}]}
    )  # fmt: skip

    results: list[RegisterEntry] = Field(description="The register's entries.")


# -- batch verification ---------------------------------------------------------------------


class BatchIn(Schema):
    model_config = examples({"gtins": ["6921234500019", "4006381333931"]})

    gtins: list[str] = Field(description="Up to 10,000 GTINs, in any of their lengths.")


class Verdict(Schema):
    """One GTIN of a batch: well formed or why not; registered to whom; the filed product."""

    input: str = Field(description="The GTIN as given (its first 40 characters).")
    well_formed: bool = Field(description="Whether it is a GTIN at all.")
    error: GtinProblem | None = Field(None, description="Why it is not (if not).")
    gtin14: str | None = Field(None, description="The 14-digit form (if well formed).")
    registered: bool | None = Field(None, description="Whether a member of the hall holds its "
                                    "company prefix (null if malformed).")  # fmt: skip
    company_prefix: str | None = Field(None, description="The company prefix it falls under.")
    member: str | None = Field(None, description="The member's name.")
    membership_valid: bool | None = Field(None, description="Whether the membership is valid.")
    product: str | None = Field(None, description="The filed product's name.")
    product_status: str | None = Field(None, description="in_use or discontinued.")


class BatchOut(Schema):
    """One verdict per GTIN, in the order given."""

    model_config = examples(
        {"count": 2, "results": [
            {"input": "6921234500019", "well_formed": True, "error": None,
             "gtin14": "06921234500019", "registered": True, "company_prefix": "69212345",
             "member": "杭州示例食品有限公司", "membership_valid": True,
             "product": "示例矿泉水", "product_status": "in_use"},
            {"input": "6921234500010", "well_formed": False,
             "error": {"code": "invalid_checksum", "message": "校验码错误"},
             "gtin14": None, "registered": None, "company_prefix": None, "member": None,
             "membership_valid": None, "product": None, "product_status": None}]}
    )  # fmt: skip

    count: int = Field(description="How many GTINs were given.")
    results: list[Verdict] = Field(description="One verdict per GTIN, in order.")


class JobCounts(Schema):
    total: int = Field(description="GTINs in the file.")
    malformed: int = Field(description="Of them, not GTINs.")
    registered: int = Field(description="Held by a member of the hall.")
    not_registered: int = Field(description="Well formed but held by nobody here.")
    filed: int = Field(description="With a filed product.")


class JobOut(Schema):
    """A file's verification, running in the background: poll until ``status`` is done."""

    model_config = examples(
        {"id": 7, "status": "done", "total": 4, "done": 4, "percent": 100,
         "counts": {"total": 4, "malformed": 1, "registered": 2, "not_registered": 1,
                    "filed": 1}, "error": None,
         "result_url": "https://hall.example/api/v1/verify/jobs/7/result"}
    )  # fmt: skip

    id: int = Field(description="The job's number.")
    status: str = Field(description="queued, running, done or failed.",
                        json_schema_extra=one_of(Job.Status.values))  # fmt: skip
    total: int = Field(description="GTINs to verify (known once the file is read).")
    done: int = Field(description="GTINs verified so far.")
    percent: int = Field(description="How far it has come, 0 to 100.")
    counts: JobCounts | None = Field(description="The result's counts, once done.")
    error: str | None = Field(description="Why the file could not be verified, if so.")
    result_url: str | None = Field(description="Where the result is, once done (CSV).")


# -- the member's number bank and products --------------------------------------------------


class PrefixUsage(Schema):
    prefix: str = Field(description="The company prefix.", examples=["69212345"])
    kind: str = Field(description="An EAN (GS1) or a UPC prefix.",
                      json_schema_extra=one_of(CompanyPrefix.Kind.values))  # fmt: skip
    total: int = Field(description="Item references in all.")
    used: int = Field(description="Given to products.")
    reserved: int = Field(description="Kept in reservations, not yet given.")
    free: int = Field(description="Neither given nor reserved.")


class BankOut(Schema):
    """The member's company prefixes in use, each with its capacity."""

    model_config = examples({"prefixes": [{"prefix": "69212345", "kind": "ean",
                                           "total": 10000, "used": 1, "reserved": 0,
                                           "free": 9999}]})  # fmt: skip

    prefixes: list[PrefixUsage] = Field(description="Each prefix in use, with its capacity.")


class ProductOut(ProductFacts):
    """One of the member's products, drafts included."""

    model_config = examples(
        {"id": 12, "version": 2, "gtin": "6921234500019", "gtin14": "06921234500019",
         "kind": "gtin13", "status": "draft", "status_text": "草稿", "name": "示例矿泉水",
         "name_en": "", "brand": "示例", "brand_en": "", "specification": "550mL",
         "net_content": "550.000", "net_content_unit": "mL", "gpc_brick": "10000232",
         "classification": "", "level": "each", "level_text": "零售单元", "quantity": 1,
         "contains": None, "market_date": None, "discontinued_on": None, "has_image": False,
         "description": ""}
    )  # fmt: skip

    id: int = Field(description="The product's number in the hall.")
    version: int = Field(description="Its version: a change must name the current one.")
    description: str = Field(description="Its description.")


class ProductsOut(Schema):
    """The member's products by GTIN, 100 a page."""

    model_config = examples({"count": 1, "page": 1, "results": []})

    count: int = Field(description="Products in all (of the status asked for).")
    page: int = Field(description="This page's number, from 1.")
    results: list[ProductOut] = Field(description="This page's products.")


def _written_as_text(value: object) -> object:
    """JSON writes a date as text; a number is not a date (pydantic would take it for seconds
    since 1970)."""
    if not isinstance(value, str | date):
        raise ValueError("a date is written as text: YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_written_as_text)]


class ProductData(Schema):
    """Product fields to set; those not given are left as they are."""

    name: str | None = None
    name_en: str | None = None
    brand: str | None = None
    brand_en: str | None = None
    specification: str | None = None
    net_content: Decimal | None = None
    net_content_unit: str | None = None
    gpc_brick: str | None = None
    classification: str | None = None
    level: str | None = None
    market_date: IsoDate | None = None
    description: str | None = None


class AllocateIn(ProductData):
    model_config = examples({"prefix": "69212345", "name": "示例矿泉水"})

    prefix: str = Field(description="The member's company prefix to allocate from.")
    item: int | None = Field(None, strict=True, ge=0, description="A chosen item reference; "
                             "the next free one if not given.")  # fmt: skip


class ProductChange(ProductData):
    model_config = examples({"version": 1, "name": "示例矿泉水", "specification": "550mL"})

    version: int = Field(strict=True, description="The product's current version (a stale "
                         "one is a 409).")  # fmt: skip


class StatusIn(Schema):
    model_config = examples({"action": "publish"})

    action: str = Field(description="publish (file it: in use), discontinue or reinstate.",
                        json_schema_extra=one_of(list(ALLOWED_TRANSITIONS)))  # fmt: skip


class ApiKeyRef(Schema):
    name: str = Field(description="The key's name.", examples=["ERP"])
    prefix: str = Field(description="The first characters of its secret.",
                        examples=["tm_AbCdEfG"])  # fmt: skip


class FieldChange(Schema):
    field: str = Field(description="The field's name.", examples=["name"])
    label: str = Field(description="The field's name as the hall shows it.")
    before: str | int | float | bool | None = Field(description="Its value before.")
    after: str | int | float | bool | None = Field(description="Its value after.")


class HistoryEntry(Schema):
    at: datetime = Field(description="When.")
    action: str = Field(description="allocated, changed, publish, discontinue, reinstate, "
                        "superseded or imported.")  # fmt: skip
    action_text: str = Field(description="The action in the request's language.")
    acted_by: str | None = Field(description="Who acted, as the hall's page shows it: a user, "
                                 "or “API 密钥 <name> (<prefix>…)”.")  # fmt: skip
    api_key: ApiKeyRef | None = Field(description="The API key that acted, if one did.")
    changes: list[FieldChange] = Field(description="The fields the event changed.")


class HistoryOut(Schema):
    """The product's history, oldest first: every allocation, change and status move."""

    model_config = examples(
        {"results": [{"at": "2026-03-01T09:30:00+08:00", "action": "changed",
                      "action_text": "修改信息", "acted_by": "API 密钥 ERP (tm_AbCdEfG…)",
                      "api_key": {"name": "ERP", "prefix": "tm_AbCdEfG"},
                      "changes": [{"field": "name", "label": "产品名称", "before": "",
                                   "after": "示例矿泉水"}]}]}
    )  # fmt: skip

    results: list[HistoryEntry] = Field(description="The events, oldest first.")
