"""Alipay (支付宝) through its maintained Python SDK, python-alipay-sdk, signing with RSA2.

Configured from settings (``HALL_ALIPAY_*``): the app id, the app's private key and Alipay's
public key (PEM text or ``_FILE``). The payer goes to Alipay's computer-site payment page
(alipay.trade.page.pay); Alipay posts a form notification signed with RSA2 over the sorted
``key=value`` pairs without ``sign`` and ``sign_type``, and wants ``success`` back; queries and
refunds are the SDK's alipay.trade.query and alipay.trade.refund, refund-numbered so a retry
is the same refund.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from hall.fees.money import fen_to_yuan, yuan_to_fen
from hall.payments.gateways.base import (
    BEIJING,
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
PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
PRODUCTION_URL = "https://openapi.alipay.com/gateway.do"


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    private_key: str
    alipay_public_key: str
    gateway_url: str = PRODUCTION_URL


def _beijing_timestamp(text: str) -> int:
    """Alipay writes times as Beijing wall-clock ``YYYY-MM-DD HH:MM:SS``."""
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    return int(moment.timestamp())


class AlipayGateway:
    name = "alipay"
    signature_headers = ""

    def __init__(self, config: AlipayConfig) -> None:
        from alipay import AliPay  # noqa: PLC0415 - the [pay] extra, needed only when configured

        self.config = config
        self.client: Any = AliPay(
            appid=config.app_id,
            app_private_key_string=config.private_key,
            alipay_public_key_string=config.alipay_public_key,
            sign_type="RSA2",
        )
        self.client._gateway = config.gateway_url  # the SDK knows production and its sandbox only

    def start(self, order: Order) -> Start:
        query = self.client.api_alipay_trade_page_pay(
            subject=f"{settings.HALL_NAME} {order.number}",
            out_trade_no=order.number,
            total_amount=fen_to_yuan(order.amount_fen),
            notify_url=public_url("payments:notify", self.name),
            return_url=public_url("payments:order", order.number),
        )
        return Start(redirect=f"{self.config.gateway_url}?{query}")

    def read(self, incoming: Incoming) -> Paid:
        params = dict(incoming.params)
        signature = params.pop("sign", "")
        try:
            genuine = bool(signature) and self.client.verify(params, signature)
        except Exception:
            genuine = False
        if not genuine:
            raise NotificationRefused("forged signature")
        if params.get("app_id") != self.config.app_id:
            raise NotificationRefused("not for this merchant")
        try:
            return Paid(params["out_trade_no"], yuan_to_fen(params["total_amount"]), "CNY",
                        params["trade_no"], params["trade_status"] in PAID_STATES, "支付宝支付",
                        _beijing_timestamp(params["notify_time"]))  # fmt: skip
        except (KeyError, ValueError):
            raise NotificationRefused("malformed") from None

    def claimed(self, incoming: Incoming) -> tuple[str, str]:
        return incoming.params.get("out_trade_no", ""), incoming.params.get("trade_no", "")

    def answer(self, ok: bool) -> Answer:
        return Answer(200, "success" if ok else "fail")  # anything but "success": Alipay retries

    def _call(self, method: str, **kwargs: str) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self.client, method)(**kwargs)
        except Exception as error:
            raise GatewayError(f"alipay {method}: {error}") from error
        return response

    def query(self, order: Order) -> Paid | None:
        try:
            response = self._call("api_alipay_trade_query", out_trade_no=order.number)
        except GatewayError as error:
            logger.warning("%s", error)
            return None
        if response.get("code") != "10000" or response.get("trade_status") not in PAID_STATES:
            return None
        return Paid(order.number, yuan_to_fen(response["total_amount"]), "CNY",
                    response["trade_no"], True, "支付宝支付", None)  # fmt: skip

    def refund(self, refund: Refund) -> str:
        response = self._call(
            "api_alipay_trade_refund",
            refund_amount=fen_to_yuan(refund.amount_fen),
            trade_no=refund.transaction,
            out_request_no=refund.number,
        )
        if response.get("code") != "10000":
            raise GatewayError(f"alipay refund: {response.get('sub_msg') or response.get('msg')}")
        return str(response.get("trade_no", refund.transaction))
