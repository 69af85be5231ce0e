"""The Alipay, WeChat Pay and UnionPay adapters: their notifications' signatures checked with
keys generated here, every refusal changing nothing; their payment starts signed as the
provider checks them; their queries and refunds answered by a local stand-in for the provider
that checks our signatures and signs its answers."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.test import Client
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application
from hall.members.models import Member
from hall.payments.gateways import GATEWAYS
from hall.payments.gateways.alipay import AlipayConfig, AlipayGateway
from hall.payments.gateways.unionpay import UnionpayConfig, UnionpayGateway, signing_text
from hall.payments.gateways.wechat import WechatConfig, WechatGateway
from hall.payments.models import Notification, Order
from hall.payments.orders import order_for, order_started
from hall.payments.refunds import refund
from hall.payments.settlement import orders_settle
from tests.hall import providers as p

pytestmark = pytest.mark.django_db(transaction=True)
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def order(member_user: User, member: Member) -> Order:
    application = Application.objects.create(
        kind="renewal", member=member, applicant=member_user, branch=member.branch, status="payment"
    )
    return order_for(application)


def _status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def _outcome() -> str:
    return Notification.objects.order_by("-id").values_list("outcome", flat=True)[0]


# Alipay -----------------------------------------------------------------------------------

ALIPAY_APP = "2021000000000001"


@pytest.fixture
def alipay(monkeypatch: pytest.MonkeyPatch) -> Iterator[AlipayGateway]:
    """Alipay configured with a generated app key and a generated 'Alipay' key, its gateway a
    local server that checks our signature and signs its answers with the 'Alipay' key."""
    trades: dict[str, dict[str, str]] = {}

    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        signature = params.pop("sign", "")
        message = "&".join(f"{k}={params[k]}" for k in sorted(params)).encode()
        if not p.rsa_sha256_valid(p.rsa_key("alipay-app"), message, signature):
            return 400, {}, b"bad signature"
        biz = json.loads(params["biz_content"])
        kind = params["method"].replace(".", "_") + "_response"
        trade = trades.get(biz.get("out_trade_no") or biz.get("trade_no", ""), {})
        if params["method"] == "alipay.trade.refund":
            trade = next((t for t in trades.values() if t["trade_no"] == biz["trade_no"]), {})
            reply = {"code": "10000", "msg": "Success", "trade_no": trade["trade_no"],
                     "refund_fee": biz["refund_amount"], "fund_change": "Y"}  # fmt: skip
        elif trade:
            reply = {"code": "10000", "msg": "Success", **trade}
        else:
            reply = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        inner = json.dumps(reply, ensure_ascii=False, separators=(",", ":"))
        sign = p.rsa_sha256(p.rsa_key("alipay"), inner.encode())
        return (
            200,
            {"Content-Type": "application/json"},
            (f'{{"{kind}":{inner},"sign":"{sign}"}}'.encode()),
        )

    with p.provider_server(answer) as url:
        gateway = AlipayGateway(AlipayConfig(
            app_id=ALIPAY_APP, private_key=p.private_pem(p.rsa_key("alipay-app")),
            alipay_public_key=p.public_pem(p.rsa_key("alipay")), gateway_url=url,
        ))  # fmt: skip
        gateway.trades = trades  # type: ignore[attr-defined]
        monkeypatch.setitem(GATEWAYS, "alipay", gateway)
        yield gateway


def alipay_notice(order: Order, *, key: str = "alipay", **changes: str) -> dict[str, str]:
    params = {
        "notify_time": timezone.now().astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "notify_type": "trade_status_sync", "notify_id": secrets.token_hex(16),
        "app_id": ALIPAY_APP, "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
        "trade_no": "2026112122001400000000000001", "out_trade_no": order.number,
        "total_amount": order.amount_yuan, "trade_status": "TRADE_SUCCESS",
        "seller_id": "2088000000000001",
    }  # fmt: skip
    params.update(changes)
    signed = {k: v for k, v in params.items() if k not in ("sign", "sign_type")}
    message = "&".join(f"{k}={signed[k]}" for k in sorted(signed)).encode()
    return {**params, "sign": p.rsa_sha256(p.rsa_key(key), message)}


def _post_form(gateway: str, params: dict[str, str]) -> tuple[int, str]:
    response = Client().post(f"/payments/notify/{gateway}/", params)
    return response.status_code, response.content.decode()


def test_alipay_notification_credits_once(alipay: AlipayGateway, order: Order) -> None:
    params = alipay_notice(order)
    assert _post_form("alipay", params) == (200, "success")
    assert _status(order) == Order.Status.PAID
    assert (order.gateway, order.method) == ("alipay", "支付宝支付")
    assert _post_form("alipay", params) == (200, "success")  # Alipay retries: a duplicate
    assert _outcome() == "duplicate"


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"key": "someone-else"}, "forged signature"),
        ({"app_id": "2021999999999999"}, "not for this merchant"),
        ({"total_amount": "0.01"}, "amount or currency mismatch"),
        ({"total_amount": "-1280.00"}, "amount or currency mismatch"),
        ({"total_amount": "12.345"}, "malformed"),
        ({"out_trade_no": "20261133019999999999"}, "unknown order"),
        ({"notify_time": "2026-01-01 00:00:00"}, "replayed: too old"),
        ({"sign_type": "RSA"}, "forged signature"),
    ],
)
def test_alipay_refusals_change_nothing(
    alipay: AlipayGateway, order: Order, changes: dict[str, str], outcome: str
) -> None:
    changes = dict(changes)
    key = changes.pop("key", "alipay")
    if outcome == "amount or currency mismatch" and changes["total_amount"].startswith("-"):
        outcome = "malformed"  # a negative amount is not an amount
    assert _post_form("alipay", alipay_notice(order, key=key, **changes)) == (200, "fail")
    assert _outcome() == outcome
    assert _status(order) == Order.Status.PENDING


def test_alipay_tampering_after_signing_is_forgery(alipay: AlipayGateway, order: Order) -> None:
    params = alipay_notice(order)
    params["total_amount"] = "0.01"
    assert _post_form("alipay", params) == (200, "fail")
    assert _outcome() == "forged signature"


def test_alipay_payment_page_is_signed_with_the_app_key(
    alipay: AlipayGateway, order: Order
) -> None:
    start = alipay.start(order)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start.redirect).query))
    signature = params.pop("sign")
    message = "&".join(f"{k}={params[k]}" for k in sorted(params)).encode()
    assert p.rsa_sha256_valid(p.rsa_key("alipay-app"), message, signature)
    biz = json.loads(params["biz_content"])
    assert (biz["out_trade_no"], biz["total_amount"]) == (order.number, "1280.00")
    assert params["notify_url"].endswith("/payments/notify/alipay/")


def test_alipay_query_settles_a_lost_notification_and_refunds(
    alipay: AlipayGateway, order: Order
) -> None:
    order_started(order, "alipay")
    assert orders_settle(timezone.now()) == []  # Alipay has no such trade yet
    alipay.trades[order.number] = {  # type: ignore[attr-defined]
        "trade_no": "2026112122001400000000000009", "out_trade_no": order.number,
        "trade_status": "TRADE_SUCCESS", "total_amount": order.amount_yuan,
    }  # fmt: skip
    assert orders_settle(timezone.now()) == [order.number]
    assert _status(order) == Order.Status.PAID
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    made.refresh_from_db()
    assert (made.status, made.via, made.reference) == (
        "succeeded",
        "alipay",
        "2026112122001400000000000009",
    )


# WeChat Pay -------------------------------------------------------------------------------

WECHAT_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"
APIV3_KEY = "a" * 16 + "b" * 16


def _wechat_merchant_signed(method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
    """WeChat Pay's check of our request: the Authorization header's RSA signature."""
    _scheme, _, credentials = headers.get("authorization", "").partition(" ")
    pairs = (part.partition("=") for part in credentials.split(","))
    fields = {key: value.strip('"') for key, _, value in pairs}
    message = f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n"
    signed = (message + body.decode() + "\n").encode()
    return p.rsa_sha256_valid(p.rsa_key("wechat-merchant"), signed, fields.get("signature", ""))


@pytest.fixture
def wechat(monkeypatch: pytest.MonkeyPatch) -> Iterator[WechatGateway]:
    """WeChat Pay with generated keys; its API a local server checking our Authorization
    header and signing its answers with the platform key."""
    trades: dict[str, dict[str, Any]] = {}

    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        if not _wechat_merchant_signed(method, path, headers, body):
            return 401, {}, b'{"code": "SIGN_ERROR"}'
        if path == "/v3/pay/transactions/native":
            status, reply = 200, {"code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_hex(4)}
        elif path.startswith("/v3/pay/transactions/out-trade-no/"):
            number = path.rpartition("/")[2].partition("?")[0]
            trade = trades.get(number)
            status, reply = (200, trade) if trade else (404, {"code": "ORDER_NOT_EXIST"})
        else:
            asked = json.loads(body)
            status, reply = (
                200,
                {
                    "refund_id": "50000000382019052709732678859",
                    "out_refund_no": asked["out_refund_no"],
                    "status": "PROCESSING",
                },
            )
        text = json.dumps(reply)
        stamp, nonce = str(int(time.time())), secrets.token_hex(16)
        signature = p.rsa_sha256(p.rsa_key("wechat"), f"{stamp}\n{nonce}\n{text}\n".encode())
        signed_headers = {
            "Content-Type": "application/json", "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce, "Wechatpay-Serial": WECHAT_KEY_ID,
            "Wechatpay-Signature": signature,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }  # fmt: skip
        return status, signed_headers, text.encode()

    with p.provider_server(answer) as url:
        gateway = WechatGateway(WechatConfig(
            mchid="1900000001", appid="wx0000000000000001",
            private_key=p.private_pem(p.rsa_key("wechat-merchant")), cert_serial_no="4F4864EA9B34",
            apiv3_key=APIV3_KEY, public_key=p.public_pem(p.rsa_key("wechat")),
            public_key_id=WECHAT_KEY_ID, api_url=url,
        ))  # fmt: skip
        gateway.trades = trades  # type: ignore[attr-defined]
        monkeypatch.setitem(GATEWAYS, "wechat", gateway)
        yield gateway


def wechat_notice(order: Order, *, key: str = "wechat", apiv3: str = APIV3_KEY,
                  age: int = 0, serial: str = WECHAT_KEY_ID,
                  **changes: Any) -> tuple[bytes, dict[str, str]]:  # fmt: skip
    transaction = {
        "mchid": "1900000001", "appid": "wx0000000000000001", "out_trade_no": order.number,
        "transaction_id": "4200000000202611210000000001", "trade_type": "NATIVE",
        "trade_state": "SUCCESS", "success_time": "2026-11-21T10:00:00+08:00",
        "amount": {"total": order.amount_fen, "payer_total": order.amount_fen,
                   "currency": "CNY", "payer_currency": "CNY"},
    }  # fmt: skip
    transaction.update(changes)
    nonce = secrets.token_hex(6)
    sealed = AESGCM(apiv3.encode()).encrypt(nonce.encode(), json.dumps(transaction).encode(),
                                           b"transaction")  # fmt: skip
    body = json.dumps({
        "id": secrets.token_hex(8), "create_time": "2026-11-21T10:00:01+08:00",
        "event_type": "TRANSACTION.SUCCESS", "resource_type": "encrypt-resource",
        "summary": "支付成功", "resource": {
            "algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(sealed).decode(),
            "nonce": nonce, "associated_data": "transaction", "original_type": "transaction"},
    }).encode()  # fmt: skip
    stamp, header_nonce = str(int(time.time()) - age), secrets.token_hex(16)
    signature = p.rsa_sha256(p.rsa_key(key), f"{stamp}\n{header_nonce}\n{body.decode()}\n".encode())
    headers = {"HTTP_WECHATPAY_TIMESTAMP": stamp, "HTTP_WECHATPAY_NONCE": header_nonce,
               "HTTP_WECHATPAY_SERIAL": serial, "HTTP_WECHATPAY_SIGNATURE": signature,
               "HTTP_WECHATPAY_SIGNATURE_TYPE": "WECHATPAY2-SHA256-RSA2048"}  # fmt: skip
    return body, headers


def _post_json(gateway: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    response = Client().post(
        f"/payments/notify/{gateway}/", body, content_type="application/json", **headers
    )  # type: ignore[arg-type]
    return response.status_code, json.loads(response.content)["code"]


def test_wechat_notification_credits_once(wechat: WechatGateway, order: Order) -> None:
    body, headers = wechat_notice(order)
    assert _post_json("wechat", body, headers) == (200, "SUCCESS")
    assert _status(order) == Order.Status.PAID
    assert (order.gateway, order.provider_transaction) == ("wechat", "4200000000202611210000000001")
    assert _post_json("wechat", body, headers) == (200, "SUCCESS")
    assert _outcome() == "duplicate"
    kept = Notification.objects.latest("id").body  # WeChat Pay signs in its headers: kept
    assert {"wechatpay-signature", "wechatpay-timestamp"} <= set(kept["headers"])


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"key": "someone-else"}, "forged signature"),
        ({"serial": "PUB_KEY_ID_SOMEONE_ELSE"}, "forged signature"),
        ({"apiv3": "c" * 32}, "malformed"),  # sealed with another APIv3 key
        ({"mchid": "1900000002"}, "not for this merchant"),
        ({"amount": {"total": 1, "currency": "CNY"}}, "amount or currency mismatch"),
        ({"amount": {"total": 128000, "currency": "USD"}}, "amount or currency mismatch"),
        ({"age": 3600}, "replayed: too old"),
        ({"trade_state": "PAYERROR"}, "payment failed"),
    ],
)
def test_wechat_refusals_change_nothing(
    wechat: WechatGateway, order: Order, changes: dict[str, Any], outcome: str
) -> None:
    status, code = _post_json("wechat", *wechat_notice(order, **changes))
    assert _outcome() == outcome
    assert (status, code) == ((200, "SUCCESS") if outcome == "payment failed" else (400, "FAIL"))
    assert _status(order) == Order.Status.PENDING


def test_wechat_tampered_body_and_odd_headers(wechat: WechatGateway, order: Order) -> None:
    body, headers = wechat_notice(order)
    assert _post_json("wechat", body.replace(b"TRANSACTION", b"TRANSACTIOM"), headers)[0] == 400
    assert _post_json("wechat", body, {**headers, "HTTP_WECHATPAY_SIGNATURE_TYPE": "X"})[0] == 400
    assert _post_json("wechat", body, {**headers, "HTTP_WECHATPAY_SIGNATURE": "%%%"})[0] == 400
    assert _post_json("wechat", b"[1, 2]", headers)[0] == 400
    assert _status(order) == Order.Status.PENDING


def test_wechat_pays_by_code_settles_by_query_and_refunds(
    wechat: WechatGateway, member_user: User, order: Order
) -> None:
    client = Client()
    client.force_login(member_user)
    page = client.post(f"/payments/orders/{order.number}/start/", {"method": "微信支付"})
    assert 'id="pay-qr"' in page.content.decode()
    assert "<svg" in page.content.decode()
    assert orders_settle(timezone.now()) == []  # WeChat Pay has no such trade yet
    wechat.trades[order.number] = {  # type: ignore[attr-defined]
        "mchid": "1900000001", "appid": "wx0000000000000001", "out_trade_no": order.number,
        "transaction_id": "4200000000202611210000000042", "trade_state": "SUCCESS",
        "amount": {"total": order.amount_fen, "currency": "CNY"},
    }  # fmt: skip
    assert orders_settle(timezone.now()) == [order.number]
    made = refund(order_id=order.pk, amount_fen=order.amount_fen, reason="退回")
    made.refresh_from_db()
    assert (made.status, made.reference) == ("succeeded", "50000000382019052709732678859")


def test_a_gateway_that_cannot_be_reached_leaves_the_order_payable(
    member_user: User, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = WechatGateway(WechatConfig(
        mchid="1900000001", appid="wx0000000000000001",
        private_key=p.private_pem(p.rsa_key("wechat-merchant")), cert_serial_no="4F4864EA9B34",
        apiv3_key=APIV3_KEY, public_key=p.public_pem(p.rsa_key("wechat")),
        public_key_id=WECHAT_KEY_ID, api_url="http://127.0.0.1:9",  # nothing listens there
    ))  # fmt: skip
    monkeypatch.setitem(GATEWAYS, "wechat", gateway)
    client = Client()
    client.force_login(member_user)
    page = client.post(f"/payments/orders/{order.number}/start/", {"method": "微信支付"},
                       follow=True)  # fmt: skip
    assert "暂时无法连接" in page.content.decode()
    assert _status(order) == Order.Status.PENDING
    assert gateway.query(order) is None


# UnionPay ---------------------------------------------------------------------------------

UNIONPAY_CN = "041@Z12@00040000:SIGN@00000062"


def _unionpay_chain(
    *,
    signer_name: Any = None,
    signer_days: int = 365,
    signer_start: int = -1,
    issuer: str = "middle",
) -> tuple[str, str, str]:
    """Root, intermediate and signing certificates as PEM, the signer's key 'unionpay'."""
    root = p.certificate(p.name("CFCA TEST ROOT"), p.rsa_key("up-root"), p.name("CFCA TEST ROOT"),
                         p.rsa_key("up-root"), ca=True, days=3650)  # fmt: skip
    middle = p.certificate(p.name("CFCA TEST OCA1"), p.rsa_key("up-middle"), root.subject,
                           p.rsa_key("up-root"), ca=True, days=3650)  # fmt: skip
    issuer_key = p.rsa_key("up-middle" if issuer == "middle" else "up-rogue")
    signer = p.certificate(signer_name or p.name(UNIONPAY_CN), p.rsa_key("unionpay"),
                           middle.subject, issuer_key, ca=False, days=signer_days,
                           start_days=signer_start)  # fmt: skip
    return p.pem(root), p.pem(middle), p.pem(signer)


