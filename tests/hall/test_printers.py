"""Printing companies (seed 002 art. 21-22): a company files itself and the center approves it;
an approved company checks a customer's certificate and the hall keeps the record with its
copies; print jobs rest on a valid check, their GTINs the customer's and their magnification
within GB 12904; another company's records are out of reach; floods and large files are
refused, and nothing is half written."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.core.errors import Forbidden, NotFound
from hall.members.certificates import certificate_token
from hall.members.models import Member
from hall.printers import checks, companies, jobs
from hall.printers.companies import PrinterError
from hall.printers.models import CertificateCheck, CompanyEvent, PrintingCompany, PrintJob
from tests.hall.conftest import PASSWORD, log_in, make_uscc
from tests.hall.printing import center, other_printer, pending_printer, png, printer, upload
from tests.hall.windows import start_early_in_a_window
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

__all__ = ["center", "other_printer", "pending_printer", "printer"]  # the fixtures used here
pytestmark = pytest.mark.django_db
CERTIFICATE, COMPANY = "物编注字第100001号", "杭州示例食品有限公司"
OURS, THEIRS = "6921234500019", "6925432100019"  # under 69212345 (member's), 69254321 (other's)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _check(
    user: User,
    entered: str = CERTIFICATE,
    company: str = COMPANY,
    kind: str = CertificateCheck.Kind.CERTIFICATE,
) -> CertificateCheck:
    return checks.check_record(user=user, kind=kind, entered=entered, company_name=company)


# --- A company comes to be --------------------------------------------------------------------


def test_an_account_files_a_company_which_waits_for_the_center(fresh_user: User) -> None:
    client = Client()
    log_in(client, fresh_user.mobile)
    data = {
        "name": "嘉兴新印刷有限公司",
        "uscc": make_uscc("91330406704222222"),
        "contact": "赵六",
        "contact_phone": "0573-88886666",
        "address": "嘉兴",
        "licence": upload(png(), "licence.png"),
    }
    response = client.post("/printers/register/", data, follow=True)
    company = PrintingCompany.objects.get(name="嘉兴新印刷有限公司")
    fresh_user.refresh_from_db()
    assert (company.status, fresh_user.role) == ("pending", User.Role.PRINTER)
    assert company.accounts.get().user == fresh_user
    assert company.licence.name.endswith(".png")
    assert CompanyEvent.objects.get(company=company).new_status == "pending"
    assert "尚未通过编码中心审核" in response.content.decode()
    refused = client.post(
        "/printers/checks/",
        {"kind": "certificate", "entered": CERTIFICATE, "company_name": COMPANY},
    )
    assert refused.status_code == 403
    assert not CertificateCheck.objects.exists()


def test_a_members_account_cannot_file_a_printing_company(member_user: User) -> None:
    client = _client(member_user)
    data = {
        "name": "某印刷有限公司",
        "uscc": make_uscc("91330406704333333"),
        "contact": "赵六",
        "contact_phone": "057388886666",
        "licence": upload(png(), "licence.png"),
    }
    response = client.post("/printers/register/", data)
    assert "不能再登记印刷企业" in response.content.decode()
    assert not PrintingCompany.objects.exists()
    member_user.refresh_from_db()
    assert member_user.role == User.Role.MEMBER


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uscc", "91330406704222220", "统一社会信用代码无效"),  # a wrong check character
        ("licence", b"%PDF-1.4 not really", "PDF 文件无法打开"),  # a PDF that does not open
        ("licence", b"MZ\x90\x00 an exe", "不是可识别的图片文件"),  # neither image nor PDF
    ],
)
def test_a_bad_filing_is_refused_and_nothing_is_kept(
    fresh_user: User, field: str, value: object, message: str
) -> None:
    data: dict[str, object] = {
        "name": "嘉兴新印刷有限公司",
        "uscc": make_uscc("91330406704222222"),
        "contact": "赵六",
        "contact_phone": "057388886666",
        "licence": upload(png(), "licence.png"),
    }
    data[field] = upload(value, "licence.pdf") if isinstance(value, bytes) else value
    response = _client(fresh_user).post("/printers/register/", data)
    assert message in response.content.decode()
    assert not PrintingCompany.objects.exists()


def test_the_center_approves_and_a_member_cannot(
    pending_printer: User, center: User, member_user: User
) -> None:
    company = PrintingCompany.objects.get(accounts__user=pending_printer)
    url = f"/printers/staff/{company.pk}/decide/"
    assert _client(member_user).post(url, {"status": "approved"}).status_code == 403
    assert _client(pending_printer).post(url, {"status": "approved"}).status_code == 403
    company.refresh_from_db()
    assert company.status == "pending"
    staff = _client(center)
    assert company.name in staff.get("/printers/staff/").content.decode()
    assert staff.post(url, {"status": "approved"}).status_code == 302
    company.refresh_from_db()
    event = company.events.first()
    assert event is not None
    assert (company.status, event.actor, event.old_status) == ("approved", center, "pending")
    again = staff.post(url, {"status": "approved"})
    assert again.status_code == 409  # approved already: the same decision is not made twice


def test_a_refusal_needs_its_reason(pending_printer: User, center: User) -> None:
    company = PrintingCompany.objects.get(accounts__user=pending_printer)
    url = f"/printers/staff/{company.pk}/decide/"
    assert _client(center).post(url, {"status": "rejected"}).status_code == 400
    _client(center).post(url, {"status": "rejected", "reason": "营业执照不清晰"})
    company.refresh_from_db()
    assert (company.status, company.reason) == ("rejected", "营业执照不清晰")


def test_a_printer_lands_on_its_own_page_after_logging_in(printer: User) -> None:
    client = Client()
    response = log_in(client, printer.mobile, PASSWORD)
    assert response["Location"] == "/printers/"  # type: ignore[index]
    page = client.get("/printers/").content.decode()
    assert "杭州示例印务有限公司" in page
    assert 'id="menu-products"' not in page
    assert 'id="menu-printers"' in page


# --- Checks -----------------------------------------------------------------------------------


def test_a_valid_certificate_is_recorded_with_its_copies(printer: User, member: Member) -> None:
    client = _client(printer)
    scan = upload(png((400, 300)), "certificate.jpg")
    response = client.post(
        "/printers/checks/",
        {"kind": "certificate", "entered": "１００００１", "company_name": COMPANY, "scan": scan},
    )
    check = CertificateCheck.objects.get()
    assert response["Location"] == f"/printers/checks/{check.pk}/"
    assert (check.result, check.member, check.member_name) == ("valid", member, COMPANY)
    assert (check.prefixes, check.valid_until) == (["69212345"], member.valid_until)
    assert (check.checked_by, check.entered) == (printer, "１００００１")  # kept as typed
    snapshot = client.get(f"/printers/checks/{check.pk}/snapshot")
    copy = b"".join(snapshot.streaming_content).decode()  # type: ignore[attr-defined]
    assert COMPANY in copy
    assert "69212345" in copy
    assert printer.mobile in copy
    assert "sandbox" in snapshot["Content-Security-Policy"]
    kept = b"".join(client.get(f"/printers/checks/{check.pk}/scan").streaming_content)  # type: ignore[attr-defined]
    assert kept.startswith(b"\x89PNG")  # saved again as a clean PNG, whatever it was called
    assert CERTIFICATE in client.get(f"/printers/checks/{check.pk}/").content.decode()


@pytest.mark.parametrize(
    ("change", "result"),
    [
        ({}, "valid"),
        ({"valid_until": date.today() - timedelta(days=1)}, "expired"),
        ({"status": Member.Status.EXPIRED}, "expired"),
        ({"status": Member.Status.CANCELLED}, "cancelled"),
    ],
)
def test_the_result_follows_the_members_state(
    printer: User, member: Member, change: dict[str, object], result: str
) -> None:
    Member.objects.filter(pk=member.pk).update(**change)
    assert _check(printer).result == result


def test_a_wrong_name_or_number_is_unknown_and_recorded(printer: User, member: Member) -> None:
    wrong_name = _check(printer, company="杭州别家食品有限公司")
    wrong_number = _check(printer, entered="物编注字第999999号")
    assert (wrong_name.result, wrong_name.member, wrong_name.member_name) == ("unknown", None, "")
    assert wrong_number.result == "unknown"
    assert wrong_name.snapshot.name
    assert "查无此证书" in wrong_name.message


def test_the_certificates_qr_code_checks_it(printer: User, member: Member) -> None:
    url = f"https://hall.example/verify/t/{certificate_token(member)}"
    check = _check(printer, entered=url, company="", kind=CertificateCheck.Kind.TOKEN)
    assert (check.result, check.member) == ("valid", member)
    forged = certificate_token(member)[:-3] + "xyz"
    assert _check(printer, entered=forged, company="", kind="token").result == "unknown"
    Member.objects.filter(pk=member.pk).update(certificate_edition=2)  # reissued: the old void
    assert _check(printer, entered=url, company="", kind="token").result == "cancelled"


def test_a_foreign_code_filing_is_checked_by_its_number(
    printer: User, member: Member, member_user: User
) -> None:
    filing = Application.objects.create(
        kind=Application.Kind.FOREIGN_FILING,
        status=Application.Status.APPROVED,
        member=member,
        applicant=member_user,
        branch=member.branch,
        data={"gtin": "5012345678900"},
    )
    check = _check(printer, entered=str(filing.pk), kind=CertificateCheck.Kind.FILING)
    assert (check.result, check.gtins, check.prefixes) == ("valid", ["05012345678900"], [])
    job = jobs.job_record(
        user=printer,
        check_id=check.pk,
        gtins=["5012345678900"],
        magnification="1.00",
        substrate="label",
    )
    assert job.gtins == ["5012345678900"]
    with pytest.raises(PrinterError, match="不属于委托人"):
        jobs.job_record(
            user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="label"
        )
    assert _check(printer, entered=str(filing.pk), company="别家").result == "unknown"


def test_an_unapproved_company_records_nothing(pending_printer: User, member: Member) -> None:
    with pytest.raises(Exception, match="尚未通过编码中心审核"):
        _check(pending_printer)
    assert not CertificateCheck.objects.exists()


def test_a_scan_over_two_megabytes_is_refused_and_nothing_is_recorded(
    printer: User, member: Member
) -> None:
    big = upload(b"\x89PNG" + b"\x00" * (2 * 2**20), "big.png")
    response = _client(printer).post(
        "/printers/checks/",
        {"kind": "certificate", "entered": CERTIFICATE, "company_name": COMPANY, "scan": big},
    )
    assert response.status_code == 400
    assert "超过 2 MB 上限" in response.content.decode()
    assert not CertificateCheck.objects.exists()


def test_a_flood_of_checks_is_stopped(printer: User, member: Member) -> None:
    client = _client(printer)
    form = {"kind": "certificate", "entered": CERTIFICATE, "company_name": COMPANY}
    statuses = [
        client.post("/printers/checks/", form).status_code
        for _ in range(checks.CHECKS_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [302] * checks.CHECKS_PER_MINUTE
    assert statuses[-1] == 429
    assert CertificateCheck.objects.count() == checks.CHECKS_PER_MINUTE


# --- Another company's records ----------------------------------------------------------------


def test_another_companys_records_are_not_found(
    printer: User, other_printer: User, member: Member
) -> None:
    check = _check(printer)
    job = jobs.job_record(
        user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )
    other = _client(other_printer)
    for url in (
        f"/printers/checks/{check.pk}/",
        f"/printers/checks/{check.pk}/snapshot",
        f"/printers/jobs/{job.pk}/",
        f"/printers/jobs/{job.pk}/report",
    ):
        assert other.get(url).status_code == 404, url
    company = check.company
    assert other.get(f"/printers/licence/{company.pk}").status_code == 404
    # A hand-made POST naming the other company's check records nothing.
    posted = other.post(
        "/printers/jobs/new/",
        {"check_id": check.pk, "gtins": OURS, "magnification": "1", "substrate": "paper"},
    )
    assert posted.status_code == 200
    assert PrintJob.objects.count() == 1
    with pytest.raises(NotFound):
        jobs.job_record(
            user=other_printer,
            check_id=check.pk,
            gtins=[OURS],
            magnification="1",
            substrate="paper",
        )
    proof = other.post(f"/printers/jobs/{job.pk}/proof/", {"image": upload(png())})
    assert proof.status_code == 404
    assert "杭州示例食品" not in other.get("/printers/").content.decode()


def test_a_member_sees_no_printers_pages(member_user: User, printer: User) -> None:
    client = _client(member_user)
    assert client.get("/printers/checks/1/").status_code == 404
    assert client.post("/printers/checks/", {"kind": "certificate"}).status_code == 404


# --- Print jobs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gtins", "magnification", "message"),
    [
        ([THEIRS], "1.00", "不属于委托人"),  # another member's prefix
        (["6921234500018"], "1.00", "6921234500018"),  # a wrong check digit, named
        ([OURS], "2.50", "0.80 至 2.00"),  # over GB 12904's range
        ([OURS], "0.79", "0.80 至 2.00"),
        ([OURS], "abc", "0.80 至 2.00"),
        (["", " "], "1.00", "请输入要印刷的商品条码"),
    ],
)
def test_a_job_is_refused_for_bad_input(
    printer: User, member: Member, gtins: list[str], magnification: str, message: str
) -> None:
    check = _check(printer)
    with pytest.raises(PrinterError, match=message):
        jobs.job_record(
            user=printer,
            check_id=check.pk,
            gtins=gtins,
            magnification=magnification,
            substrate="paper",
        )
    assert not PrintJob.objects.exists()


def test_a_job_within_the_range_is_recorded_through_its_page(printer: User, member: Member) -> None:
    check = _check(printer)
    client = _client(printer)
    assert str(check.pk) in client.get(f"/printers/jobs/new/?check={check.pk}").content.decode()
    response = client.post(
        "/printers/jobs/new/",
        {
            "check_id": check.pk,
            "gtins": f"{OURS}\n０６９２１２３４５０００１９\n",
            "magnification": "0.80",
            "substrate": "film",
            "quantity": "10000",
        },
    )
    job = PrintJob.objects.get()
    assert response["Location"] == f"/printers/jobs/{job.pk}/"
    assert (job.gtins, str(job.magnification), job.quantity) == ([OURS], "0.80", 10000)


def test_a_job_needs_a_valid_check(printer: User, member: Member) -> None:
    unknown = _check(printer, company="别家")
    with pytest.raises(PrinterError, match="不得承印"):
        jobs.job_record(
            user=printer, check_id=unknown.pk, gtins=[OURS], magnification="1", substrate="paper"
        )
    valid = _check(printer)
    CertificateCheck.objects.filter(pk=valid.pk).update(valid_until=date.today() - timedelta(1))
    with pytest.raises(PrinterError, match="请重新查验"):
        jobs.job_record(
            user=printer, check_id=valid.pk, gtins=[OURS], magnification="1", substrate="paper"
        )


def _print_of(number: str) -> io.BytesIO:
    symbol = encode(number)
    return upload(artwork(symbol, geometry_for(symbol), "png", dpi=600), "proof.png")


def _job(printer: User) -> PrintJob:
    check = _check(printer)
    return jobs.job_record(
        user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
    )


def test_a_good_proof_of_the_jobs_gtin_passes(printer: User, member: Member) -> None:
    job = _job(printer)
    client = _client(printer)
    page = client.post(f"/printers/jobs/{job.pk}/proof/", {"image": _print_of(OURS)}, follow=True)
    job.refresh_from_db()
    assert (job.proof_passed, job.proof_letter) == (True, "A")
    assert "样张合格" in page.content.decode()
    report = b"".join(client.get(f"/printers/jobs/{job.pk}/report").streaming_content)  # type: ignore[attr-defined]
    assert b"<html" in report.lower()


def test_a_perfect_print_of_another_gtin_fails_and_a_regrade_replaces_it(
    printer: User, member: Member, django_capture_on_commit_callbacks: Any
) -> None:
    job = _job(printer)
    client = _client(printer)
    page = client.post(f"/printers/jobs/{job.pk}/proof/", {"image": _print_of(THEIRS)}, follow=True)
    job.refresh_from_db()
    first = job.proof.name
    assert (job.proof_passed, job.proof_letter) == (False, "A")
    assert "不是本业务的商品条码" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/printers/jobs/{job.pk}/proof/", {"image": _print_of(OURS)})
    job.refresh_from_db()
    assert job.proof_passed is True
    assert not default_storage.exists(first)


def test_a_file_that_is_no_image_is_refused_as_a_proof(printer: User, member: Member) -> None:
    job = _job(printer)
    page = _client(printer).post(
        f"/printers/jobs/{job.pk}/proof/", {"image": upload(b"just text", "proof.png")}, follow=True
    )
    job.refresh_from_db()
    assert job.proof_passed is None
    assert not job.proof.name
    assert "notice error" in page.content.decode()


def test_the_public_certificate_check_needs_no_account(member: Member) -> None:
    response = Client().get("/verify/100001", {"company": COMPANY})
    assert response.status_code == 200
    assert "证书真实有效" in response.content.decode()


def test_a_flood_of_proofs_is_stopped_before_grading(printer: User, member: Member) -> None:
    job = _job(printer)
    client = _client(printer)
    for _ in range(jobs.PROOFS_PER_MINUTE):
        client.post(f"/printers/jobs/{job.pk}/proof/", {"image": upload(png())})
    refused = client.post(f"/printers/jobs/{job.pk}/proof/", {"image": _print_of(OURS)})
    assert refused.status_code == 429
    job.refresh_from_db()
    assert job.proof_passed is not True  # the last proof was never graded


def test_a_refused_company_may_be_approved_later(pending_printer: User, center: User) -> None:
    company = PrintingCompany.objects.get(accounts__user=pending_printer)
    url = f"/printers/staff/{company.pk}/decide/"
    staff = _client(center)
    staff.post(url, {"status": "rejected", "reason": "营业执照不清晰"})
    assert f'id="approve-{company.pk}"' in staff.get("/printers/staff/").content.decode()
    staff.post(url, {"status": "approved"})
    company.refresh_from_db()
    assert company.approved
    assert [e.new_status for e in company.events.order_by("at", "id")] == [
        "rejected",
        "approved",
    ]


# --- What an attacker tries ------------------------------------------------------------------

NOT_A_FILE = b"MZ\x90\x00 an exe"  # neither image nor PDF: refused once read


def _filing(uscc: str, licence: bytes = NOT_A_FILE) -> dict[str, object]:
    return {
        "name": "嘉兴新印刷有限公司",
        "uscc": uscc,
        "contact": "赵六",
        "contact_phone": "057388886666",
        "licence": upload(licence, "licence.pdf"),
    }


def test_a_taken_code_is_refused_before_the_licence_is_read(
    fresh_user: User, printer: User
) -> None:
    taken = PrintingCompany.objects.get(accounts__user=printer).uscc
    page = _client(fresh_user).post("/printers/register/", _filing(taken)).content.decode()
    assert "该统一社会信用代码的印刷企业已登记" in page
    assert "不是可识别的图片文件" not in page  # the licence was never opened
    assert PrintingCompany.objects.count() == 1


def test_a_flood_of_filings_is_stopped_before_any_licence_is_read(fresh_user: User) -> None:
    client = _client(fresh_user)
    statuses = [
        client.post("/printers/register/", _filing(make_uscc("91330406704222222"))).status_code
        for _ in range(companies.FILINGS_PER_MINUTE + 1)
    ]
    assert statuses == [200] * companies.FILINGS_PER_MINUTE + [429]
    assert not PrintingCompany.objects.exists()


@pytest.mark.parametrize("kind", [Application.Kind.REGISTRATION, Application.Kind.ACTIVATION])
def test_an_account_on_its_way_to_a_members_cannot_file_a_company(
    fresh_user: User, member: Member, kind: str
) -> None:
    application = Application.objects.create(
        kind=kind,
        status=Application.Status.CENTER_REVIEW,
        member=member if kind == Application.Kind.ACTIVATION else None,
        applicant=fresh_user,
        branch=member.branch,
    )
    client = _client(fresh_user)
    filing = _filing(make_uscc("91330406704222222"), png())
    page = client.post("/printers/register/", filing).content.decode()
    assert "此账号有正在办理的注册或账号激活申请" in page
    assert not PrintingCompany.objects.exists()
    fresh_user.refresh_from_db()
    assert fresh_user.role == User.Role.MEMBER
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    filing = _filing(make_uscc("91330406704222222"), png())
    assert client.post("/printers/register/", filing).status_code == 302
    assert PrintingCompany.objects.get().accounts.get().user == fresh_user


def test_a_flood_of_checks_is_stopped_before_the_scan_is_read(
    printer: User, member: Member
) -> None:
    client = _client(printer)
    form = {"kind": "certificate", "entered": CERTIFICATE, "company_name": COMPANY}
    start_early_in_a_window()
    for _ in range(checks.CHECKS_PER_MINUTE):
        assert client.post("/printers/checks/", form).status_code == 302
    refused = client.post("/printers/checks/", {**form, "scan": upload(NOT_A_FILE, "scan.pdf")})
    assert refused.status_code == 429  # not 400: the file was never opened
    assert CertificateCheck.objects.count() == checks.CHECKS_PER_MINUTE


@pytest.mark.parametrize("entered", ["²", "No.²³", "１²", "No."])
def test_a_filing_number_of_no_digits_is_refused_and_costs_nothing(
    printer: User, member: Member, entered: str
) -> None:
    with pytest.raises(PrinterError, match="备案文件编号应为数字"):
        _check(printer, entered=entered, kind=CertificateCheck.Kind.FILING)
    client = _client(printer)
    form = {"kind": "filing", "entered": entered, "company_name": COMPANY}
    for _ in range(checks.CHECKS_PER_MINUTE):
        response = client.post("/printers/checks/", form)
        assert response.status_code == 400
        assert "备案文件编号应为数字" in response.content.decode()
    assert not CertificateCheck.objects.exists()
    # None of it spent the company's minute: a real check is still recorded.
    assert _check(printer).result == "valid"


def test_the_center_suspends_an_approved_company_and_reinstates_it(
    printer: User, center: User, member: Member, member_user: User
) -> None:
    company = PrintingCompany.objects.get(accounts__user=printer)
    check = _check(printer)
    url = f"/printers/staff/{company.pk}/decide/"
    suspend = {"status": "suspended", "reason": "查验记录与委托人不符"}
    assert _client(member_user).post(url, suspend).status_code == 403
    assert _client(printer).post(url, suspend).status_code == 403
    staff = _client(center)
    assert f'id="suspend-{company.pk}"' in staff.get("/printers/staff/").content.decode()
    assert staff.post(url, {"status": "suspended"}).status_code == 400  # no reason, no suspension
    company.refresh_from_db()
    assert company.approved
    assert staff.post(url, suspend).status_code == 302
    company.refresh_from_db()
    event = company.events.first()
    assert event is not None
    assert (company.status, company.reason) == ("suspended", "查验记录与委托人不符")
    assert (event.actor, event.old_status, event.new_status, event.reason) == (
        center,
        "approved",
        "suspended",
        "查验记录与委托人不符",
    )
    # A suspended company records nothing, by its pages or by hand-made POSTs.
    assert "已被编码中心暂停（查验记录与委托人不符）" in (
        _client(printer).get("/printers/").content.decode()
    )
    form = {"kind": "certificate", "entered": CERTIFICATE, "company_name": COMPANY}
    refused = _client(printer).post("/printers/checks/", form)
    assert refused.status_code == 403
    assert "已被编码中心暂停" in refused.content.decode()
    with pytest.raises(Forbidden, match="已被编码中心暂停"):
        jobs.job_record(
            user=printer, check_id=check.pk, gtins=[OURS], magnification="1", substrate="paper"
        )
    assert (CertificateCheck.objects.count(), PrintJob.objects.count()) == (1, 0)
    assert f'id="reinstate-{company.pk}"' in staff.get("/printers/staff/").content.decode()
    assert staff.post(url, {"status": "approved"}).status_code == 302
    company.refresh_from_db()
    assert (company.status, company.reason) == ("approved", "")
    assert _check(printer).result == "valid"
    assert [e.new_status for e in company.events.order_by("at", "id")] == [
        "suspended",
        "approved",
    ]
