"""What every page's template gets: the hall's configurable name."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def hall(request: HttpRequest) -> dict[str, object]:
    return {"hall_name": settings.HALL_NAME}