@pytest.fixture
def unionpay(monkeypatch: pytest.MonkeyPatch) -> Iterator[UnionpayGateway]:
    root, middle, signer = _unionpay_chain()
    paid: dict[str, dict[str, str]] = {}

    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        fields = dict(urllib.parse.parse_qsl(body.decode()))
        if not p.rsa_sha256_valid(p.rsa_key("unionpay-merchant"), signing_text(fields),
                                  fields.get("signature", "")):  # fmt: skip
            return 400, {}, b"bad signature"
        if path.endswith("queryTrans.do"):
            trade = paid.get(fields["orderId"])
            reply = ({"respCode": "00", "origRespCode": "00", **trade} if trade
                     else {"respCode": "34", "respMsg": "no such order"})  # fmt: skip
        else:
            reply = {"respCode": "00", "queryId": "REFUND" + fields["orderId"]}
        reply.update({"version": "5.1.0", "signMethod": "01", "signPubKeyCert": signer})
        reply["signature"] = p.rsa_sha256(p.rsa_key("unionpay"), signing_text(reply))
        return 200, {}, "&".join(f"{k}={v}" for k, v in reply.items()).encode()

    with p.provider_server(answer) as url:
        gateway = UnionpayGateway(UnionpayConfig(
            mer_id="777290058110048", private_key=p.private_pem(p.rsa_key("unionpay-merchant")),
            cert_id="69629715588", root_cert=root, middle_cert=middle, api_url=url,
        ))  # fmt: skip
        gateway.paid = paid  # type: ignore[attr-defined]
        monkeypatch.setitem(GATEWAYS, "unionpay", gateway)
        yield gateway


