"""A covering index for batch verification (PostgreSQL only): a retailer's file probes the
live product of each GTIN for its name and status, and this index answers the probe by itself
(an index-only scan), without a read of the table's page for every number. Built without
locking writes (CONCURRENTLY, so outside a transaction). Other databases probe the unique
index on the GTIN, as before."""

from django.db import migrations

INDEX = "products_product_verification"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON products_product (gtin) "
        "INCLUDE (status, name) WHERE NOT superseded"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("products", "0002_proofcheck")]
    operations = [migrations.RunPython(create, drop)]
