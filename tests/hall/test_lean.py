"""The lean path (hall.api.lean): the busiest public routes answer exactly as the full stack
does — the same body, status and headers (language, security, caching, error body, rate
limit) — and every other route still goes through the full stack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from prometheus_client import REGISTRY

from hall.api.lean import SKIPPED, LeanHandler, forget, is_lean, lean_middleware
from hall.products.models import Product

#: Headers made afresh for each answer.
OWN = {"x-request-id"}
pytestmark = pytest.mark.django_db


class Answer:
    def __init__(self, app: Any, environ: dict[str, Any]) -> None:
        captured: list[Any] = []
        chunks = app(environ, lambda status, headers: captured.extend([status, headers]))
        self.body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        self.status = captured[0]
        self.headers = {name.lower(): value for name, value in captured[1]}

    def difference(self, other: Answer) -> dict[str, Any]:
        names = (set(self.headers) | set(other.headers)) - OWN
        return {"status": (self.status, other.status), "body": self.body == other.body,
                **{n: (self.headers.get(n), other.headers.get(n)) for n in names
                   if self.headers.get(n) != other.headers.get(n)}}  # fmt: skip

    def same_as(self, other: Answer) -> bool:
        ours = {k: v for k, v in self.headers.items() if k not in OWN}
        theirs = {k: v for k, v in other.headers.items() if k not in OWN}
        return (self.status, self.body, ours) == (other.status, other.body, theirs)


@pytest.fixture(autouse=True)
def _connections_kept() -> Iterator[None]:
    """The test's transaction survives the handler's end of a request, as in Django's test
    client (which disconnects the same receiver)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def full() -> WSGIHandler:
    return WSGIHandler()


@pytest.fixture(scope="module")
def lean(full: WSGIHandler) -> LeanHandler:
    return LeanHandler(full)


def environ(method: str, path: str, **extra: Any) -> dict[str, Any]:
    factory = RequestFactory()
    request = getattr(factory, method.lower())(path, **extra)
    return dict(request.environ)


def both(full: WSGIHandler, lean: LeanHandler, method: str, path: str,
         **extra: Any) -> tuple[Answer, Answer]:  # fmt: skip
    return Answer(full, environ(method, path, **extra)), Answer(
        lean, environ(method, path, **extra)
    )


@pytest.mark.parametrize(("method", "path", "extra"), [
    ("GET", "/api/v1/gtins/6921234500019", {}),  # found
    ("GET", "/api/v1/gtins/6921234500019", {"HTTP_COOKIE": "django_language=en"}),
    ("HEAD", "/api/v1/gtins/6921234500019", {}),
    ("GET", "/api/v1/gtins/4006381333931", {}),  # not registered: what its prefix says
    ("GET", "/api/v1/gtins/6921234500018", {}),  # a wrong check digit: the library's reason
    ("GET", "/api/v1/gtins/69x", {}),  # nonsense
    ("GET", "/01/06921234500019", {"QUERY_STRING": "linkType=all"}),
    ("GET", "/01/06921234500019", {"HTTP_ACCEPT": "application/linkset+json"}),
    ("GET", "/01/06921234500018", {"HTTP_ACCEPT": "application/json"}),
    ("POST", "/api/v1/verify", {"data": json.dumps({"gtins": ["6921234500019", "12"]}),
                                "content_type": "application/json"}),
])  # fmt: skip
@pytest.mark.usefixtures("filed")
def test_the_lean_path_answers_as_the_full_stack(full: WSGIHandler, lean: LeanHandler,
                                                  method: str, path: str,
                                                  extra: dict[str, Any]) -> None:  # fmt: skip
    whole, slim = both(full, lean, method, path, **extra)
    assert is_lean(environ(method, path, **extra))
    assert slim.same_as(whole), slim.difference(whole)
    assert "x-request-id" in slim.headers
    assert slim.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in slim.headers


def test_a_conditional_lookup_gets_304_on_the_lean_path(lean: LeanHandler, filed: Product) -> None:
    first = Answer(lean, environ("GET", "/api/v1/gtins/6921234500019"))
    assert first.status == "200 OK"
    again = Answer(lean, environ("GET", "/api/v1/gtins/6921234500019",
                                 HTTP_IF_NONE_MATCH=first.headers["etag"]))  # fmt: skip
    assert (again.status, again.body) == ("304 Not Modified", b"")


@pytest.mark.usefixtures("member")
def test_a_flood_is_refused_on_the_lean_path_with_the_api_error(lean: LeanHandler) -> None:
    with override_settings(RATE_LIMITS={"address_per_minute": 2, "key_per_minute": 5}):
        answers = [Answer(lean, environ("GET", "/api/v1/gtins/6921234500019")) for _ in range(3)]
    assert [a.status[:3] for a in answers] == ["200", "200", "429"]
    refusal = json.loads(answers[2].body)["error"]
    assert refusal["code"] == "rate_limited"
    assert answers[2].headers["retry-after"].isdigit()