def unionpay_notice(order: Order, *, signer: str | None = None, key: str = "unionpay",
                    **changes: str) -> dict[str, str]:  # fmt: skip
    fields = {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "01",
        "txnSubType": "01", "bizType": "000201", "accessType": "0", "channelType": "07",
        "merId": "777290058110048", "orderId": order.number, "txnTime": "20261121100000",
        "txnAmt": str(order.amount_fen), "currencyCode": "156", "queryId": "7921121000000001",
        "respCode": "00", "respMsg": "success", "traceNo": "000001", "settleDate": "1121",
        "signPubKeyCert": signer or _unionpay_chain()[2],
    }  # fmt: skip
    fields.update(changes)
    fields["signature"] = p.rsa_sha256(p.rsa_key(key), signing_text(fields))
    return fields


def test_unionpay_notification_credits_once(unionpay: UnionpayGateway, order: Order) -> None:
    params = unionpay_notice(order)
    assert _post_form("unionpay", params) == (200, "ok")
    assert _status(order) == Order.Status.PAID
    assert (order.gateway, order.method) == ("unionpay", "银联")
    assert _post_form("unionpay", params) == (200, "ok")
    assert _outcome() == "duplicate"


@pytest.mark.parametrize(
    ("chain", "changes", "outcome"),
    [
        ({}, {"key": "someone-else"}, "forged signature"),
        ({"issuer": "rogue"}, {}, "forged signature"),  # not issued by UnionPay's intermediate
        ({"signer_name": p.name("041@Z12@00040000:SIGN@1", "某公司")}, {}, "forged signature"),
        ({"signer_name": p.name("041@Z12@00040000:ENC@1")}, {}, "forged signature"),
        ({"signer_days": 10, "signer_start": -30}, {}, "forged signature"),  # expired
        ({}, {"signMethod": "11"}, "forged signature"),
        ({}, {"merId": "777290058110099"}, "not for this merchant"),
        ({}, {"txnAmt": "1"}, "amount or currency mismatch"),
        ({}, {"currencyCode": "840"}, "amount or currency mismatch"),
        ({}, {"txnAmt": "12.80"}, "malformed"),
        ({}, {"respCode": "01"}, "payment failed"),
        ({}, {"txnType": "04"}, "refund notice"),
    ],
)
def test_unionpay_refusals_change_nothing(
    unionpay: UnionpayGateway, order: Order, chain: dict[str, Any], changes: dict[str, str],
    outcome: str,
) -> None:  # fmt: skip
    changes = dict(changes)
    key = changes.pop("key", "unionpay")
    signer = _unionpay_chain(**chain)[2]
    status, _ = _post_form("unionpay", unionpay_notice(order, signer=signer, key=key, **changes))
    assert _outcome() == outcome
    assert status == (200 if outcome in ("payment failed", "refund notice") else 400)
    assert _status(order) == Order.Status.PENDING


