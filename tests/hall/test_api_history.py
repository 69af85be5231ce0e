"""What a member's program does through the API, the product's history records as done by the
API key it used (named with its prefix), not by a user who did nothing; a member without any
clerk can still use its key; a stale edit is 409 ``stale_edit`` in either language because the
product service says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from hall.accounts.models import ApiKey, User
from hall.members.models import Member
from hall.products.models import Product, ProductEvent

pytestmark = pytest.mark.django_db
GTIN = "6921234500019"
FILING = {"brand": "示例", "specification": "1L", "net_content": "1", "net_content_unit": "L",
          "gpc_brick": "10000232"}  # fmt: skip


def _call(client: Client, method: str, path: str, secret: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {"HTTP_X_API_KEY": secret}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


@pytest.fixture(autouse=True)
def _limits_out_of_the_way() -> Iterator[None]:
    with override_settings(RATE_LIMITS={"address_per_minute": 1000, "key_per_minute": 1000}):
        yield


@pytest.fixture
def erp(member: Member) -> tuple[ApiKey, str]:
    return ApiKey.issue(name="ERP", member=member)


def test_an_edit_and_a_filing_through_the_api_name_the_key(
    client: Client, member_user: User, erp: tuple[ApiKey, str]
) -> None:
    key, secret = erp
    assert _call(client, "post", "/products", secret, {"prefix": "69212345"}).status_code == 201
    changed = _call(client, "patch", f"/products/{GTIN}", secret,
                    {"version": 1, "name": "接口产品", **FILING})  # fmt: skip
    assert changed.status_code == 200
    filed = _call(client, "post", f"/products/{GTIN}/status", secret, {"action": "publish"})
    assert filed.json()["status"] == "in_use"

    product = Product.objects.get(gtin="0" + GTIN)
    allocation, edit, filing = product.events.order_by("id")
    for row in (allocation, edit, filing):
        assert (row.api_key, row.actor) == (key, None)  # the key, not the member's clerk
        assert row.acted_by() == f"API 密钥 ERP ({key.prefix}…)"
    assert edit.after["name"] == "接口产品"
    assert (filing.before, filing.after) == ({"status": "draft"}, {"status": "in_use"})

    history = _call(client, "get", f"/products/{GTIN}/history", secret).json()["results"]
    assert [entry["action"] for entry in history] == ["allocated", "changed", "publish"]
    assert history[0]["api_key"] == history[1]["api_key"] == {"name": "ERP", "prefix": key.prefix}
    assert history[1]["acted_by"] == f"API 密钥 ERP ({key.prefix}…)"
    assert {"field": "name", "label": "产品名称", "before": "", "after": "接口产品"} in (
        history[1]["changes"])  # fmt: skip

    client.force_login(member_user)
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert page.count(f"API 密钥 ERP ({key.prefix}…)") == 3
    assert str(member_user) not in page.split('id="history"')[1]


def test_a_clerks_edit_names_the_clerk_and_a_deleted_key_leaves_its_rows(
    client: Client, member_user: User, erp: tuple[ApiKey, str]
) -> None:
    key, secret = erp
    _call(client, "post", "/products", secret, {"prefix": "69212345"})
    product = Product.objects.get(gtin="0" + GTIN)
    client.force_login(member_user)
    client.post(f"/products/{product.pk}/", {"version": 1, "name": "页面产品", "level": "each",
                                              "quantity": 1})  # fmt: skip
    by_page = product.events.get(action="changed")
    assert (by_page.actor, by_page.api_key) == (member_user, None)
    # A clerk without a name is shown by a masked number: the history reaches API keys too.
    assert member_user.name == ""
    assert by_page.acted_by() == member_user.mobile[:3] + "****" + member_user.mobile[-4:]
    key.delete()  # a key is revoked, not deleted; if it is, its history stays, unnamed
    assert ProductEvent.objects.filter(product=product).count() == 2
    assert product.events.get(action="changed").actor == member_user


def test_a_member_without_clerks_edits_through_its_key(
    client: Client, erp: tuple[ApiKey, str]
) -> None:
    """The first clerk no longer stands in for the key: none is needed."""
    key, secret = erp
    assert not User.objects.filter(member=key.member).exists()
    _call(client, "post", "/products", secret, {"prefix": "69212345"})
    changed = _call(client, "patch", f"/products/{GTIN}", secret, {"version": 1, "name": "新名"})
    assert changed.status_code == 200
    row = Product.objects.get(gtin="0" + GTIN).events.get(action="changed")
    assert row.api_key == key
    with translation.override("en"):
        assert row.acted_by() == f"API key ERP ({key.prefix}…)"


@pytest.mark.parametrize(("language", "message"), [
    ("zh-hans", "此产品已被他人修改，请刷新后再改"),
    ("en", "Someone else changed this product"),
])  # fmt: skip
def test_a_stale_edit_is_a_conflict_in_either_language(
    client: Client, erp: tuple[ApiKey, str], language: str, message: str
) -> None:
    secret = erp[1]
    _call(client, "post", "/products", secret, {"prefix": "69212345"})
    assert _call(client, "patch", f"/products/{GTIN}", secret,
                 {"version": 1, "name": "一"}).status_code == 200  # fmt: skip
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    stale = _call(client, "patch", f"/products/{GTIN}", secret, {"version": 1, "name": "二"})
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_edit"
    assert error["message"].startswith(message)
    product = Product.objects.get(gtin="0" + GTIN)
    assert (product.name, product.version) == ("一", 2)
    assert product.events.filter(action="changed").count() == 1


def test_a_refused_move_is_the_product_services_refusal(
    client: Client, erp: tuple[ApiKey, str]
) -> None:
    """Filing a product whose data is incomplete: the service's own code, and nothing moves."""
    secret = erp[1]
    _call(client, "post", "/products", secret, {"prefix": "69212345"})
    refused = _call(client, "post", f"/products/{GTIN}/status", secret, {"action": "publish"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "product"
    assert refused.json()["error"]["message"].startswith("请先填写：")
    product = Product.objects.get(gtin="0" + GTIN)
    assert (product.status, product.events.count()) == ("draft", 1)


def test_a_retailers_key_changes_nothing(client: Client, member: Member,
                                         erp: tuple[ApiKey, str]) -> None:  # fmt: skip
    _call(client, "post", "/products", erp[1], {"prefix": "69212345"})
    retailer = ApiKey.issue(name="超市")[1]
    refused = _call(client, "patch", f"/products/{GTIN}", retailer, {"version": 1, "name": "x"})
    assert refused.status_code == 401
    assert Product.objects.get(gtin="0" + GTIN).version == 1


def test_a_discontinuation_names_the_key(client: Client, erp: tuple[ApiKey, str]) -> None:
    """Discontinued through the API: the day is recorded with the move, the key with the row."""
    key, secret = erp
    _call(client, "post", "/products", secret, {"prefix": "69212345"})
    moved = _call(client, "post", f"/products/{GTIN}/status", secret, {"action": "discontinue"})
    assert moved.json()["discontinued_on"] == date.today().isoformat()
    assert Product.objects.get(gtin="0" + GTIN).events.get(action="discontinue").api_key == key