def test_a_bad_host_is_refused_on_the_lean_path(full: WSGIHandler, lean: LeanHandler) -> None:
    whole, slim = both(full, lean, "GET", "/api/v1/gtins/6921234500019",
                       HTTP_HOST="evil.example")  # fmt: skip
    # Both answer Django's refusal page (its menu differs: the lean path knows no login).
    assert slim.status == whole.status == "400 Bad Request"
    assert b"well_formed" not in slim.body  # no answer given


def test_other_routes_and_pages_go_through_the_full_stack(lean: LeanHandler) -> None:
    for method, path, extra in (("GET", "/query/gtin/", {"QUERY_STRING": "q=6921234500019"}),
                                ("GET", "/01/06921234500019", {}),  # a browser: the page
                                ("GET", "/api/v1/prefixes/69212345", {}),
                                ("POST", "/api/v1/verify/jobs", {})):  # fmt: skip
        assert not is_lean(environ(method, path, **extra))
    page = Answer(lean, environ("GET", "/query/gtin/", QUERY_STRING="q=6921234500019"))
    assert page.status == "200 OK"
    assert "csrftoken" in page.headers.get("set-cookie", "")  # the full stack's CSRF cookie


def test_the_lean_stack_is_the_full_one_less_what_it_skips_and_why() -> None:
    from django.conf import settings

    assert set(SKIPPED) <= set(settings.MIDDLEWARE)  # a renamed middleware is noticed
    assert lean_middleware() == [m for m in settings.MIDDLEWARE if m not in SKIPPED]
    assert all(reason for reason in SKIPPED.values())


def test_a_resolver_query_with_too_many_fields_is_the_full_stacks_400(
    lean: LeanHandler,
) -> None:
    query = "&".join(f"f{n}=1" for n in range(1001))
    refused = Answer(lean, environ("GET", "/01/06921234500019", QUERY_STRING=query,
                                   HTTP_ACCEPT="application/json"))  # fmt: skip
    assert refused.status.startswith("400")
    assert "x-request-id" in refused.headers  # the full stack's answer, not a bare 500


@pytest.mark.usefixtures("filed")
def test_the_resolvers_flood_refusal_is_json_for_a_machine(full: WSGIHandler,
                                                           lean: LeanHandler) -> None:  # fmt: skip
    with override_settings(RATE_LIMITS={"address_per_minute": 1, "key_per_minute": 5}):
        Answer(lean, environ("GET", "/01/06921234500019", HTTP_ACCEPT="application/json"))
        whole, slim = both(full, lean, "GET", "/01/06921234500019",
                           HTTP_ACCEPT="application/json")  # fmt: skip
    for refused in (whole, slim):
        assert refused.status.startswith("429")
        assert refused.headers["content-type"] == "application/json"
        assert json.loads(refused.body)["error"]["code"] == "rate_limited"
        assert refused.headers["retry-after"].isdigit()


# The quick path: a GTIN's 200 below Django's handler, with the headers learned from it.


class Counting(LeanHandler):
    """The lean handler, counting the requests that went through Django's handler."""

    def __init__(self, full: WSGIHandler) -> None:
        super().__init__(full)
        self.through_django = 0

    def get_response(self, request: Any) -> Any:
        self.through_django += 1
        return super().get_response(request)


@pytest.fixture
def counting(full: WSGIHandler) -> Counting:
    forget()  # what earlier tests taught it
    return Counting(full)


FOUND = "/api/v1/gtins/6921234500019"


@pytest.mark.parametrize("extra", [
    {},
    {"HTTP_COOKIE": "django_language=en"},
    {"HTTP_COOKIE": "django_language=fr"},  # not a language of the hall's: Chinese
    {"HTTP_X_FORWARDED_PROTO": "https"},  # from anyone: not believed
    {"HTTP_ACCEPT": "application/json", "HTTP_USER_AGENT": "shelf-scanner/2"},
])  # fmt: skip
@pytest.mark.usefixtures("filed")
def test_the_quick_path_answers_as_the_full_stack(full: WSGIHandler, counting: Counting,
                                                  extra: dict[str, Any]) -> None:  # fmt: skip
    learned = Answer(counting, environ("GET", FOUND, **extra))  # Django's, learned
    quick = Answer(counting, environ("GET", FOUND, **extra))
    whole = Answer(full, environ("GET", FOUND, **extra))
    assert counting.through_django == 1
    assert quick.same_as(whole), quick.difference(whole)
    assert quick.same_as(learned)
    assert quick.headers["x-request-id"] != learned.headers["x-request-id"]
    assert quick.headers["etag"] == whole.headers["etag"]


