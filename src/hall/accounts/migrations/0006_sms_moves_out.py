"""The SMS models move to their own app, below the members (hall.sms): the tables keep their
rows under the new app's names; only Django's record of which app holds them changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_more_purposes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SmsCode"),
                migrations.DeleteModel(name="SmsMessage"),
                migrations.DeleteModel(name="SmsThrottle"),
            ],
            database_operations=[
                migrations.AlterModelTable(name="SmsCode", table="sms_smscode"),
                migrations.AlterModelTable(name="SmsMessage", table="sms_smsmessage"),
                migrations.AlterModelTable(name="SmsThrottle", table="sms_smsthrottle"),
            ],
        ),
    ]
