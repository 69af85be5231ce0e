"""Where each holiday-table day came from, so that the yearly update keeps the days staff
entered. Days already in the table are the package's where the package says the same of them,
else staff's."""

from typing import Any

import chinese_calendar
from django.db import migrations, models

SOURCES = [("package", "日历软件包"), ("notice", "国务院通知"), ("staff", "工作人员录入")]


def _classify(apps: Any, schema_editor: Any) -> None:
    day_model = apps.get_model("applications", "CalendarDay")
    for row in day_model.objects.all():
        try:
            agrees = chinese_calendar.is_workday(row.day) == row.is_workday
        except NotImplementedError:  # a year the package does not know: staff entered it
            agrees = False
        if not agrees:
            row.source = "staff"
            row.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_account_requests")]

    operations = [
        migrations.AddField(
            model_name="calendarday",
            name="source",
            field=models.CharField(
                choices=SOURCES, default="package", max_length=10, verbose_name="来源"
            ),
        ),
        migrations.RunPython(_classify, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendarday",
            name="source",
            field=models.CharField(
                choices=SOURCES, default="staff", max_length=10, verbose_name="来源"
            ),
        ),
    ]
