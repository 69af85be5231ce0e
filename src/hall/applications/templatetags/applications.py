"""``{% progress application %}``: seed 000's progress bar, on the pages of other apps too (the
order page is step 3)."""

from __future__ import annotations

from typing import Any

from django import template

from hall.applications.models import Application
from hall.applications.progress import progress_step, progress_steps

register = template.Library()


@register.inclusion_tag("applications/_progress.html")
def progress(application: Application) -> dict[str, Any]:
    return {"steps": progress_steps(application.kind), "step": progress_step(application)}
