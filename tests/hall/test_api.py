"""The JSON API: lookups, batch verification, member endpoints behind API keys (another
member's key reaches nothing), one error format, and tests generated from its OpenAPI
description by schemathesis."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from hall.accounts.models import ApiKey, User
from hall.core import limits
from hall.jobs import queue
from hall.lookup import batch
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.models import Product

pytestmark = pytest.mark.django_db
TODAY = date.today()
MANY = {"address_per_minute": 1_000_000, "key_per_minute": 1_000_000}


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


@pytest.fixture
def key(member: Member, member_user: User) -> str:
    return ApiKey.issue(name="ERP", member=member)[1]


@pytest.fixture
def rival_key(other_member: Member, other_user: User) -> str:
    return ApiKey.issue(name="ERP", member=other_member)[1]


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


def test_a_gtin_lookup(client: Client, filed: Product) -> None:
    answer = client.get("/api/v1/gtins/6921234500019").json()
    assert answer["product"]["name"] == "示例矿泉水"
    assert answer["member"]["membership_valid"] is True
    assert answer["structure"]["organisation"] == "GS1 China"


def test_malformed_unknown_and_injected_gtins_get_one_error_shape(client: Client,
                                                                  db: None) -> None:  # fmt: skip
    bad = client.get("/api/v1/gtins/6921234500010")
    assert bad.status_code == 400
    assert "校验码" in error_of(bad)["message"]
    unknown = client.get("/api/v1/gtins/4006381333931")
    assert unknown.status_code == 404
    assert error_of(unknown)["code"] == "not_registered"
    assert error_of(unknown)["details"]["structure"]["organisation"]
    injected = client.get("/api/v1/gtins/1%27%20OR%201=1--")
    assert injected.status_code == 400
    assert error_of(client.get("/api/v1/companies?q=x"))["code"] == "query_too_short"
    assert error_of(client.post("/api/v1/verify", "{", content_type="application/json"))


def test_batch_verification_answers_each_in_order(client: Client, filed: Product) -> None:
    gtins = ["6921234500019", "6921234500026", "6921234500010", "4006381333931", "abc"]
    body = client.post("/api/v1/verify", {"gtins": gtins}, content_type="application/json")
    results = body.json()["results"]
    assert [r["well_formed"] for r in results] == [True, True, False, True, False]
    assert results[0]["product"] == "示例矿泉水"
    assert results[0]["member"] == "杭州示例食品有限公司"
    assert results[1]["registered"] is True
    assert results[1]["product"] is None  # allocated prefix, nothing filed
    assert results[3]["registered"] is False


def test_an_oversized_batch_gets_413_with_the_limit(client: Client, db: None) -> None:
    gtins = ["6921234500019"] * 10_001
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000_000):
        response = client.post("/api/v1/verify", {"gtins": gtins},
                               content_type="application/json")  # fmt: skip
    assert response.status_code == 413
    assert error_of(response)["details"] == {"limit": 10_000}
    huge = client.post("/api/v1/verify", {"gtins": ["6921234500019"] * 200_000},
                       content_type="application/json")  # fmt: skip
    assert huge.status_code == 413


def _upload(client: Client, key: str, data: bytes, name: str = "gtins.csv") -> Any:
    return client.post("/api/v1/verify/jobs", {"file": SimpleUploadedFile(name, data)},
                       HTTP_X_API_KEY=key)  # fmt: skip


@override_settings(RATE_LIMITS=MANY)
def test_a_file_of_gtins_is_verified_as_a_background_job(
    client: Client, filed: Product, rival_key: str
) -> None:
    retailer = ApiKey.issue(name="超市")[1]
    lines = ["GTIN", "6921234500019", "", "4006381333931", "=HYPERLINK(1)", "06921234500026"]
    started = _upload(client, retailer, "\n".join(lines).encode())
    assert started.status_code == 202
    job = started.json()
    assert (job["status"], job["result_url"]) == ("queued", None)
    again = _upload(client, retailer, b"6921234500019")
    assert again.status_code == 409
    assert error_of(again)["details"] == {"job": job["id"]}
    queue.run(job["id"])
    status = client.get(f"/api/v1/verify/jobs/{job['id']}", HTTP_X_API_KEY=retailer).json()
    assert (status["status"], status["total"], status["done"], status["percent"]) == (
        "done", 4, 4, 100)  # fmt: skip
    assert status["counts"] == {"total": 4, "malformed": 1, "registered": 2,
                                "not_registered": 1, "filed": 1}  # fmt: skip
    result = client.get(status["result_url"], HTTP_X_API_KEY=retailer)
    assert result["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(result.streaming_content).decode())))
    assert rows[0][:3] == ["input", "well_formed", "gtin14"]
    assert [row[0] for row in rows[1:]] == [
        "6921234500019", "4006381333931", "'=HYPERLINK(1)", "06921234500026"]  # fmt: skip
    assert rows[1][4:] == ["1", "69212345", "杭州示例食品有限公司", "1", "示例矿泉水", "in_use"]
    assert rows[2][4] == "0"
    assert rows[3][1] == "0"
    assert "=HYPERLINK(1)" in rows[3][3]
    for stranger in (rival_key, ApiKey.issue(name="另一家超市")[1]):
        for path in (f"/api/v1/verify/jobs/{job['id']}", status["result_url"]):
            refused = client.get(path, HTTP_X_API_KEY=stranger)
            assert refused.status_code == 404
            assert error_of(refused)["code"] == "not_found"
    assert client.get(f"/api/v1/verify/jobs/{job['id']}").status_code == 401


@override_settings(RATE_LIMITS=MANY)
def test_a_file_that_cannot_be_verified_says_why(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    retailer = ApiKey.issue(name="超市")[1]
    for data, reason in ((b"GTIN\n\n", "文件中没有商品条码"), (b"\x00\x01\x02", "不是 CSV")):
        job = _upload(client, retailer, data).json()
        assert client.get(f"/api/v1/verify/jobs/{job['id']}/result",
                          HTTP_X_API_KEY=retailer).status_code == 404  # fmt: skip
        queue.run(job["id"])
        status = client.get(f"/api/v1/verify/jobs/{job['id']}", HTTP_X_API_KEY=retailer).json()
        assert (status["status"], status["counts"], status["result_url"]) == ("done", None, None)
        assert status["error"].startswith(reason)
    monkeypatch.setattr(batch, "MAX_PER_FILE", 2)
    job = _upload(client, retailer, b"6921234500019\n6921234500026\n6921234500033").json()
    refused = queue.run(job["id"]).result["refused"]
    assert refused.startswith("每个文件最多 2 个编码，此文件超过此数")
    monkeypatch.setattr(batch, "MAX_FILE_BYTES", 10)
    too_big = _upload(client, retailer, b"6921234500019\n6921234500026")
    assert too_big.status_code == 413
    assert error_of(too_big)["details"] == {"limit_bytes": 10}
    assert client.post("/api/v1/verify/jobs", HTTP_X_API_KEY=retailer).status_code == 400


@override_settings(RATE_LIMITS={"address_per_minute": 2, "key_per_minute": 3})
def test_rate_limits_per_address_and_per_key(client: Client, key: str, db: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # Mid-minute on a clock of the test's own: the window cannot turn between two requests.
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    codes = [client.get("/api/v1/gtins/6901234567892").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    limited = client.get("/api/v1/gtins/6901234567892")
    assert error_of(limited)["code"] == "rate_limited"
    assert int(limited["Retry-After"]) <= 61
    keyed = [client.get("/api/v1/gtins/6901234567892", HTTP_X_API_KEY=key).status_code
             for _ in range(4)]  # fmt: skip
    assert keyed == [404, 404, 404, 429]
    wrong = client.get("/api/v1/gtins/6901234567892", HTTP_X_API_KEY="tm_wrong")
    assert wrong.status_code == 401


class _RacedCache:
    """The real cache, but another request makes the window's key (worth 5) just after this
    one's first increment finds none; with ``expires``, the key is gone again at once."""

    def __init__(self, *, expires: bool) -> None:
        self.expires, self.raced = expires, False

    def incr(self, key: str, delta: int) -> int:
        if not self.raced:
            self.raced = True
            cache.set(key, 5, 60)
            raise ValueError(key)
        if self.expires:
            cache.delete(key)
        return int(cache.incr(key, delta))

    def add(self, key: str, value: int, timeout: int) -> bool:
        return bool(cache.add(key, value, timeout))

    def set(self, key: str, value: int, timeout: int) -> None:
        cache.set(key, value, timeout)