def test_unionpay_tampered_field_and_bad_certificates(
    unionpay: UnionpayGateway, order: Order
) -> None:
    params = unionpay_notice(order)
    assert _post_form("unionpay", {**params, "txnAmt": "1"})[0] == 400
    assert _post_form("unionpay", {**params, "signPubKeyCert": "not a certificate"})[0] == 400
    assert _post_form("unionpay", {**params, "signature": "!!"})[0] == 400
    assert _status(order) == Order.Status.PENDING


def test_unionpay_start_form_is_signed_with_the_merchant_key(
    unionpay: UnionpayGateway, order: Order
) -> None:
    start = unionpay.start(order)
    fields = dict(start.form_fields)
    assert start.form_action.endswith("/frontTransReq.do")
    assert (fields["orderId"], fields["txnAmt"], fields["currencyCode"]) == (
        order.number,
        "128000",
        "156",
    )
    assert p.rsa_sha256_valid(p.rsa_key("unionpay-merchant"), signing_text(fields),
                              fields["signature"])  # fmt: skip


def test_unionpay_start_page_posts_the_signed_form(
    unionpay: UnionpayGateway, member_user: User, order: Order
) -> None:
    client = Client()
    client.force_login(member_user)
    page = client.post(f"/payments/orders/{order.number}/start/", {"method": "工商银行"})
    text = page.content.decode()
    assert f'action="{unionpay.config.api_url}/frontTransReq.do"' in text
    assert f'name="orderId" value="{order.number}"' in text
    assert 'name="signature"' in text


