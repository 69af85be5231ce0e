"""The homes in a real browser (issue 23), on the demo with its made-up year (``make run``'s
``demo --year``): the member's overview with its numbers per prefix, the branch's queue, the
center's charts of twelve months, with screenshots at a desk's and a phone's size."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from hall.members.models import Member
from tests.hall.browser import both_sizes, log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)


@both_sizes
def test_each_home_with_its_charts(page: object) -> None:
    call_command("demo", "--year", stdout=io.StringIO())
    member = Member.objects.get(certificate_number="物编注字第123456号")

    log_in(page, "13800000001", "Member2026demo")
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    days = page.inner_text("#tile-membership strong")  # type: ignore[attr-defined]
    assert int(days) == (member.valid_until - date.today()).days
    assert page.is_visible("#chart-prefixes svg")  # type: ignore[attr-defined]
    assert "69212345" in page.inner_text("#prefix-use")  # type: ignore[attr-defined]
    shot(page, "home-1-member")
    page.click("#logout")  # type: ignore[attr-defined]

    log_in(page, "13800000002", "Branch2026demo")
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    assert page.is_visible("#chart-queue svg")  # type: ignore[attr-defined]
    assert int(page.inner_text("#tile-overdue strong")) > 0  # type: ignore[attr-defined]
    shot(page, "home-2-branch")
    page.click("#tile-overdue a")  # type: ignore[attr-defined]
    assert "/applications/review/" in page.url  # type: ignore[attr-defined]
    page.click("#logout")  # type: ignore[attr-defined]

    log_in(page, "13800000003", "Center2026demo")
    page.goto("/accounts/center/")  # type: ignore[attr-defined]
    for figure in ("chart-months", "chart-branches", "chart-money", "chart-queue"):
        assert page.is_visible(f"#{figure} svg")  # type: ignore[attr-defined]
    # The numbers behind a chart, a click away (and read by a screen reader as a table).
    page.click("#chart-months summary")  # type: ignore[attr-defined]
    assert page.is_visible("#chart-months table")  # type: ignore[attr-defined]
    shot(page, "home-3-center")
