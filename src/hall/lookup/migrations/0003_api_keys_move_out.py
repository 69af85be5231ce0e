"""API keys move to hall.accounts (accounts.0007): the table keeps its rows under the new name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lookup", "0002_key_creator"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiKey")],
            database_operations=[migrations.AlterModelTable(name="ApiKey", table="accounts_apikey")],
        ),
    ]
