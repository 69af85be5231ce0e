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


def test_the_policy_built_once_is_the_one_django_csp_builds() -> None:
    """hall.core.middleware.ContentSecurityPolicy writes django-csp's own header, and leaves
    an answer with a view's own policy or a nonce to django-csp."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpRequest, HttpResponse

    from hall.core.middleware import ContentSecurityPolicy

    def answered(middleware: type[CSPMiddleware], **own: object) -> HttpResponse:
        request, response = HttpRequest(), HttpResponse()
        request.path_info = "/query/"
        for name, value in own.items():
            setattr(response, name, value)
        middleware(lambda r: response).process_response(request, response)
        return response

    ours, theirs = answered(ContentSecurityPolicy), answered(CSPMiddleware)
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "default-src 'self'" in ours["Content-Security-Policy"]
    update = {"_csp_update": {"img-src": ["https://img.example"]}}
    widened = answered(ContentSecurityPolicy, **update)
    assert "https://img.example" in widened["Content-Security-Policy"]
    assert widened["Content-Security-Policy"] == answered(CSPMiddleware, **update)[
        "Content-Security-Policy"]  # fmt: skip
    assert "Content-Security-Policy" not in answered(ContentSecurityPolicy, _csp_exempt=True)
