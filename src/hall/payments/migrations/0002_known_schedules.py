"""The known fee schedules of domain.md §5 (``hall.payments.schedules``)."""

from django.db import migrations

from hall.fees.schedules import load_known


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_known(apps.get_model("payments", "FeeSchedule"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
