"""Every page on a phone and for everyone (issue 22, part 6): each persona -- the public, a
newcomer, the demo member, a branch and a center reviewer -- crawls from its home through the
hall's own links in a real browser (Playwright driving Debian's chromium), and every page it
reaches, at 1100 px and at 390x844:

- has no serious or critical axe-core violation (axe-playwright-python), nor any of its
  landmark rules, no id used twice, and every notice announced (role status or alert);
- at 390 px, does not scroll sideways (tables scroll inside their card, long names wrap);
- keeps each menu entry on one line (no word broken);
- has no link, button or field smaller than 24x24 CSS px, but links inside a sentence
  (WCAG 2.5.8's inline exception);
- and no internal link answers 4xx or 5xx (downloads and PDFs fetched, not rendered).

Screenshots of each page and size go to ``test-artifacts/hall/a11y-*.png``."""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.workflow import application_transition
from hall.members.certificates import certificate_token
from hall.members.models import Member
from hall.products import demo as products_demo
from hall.products.models import Product
from tests.hall.browser import SHOTS, SIZES, captcha, log_in, shot
from tests.hall.conftest import PASSWORD
from tests.hall.staff import totp_code
from tests.hall.steps import VALID_DATA, add_licence, fulfil

pytestmark = pytest.mark.django_db(transaction=True)
Kind, Status = Application.Kind, Application.Status

DESKTOP, PHONE = SIZES["desk"], SIZES["phone"]
SERIOUS = ("serious", "critical")
#: axe's rules that fail at any impact: the landmarks a screen reader jumps between must be one
#: <main>, named <nav>s and no content outside them; a way past the menus to the content.
ALWAYS = {"landmark-unique", "landmark-one-main", "landmark-no-duplicate-main",
          "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
          "landmark-banner-is-top-level", "landmark-contentinfo-is-top-level",
          "landmark-main-is-top-level", "region", "bypass", "duplicate-id-aria"}  # fmt: skip
MOST_PAGES = 160  # a crawl that finds more has found a loop of links, not pages
#: Pages of one shape fetched (and their links followed) at most: a list of 120 products is
#: crawled through its first few product pages, each link of the rest being of the same kind.
SAME_SHAPE = 5

#: Never followed: the session's end, the language switch (a POST anyway), Django's admin (its
#: own pages, not the hall's), the test-only hook.
SKIPPED = re.compile(r"^/(accounts/logout/|i18n/|admin/|__test__/)")
#: Fetched (its status counts) but not audited: the API's interactive docs are Swagger UI as
#: django-ninja ships it, a developer's console whose markup is not the hall's to change.
NOT_AUDITED = re.compile(r"^/api/v1/docs")
#: Not pages: fetched for their status only (a download would end the page's navigation).
DOWNLOADS = re.compile(r"(\.pdf|\.csv|\.png|\.xlsx|\.svg|\.zip|/artwork/|/image/|/export/)$")

