"""A new company's registration in a real browser: a new account applies, the branch and the
center approve, and the company is a member with the next free 692 prefix and its certificate.
Screenshots in ``test-artifacts/hall/registration-*.png``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from hall.accounts.models import User
from hall.members.models import Member
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.conftest import PASSWORD, make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def _wrong_check(body: str) -> str:
    right = make_uscc(body)[-1]
    return body + ("1" if right != "1" else "2")


def _approve_as(page: object, mobile: str, password: str, actions: list[str]) -> None:
    log_in(page, mobile, password)
    page.click("nav.menu >> text=待审核")  # type: ignore[attr-defined]
    page.click("#queue a")  # type: ignore[attr-defined]
    for action in actions:
        page.click(f"#action-{action}")  # type: ignore[attr-defined]
        if page.locator("#confirm").count():  # type: ignore[attr-defined] - a final act
            page.click("#confirm")  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]


@both_sizes
def test_a_new_company_becomes_a_member(page: object, tmp_path: Path) -> None:
    call_command("demo", stdout=io.StringIO())
    User.objects.create_user("13700000055", PASSWORD)
    log_in(page, "13700000055", PASSWORD)
    page.click("#register-member")  # type: ignore[attr-defined]
    fields = {
        "#id_name": "宁波新企业有限公司",
        "#id_uscc": _wrong_check("91330201MA2AB12C4"),
        "#id_registered_address": "宁波市海曙区某路 1 号",
        "#id_legal_representative": "王五",
        "#id_contact": "赵六",
        "#id_mobile": "13700000055",
    }
    for selector, value in fields.items():
        page.fill(selector, value)  # type: ignore[attr-defined]
    page.select_option("#id_branch", "3301")  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    assert "校验码错误" in text(page)
    page.fill("#id_uscc", make_uscc("91330201MA2AB12C4"))  # type: ignore[attr-defined]
    page.click("#submit")  # type: ignore[attr-defined]
    assert "待上传资料" in text(page)
    assert "2080 元" in text(page)  # joining fee 800 + 2 x 640
    shot(page, "registration-1-submitted")
    scan = tmp_path / "licence.png"
    Image.new("RGB", (500, 350), "white").save(scan)
    page.set_input_files("#upload-licence", str(scan))  # type: ignore[attr-defined]
    page.click("#upload-licence-button")  # type: ignore[attr-defined]
    page.click("#action-materials_done")  # type: ignore[attr-defined]
    page.set_input_files("#upload-remittance", str(scan))  # type: ignore[attr-defined]
    page.click("#upload-remittance-button")  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]

    _approve_as(page, "13800000002", "Branch2026demo", ["payment_received", "branch_approve"])
    _approve_as(page, "13800000003", "Center2026demo", ["center_approve"])

    log_in(page, "13700000055", PASSWORD)
    member = Member.objects.get(name="宁波新企业有限公司")
    prefix = member.prefixes.get().prefix
    assert prefix.startswith("692")
    assert len(prefix) == 8
    assert prefix != "69212345"  # the demo member's
    assert prefix in text(page)
    assert member.certificate_number in text(page)
    assert (member.gds_card or "").startswith("3301")  # its card, to log in by
    shot(page, "registration-2-member")
    certificate = page.request.get("/accounts/certificate.pdf")  # type: ignore[attr-defined]
    assert certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")
