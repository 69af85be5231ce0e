"""WeChat Pay (微信支付) API v3, through the maintained wechatpayv3 SDK.

Configured from settings (``HALL_WECHATPAY_*``): merchant id, app id, the merchant's API private
key and its certificate serial number, the APIv3 key, and WeChat Pay's platform public key with
its id. The payer scans a Native-pay code; WeChat Pay posts JSON whose headers carry an
RSA-SHA256 signature over ``timestamp\\nnonce\\nbody\\n`` and whose resource is encrypted with
AEAD_AES_256_GCM under the APIv3 key; it wants 200/204 for success and a 4xx/5xx with
``{"code": "FAIL"}`` otherwise.

The SDK's own callback() would fetch certificates over the network for an unknown serial number
and raise bare exceptions on odd headers; a notification is a stranger's request, so the serial
is checked here first and the SDK's signature and decryption functions are called directly.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from hall.payments.gateways.base import (
    Answer,
    GatewayError,
    Incoming,
    NotificationRefused,
    Paid,
    Start,
    public_url,
)

if TYPE_CHECKING:
    from hall.payments.models import Order, Refund

logger = logging.getLogger("hall.payments")
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
PRODUCTION_URL = "https://api.mch.weixin.qq.com"


@dataclass(frozen=True)
class WechatConfig:
    mchid: str
    appid: str
    private_key: str
    cert_serial_no: str
    apiv3_key: str
    public_key: str
    public_key_id: str
    api_url: str = PRODUCTION_URL


class WechatGateway:
    name = "wechat"
    signature_headers = "wechatpay-"

    def __init__(self, config: WechatConfig) -> None:
        from wechatpayv3 import WeChatPay, WeChatPayType  # noqa: PLC0415 - the [pay] extra
        from wechatpayv3.utils import load_public_key  # noqa: PLC0415

        self.config = config
        self.client: Any = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE, mchid=config.mchid,
            private_key=config.private_key, cert_serial_no=config.cert_serial_no,
            appid=config.appid, apiv3_key=config.apiv3_key,
            notify_url=public_url("payments:notify", self.name),
            public_key=config.public_key, public_key_id=config.public_key_id, timeout=(5, 15),
        )  # fmt: skip
        self.client._core._gate_way = config.api_url  # the SDK has no setting for it
        self.platform_key = load_public_key(config.public_key)

    def _request(self, call: str, **kwargs: Any) -> dict[str, Any]:
        try:
            code, message = getattr(self.client, call)(**kwargs)
            data: dict[str, Any] = json.loads(message) if message else {}
        except Exception as error:
            raise GatewayError(f"wechat {call}: {error}") from error
        if not 200 <= code < 300:
            raise GatewayError(f"wechat {call}: {code} {data.get('message', '')}")
        return data

    def start(self, order: Order) -> Start:
        data = self._request(
            "pay",
            description=f"{settings.HALL_NAME} {order.number}",
            out_trade_no=order.number,
            amount={"total": order.amount_fen, "currency": order.currency},
        )
        return Start(qr_text=str(data["code_url"]))

    def _verified_body(self, incoming: Incoming) -> dict[str, Any]:
        from wechatpayv3.utils import rsa_verify  # noqa: PLC0415

        headers = incoming.headers
        if (headers.get("wechatpay-signature-type") != SIGNATURE_TYPE
                or headers.get("wechatpay-serial") != self.config.public_key_id):  # fmt: skip
            raise NotificationRefused("forged signature")
        body = incoming.body.decode("utf-8", errors="replace")
        if not rsa_verify(
            headers.get("wechatpay-timestamp", ""),
            headers.get("wechatpay-nonce", ""),
            body,
            headers.get("wechatpay-signature", ""),
            self.platform_key,
        ):
            raise NotificationRefused("forged signature")
        try:
            return dict(json.loads(body))
        except (ValueError, TypeError):
            raise NotificationRefused("malformed") from None

    def _resource(self, notice: dict[str, Any]) -> dict[str, Any]:
        from wechatpayv3.utils import aes_decrypt  # noqa: PLC0415

        resource = notice.get("resource")
        if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise NotificationRefused("malformed")
        try:
            plain = aes_decrypt(
                str(resource["nonce"]),
                str(resource["ciphertext"]),
                str(resource.get("associated_data", "")),
                self.config.apiv3_key,
            )
            return dict(json.loads(plain)) if plain else {}
        except (KeyError, ValueError, TypeError):
            raise NotificationRefused("malformed") from None

    def read(self, incoming: Incoming) -> Paid:
        resource = self._resource(self._verified_body(incoming))
        if not resource:
            raise NotificationRefused("malformed")  # the tag did not match: not our key
        if resource.get("mchid") != self.config.mchid or resource.get("appid") != self.config.appid:
            raise NotificationRefused("not for this merchant")
        try:
            return self._paid(resource, int(incoming.headers["wechatpay-timestamp"]))
        except (KeyError, ValueError, TypeError):
            raise NotificationRefused("malformed") from None

    @staticmethod
    def _paid(transaction: dict[str, Any], timestamp: int | None) -> Paid:
        amount = transaction["amount"]
        return Paid(str(transaction["out_trade_no"]), int(amount["total"]),
                    str(amount.get("currency", "CNY")), str(transaction["transaction_id"]),
                    transaction["trade_state"] == "SUCCESS", "微信支付", timestamp)  # fmt: skip

    def claimed(self, incoming: Incoming) -> tuple[str, str]:
        return "", ""  # the order is in the encrypted resource: unknown until verified

    def answer(self, ok: bool) -> Answer:
        if ok:
            return Answer(200, json.dumps({"code": "SUCCESS"}), "application/json")
        return Answer(400, json.dumps({"code": "FAIL", "message": "refused"}), "application/json")

    def query(self, order: Order) -> Paid | None:
        try:
            data = self._request("query", out_trade_no=order.number)
            paid = self._paid(data, None)
        except (GatewayError, KeyError, ValueError, TypeError) as error:
            logger.warning("wechat query %s: %s", order.number, error)
            return None
        return paid if paid.succeeded else None

    def refund(self, refund: Refund) -> str:
        data = self._request(
            "refund", out_refund_no=refund.number, transaction_id=refund.transaction,
            amount={"refund": refund.amount_fen, "total": refund.order.amount_fen,
                    "currency": refund.order.currency},
        )  # fmt: skip
        if data.get("status") not in ("SUCCESS", "PROCESSING"):
            raise GatewayError(f"wechat refund: {data.get('status')}")
        return str(data.get("refund_id", ""))
