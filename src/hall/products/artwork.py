"""A product's barcode as artwork (SVG, PDF, EPS, PNG at a chosen magnification), label sheets
of several products, and the print-proof check: a proof image graded (a linear symbol after
ISO/IEC 15416 and GB/T 18348, a 2D one after ISO/IEC 15415 and GB/T 23704) and kept with the
product."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.core.errors import HallError
from hall.core.reasons import reason
from hall.products.models import Product, ProofCheck
from tiaoma import ai, commodity2d, digital_link
from tiaoma.commodity2d import Carrier
from tiaoma.digital_link import DigitalLinkOptions
from tiaoma.errors import TiaomaError
from tiaoma.render import Format, artwork, geometry_for
from tiaoma.render.labels import label_sheet
from tiaoma.symbols.base import Symbol, Symbology
from tiaoma.symbols.choose import encode
from tiaoma.verify import matrix_report
from tiaoma.verify.grading import VerifyError, verify
from tiaoma.verify.matrix import MatrixGrade, grade_matrix
from tiaoma.verify.report import as_json, html

CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf",
                 "eps": "application/postscript", "png": "image/png"}  # fmt: skip
#: GB/T 18348: a symbol graded 1.5 (D) or better passes.
PASSING_GRADE = 1.5
#: The verifier's answers for an image that is an image but holds no gradable barcode: the
#: proof is kept as failed rather than refused (a blank or 2D-only print is a failed proof).
UNREADABLE_PROOF = frozenset({"verify-no-symbol", "verify-not-linear"})
#: The most pixels a proof may have: an A4 page scanned at 600 dpi (34.8 million). A larger one
#: is refused before it is decoded, as the public photo query refuses more than 25 million.
PROOF_MAX_PIXELS = 36_000_000


class ArtworkError(HallError):
    """Artwork that cannot be made or a proof that cannot be graded; the message says why."""

    code = "artwork"


@dataclass(frozen=True)
class Artwork:
    data: bytes
    content_type: str
    filename: str


#: The symbols a product's page offers: its linear barcode (EAN-13, EAN-8, UPC-A or ITF-14,
#: chosen by its GTIN) and its commodity 2D code (GB/T 33993-2024, tiaoma.commodity2d): a QR
#: Code or a Han Xin Code holding its GS1 Digital Link URI (网址型), a GS1 DataMatrix holding
#: FNC1 + (01) GTIN (编码型; GS1 GenSpecs 5.6 and 5.7). The 2D symbols are drawn at X = 0.5 mm ×
#: magnification: 0.40-1.00 mm for 0.80-2.00, inside GenSpecs table 5.12.3.1-1's 0.396-0.990 mm
#: for 2D symbols on trade items.
SYMBOLS = ("linear", "qr", "hanxin", "datamatrix")
_CARRIERS = {"qr": Carrier.QR, "hanxin": Carrier.HAN_XIN, "datamatrix": Carrier.DATA_MATRIX}


def digital_link_uri(product: Product) -> str:
    """``https://<hall>/01/<GTIN-14>``: the hall resolves it (hall.lookup's resolver)."""
    options = DigitalLinkOptions(resolver=settings.HALL_PUBLIC_URL.rstrip("/"))
    return digital_link.to_uri(f"(01){product.gtin}", options)


def commodity_code(product: Product, symbol: str) -> commodity2d.CommodityCode:
    """What the product's 2D ``symbol`` carries: its Digital Link URI, or (01) for DataMatrix."""
    text = f"(01){product.gtin}" if symbol == "datamatrix" else digital_link_uri(product)
    return commodity2d.parse(text)


def product_symbol(product: Product, symbol: str = "linear") -> Symbol:
    """The product's ``symbol`` (one of :data:`SYMBOLS`), encoded, not yet drawn."""
    if symbol in _CARRIERS:
        return commodity2d.encode(commodity_code(product, symbol), _CARRIERS[symbol])
    if symbol != "linear":
        raise ArtworkError(_("不支持的条码类型：%(symbol)s") % {"symbol": symbol[:20]})
    return encode(product.display_gtin)


