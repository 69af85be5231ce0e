"""A printing company in a real browser (Playwright driving Debian's chromium) against the real
server and database: an account files a printing company and the center approves it; the
printer checks a customer's certificate with a photo of the paper, reads the record and its
archived copy, finds it listed, exports the table and the ZIP of copies, and records a print
job whose proof is graded; the center suspends a company with its reason, which it is told.
Screenshots go to ``test-artifacts/hall/printers-*``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hall.accounts.models import User
from hall.members.models import Member
from hall.printers.models import CertificateCheck, PrintingCompany, PrintJob
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD, make_uscc
from tests.hall.printing import center, png, printer
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

__all__ = ["center", "printer"]  # the fixtures used here
pytestmark = pytest.mark.django_db(transaction=True)
OURS = "6921234500019"


def test_an_account_files_a_printing_company_and_the_center_approves_it(
    page: object, fresh_user: User, center: User, tmp_path: Path
) -> None:
    licence = tmp_path / "licence.png"
    licence.write_bytes(png((600, 400)))
    log_in(page, fresh_user.mobile, PASSWORD)
    page.click("#menu-printer-register")  # type: ignore[attr-defined]
    page.fill("#id_name", "嘉兴新印刷有限公司")  # type: ignore[attr-defined]
    page.fill("#id_uscc", "91330406704222222" + "0")  # type: ignore[attr-defined] - wrong check
    page.fill("#id_contact", "赵六")  # type: ignore[attr-defined]
    page.fill("#id_contact_phone", "0573-88886666")  # type: ignore[attr-defined]
    page.set_input_files("#id_licence", str(licence))  # type: ignore[attr-defined]
    page.click("#register-company")  # type: ignore[attr-defined]
    assert "统一社会信用代码无效" in text(page)
    page.fill("#id_uscc", make_uscc("91330406704222222"))  # type: ignore[attr-defined]
    page.set_input_files("#id_licence", str(licence))  # type: ignore[attr-defined]
    shot(page, "printers-1-register")
    page.click("#register-company")  # type: ignore[attr-defined]
    assert page.inner_text("#company-status") == "待审核"  # type: ignore[attr-defined]
    assert "尚未通过编码中心审核" in text(page)
    shot(page, "printers-2-waiting")

    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in(page, center.mobile, PASSWORD)
    page.click("#menu-printer-review")  # type: ignore[attr-defined]
    company = PrintingCompany.objects.get()
    assert "嘉兴新印刷有限公司" in page.inner_text("#pending")  # type: ignore[attr-defined]
    shot(page, "printers-3-center-review")
    page.click(f"#approve-{company.pk}")  # type: ignore[attr-defined]
    assert "已审核：嘉兴新印刷有限公司，已核准" in text(page)
    company.refresh_from_db()
    assert company.approved
    assert company.events.first().actor == center

    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in(page, fresh_user.mobile, PASSWORD)
    assert page.url.endswith("/printers/")  # type: ignore[attr-defined]
    assert page.is_visible("#check-form")  # type: ignore[attr-defined]

    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in(page, center.mobile, PASSWORD)
    page.click("#menu-printer-review")  # type: ignore[attr-defined]
    page.fill(f"#suspend-reason-{company.pk}", "营业执照已吊销")  # type: ignore[attr-defined]
    page.click(f"#suspend-{company.pk}")  # type: ignore[attr-defined]
    assert "已审核：嘉兴新印刷有限公司，已暂停" in text(page)
    shot(page, "printers-3b-center-suspended")
    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in(page, fresh_user.mobile, PASSWORD)
    notice = page.inner_text("#not-approved")  # type: ignore[attr-defined]
    assert "已被编码中心暂停（营业执照已吊销）" in notice
    assert not page.is_visible("#check-form")  # type: ignore[attr-defined]


@both_sizes
def test_a_printer_checks_a_certificate_and_exports_the_record(
    page: object, printer: User, member: Member, tmp_path: Path
) -> None:
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(png((800, 560)))
    log_in(page, printer.mobile, PASSWORD)
    assert page.url.endswith("/printers/")  # type: ignore[attr-defined] - its own page
    assert not page.is_visible("#menu-products")  # type: ignore[attr-defined]
    page.fill("#id_entered", member.certificate_number)  # type: ignore[attr-defined]
    page.fill("#id_company_name", member.name)  # type: ignore[attr-defined]
    page.set_input_files("#id_scan", str(photo))  # type: ignore[attr-defined]
    shot(page, "printers-4-check")
    page.click("#check")  # type: ignore[attr-defined]
    assert page.inner_text("#result") == "有效"  # type: ignore[attr-defined]
    assert page.inner_text("#prefixes") == "69212345"  # type: ignore[attr-defined]
    assert "证书真实有效" in page.inner_text("#message")  # type: ignore[attr-defined]
    shot(page, "printers-5-record")
    check = CertificateCheck.objects.get()

    page.click("#snapshot")  # type: ignore[attr-defined]
    assert member.name in text(page)
    assert "证书查验记录" in text(page)
    shot(page, "printers-6-archived-copy")
    page.go_back()  # type: ignore[attr-defined]

    page.goto("/printers/")  # type: ignore[attr-defined]
    listed = page.inner_text("#checks")  # type: ignore[attr-defined]
    assert member.name in listed
    assert "有效" in listed
    shot(page, "printers-7-listed")
    table = _download(page, "xlsx", tmp_path)
    rows = list(load_workbook(io.BytesIO(table)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == str(check.pk)
    assert rows[1][7] == member.name
    archive = zipfile.ZipFile(io.BytesIO(_download(page, "zip", tmp_path)))
    assert len(archive.namelist()) == 3  # the table, the hall's answer, the customer's photo
    assert archive.read(f"{check.pk}/{check.scan.name.rsplit('/', 1)[-1]}").startswith(b"\x89PNG")

    page.goto(f"/printers/checks/{check.pk}/")  # type: ignore[attr-defined]
    page.click("#new-job")  # type: ignore[attr-defined]
    page.fill("#id_gtins", OURS)  # type: ignore[attr-defined]
    page.fill("#id_magnification", "0.90")  # type: ignore[attr-defined]
    page.select_option("#id_substrate", "label")  # type: ignore[attr-defined]
    page.click("#save-job")  # type: ignore[attr-defined]
    symbol = encode(OURS)
    proof = tmp_path / "proof.png"
    proof.write_bytes(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    page.set_input_files("#id_image", str(proof))  # type: ignore[attr-defined]
    page.click("#grade")  # type: ignore[attr-defined]
    assert "样张合格" in text(page)
    shot(page, "printers-8-job-graded")
    job = PrintJob.objects.get()
    assert (job.check_record, job.proof_passed, str(job.magnification)) == (check, True, "0.90")


def _download(page: object, kind: str, folder: Path) -> bytes:
    page.select_option("#id_format", kind)  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("#export")  # type: ignore[attr-defined]
    saved = folder / f"export.{kind}"
    download.value.save_as(saved)
    return saved.read_bytes()
