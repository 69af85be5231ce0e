"""The test database as a URL, for the hall processes a test starts (servers, Celery workers)
to work on the same rows as the test."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """This test's database, as the hall's settings read ``DATABASE_URL``."""
    named = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{named['NAME']}"
    user, host, port = named["USER"], named["HOST"] or "127.0.0.1", named["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{named['NAME']}"
