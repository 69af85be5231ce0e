"""The real browser for the hall's tests: Playwright driving Debian's chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests import system

# Playwright's sync API runs an event loop in this thread; the tests read the SMS outbox
# through the ORM between steps, which Django would otherwise refuse in such a thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "hall"
pytestmark = pytest.mark.django_db(transaction=True)


#: The sizes the walks run at: a desk's screen, and a phone's (390 x 844, an iPhone 12-15).
SIZES = {"desk": {"width": 1100, "height": 760}, "phone": {"width": 390, "height": 844}}
#: Mark a walk to run at both sizes: ``@both_sizes`` before a test taking ``page``.
both_sizes = pytest.mark.parametrize("page", list(SIZES), indirect=True)


@pytest.fixture
def page(live_server: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A chromium page on the live server, at the desk's size or (``both_sizes``) a phone's."""
    system.require(CHROMIUM.exists(), "chromium")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        size = SIZES[getattr(request, "param", "desk")]
        context = browser.new_context(base_url=str(live_server), viewport=size)  # type: ignore[arg-type]
        yield context.new_page()
        browser.close()
        # While Playwright's event loop runs, Django keeps this thread's database connections
        # apart from the ones it keeps outside it (asgiref's Local): the test's are closed
        # here, or the test database could not be dropped at the end of the session.
        connections.close_all()


def shot(page: object, name: str) -> None:
    """A full-page screenshot; at a phone's width it is named ``-390`` and the page must not
    scroll sideways (a table scrolls inside its card, long names wrap)."""
    width = page.viewport_size["width"]  # type: ignore[attr-defined]
    if width < SIZES["desk"]["width"]:
        name = f"{name}-{width}"
        wide = page.evaluate("document.scrollingElement.scrollWidth")  # type: ignore[attr-defined]
        assert wide <= width, f"{page.url} scrolls sideways at {width} px: {wide} px wide"  # type: ignore[attr-defined]
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def captcha(page: object) -> str:
    """The answer of the captcha the page shows, through the test-only hook."""
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    answer: str = page.request.get("/__test__/captcha").json()["answer"]  # type: ignore[attr-defined]
    return answer


def text(page: object) -> str:
    content: str = page.inner_text("body")  # type: ignore[attr-defined]
    return content


def log_in(page: object, identifier: str, password: str, *, right_captcha: bool = True) -> None:
    """Log in through the login page, reading its captcha through the test hook."""
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_identifier", identifier)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    answer = captcha(page)
    page.fill("#id_captcha", answer if right_captcha else "XXXX")  # type: ignore[attr-defined]
    page.click("#login")  # type: ignore[attr-defined]
    if "/accounts/2fa/" in page.url:  # type: ignore[attr-defined] - a staff account's second step
        from hall.accounts.models import User
        from tests.hall.staff import totp_code

        page.fill("#id_code", totp_code(User.objects.get(mobile=identifier)))  # type: ignore[attr-defined]
        page.click("#verify")  # type: ignore[attr-defined]
