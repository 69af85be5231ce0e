"""Fee schedules move to their own app below the applications (hall.fees, fees.0001): the table
keeps its rows under the new name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_reconciliation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FeeSchedule")],
            database_operations=[
                migrations.AlterModelTable(name="FeeSchedule", table="fees_feeschedule")
            ],
        ),
    ]
