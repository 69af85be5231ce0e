"""The complete renewal in a real browser, paid by transfer: from the demo member's login to
the center's approval and the new validity on the member's page, with a return and resubmit
on the way. Screenshots in ``test-artifacts/hall/renewal-*.png``."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from hall.members.models import Member
from tests.hall.browser import both_sizes, log_in, shot, text

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page: object) -> None:
    page.click("#logout")  # type: ignore[attr-defined]


def _stamped_scan(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    image = Image.new("RGB", (600, 400), "white")
    image.save(path, format="JPEG")
    return str(path)


def _open_first_in_queue(page: object) -> None:
    page.click("nav.menu >> text=待审核")  # type: ignore[attr-defined]
    page.click("#queue a")  # type: ignore[attr-defined]


@both_sizes
def test_renewal_paid_by_transfer_through_both_reviews(page: object, tmp_path: Path) -> None:
    call_command("demo", stdout=io.StringIO())
    member = Member.objects.get(certificate_number="物编注字第123456号")  # the one due
    old_expiry = member.valid_until
    log_in(page, "13800000001", "Member2026demo")
    page.click("#renew")  # type: ignore[attr-defined]
    assert member.archive_index in text(page)
    shot(page, "renewal-1-application")
    # Submitted as the hall pre-filled it: the member's record passes the page's own rules.
    page.click("#submit")  # type: ignore[attr-defined]
    assert "待上传资料" in text(page)
    page.set_input_files("#upload-licence", _stamped_scan(tmp_path, "licence.jpg"))  # type: ignore[attr-defined]
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    shot(page, "renewal-2-materials")
    page.click("#action-materials_done")  # type: ignore[attr-defined]
    assert "待付款" in text(page)
    page.set_input_files("#upload-remittance", _stamped_scan(tmp_path, "proof.jpg"))  # type: ignore[attr-defined]
    page.click("#upload-remittance-button")  # type: ignore[attr-defined]
    assert "汇款证明" in text(page)
    shot(page, "renewal-3-payment")
    _log_out(page)

    log_in(page, "13800000002", "Branch2026demo")
    _open_first_in_queue(page)
    page.click("#action-payment_received")  # type: ignore[attr-defined]
    page.fill("#reason-branch_return", "营业执照复印件未加盖公章")  # type: ignore[attr-defined]
    page.click("#action-branch_return")  # type: ignore[attr-defined]
    assert "退回修改" in text(page)
    shot(page, "renewal-4-returned")
    _log_out(page)

    log_in(page, "13800000001", "Member2026demo")
    page.click("nav.menu >> text=我的业务")  # type: ignore[attr-defined]
    page.click("table.grid a")  # type: ignore[attr-defined]
    assert "营业执照复印件未加盖公章" in text(page)
    # Returned: the member corrects step 1 and its document, then resubmits the same application.
    page.click("#edit")  # type: ignore[attr-defined]
    page.fill("#id_contact", "王小明")  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    assert "王小明" in text(page)
    page.set_input_files("#upload-licence", _stamped_scan(tmp_path, "stamped.jpg"))  # type: ignore[attr-defined]
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    shot(page, "renewal-4b-edited")
    page.click("#action-resubmit")  # type: ignore[attr-defined]
    assert "分支机构初审" in text(page)
    _log_out(page)

    log_in(page, "13800000002", "Branch2026demo")
    _open_first_in_queue(page)
    page.click("#action-branch_approve")  # type: ignore[attr-defined]
    _log_out(page)
    log_in(page, "13800000003", "Center2026demo")
    _open_first_in_queue(page)
    shot(page, "renewal-5-center-review")
    page.click("#action-center_approve")  # type: ignore[attr-defined]
    shot(page, "renewal-5-confirm-approval")
    page.click("#confirm")  # type: ignore[attr-defined]
    assert "已批准" in text(page)
    _log_out(page)

    log_in(page, "13800000001", "Member2026demo")
    new_expiry = date(old_expiry.year + 2, old_expiry.month, old_expiry.day)
    assert new_expiry.isoformat() in text(page)
    shot(page, "renewal-6-new-validity")