@pytest.mark.parametrize(("expires", "count"), [(False, 6), (True, 1)])
def test_a_window_counts_every_request_when_two_start_it_at_once(
    monkeypatch: pytest.MonkeyPatch, expires: bool, count: int
) -> None:
    owed = limits.Charge("rate:race:1", limit=10, cost=1, retry_after=60)
    cache.delete("rate:race:1")
    assert limits._counted(owed) == 1  # the window's first: made by add
    assert limits._counted(owed) == 2  # then one increment each
    cache.delete("rate:race:1")
    monkeypatch.setattr(limits, "cache", _RacedCache(expires=expires))
    assert limits._counted(owed) == count


@override_settings(RATE_LIMITS=MANY)
def test_a_member_allocates_files_and_downloads_through_the_api(client: Client, key: str) -> None:
    headers = {"HTTP_X_API_KEY": key}
    made = client.post("/api/v1/products", {"prefix": "69212345", "name": "接口产品"},
                       content_type="application/json", **headers)  # fmt: skip
    assert made.status_code == 201
    assert made.json()["gtin"] == "6921234500019"
    change = {"version": 1, "brand": "示例", "specification": "1L", "net_content": "1",
              "net_content_unit": "L", "gpc_brick": "10000232"}  # fmt: skip
    changed = client.patch("/api/v1/products/6921234500019", change,
                           content_type="application/json", **headers)  # fmt: skip
    assert changed.json()["version"] == 2
    stale = client.patch("/api/v1/products/6921234500019", change,
                         content_type="application/json", **headers)  # fmt: skip
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "stale_edit"  # the product service's own code
    bad = client.patch("/api/v1/products/6921234500019", {"version": 2, "gpc_brick": "1"},
                       content_type="application/json", **headers)  # fmt: skip
    assert error_of(bad)["code"] == "invalid_product"
    published = client.post("/api/v1/products/6921234500019/status", {"action": "publish"},
                            content_type="application/json", **headers)  # fmt: skip
    assert published.json()["status"] == "in_use"
    art = client.get("/api/v1/products/6921234500019/artwork?format=pdf&magnification=0.9",
                     **headers)  # fmt: skip
    assert art.content.startswith(b"%PDF")
    assert "private" in art["Cache-Control"]
    assert "X-API-Key" in art["Vary"]
    again = client.get("/api/v1/products/6921234500019/artwork?format=pdf&magnification=0.9",
                       HTTP_IF_NONE_MATCH=art["ETag"], **headers)  # fmt: skip
    assert again.status_code == 304  # the client's copy is still the artwork
    listing = client.get("/api/v1/products", **headers).json()
    assert listing["count"] == 1
    assert client.get("/api/v1/bank", **headers).json()["prefixes"][0]["used"] == 1


