"""What the hall's migrations share: moving a model from one app to another keeps what Django
recorded about it."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def content_types_follow(old: str, new: str, models: tuple[str, ...]) -> migrations.RunPython:
    """Django's record of the moved models (their content type) follows them from app ``old``
    to app ``new``, so that the permissions granted on them and the admin's history of them
    stay attached instead of hanging on a content type whose model is gone."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, old, new, models)

    def backwards(apps: Any, schema_editor: Any) -> None:
        _relabel(apps, new, old, models)

    return migrations.RunPython(forwards, backwards)


def _relabel(apps: Any, source: str, target: str, models: tuple[str, ...]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)