def test_unionpay_query_settles_and_refunds(unionpay: UnionpayGateway, order: Order) -> None:
    order_started(order, "unionpay")
    assert orders_settle(timezone.now()) == []
    unionpay.paid[order.number] = {"txnAmt": "128000", "queryId": "7921121000000077"}  # type: ignore[attr-defined]
    assert orders_settle(timezone.now()) == [order.number]
    made = refund(order_id=order.pk, amount_fen=28000, reason="部分退回")
    made.refresh_from_db()
    assert (made.status, made.transaction) == ("succeeded", "7921121000000077")
    assert made.reference == "REFUND" + made.number


def test_the_order_page_offers_what_is_configured(
    alipay: AlipayGateway, member_user: User, order: Order
) -> None:
    client = Client()
    client.force_login(member_user)
    page = client.get(f"/payments/orders/{order.number}/").content.decode()
    assert "支付宝支付" in page
    assert "工商银行" in page  # the sandbox takes the banks here
    response = client.post(f"/payments/orders/{order.number}/start/", {"method": "支付宝支付"})
    assert response.status_code == 302
    assert response["Location"].startswith(alipay.config.gateway_url + "?")
    order.refresh_from_db()
    assert order.started_with == "alipay"


def test_the_hall_starts_with_every_real_gateway_configured(tmp_path: Path) -> None:
    """The gateways built from the environment as production builds them (no test's stand-in
    in GATEWAYS): the hall loads its apps and its URLs with all three. Until the apps were
    layered, WeChat Pay alone stopped the start with a circular import."""
    root, middle, _signer = _unionpay_chain()
    keys = {
        "ALIPAY_APP_ID": "2021000000000001",
        "ALIPAY_PRIVATE_KEY": p.private_pem(p.rsa_key("alipay-merchant")),
        "ALIPAY_ALIPAY_PUBLIC_KEY": p.public_pem(p.rsa_key("alipay")),
        "WECHATPAY_MCHID": "1900000001", "WECHATPAY_APPID": "wx0000000000000001",
        "WECHATPAY_PRIVATE_KEY": p.private_pem(p.rsa_key("wechat-merchant")),
        "WECHATPAY_CERT_SERIAL_NO": "4F4864EA9B34", "WECHATPAY_APIV3_KEY": APIV3_KEY,
        "WECHATPAY_PUBLIC_KEY": p.public_pem(p.rsa_key("wechat")),
        "WECHATPAY_PUBLIC_KEY_ID": WECHAT_KEY_ID,
        "UNIONPAY_MER_ID": "777290058110048",
        "UNIONPAY_PRIVATE_KEY": p.private_pem(p.rsa_key("unionpay-merchant")),
        "UNIONPAY_CERT_ID": "69629715588", "UNIONPAY_ROOT_CERT": root,
        "UNIONPAY_MIDDLE_CERT": middle,
    }  # fmt: skip
    env = {**os.environ, "HALL_DEBUG": "1", "HALL_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "hall.settings",
           "HALL_PAYMENT_GATEWAYS": "alipay,wechat,unionpay",
           **{f"HALL_{name}": value for name, value in keys.items()}}  # fmt: skip
    script = ("import django; django.setup(); from django.urls import resolve; "
              "from hall.payments.gateways import GATEWAYS; resolve('/'); "
              "print(sorted(GATEWAYS))")  # fmt: skip
    started = subprocess.run([sys.executable, "-c", script], env=env, text=True,
                             capture_output=True, check=False,
                             cwd=Path(__file__).parents[2] / "src")  # fmt: skip
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == "['alipay', 'unionpay', 'wechat']"