MEMBER_ENDPOINTS = [
    ("get", "/api/v1/products/6921234500019", None),
    ("patch", "/api/v1/products/6921234500019", {"version": 2, "name": "偷改"}),
    ("post", "/api/v1/products/6921234500019/status", {"action": "discontinue"}),
    ("get", "/api/v1/products/6921234500019/artwork?format=svg", None),
    ("get", "/api/v1/products/6921234500019/history", None),
]


@override_settings(RATE_LIMITS=MANY)
@pytest.mark.parametrize("endpoint", MEMBER_ENDPOINTS)
def test_another_members_key_reaches_nothing(
    client: Client, filed: Product, rival_key: str, endpoint: tuple[str, str, Any]
) -> None:
    method, path, body = endpoint
    call = getattr(client, method)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = (
        call(path, body, HTTP_X_API_KEY=rival_key, **kwargs)
        if body
        else call(path, HTTP_X_API_KEY=rival_key)
    )
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    filed.refresh_from_db()
    assert (filed.name, filed.status, filed.version) == ("示例矿泉水", "in_use", 2)
    listing = client.get("/api/v1/products", HTTP_X_API_KEY=rival_key).json()
    assert listing["count"] == 0
    anonymous = client.get(path.split("?", maxsplit=1)[0], HTTP_X_API_KEY="")
    assert anonymous.status_code in (401, 405)
    assert error_of(anonymous)["code"] in ("unauthorised", "method_not_allowed")


@override_settings(RATE_LIMITS=MANY)
def test_another_members_key_neither_allocates_nor_sees_the_bank(
    client: Client, filed: Product, rival_key: str
) -> None:
    """The endpoints without a product in their path answer with the key's own member only."""
    taken = client.post("/api/v1/products", {"prefix": "69212345", "name": "偷用前缀"},
                        content_type="application/json", HTTP_X_API_KEY=rival_key)  # fmt: skip
    assert taken.status_code == 400
    assert error_of(taken)["code"] == "number_bank"  # the number bank's refusal, as it is
    assert Product.objects.filter(prefix__prefix="69212345").count() == 1
    bank_seen = client.get("/api/v1/bank", HTTP_X_API_KEY=rival_key).json()
    assert "69212345" not in {row["prefix"] for row in bank_seen["prefixes"]}
    assert client.get("/api/v1/products", HTTP_X_API_KEY=rival_key).json()["count"] == 0


