"""A WSGI application that does nothing but answer: served like the hall, it shows how many
requests a second this machine's Python server and wrk reach before any lookup is made."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: About the size of a real lookup's answer.
BODY = b'{"query": "06930000000017", "registered": true, "padding": "' + b"x" * 1500 + b'"}'


def application(environ: dict[str, Any],
                start_response: Callable[..., Any]) -> Iterable[bytes]:  # fmt: skip
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(BODY)))])  # fmt: skip
    return [BODY]
