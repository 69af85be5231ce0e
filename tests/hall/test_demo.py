"""``python -m hall demo``: what `make run` loads, safe to run twice, its logins work."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.portal import year
from hall.portal.management.commands.demo import LOGINS, YEAR_APPLICATIONS
from tests.hall.conftest import captcha_answer
from tests.hall.staff import verify_session

pytestmark = pytest.mark.django_db


def test_demo_data_twice_then_every_login_works(client: Client) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=out)
    assert BranchOffice.objects.get(code="3301").contacts[0]["phone"] == "0571-85786900"
    member = Member.objects.get(certificate_number="物编注字第123456号")
    waiting = Member.objects.get(certificate_number="物编注字第654321号")
    assert (waiting.mobile, waiting.users.count()) == ("13800000008", 0)  # to activate by SMS
    assert CompanyPrefix.objects.get(member=member).prefix.startswith("692")
    assert date.today() < member.valid_until <= date.today() + timedelta(days=92)
    assert User.objects.get(role=User.Role.BRANCH).branch.code == "3301"  # type: ignore[union-attr]
    register = client.get("/api/v1/register").json()["results"]
    assert [(entry["kind"], entry["company"]) for entry in register] == [
        ("registration", member.name)]  # fmt: skip
    for mobile, password, role, _what in LOGINS:
        assert f"login {mobile} / {password}" in out.getvalue()
        response = client.post(
            "/accounts/login/",
            {
                "method": "mobile",
                "identifier": mobile,
                "password": password,
                "captcha": captcha_answer(client),
            },
        )
        assert response.status_code == 302, mobile
        if role != User.Role.MEMBER:  # staff: the printed recovery code passes the second step
            client.post("/accounts/2fa/", {"code": "demo0001"})
            assert client.get("/applications/review/").status_code == 200, mobile
        client.post("/accounts/logout/")
    # The member's administrator logs in by its card too (登录选择 GDS卡号), as printed.
    assert f"{member.gds_card} / Member2026demo" in out.getvalue()
    by_card = {"method": "gds", "identifier": member.gds_card, "password": "Member2026demo",
               "captcha": captcha_answer(client)}  # fmt: skip
    assert client.post("/accounts/login/", by_card).status_code == 302


def test_make_runs_demo_has_a_year_of_business_for_the_homes() -> None:
    """``make run`` asks for the made-up year too (``--year``): once, however often it runs."""
    call_command("demo", "--year", stdout=StringIO())
    call_command("demo", "--year", stdout=StringIO())
    assert Member.objects.filter(archive_index__startswith=year.MARK).count() == (
        YEAR_APPLICATIONS // 10
    )
    assert Application.objects.filter(member__archive_index__startswith=year.MARK).count() == (
        YEAR_APPLICATIONS
    )
    center = User.objects.get(role=User.Role.CENTER)
    client = Client()
    client.force_login(center)
    verify_session(client, center)
    page = client.get("/accounts/center/").content.decode()
    assert 'id="chart-months"' in page