def test_every_member_endpoint_is_tried_with_another_members_key(client: Client, db: None) -> None:
    """A member endpoint added to the API without a cross-member test fails here."""
    document = client.get("/api/v1/openapi.json").json()
    described = {(method, path) for path, operations in document["paths"].items()
                 for method, operation in operations.items()
                 if "member" in operation.get("tags", [])}  # fmt: skip
    tried = {(method, path.split("?")[0].replace("6921234500019", "{gtin}"))
             for method, path, _body in MEMBER_ENDPOINTS}  # fmt: skip
    tried |= {("get", "/api/v1/bank"), ("get", "/api/v1/products"), ("post", "/api/v1/products")}
    assert described == tried


@override_settings(RATE_LIMITS=MANY)
def test_member_endpoints_need_a_members_key(client: Client, filed: Product) -> None:
    retailer = ApiKey.issue(name="超市")[1]
    for key in ("", "tm_nonsense", retailer):
        response = client.get("/api/v1/products", HTTP_X_API_KEY=key)
        assert response.status_code == 401, key
        assert error_of(response)["code"] == "unauthorised"
    revoked, secret = ApiKey.issue(name="old", member=filed.member)
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/products", HTTP_X_API_KEY=secret).status_code == 401


def test_the_openapi_description_is_served(client: Client, db: None) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/gtins/{gtin}" in document["paths"]
    assert client.get("/api/v1/docs").status_code == 200
    assert error_of(client.get("/api/v1/nothing-here"))["code"] == "not_found"


