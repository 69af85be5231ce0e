"""Moving models between apps (the SMS models to hall.sms, fee schedules to hall.fees, API keys
to hall.accounts) keeps an existing hall's rows, and the permissions granted on them: the
database is taken back to before the moves, given rows and a group's permissions as a hall of
that time had them, and migrated forward."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0005_more_purposes"), ("lookup", "0002_key_creator"),
          ("payments", "0006_reconciliation"), ("sms", None), ("fees", None)]  # fmt: skip
#: Each moved model: where it was, where it is, a permission a hall could have granted on it.
MOVED = [("accounts", "sms", "smsmessage", "view_smsmessage"),
         ("payments", "fees", "feeschedule", "change_feeschedule"),
         ("lookup", "accounts", "apikey", "view_apikey")]  # fmt: skip


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


def test_moved_models_keep_their_rows_and_permissions() -> None:
    latest = _latest()
    _migrate(BEFORE)
    try:
        finance = Group.objects.create(name="finance")
        for old, new, model, codename in MOVED:
            ContentType.objects.filter(app_label=new, model=model).delete()
            kind, _made = ContentType.objects.get_or_create(app_label=old, model=model)
            permission, _made = Permission.objects.get_or_create(
                content_type=kind, codename=codename, defaults={"name": codename}
            )
            finance.permissions.add(permission)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO accounts_smsmessage (mobile, text, sent_at) "
                           "VALUES ('13800000000', 'kept', CURRENT_TIMESTAMP)")  # fmt: skip
    finally:
        _migrate(latest)
    granted = {(p.content_type.app_label, p.codename) for p in finance.permissions.all()}
    assert granted == {(new, codename) for _old, new, _model, codename in MOVED}
    assert not ContentType.objects.filter(app_label="lookup", model="apikey").exists()
    from hall.sms.models import SmsMessage

    assert SmsMessage.objects.get().text == "kept"