#: Elements of any page: its size, targets too small to tap, what sticks out sideways.
TAP_TARGETS = """() => {
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
                 + '[role=button], [tabindex]:not([tabindex="-1"])';
  for (const element of document.querySelectorAll(selector)) {
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // Off the page until focused (the skip link): not a target while it is not shown.
    if (box.right + scrollX <= 0 || box.bottom + scrollY <= 0) continue;
    if (box.width >= 24 && box.height >= 24) continue;
    // WCAG 2.5.8's inline exception: a link inside a sentence, i.e. a block with words of
    // its own besides its links (a row of links between dots is not a sentence).
    if (element.tagName === 'A' && style.display === 'inline') {
      const block = element.parentElement.closest('p, li, dd, td, th, div, label, small, section');
      if (block) {
        const copy = block.cloneNode(true);
        const targets = copy.querySelectorAll('a, button, input, select, textarea');
        for (const inner of targets) inner.remove();
        const words = copy.textContent.replace(/[\\s·•|/、，,。.:：;；()（）\\-—]+/g, '');
        if (words.length >= 2) continue;
      }
    }
    // A box or a circle is tapped through its label as well.
    if (element.labels && [...element.labels].some((label) => {
      const area = label.getBoundingClientRect();
      return area.width >= 24 && area.height >= 24 && label.contains(element);
    })) continue;
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + (element.className && typeof element.className === 'string'
         ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
    const label = (element.textContent || element.value || element.name || '').trim().slice(0, 24);
    small.push(`${name} "${label}" ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""

#: A menu entry split over two lines (its words broken): its name, if so.
BROKEN_MENU = """() => [...document.querySelectorAll('nav a, nav button')].filter((entry) => {
  const lines = entry.getClientRects().length;
  const height = parseFloat(getComputedStyle(entry).lineHeight) || 24;
  return lines > 1 || entry.getBoundingClientRect().height > 1.6 * height;
}).map((entry) => entry.textContent.trim())"""

#: A notice a screen reader would not announce: a .notice without role="status" or "alert".
SILENT_NOTICES = """() => [...document.querySelectorAll('.notice')]
  .filter((notice) => !['status', 'alert'].includes(notice.getAttribute('role')))
  .map((notice) => `#${notice.id} ${notice.textContent.trim().slice(0, 30)}`)"""

DUPLICATE_IDS = """() => {
  const seen = new Set(), twice = new Set();
  for (const element of document.querySelectorAll('[id]')) {
    (seen.has(element.id) ? twice : seen).add(element.id);
  }
  return [...twice];
}"""

OVERFLOW = """() => {
  const width = innerWidth;
  const scrolled = document.scrollingElement.scrollWidth;
  if (scrolled <= width) return null;
  const culprits = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    let inside = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (['auto', 'scroll', 'hidden'].includes(overflow)) { inside = true; break; }
    }
    const wide = (child) => child.getBoundingClientRect().right > width + 1;
    if (inside || [...element.children].some(wide)) continue;  // its child is the culprit
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + (element.className && typeof element.className === 'string'
         ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
    const words = (element.textContent || '').trim().slice(0, 30);
    culprits.push(`${name} (right ${Math.round(box.right)}) "${words}"`);
    if (culprits.length >= 4) break;
  }
  return {scrolled, width, culprits};
}"""


@dataclass
class Walk:
    """One persona's crawl: what it has seen and what it found wrong."""

    persona: str
    page: Any
    origin: str
    problems: list[str] = field(default_factory=list)
    fetched: set[str] = field(default_factory=set)
    audited_shapes: set[str] = field(default_factory=set)
    audited: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    shapes: Counter[str] = field(default_factory=Counter)

    def crawl(self, seeds: Iterable[str], refused: Iterable[str] = ()) -> None:
        """Every page reachable from ``seeds`` through the hall's links; seeds are all audited,
        a found page when it is the first of its shape (``/applications/<n>/`` once), and
        at most :data:`SAME_SHAPE` found pages of a shape are fetched at all. The
        ``refused`` seeds are pages that answer 4xx on purpose (a malformed query, no such
        page): audited all the same."""
        self.refused = set(refused)
        queue: deque[tuple[str, str, bool]] = deque((seed, "(seed)", True) for seed in seeds)
        while queue:
            url, found_on, seed = queue.popleft()
            if url in self.fetched:
                continue
            shape = _shape(url)
            if not seed and self.shapes[shape] >= SAME_SHAPE:
                continue  # the 120th product's page: its links are the first ones' kind
            self.shapes[shape] += 1
            if len(self.fetched) >= MOST_PAGES:
                self.problems.append(f"more than {MOST_PAGES} pages: {url} and others not seen")
                return
            self.fetched.add(url)
            for link in self.visit(url, found_on, seed):
                if link not in self.fetched:
                    queue.append((link, url, False))

    def visit(self, url: str, found_on: str, seed: bool) -> list[str]:
        response = self.page.request.get(url, max_redirects=0)
        status = response.status
        if status in (301, 302, 303, 307, 308):
            location = _internal(response.headers.get("location", ""), self.origin)
            return [location] if location and not SKIPPED.match(location) else []
        if status >= 400 and url not in self.refused:
            self.problems.append(f"{url}: HTTP {status} (linked from {found_on})")
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []
        shape = _shape(url)
        if NOT_AUDITED.match(url):
            return []
        if seed or shape not in self.audited_shapes:
            self.audited_shapes.add(shape)
            self.audit(url)
        else:
            self.page.goto(url)
        return self.links()

    def links(self) -> list[str]:
        found: list[str] = self.page.eval_on_selector_all(
            "a[href]", "links => links.map(link => link.href)"
        )
        internal = (_internal(href, self.origin) for href in found)
        return sorted({link for link in internal if link and not SKIPPED.match(link)})

    def audit(self, url: str, *, reload: bool = True, label: str = "") -> None:
        """The page at ``url`` at both sizes; ``reload=False`` audits the page as it stands (what
        a form's answer shows, which another GET would not), ``label`` naming that state."""
        from axe_playwright_python.sync_playwright import Axe

        self.audited.append(url + label)
        for size in (DESKTOP, PHONE):
            self.page.set_viewport_size(size)
            where = f"{url}{label} at {size['width']} px"
            if reload:
                response = self.page.goto(url)
                if response.status >= 400 and url not in self.refused:
                    self.problems.append(f"{where}: HTTP {response.status}")
            name = re.sub(r"[^a-zA-Z0-9]+", "-", urlsplit(url).path + urlsplit(url).query + label)
            name = f"a11y-{self.persona}{name.rstrip('-')}"
            overflow = self.page.evaluate(OVERFLOW) if size is PHONE else None
            if overflow:  # shot() would stop at the first: every page's problems are listed
                self.problems.append(
                    f"{where}: scrolls sideways ({overflow['scrolled']} > "
                    f"{overflow['width']} px): {', '.join(overflow['culprits'])}"
                )
                path = SHOTS / f"{name}-{size['width']}.png"
                self.page.screenshot(path=str(path), full_page=True)
            else:  # shot() names a phone's screenshot -390 itself
                shot(self.page, name if size is PHONE else f"{name}-{size['width']}")
            results = Axe().run(self.page).response
            for violation in results["violations"]:
                if violation["impact"] not in SERIOUS and violation["id"] not in ALWAYS:
                    continue
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                self.problems.append(
                    f"{where}: axe {violation['id']} ({violation['impact']}): {targets}"
                )
            for entry in self.page.evaluate(BROKEN_MENU):
                self.problems.append(f"{where}: menu entry over two lines: {entry}")
            for notice in self.page.evaluate(SILENT_NOTICES):
                self.problems.append(f"{where}: notice without role status or alert: {notice}")
            for twice in self.page.evaluate(DUPLICATE_IDS):
                self.problems.append(f"{where}: id used more than once: {twice}")
            for target in self.page.evaluate(TAP_TARGETS):
                self.problems.append(f"{where}: tap target under 24x24 px: {target}")
        self.page.set_viewport_size(DESKTOP)

    def audit_here(self, label: str) -> None:
        """The page the browser shows now, as it stands (a form's answer, an error)."""
        self.audit(_internal(self.page.url, self.origin) or "/", reload=False, label=label)

    def report(self) -> str:
        return f"{self.persona}: {len(self.problems)} problems\n" + "\n".join(self.problems)