@pytest.fixture
def _connection_kept() -> Iterator[None]:
    """As Django's test client does: a WSGI request must not close the test's connection."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@override_settings(RATE_LIMITS=MANY)
@pytest.mark.django_db
@pytest.mark.usefixtures("_connection_kept")
def test_the_api_keeps_its_openapi_promises(case: Any, key: str, filed: Product) -> None:
    """Generated from the OpenAPI description: no server errors, documented statuses and
    content types, bodies that match their schemas (the typed answers and ErrorOut), data
    outside the schema refused."""
    case.headers = {**(case.headers or {}), "X-API-Key": key}
    case.call_and_validate(checks=PROMISES)


#: The checks each generated call must pass, named so that none drops out unseen. Left out:
#: positive_data_acceptance (some schema-valid data is refused on purpose: a GTIN string with a
#: wrong check digit, a batch over 10,000), and missing_required_header and ignored_auth (every
#: call here carries a valid key; test_member_endpoints_need_a_members_key tries the others).
PROMISES = [not_a_server_error, status_code_conformance, content_type_conformance,
            response_headers_conformance, response_schema_conformance, negative_data_rejection,
            unsupported_method, allow_header_conformance, use_after_free,
            ensure_resource_availability]  # fmt: skip


def test_a_member_makes_and_revokes_keys_in_the_hall(client: Client, member_user: User,
                                                     other_user: User) -> None:  # fmt: skip
    from tests.hall.conftest import log_in

    log_in(client, member_user.mobile)
    made = client.post("/products/keys/", {"name": "ERP"})
    assert "tm_" not in str(made.cookies)  # on the page once, never in a cookie
    secret = made.content.decode().split("<code>tm_")[1].split("<")[0].strip()
    assert client.get("/api/v1/products", HTTP_X_API_KEY="tm_" + secret).status_code == 200
    assert (
        "请填写密钥名称"
        in client.post("/products/keys/", {"name": " "}, follow=True).content.decode()
    )
    key = ApiKey.objects.get()
    rival = Client()
    log_in(rival, other_user.mobile)
    assert rival.post(f"/products/keys/{key.pk}/revoke/").status_code == 404
    client.post(f"/products/keys/{key.pk}/revoke/")
    assert client.get("/api/v1/products", HTTP_X_API_KEY="tm_" + secret).status_code == 401


@pytest.mark.django_db(transaction=True)  # the probes' own connections see committed rows
def test_set_based_verification_answers_as_the_chunked_one(
    filed: Product, other_member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a large batch is probed by COPY on several connections; its answers must
    be the IN lists' answers."""
    member = filed.member
    Ean8Code.objects.create(member=other_member, number="69000010", product="小瓶",
                            allocated_on=TODAY)  # fmt: skip
    CompanyPrefix.objects.create(member=other_member, prefix="692123451", allocated_on=TODAY)
    CompanyPrefix.objects.create(member=member, prefix="0412345", kind="upc", allocated_on=TODAY)
    texts = ["6921234500019", "6921234510018", "69000010", "041234500003", "4006381333931",
             "6921234500026", "6921234500010", "12345"]  # fmt: skip
    chunked = batch.verify_batch(texts)
    monkeypatch.setattr(batch, "SET_BASED_FROM", 0)
    assert batch.verify_batch(texts) == chunked
    holders = [(a.get("company_prefix"), a.get("member")) for a in chunked]
    assert holders[:5] == [("69212345", member.name), ("692123451", other_member.name),
                           ("69000010", other_member.name), ("0412345", member.name),
                           (None, None)]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_set_based_file_verification_writes_the_same_file(
    filed: Product, other_member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the database writes a large file's rows itself; they must be the rows the
    Python writer writes, whatever the input holds."""
    Product.objects.filter(pk=filed.pk).update(name="-20℃ 冰淇淋")  # a formula's first character
    Ean8Code.objects.create(member=other_member, number="69000010", product="小瓶",
                            allocated_on=TODAY)  # fmt: skip
    CompanyPrefix.objects.create(member=other_member, prefix="692123451", allocated_on=TODAY)
    Member.objects.filter(pk=other_member.pk).update(name='另一家, "有限"公司')  # quoted in CSV
    texts = ["6921234500019", "=1+2", "4006381333931", "6921234500026", "6921234500010",
             "6921234510018", "69000010", "6921234500019",
             # written otherwise, and what COPY and CSV must carry unharmed
             "６９２１２３４５０００１９", "6921234500019 ", "\t=SUM(A1)", "a\\b\nc,\"d\"",
             "9" * 50, "", "06921234500019"]  # fmt: skip
    chunked, joined = io.StringIO(), io.StringIO()
    counts = batch.verify_file(texts, chunked)
    monkeypatch.setattr(batch, "SET_BASED_FROM", 0)
    assert batch.verify_file(texts, joined) == counts
    assert joined.getvalue() == chunked.getvalue()
    assert "'-20℃ 冰淇淋" in chunked.getvalue()
    rows = list(csv.reader(io.StringIO(chunked.getvalue())))
    assert rows[6][4:8] == ["1", "692123451", '另一家, "有限"公司', "1"]
    assert rows[7][4:6] == ["1", "69000010"]
    assert rows[8] == rows[1]
    assert [row[1:] for row in rows[9:11]] == [rows[1][1:]] * 2  # GTINs written otherwise
    assert rows[12][0] == 'a\\b\nc,"d"'  # one cell, as it came
    assert len(rows[13][0]) == 40
    assert counts == {"total": 15, "malformed": 6, "registered": 8, "not_registered": 1,
                      "filed": 5}  # fmt: skip


@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
def test_a_large_batch_reads_the_covering_index_on_postgresql(filed: Product) -> None:
    """On PostgreSQL the probes of a large batch are index-only scans of the verification
    index (name and status kept in it), not a read of the products table per number."""
    assert batch.verify_batch([filed.display_gtin])[0]["product"] == filed.name
    if connection.vendor != "postgresql":
        return  # SQLite has no covering index: it probes the GTIN's unique index
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE products_product")  # the visibility map, as autovacuum
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_wanted (gtin text) ON COMMIT DROP")
        cursor.execute("INSERT INTO batch_wanted VALUES (%s)", [filed.gtin])
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of one row: show the index
        cursor.execute(
            "EXPLAIN " + batch._facts_sql(cursor), {"statuses": ["in_use", "discontinued"]}
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using products_product_verification" in plan


def test_a_nul_anywhere_in_a_request_is_refused_with_the_error_format(client: Client,
                                                                     key: str) -> None:  # fmt: skip
    """A NUL in a JSON body or a query string: 400 with the API's error, before PostgreSQL
    (which refuses such text) is asked; other control characters are left to the endpoints."""
    body = client.post("/api/v1/products", '{"prefix": "6921\\u0000"}',
                       content_type="application/json", HTTP_X_API_KEY=key)  # fmt: skip
    query = client.get("/api/v1/products", {"status": "in_use\x00"}, HTTP_X_API_KEY=key)
    for refused in (body, query):
        assert refused.status_code == 400
        assert error_of(refused)["code"] == "invalid_request"
    assert client.post("/api/v1/products", '{"prefix": "6921\\u0001"}',
                       content_type="application/json",
                       HTTP_X_API_KEY=key).status_code != 500  # fmt: skip