def product_artwork(product: Product, kind: str, magnification: Decimal, dpi: int = 600,
                    symbol: str = "linear") -> Artwork:  # fmt: skip
    """The product's ``symbol`` as ``kind``, at its physical size for ``magnification``."""
    if kind not in CONTENT_TYPES:
        raise ArtworkError(_("不支持的格式：%(kind)s") % {"kind": kind})
    try:
        encoded = product_symbol(product, symbol)
        geometry = geometry_for(encoded, magnification=float(magnification))
        data = artwork(encoded, geometry, cast(Format, kind), dpi=dpi)
    except TiaomaError as error:
        raise ArtworkError(reason(error)) from error
    what = "" if symbol == "linear" else f"-{symbol}"
    name = f"{product.display_gtin}{what}-{magnification:.2f}.{kind}"
    return Artwork(data, CONTENT_TYPES[kind], name)


def page_symbols(product: Product) -> list[tuple[str, str]]:
    """(symbol, SVG at its physical size) for each of :data:`SYMBOLS`, for the product's page;
    a symbol that cannot be made (a GTIN no symbology takes) is left out, not a failed page."""
    shown = []
    for symbol in SYMBOLS:
        try:
            encoded = product_symbol(product, symbol)
            shown.append((symbol, artwork(encoded, geometry_for(encoded), "svg").decode()))
        except (TiaomaError, ArtworkError):
            continue
    return shown


def labels_pdf(products: list[Product], magnification: Decimal) -> bytes:
    """An A4 label sheet with each product's barcode and name, with crop marks."""
    if not products:
        raise ArtworkError(_("请选择要打印标签的产品"))
    codes = [(p.display_gtin, p.name[:20] or None) for p in products]
    try:
        return label_sheet(codes, magnification=float(magnification))
    except TiaomaError as error:
        raise ArtworkError(reason(error)) from error


def proof_check(*, product: Product, actor: User | None, image: bytes, filename: str,
                dpi: int | None) -> ProofCheck:  # fmt: skip
    """Grade the proof and keep it, its report and the result with the product.

    A proof passes only when its symbol grades 1.5 (D) or better *and* carries this product's
    own GTIN: a perfect print of another product's number is a failed proof, as is an image in
    which no gradable barcode is found. An upload that is not an image at all is refused."""
    require_member_role(actor)
    try:
        graded = verify(image, dpi=dpi, max_pixels=PROOF_MAX_PIXELS)[0]
    except VerifyError as error:
        if error.code not in UNREADABLE_PROOF:
            raise ArtworkError(reason(error)) from error
        matrix = _matrix_graded(image, dpi)
        if matrix is not None:
            return _keep_matrix(product, actor, image, filename, matrix)
        return _keep_unreadable(product, actor, image, filename, error.code)
    except TiaomaError as error:
        raise ArtworkError(reason(error)) from error
    decoded = graded.decoded_data or graded.data
    matches = _same_gtin(decoded, product.gtin)
    with transaction.atomic():
        check = ProofCheck(
            product=product, actor=actor, result=graded.result,
            grade=Decimal(f"{graded.grade.value:.1f}"), letter=graded.grade.letter,
            passed=matches and graded.grade.value >= PASSING_GRADE, decoded=decoded[:100],
            matches=matches, details=as_json(graded),
        )  # fmt: skip
        check.image.save(_safe_name(filename), ContentFile(image), save=False)
        check.report.save(f"{product.display_gtin}-proof.html",
                          ContentFile(html(graded).encode()), save=False)  # fmt: skip
        check.save()
    return check


def _matrix_graded(image: bytes, dpi: int | None) -> MatrixGrade | None:
    """The proof graded as a 2D symbol (ISO/IEC 15415, GB/T 23704); None if it holds none."""
    try:
        return grade_matrix(image, dpi=dpi, max_pixels=PROOF_MAX_PIXELS)
    except VerifyError as error:
        if error.code in ("verify-no-matrix", "verify-not-matrix"):
            return None
        raise ArtworkError(reason(error)) from error
    except TiaomaError as error:
        raise ArtworkError(reason(error)) from error