@pytest.mark.usefixtures("filed")
def test_the_quick_path_learns_each_language_and_scheme() -> None:
    proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    kinds = [{"HTTP_HOST": "localhost"}, {"HTTP_COOKIE": "django_language=en"},
             {**proxy, "HTTP_X_FORWARDED_PROTO": "https"}, proxy]  # fmt: skip
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], SECURE_PROXY_SSL_HEADER=(
            "HTTP_X_FORWARDED_PROTO", "https"), SECURE_HSTS_SECONDS=3600):  # fmt: skip
        full = WSGIHandler()  # its middleware made under these settings
        counting = Counting(full)
        for extra in kinds:
            Answer(counting, environ("GET", FOUND, **extra))
            quick = Answer(counting, environ("GET", FOUND, **extra))
            whole = Answer(full, environ("GET", FOUND, **extra))
            assert quick.same_as(whole), (extra, quick.difference(whole))
        secure = Answer(counting, environ("GET", FOUND, **kinds[2]))
        english = Answer(counting, environ("GET", FOUND, **kinds[1]))
    assert counting.through_django == 3  # the proxy's plain http is the first's kind
    assert "strict-transport-security" in secure.headers
    assert "strict-transport-security" not in quick.headers  # the proxy's http
    assert english.headers["content-language"] == "en"
    assert json.loads(english.body)["message"] != json.loads(secure.body)["message"]


@pytest.mark.usefixtures("filed")
def test_what_is_not_a_200_is_handed_over_and_counted_once(counting: Counting) -> None:
    unknown, malformed = "/api/v1/gtins/4006381333931", "/api/v1/gtins/6921234500018"
    counts = "hall_lookup_answers_total"
    with override_settings(RATE_LIMITS={"address_per_minute": 5, "key_per_minute": 5}):
        before = REGISTRY.get_sample_value(counts, {"kind": "gtin", "outcome": "local"}) or 0
        statuses = [Answer(counting, environ("GET", path)).status[:3]
                    for path in (FOUND, FOUND, unknown, malformed, FOUND, FOUND)]  # fmt: skip
        refused = Answer(counting, environ("GET", FOUND))
    assert statuses == ["200", "200", "404", "400", "200", "429"]  # five lookups a minute
    assert counting.through_django == 5  # the first (learned), 404, 400 and both 429s
    assert refused.status.startswith("429")
    assert json.loads(refused.body)["error"]["code"] == "rate_limited"
    assert refused.headers["retry-after"].isdigit()
    kept = REGISTRY.get_sample_value(counts, {"kind": "gtin", "outcome": "local"}) or 0
    assert kept - before in (0, 2)  # the found GTIN's two answers kept (with Redis), no more


@pytest.mark.usefixtures("filed")
def test_conditions_keys_bodies_and_heads_go_to_django(counting: Counting) -> None:
    first = Answer(counting, environ("GET", FOUND))
    for method, extra in (("GET", {"HTTP_IF_NONE_MATCH": first.headers["etag"]}),
                          ("GET", {"HTTP_X_API_KEY": "nonsense"}),
                          ("GET", {"QUERY_STRING": "x=1"}),
                          ("HEAD", {})):  # fmt: skip
        Answer(counting, environ(method, FOUND, **extra))
    assert counting.through_django == 5


@pytest.mark.usefixtures("filed")
def test_a_quick_answer_is_counted_by_route_and_keeps_the_proxys_request_id(
    counting: Counting,
) -> None:
    Answer(counting, environ("GET", FOUND))
    sample = {"route": "gtin_lookup", "status": "2xx"}
    before = REGISTRY.get_sample_value("hall_http_requests_total", sample) or 0
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        Answer(counting, environ("GET", FOUND, REMOTE_ADDR="10.0.0.2"))  # learned for 10/8
        quick = Answer(counting, environ("GET", FOUND, REMOTE_ADDR="10.0.0.2",
                                         HTTP_X_REQUEST_ID="proxy-id-12345678"))  # fmt: skip
    assert counting.through_django == 2
    assert quick.headers["x-request-id"] == "proxy-id-12345678"
    assert REGISTRY.get_sample_value("hall_http_requests_total", sample) == before + 2


@pytest.mark.usefixtures("filed")
def test_every_allowed_host_shares_the_learned_headers(counting: Counting) -> None:
    with override_settings(ALLOWED_HOSTS=["*"]):  # any host: none is a kind of its own
        answers = [Answer(counting, environ("GET", FOUND, HTTP_HOST=f"h{n}.example"))
                   for n in range(5)]  # fmt: skip
    assert counting.through_django == 1
    assert {answer.status for answer in answers} == {"200 OK"}


@pytest.mark.usefixtures("filed")
def test_a_hall_that_prepends_www_redirects_on_the_lean_path() -> None:
    with override_settings(PREPEND_WWW=True, ALLOWED_HOSTS=["example.com", "www.example.com"]):
        lean = Counting(WSGIHandler())
        for _ in range(2):
            bare = Answer(lean, environ("GET", FOUND, HTTP_HOST="example.com"))
            www = Answer(lean, environ("GET", FOUND, HTTP_HOST="www.example.com"))
            assert bare.status.startswith("301"), bare.status
            assert www.status == "200 OK"
    assert lean.through_django == 4