def _internal(href: str, origin: str) -> str | None:
    """``href`` as a path on the hall (query kept, fragment dropped), or None if elsewhere."""
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    """A page's kind: numbers in its path as <n>, its query's keys without their values."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "<n>", parts.path) + ("?" + "&".join(keys) if keys else "")


def _walk(persona: str, page: Any, live_server: Any) -> Walk:
    page.set_viewport_size(DESKTOP)
    return Walk(persona=persona, page=page, origin=str(live_server.url))


@pytest.fixture
def demo(settings: Any, live_server: Any) -> Member:
    """The demo's member, branches and logins, and the member's applications in the states a
    member and its reviewers meet (the member's test starts a renewal of its own): a reissue
    waiting for its materials, a UPC application returned with its reason, a change in the
    branch's review, an EAN-8 in the center's; and a product whose long English name must
    wrap on a phone."""
    # One client crawling every page spends the public query's minute; the limit itself is
    # tested in tests/hall/test_limits.py.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "address_per_minute": 100_000}
    settings.HALL_PUBLIC_URL = str(live_server)  # the sandbox gateway's way back
    call_command("demo", stdout=io.StringIO())
    member = Member.objects.get(certificate_number="物编注字第123456号")
    user = User.objects.get(mobile="13800000001")
    reviewers = {"branch": User.objects.get(mobile="13800000002"),
                 "center": User.objects.get(mobile="13800000003")}  # fmt: skip

    def filed(kind: str, status: str, **data: object) -> Application:
        application = Application.objects.create(
            kind=kind, member=member, applicant=user, branch=member.branch, status=status,
            submitted_at=timezone.now() - timedelta(days=3),
        )  # fmt: skip
        return fulfil(application, **data)

    Application.objects.create(kind=Kind.REISSUE, member=member, applicant=user,
                               branch=member.branch, status=Status.MATERIALS,
                               data={"reason": "证书遗失"})  # fmt: skip
    upc = filed(Kind.UPC, Status.BRANCH_REVIEW)
    application_transition(application_id=upc.pk, action="branch_return",
                           actor=reviewers["branch"], version=upc.version,
                           reason="请补充北美客户的订单，并加盖公章后重新上传")  # fmt: skip
    filed(Kind.CHANGE, Status.BRANCH_REVIEW, contact="王五", reason="联系人离职")
    filed(Kind.EAN8, Status.CENTER_REVIEW)
    Product.objects.filter(gtin="06921234500026").update(
        name="Premium-Sparkling-Mineral-Water-from-the-Tianmu-Mountains-Limited-Edition-500mL"
    )
    return member


def _member_pages(page: Any, origin: str) -> list[str]:
    """The member's seeds: its home, a renewal started from it (the fill page), each of its
    applications and products, the product import and the API keys."""
    page.goto("/accounts/center/")
    page.click("#renew")
    renewal_fill = _internal(page.url, origin)
    assert renewal_fill is not None
    assert re.fullmatch(r"/applications/\d+/fill/", renewal_fill), renewal_fill
    applications = [
        f"/applications/{pk}/" for pk in Application.objects.values_list("pk", flat=True)
    ]
    # Every product not of the demo's line of 120 drafts alike (hall.products.demo), and one of
    # those: each packaging level, each status, the long English name.
    line = Product.objects.filter(name=products_demo.LINE_DATA["name"])
    kept = Product.objects.exclude(pk__in=line.values("pk")[1:])
    products = [f"/products/{pk}/" for pk in kept.values_list("pk", flat=True)]
    return ["/accounts/center/", "/applications/", renewal_fill, *applications, "/products/",
            *products, "/products/import/", "/products/keys/", "/products/reservations/",
            "/accounts/users/"]  # fmt: skip


def test_the_public_pages(page: Any, live_server: Any, demo: Member) -> None:
    walk = _walk("public", page, live_server)
    token = certificate_token(demo)
    refused = ["/query/gtin/?q=06921234500018", "/no-such-page/"]
    walk.crawl(["/accounts/login/", "/query/", "/query/gtin/?q=06921234500019",
                "/query/prefix/?q=69212345", "/query/companies/?q=杭州示例",
                f"/query/certificate/?number=123456&company={demo.name}", "/query/register/",
                "/query/photo/", f"/verify/t/{token}", "/01/06921234500019",
                "/accounts/register/", "/accounts/forgot/", *refused], refused)  # fmt: skip
    # The first Tab shows the skip link; Enter takes the keyboard past the menus to the content.
    page.goto("/query/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator("a.skip").bounding_box()["x"] >= 0  # on the screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # A refused login: the form's errors as a visitor meets them.
    log_in(page, "13800000001", "Member2026demo", right_captcha=False)
    assert page.locator("[role=alert]").count() > 0
    walk.audit_here(" wrong captcha")
    # In English: the header, the login, the lookup's pages on a phone.
    page.click("#language-en")
    for url in ("/accounts/login/", "/query/", "/query/gtin/?q=06921234500019",
                "/query/register/", "/accounts/register/"):  # fmt: skip
        walk.audit(url, label=" en")
    assert len(walk.audited) >= 12
    assert not walk.problems, walk.report()


def test_a_newcomers_pages(page: Any, live_server: Any, demo: Member) -> None:
    """A company registering: its account not activated, its registration waiting for the fee;
    the registration form refused empty, the order page the payment leads to."""
    newcomer = User.objects.create_user("13700000077", PASSWORD)
    registration = Application.objects.create(
        kind=Kind.REGISTRATION, applicant=newcomer, branch=demo.branch, status=Status.PAYMENT,
        data=VALID_DATA[Kind.REGISTRATION],
    )  # fmt: skip
    add_licence(registration)
    log_in(page, "13700000077", PASSWORD)
    walk = _walk("newcomer", page, live_server)
    walk.crawl(["/accounts/center/", "/applications/registration/", "/accounts/activate/",
                f"/applications/{registration.pk}/"])  # fmt: skip
    assert "/applications/registration/" in walk.audited
    page.goto("/applications/registration/")
    page.click("#submit")
    walk.audit_here(" refused")
    page.goto(f"/applications/{registration.pk}/")
    page.click("#pay-online")
    assert "/payments/orders/" in page.url
    walk.audit_here("")
    # The sandbox gateway's page, and the application's page once paid.
    page.click("#go-pay")
    assert "/payments/sandbox/" in page.url
    walk.audit_here(" gateway")
    page.click("#succeed")
    assert page.locator("[role=status]").count() > 0  # 付款成功, said as a status
    walk.audit_here(" paid")
    assert not walk.problems, walk.report()


def test_the_members_pages(page: Any, live_server: Any, demo: Member) -> None:
    log_in(page, "13800000001", "Member2026demo")
    walk = _walk("member", page, live_server)
    seeds = _member_pages(page, walk.origin)
    walk.crawl(seeds)
    assert any(re.fullmatch(r"/applications/\d+/fill/", url) for url in walk.audited)
    assert len(walk.audited) >= 15
    # The renewal's step 1 refused (a required field emptied): its errors on a phone too.
    page.goto(seeds[2])
    page.fill("#id_legal_representative", "")
    page.click("#submit")
    page.locator(".field-error").first.wait_for()  # the refusal's page, however slow it comes
    walk.audit_here(" refused")
    # A product import with a row the import refuses: the job's page and its error file.
    template = page.request.get("/products/import/template.csv").body()
    page.goto("/products/import/")
    page.set_input_files("input[type=file]", files=[{
        "name": "products.csv", "mimeType": "text/csv",
        "buffer": template + b"\r\n6921234599999,,,,,\r\n"}])  # fmt: skip
    page.click("#upload")
    job = _internal(page.url, walk.origin)
    assert job is not None
    assert re.fullmatch(r"/products/import/\d+/", job), job
    walk.crawl([job])
    # In English the words are longer: the menu and the tables must still fit a phone.
    page.goto("/accounts/center/")
    page.click("#language-en")
    for url in ("/accounts/center/", "/applications/", seeds[2], "/products/"):
        walk.audit(url, label=" en")
    assert not walk.problems, walk.report()


REVIEWERS = {"branch": ("13800000002", "Branch2026demo"),
             "center": ("13800000003", "Center2026demo")}  # fmt: skip


@pytest.mark.parametrize("persona", ["branch", "center"])
def test_the_reviewers_pages(page: Any, live_server: Any, demo: Member, persona: str) -> None:
    walk = _walk(persona, page, live_server)
    # The login's second step, the authenticator's code, is a page of its own.
    mobile, password = REVIEWERS[persona]
    page.goto("/accounts/login/")
    page.fill("#id_identifier", mobile)
    page.fill("#id_password", password)
    page.fill("#id_captcha", captcha(page))
    page.click("#login")
    assert "/accounts/2fa/" in page.url
    walk.audit_here(" second factor")
    page.fill("#id_code", totp_code(User.objects.get(mobile=mobile)))
    page.click("#verify")
    waiting = Status.BRANCH_REVIEW if persona == "branch" else Status.CENTER_REVIEW
    application = Application.objects.filter(status=waiting).first()
    assert application is not None
    seeds = ["/accounts/center/", "/applications/review/", f"/applications/{application.pk}/",
             "/applications/review/?overdue=on"]  # fmt: skip
    if persona == "center":
        seeds.append("/payments/reconciliation/")
    walk.crawl(seeds)
    assert f"/applications/{application.pk}/" in walk.audited
    # The page shows the reviewer's actions (the buttons were among what was measured).
    page.goto(f"/applications/{application.pk}/")
    assert page.locator("[id^=action-]").count() > 0
    # A return without its reason is refused: the reviewer's error as it is shown.
    page.click(f"#action-{persona}_return")
    walk.audit_here(" return refused")
    # In English: the queue's filters and the application's page on a phone.
    page.click("#language-en")
    for url in ("/applications/review/", f"/applications/{application.pk}/"):
        walk.audit(url, label=" en")
    assert not walk.problems, walk.report()


def test_a_new_reviewers_enrolment(page: Any, live_server: Any, demo: Member) -> None:
    """A reviewer's first login: the authenticator's QR code and key, and its code refused."""
    User.objects.create_user("13900000020", PASSWORD, role=User.Role.BRANCH, branch=demo.branch)
    walk = _walk("new-reviewer", page, live_server)
    page.goto("/accounts/login/")
    page.fill("#id_identifier", "13900000020")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_captcha", captcha(page))
    page.click("#login")
    assert page.locator("#otp-qr svg").count() == 1
    walk.audit_here(" enrolment")
    page.fill("#id_code", "000000")
    page.click("#verify")
    assert page.locator("[role=alert]").count() > 0
    walk.audit_here(" enrolment refused")
    assert not walk.problems, walk.report()