#: The 2D symbols whose data is GS1 element strings (FNC1 first): "(01)…" as plain text in a
#: QR Code is text, not a GTIN any scanner at a till would take.
_GS1_MODE = {Symbology.GS1_QR.label, Symbology.GS1_DATAMATRIX.label, Symbology.GS1_HANXIN.label}


def _carries_gtin(graded: MatrixGrade, gtin14: str) -> bool:
    """Whether a 2D symbol carries this GTIN: as (01) of element strings in a GS1-mode symbol,
    or of a GS1 Digital Link URI (the hall's, GS1's or a brand's own resolver: the URI is kept
    on the proof's record as read)."""
    try:
        if graded.data.lower().startswith(("http://", "https://")):
            found = digital_link.parse(graded.data).message
        elif graded.symbology in _GS1_MODE:
            found = ai.parse(graded.data)
        else:
            return False
    except TiaomaError:
        return False
    element = found.get("01")
    return element is not None and element.value == gtin14


def _keep_matrix(product: Product, actor: User | None, image: bytes, filename: str,
                 graded: MatrixGrade) -> ProofCheck:  # fmt: skip
    matches = _carries_gtin(graded, product.gtin)
    with transaction.atomic():
        check = ProofCheck(
            product=product, actor=actor, result=graded.result,
            grade=Decimal(f"{graded.grade.value:.1f}"), letter=graded.grade.letter,
            passed=matches and graded.grade.value >= PASSING_GRADE, decoded=graded.data[:100],
            matches=matches, details=matrix_report.as_json(graded),
        )  # fmt: skip
        check.image.save(_safe_name(filename), ContentFile(image), save=False)
        check.report.save(f"{product.display_gtin}-proof.html",
                          ContentFile(matrix_report.html(graded).encode()), save=False)  # fmt: skip
        check.save()
    return check


def proof_failure(check: ProofCheck) -> str:
    """Why a kept proof failed, in the reader's language; empty for a proof that passed."""
    if check.passed:
        return ""
    if not check.decoded:
        return _("不合格：样张上未找到可检测的条码")
    if not check.matches:
        return _("不合格：样张上的条码（%(data)s）不是本产品的编码（%(gtin)s）") % {
            "data": check.decoded, "gtin": check.product.display_gtin}  # fmt: skip
    if is_matrix_proof(check):
        return _("不合格：符号等级 %(grade)s（%(letter)s）低于 GB/T 23704 要求的 1.5（D）") % {
            "grade": check.grade, "letter": check.letter}  # fmt: skip
    return _("不合格：符号等级 %(grade)s（%(letter)s）低于 GB/T 18348 要求的 1.5（D）") % {
        "grade": check.grade, "letter": check.letter}  # fmt: skip


def is_matrix_proof(check: ProofCheck) -> bool:
    """Whether the proof was of a 2D symbol (graded after ISO/IEC 15415)."""
    return "parameters" in check.details and "segments" in check.details


def _keep_unreadable(product: Product, actor: User | None, image: bytes, filename: str,
                     code: str) -> ProofCheck:  # fmt: skip
    """An image with no gradable barcode is a proof that failed, kept with a report that says
    what the verifier found, so the failure is on the record like any other."""
    why = escape(_("不合格：样张上未找到可检测的条码"))
    report = (
        f'<!doctype html><html><head><meta charset="utf-8"></head><body><p>{why}</p></body></html>'
    )
    with transaction.atomic():
        check = ProofCheck(product=product, actor=actor, result="—", grade=Decimal("0.0"),
                           letter="F", passed=False, decoded="", matches=False,
                           details={"failure": code})  # fmt: skip
        check.image.save(_safe_name(filename), ContentFile(image), save=False)
        check.report.save(f"{product.display_gtin}-proof.html", ContentFile(report.encode()),
                          save=False)  # fmt: skip
        check.save()
    return check


def _same_gtin(decoded: str, gtin14: str) -> bool:
    """zxing-cpp reads a UPC-A as 13 digits; any length compares as GTIN-14."""
    digits = "".join(c for c in decoded if c.isdigit())
    return bool(digits) and len(digits) == len(decoded) and digits.zfill(14) == gtin14


def _safe_name(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"proof.{suffix if suffix.isalnum() and len(suffix) <= 5 else 'bin'}"
