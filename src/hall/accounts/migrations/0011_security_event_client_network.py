"""The network each security event's client is counted by (an IPv6 client's /64), filled in
for the events of the last day (the login lock's window is minutes)."""

import ipaddress
from datetime import timedelta
from typing import Any

from django.db import migrations, models
from django.utils import timezone


def client_network(address: str) -> str:
    """hall.core.clients.client_network as it was written (a migration keeps its own copy)."""
    if ":" not in address:
        return address
    return str(ipaddress.IPv6Network(f"{address}/64", strict=False))


def counted_by_network(apps: Any, schema_editor: Any) -> None:
    events = apps.get_model("accounts", "SecurityEvent")
    since = timezone.now() - timedelta(days=1)
    recent = events.objects.filter(created_at__gt=since, client_address__isnull=False)
    for event in recent.only("pk", "client_address").iterator():
        event.client_network = client_network(event.client_address)
        event.save(update_fields=["client_network"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_invitation_refused")]

    operations = [
        migrations.AddField(
            model_name="securityevent",
            name="client_network",
            field=models.CharField(blank=True, db_index=True, max_length=43),
        ),
        migrations.RunPython(counted_by_network, migrations.RunPython.noop),
    ]
