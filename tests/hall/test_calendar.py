"""The holiday table's yearly update (``python -m hall calendar_update``) from the package or
from the State Council's notice, the days staff entered kept, and the center's warning before
the table runs out."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import CalendarDay, CalendarYear
from hall.applications.workdays import add_working_days, calendar_ends, calendar_warning
from tests.hall.staff import verify_session

pytestmark = pytest.mark.django_db
NOTICE_2027 = """# 2027 (an example notice, not the real one)
2027-01-01,休,元旦
2027-02-06,班,春节调休
2027-02-08,holiday,春节
2027-02-09,休,春节
2027-02-13,休,春节
"""


def update(*args: str) -> str:
    out = StringIO()
    call_command("calendar_update", *args, stdout=out)
    return out.getvalue()


def test_the_package_update_keeps_the_days_staff_entered() -> None:
    # A staff member gave 2026-12-31 (a Thursday) off by hand, and marked National Day's
    # 2026-10-05 a working day although the package says it is a holiday.
    CalendarDay.objects.create(day=date(2026, 12, 31), is_workday=False, note="内部")
    CalendarDay.objects.create(day=date(2026, 10, 5), is_workday=True)
    said = update("--first", "2026", "--last", "2026")
    assert "holiday table updated for: 2026-2026" in said
    assert "kept 2026-10-05" in said  # the package disagrees: named for staff to look at
    assert CalendarDay.objects.get(day=date(2026, 12, 31)).source == "staff"
    assert CalendarDay.objects.get(day=date(2026, 10, 5)).is_workday
    national_day = CalendarDay.objects.get(day=date(2026, 10, 1))
    assert (national_day.is_workday, national_day.source) == (False, "package")
    update("--first", "2026", "--last", "2026")  # run again: the same table
    assert CalendarDay.objects.filter(day__year=2026, source="package").count() == (
        CalendarDay.objects.filter(day__year=2026).count() - 2
    )


def test_a_year_from_the_notice_file(tmp_path: Path) -> None:
    notice = tmp_path / "notice-2027.csv"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    said = update("--year", "2027", "--file", str(notice))
    assert "2027-2027" in said
    table = dict(CalendarDay.objects.filter(day__year=2027).values_list("day", "is_workday"))
    # 2027-02-13 is a Saturday: a holiday already, not stored; the rest break the rule.
    assert table == {date(2027, 1, 1): False, date(2027, 2, 6): True,
                     date(2027, 2, 8): False, date(2027, 2, 9): False}  # fmt: skip
    assert CalendarYear.objects.get(year=2027).source == "notice file notice-2027.csv"
    # Friday 5 Feb 2027 + 2 working days: Saturday 6th is a make-up day, Monday 8th is not.
    assert add_working_days(date(2027, 2, 5), 2).day == date(2027, 2, 10)
    # A corrected notice replaces the year (but staff's days).
    notice.write_text("2027-01-01,休,元旦\n", encoding="utf-8")
    update("--year", "2027", "--file", str(notice))
    assert list(CalendarDay.objects.filter(day__year=2027).values_list("day", flat=True)) == [
        date(2027, 1, 1)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("2027-13-01,休,\n", "line 1: '2027-13-01' is not a date"),
        ("2027-01-01,休\n2026-10-01,休\n", "line 2: 2026-10-01 is not in 2027"),
        ("2027-01-01,放假,\n", "line 1: '放假' is not one of 休, holiday, 班, workday"),
        ("2027-01-01,休\n" * 401, "more than 400 lines"),
    ],
)
def test_a_bad_notice_file_is_refused_line_by_line_and_writes_nothing(
    tmp_path: Path, content: str, message: str
) -> None:
    notice = tmp_path / "notice.csv"
    notice.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        update("--year", "2027", "--file", str(notice))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_command_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="needs --year"):
        update("--file", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No such file"):
        update("--year", "2027", "--file", str(tmp_path / "absent.csv"))
    (tmp_path / "gbk.csv").write_bytes("2027-01-01,休,元旦".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        update("--year", "2027", "--file", str(tmp_path / "gbk.csv"))


def test_the_warning_comes_sixty_days_before_the_table_ends() -> None:
    CalendarYear.objects.create(year=2026, source="test")
    assert calendar_ends(date(2026, 6, 1)) == date(2026, 12, 31)
    assert calendar_warning(date(2026, 10, 31)) is None  # 61 days left: not yet
    assert "2026-12-31" in (calendar_warning(date(2026, 11, 1)) or "")  # 60 days left
    CalendarYear.objects.create(year=2027, source="test")
    assert calendar_warning(date(2026, 12, 6)) is None
    assert "2028" in (calendar_warning(date(2028, 1, 2)) or "")  # a year not in the table


def test_the_center_sees_the_warning_on_its_queue_and_a_branch_does_not(
    client: Client, member_user: User
) -> None:
    center = User.objects.create_user("13900000012", "x", role=User.Role.CENTER)
    branch = User.objects.create_user(
        "13900000010", "x", role=User.Role.BRANCH, branch=member_user.member.branch
    )
    for user, shown in ((center, True), (branch, False)):
        client.force_login(user)
        verify_session(client, user)
        page = client.get("/applications/review/").content.decode()
        assert ('id="calendar-warning"' in page) is shown
    year = timezone.localdate().year
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="t"), CalendarYear(year=year + 1, source="t")]
    )
    client.force_login(center)
    verify_session(client, center)
    assert 'id="calendar-warning"' not in client.get("/applications/review/").content.decode()
