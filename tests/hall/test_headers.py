"""Every page carries the hall's Content-Security-Policy, and no template holds code the policy
would refuse (inline scripts, event handlers, style attributes): issue 19."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "hall" / "templates"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/query/", "/accounts/register/"])
def test_every_page_has_the_policy(client: Client, path: str) -> None:
    policy = client.get(path).headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_no_template_holds_inline_code() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=|\sstyle=", re.IGNORECASE)
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if inline.search(path.read_text(encoding="utf-8"))]  # fmt: skip
    assert offenders == []
