"""``python -m hall demo``: what `make run` loads, safe to run twice, its logins work."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import ApplicationEvent
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.portal.management.commands.demo import LOGINS
from tests.hall.conftest import captcha_answer

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
    # The public register lists the latest approvals: the made-up year's, newest first; the
    # demo member's registration (two years old) is among all the registrations there are.
    register = client.get("/api/v1/register").json()["results"]
    assert len(register) == 100
    approved = ApplicationEvent.objects.filter(new_status="approved", application__member=member)
    assert approved.filter(application__kind="registration").count() == 1
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
