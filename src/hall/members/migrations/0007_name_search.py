"""Trigram indexes for the public search of member names (PostgreSQL only): a search for part
of a name (示例食品) is ``UPPER(name) LIKE UPPER('%…%')``, which a b-tree cannot serve and
pg_trgm's GIN index can, from three characters on. Other databases scan, as before."""

from django.db import migrations

COLUMNS = ("name", "name_en")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS members_member_{column}_trgm "
                              f"ON members_member USING gin (UPPER({column}) gin_trgm_ops)")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS members_member_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_code_validity")]
    operations = [migrations.RunPython(create, drop)]
