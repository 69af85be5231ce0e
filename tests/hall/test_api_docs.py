"""The API's interactive page (/api/v1/docs, ninja's Swagger UI) loads only the hall's own
static files, under the same Content Security Policy as every other page: no outside CDN, no
inline script; in a real browser it draws the API with no request elsewhere and no violation."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from hall.api.v1 import api
from tests.hall.browser import shot

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
LINKED = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def test_the_docs_page_names_no_outside_host_and_carries_the_csp(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert "cdn.jsdelivr.net" not in page
    addresses = LINKED.findall(page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in addresses)
    for address in addresses:
        assert not urlsplit(address).netloc, address  # same origin: a path, never a host
        assert address.startswith("/static/"), address
    for attributes in SCRIPT.findall(page):  # a script runs from a file, or is data only
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes


def test_its_files_are_the_halls_own_static_files() -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.svg"):
        assert finders.find(f"ninja/{name}"), name  # collectstatic gathers it with the hall's


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_it_draws_the_api_from_the_hall_alone(
    page: object, live_server: object
) -> None:
    own = urlsplit(str(live_server)).netloc
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))  # type: ignore[attr-defined]
    page.on("console", lambda message: refused.append(message.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in message.text else None)  # fmt: skip
    page.goto("/api/v1/docs")  # type: ignore[attr-defined]
    page.wait_for_selector(".swagger-ui .info .title")  # type: ignore[attr-defined]
    page.wait_for_selector(".opblock")  # type: ignore[attr-defined]
    assert api.title in page.inner_text(".swagger-ui .info .title")  # type: ignore[attr-defined]
    shot(page, "api-docs")
    elsewhere = [url for url in requested if urlsplit(url).scheme in ("http", "https")
                 and urlsplit(url).netloc != own]  # fmt: skip
    assert elsewhere == []
    assert refused == []
