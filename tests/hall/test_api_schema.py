"""The OpenAPI document is a contract integrators generate clients from (conventions.md 18):
every JSON answer has a named schema whose properties are named, described and exemplified,
with no bare object anywhere inside it; every operation lists the errors it gives, each with
the one error schema; and the GTIN lookup, written as JSON without ninja's check on the API's
busiest path, answers what its schema says."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from jsonschema_rs import Draft202012Validator  # schemathesis's own validator

from hall.accounts.models import User
from hall.api.v1 import api
from hall.members.models import Member
from hall.products import bank, services
from hall.products.models import Product

pytestmark = pytest.mark.django_db
METHODS = {"get", "put", "post", "patch", "delete"}
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def filed(member: Member, member_user: User) -> Product:
    data = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL", "net_content": 550,
            "net_content_unit": "mL", "gpc_brick": "10000232",
            "market_date": date(2026, 3, 1)}  # fmt: skip
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None,
                                 today=date.today(), data=data)  # fmt: skip
    return services.product_transition(actor=member_user, product_id=product.pk,
                                       action="publish", today=date.today())  # fmt: skip


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    served: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    assert served["info"]["title"] == api.title
    return served


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", operation)
            for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]  # fmt: skip


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def successes(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(where, schema) of every 2xx JSON answer."""
    found = []
    for where, operation in operations(document):
        for status, response in operation["responses"].items():
            json = response.get("content", {}).get("application/json")
            if str(status).startswith("2") and json is not None:
                found.append((f"{where} {status}", json["schema"]))
    return found


def bare_objects(document: dict[str, Any], schema: dict[str, Any], where: str,
                 seen: frozenset[str] = frozenset()) -> list[str]:  # fmt: skip
    """Where, inside ``schema``, an object has no named properties or takes any others."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return []
        seen |= {schema["$ref"]}
        schema = resolved(document, schema)
    found = []
    is_object = schema.get("type") == "object" or "properties" in schema
    if is_object and (not schema.get("properties") or schema.get("additionalProperties")):
        found.append(where)
    for name, inner in schema.get("properties", {}).items():
        found += bare_objects(document, inner, f"{where}.{name}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for inner in schema.get(key, []):
            found += bare_objects(document, inner, where, seen)
    if isinstance(schema.get("items"), dict):
        found += bare_objects(document, schema["items"], f"{where}[]", seen)
    return found


def test_every_json_answer_has_named_properties_all_the_way_down(document: dict[str, Any]) -> None:
    answers = successes(document)
    assert len(answers) >= 13  # lookups, verification and the member's endpoints
    for where, schema in answers:
        assert "$ref" in schema, f"{where}: not a named schema"
        assert resolved(document, schema).get("properties"), f"{where}: no named properties"
        assert bare_objects(document, schema, where) == []


def test_every_answer_and_its_properties_are_described_with_an_example(
    document: dict[str, Any],
) -> None:
    """The top schema of each answer carries an example; each property says what it is."""
    undescribed = []
    for where, schema in successes(document):
        top = resolved(document, schema)
        assert top.get("examples"), f"{where}: no example"
        assert top.get("description"), f"{where}: no description"
        for name, inner in _reachable_properties(document, schema):
            if not inner.get("description"):
                undescribed.append(f"{where}: {name}")
    assert undescribed == []


def _reachable_properties(document: dict[str, Any],
                          schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:  # fmt: skip
    found, waiting, seen = [], [schema], set()
    while waiting:
        current = waiting.pop()
        ref = current.get("$ref")
        if ref in seen:
            continue
        seen.add(ref)
        current = resolved(document, current)
        for name, inner in current.get("properties", {}).items():
            found.append((name, inner))
            inside = [inner, *inner.get("anyOf", []), inner.get("items", {})]
            waiting += [i for i in inside if "$ref" in i or "properties" in i]
    return found


def _expected_errors(path: str, operation: dict[str, Any]) -> set[str]:
    """Every endpoint counts the request against a limit (429) and checks a key if one is given
    (401); one with parameters or a body can be given bad ones (400); one that names a thing
    by its path can find none (404)."""
    expected = {"401", "429"}
    if operation.get("parameters") or "requestBody" in operation:
        expected.add("400")
    if "{" in path:
        expected.add("404")
    return expected


def test_every_operation_lists_its_errors_with_the_error_schema(document: dict[str, Any]) -> None:
    for where, operation in operations(document):
        responses = {str(status): response for status, response in operation["responses"].items()}
        errors = {status for status in responses if status[0] in "45"}
        missing = _expected_errors(where.split(" ", 1)[1], operation) - errors
        assert not missing, f"{where} does not list {sorted(missing)}"
        for status in errors:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, f"{where} {status}"


def test_the_error_schema_is_the_errors_body(client: Client, document: dict[str, Any]) -> None:
    refused = client.get("/api/v1/prefixes/1")
    assert refused.status_code == 400
    _validator(document, "ErrorOut").validate(refused.json())
    assert refused.json()["error"]["code"] == "prefix_format"


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(root, validate_formats=True)


def test_the_gtin_lookup_written_as_json_answers_its_schema(
    client: Client, document: dict[str, Any], filed: Product
) -> None:
    """The busiest path skips ninja's check of its answer: its schema is checked here, for a
    filed product, an allocated number with no product filed and an EAN-8-free GTIN-14."""
    response = document["paths"]["/api/v1/gtins/{gtin}"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/GtinAnswer"
    }
    validator = _validator(document, "GtinAnswer")
    for gtin in ("6921234500019", "6921234500026", "06921234500019"):
        answer = client.get(f"/api/v1/gtins/{gtin}")
        assert answer.status_code == 200, gtin
        validator.validate(answer.json())
    assert client.get("/api/v1/gtins/6921234500019").json()["product"]["name"] == "示例矿泉水"
    assert client.get("/api/v1/gtins/6921234500026").json()["product"] is None


def test_a_batch_written_as_json_answers_its_schema(
    client: Client, document: dict[str, Any], filed: Product
) -> None:
    """A batch's verdicts skip ninja's check too (10,000 of them cost 0.26 s to check): every
    kind of verdict is checked here against BatchOut."""
    gtins = ["6921234500019", "6921234500026", "6921234500010", "4006381333931", "abc", ""]
    answer = client.post("/api/v1/verify", {"gtins": gtins}, content_type="application/json")
    assert answer.status_code == 200
    _validator(document, "BatchOut").validate(answer.json())
    well_formed = [verdict["well_formed"] for verdict in answer.json()["results"]]
    assert well_formed == [True, True, False, True, False, False]


def test_operation_ids_are_the_endpoints_names(document: dict[str, Any]) -> None:
    """A generated client's method names: they do not move when the code moves."""
    ids = [operation["operationId"] for _where, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert {"gtin_lookup", "gtins_verify", "product_change", "product_history"} <= set(ids)
