"""Settings from the environment, with typed helpers that fail loudly on a bad value.

A secret may come from a file instead: ``NAME_FILE=/run/secrets/name`` (containers).

>>> import os
>>> os.environ["HALL_EXAMPLE"] = "yes"
>>> env_bool("HALL_EXAMPLE", default=False)
True
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

__all__ = ["env_bool", "env_int", "env_list", "env_str"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={file_name}: {error.strerror}") from error
    return os.environ.get(name)


def env_str(name: str, *, default: str) -> str:
    """The variable's text, or ``default`` when it is not set."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, *, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off (any case); anything else is an error."""
    value = _raw(name)
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value (1/0, true/false, on/off)")


def env_int(name: str, *, default: int, low: int = 0, high: int = 2**31) -> int:
    """A whole number from ``low`` to ``high``."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if not low <= number <= high:
        raise ImproperlyConfigured(f"{name}={number} is outside {low}-{high}")
    return number


def env_list(name: str, *, default: list[str]) -> list[str]:
    """Comma-separated values, blanks dropped."""
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
