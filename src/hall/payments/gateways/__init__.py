"""Payment gateways behind one interface (:class:`~hall.payments.gateways.base.Gateway`), built
from the settings: the sandbox for development, Alipay, WeChat Pay and UnionPay for real money.

The payer's choice on the order page decides the gateway: a bank goes to UnionPay, the two
wallets to their own; where that gateway is not configured, the sandbox stands in (in
development only); a choice no configured gateway takes is not offered.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

from hall.payments.gateways.alipay import AlipayConfig, AlipayGateway
from hall.payments.gateways.base import (
    Answer,
    Gateway,
    GatewayError,
    Incoming,
    NotificationRefused,
    Paid,
    Start,
)
from hall.payments.gateways.sandbox import SandboxGateway
from hall.payments.gateways.unionpay import UnionpayConfig, UnionpayGateway
from hall.payments.gateways.wechat import WechatConfig, WechatGateway

__all__ = [
    "BANKS", "GATEWAYS", "WALLETS", "Answer", "Gateway", "GatewayError", "Incoming",
    "NotificationRefused", "Paid", "SandboxGateway", "Start", "gateway_for_method",
    "gateways_build", "offered_methods",
]  # fmt: skip

#: Seed 000 §2.3: the banks of the UnionPay page (the last, UnionPay itself, for a card of
#: any other bank), then the two wallets.
BANKS = [
    gettext_noop("工商银行"), gettext_noop("建设银行"), gettext_noop("农业银行"),
    gettext_noop("中国银行"), gettext_noop("招商银行"), gettext_noop("浦发银行"),
    gettext_noop("广发银行"), gettext_noop("邮储银行"), gettext_noop("交通银行"),
    gettext_noop("中信银行"), gettext_noop("光大银行"), gettext_noop("华夏银行"),
    gettext_noop("民生银行"), gettext_noop("兴业银行"), gettext_noop("中国银联"),
]  # fmt: skip
#: (The names are the values posted and kept; the page shows each in the reader's language.)
WALLETS = [gettext_noop("微信支付"), gettext_noop("支付宝支付")]
_WALLET_GATEWAYS = {"微信支付": "wechat", "支付宝支付": "alipay"}


def _build(name: str, config: dict[str, Any]) -> Gateway:
    """One configured gateway; a missing SDK (each adapter imports its own when it is built)
    or a bad key stops the hall at start-up."""
    try:
        if name == "alipay":
            return AlipayGateway(AlipayConfig(**config))
        if name == "wechat":
            return WechatGateway(WechatConfig(**config))
        return UnionpayGateway(UnionpayConfig(**config))
    except ImportError as error:
        raise ImproperlyConfigured(
            f"payment gateway {name}: install tiaoma[pay] ({error.name} is missing)"
        ) from error
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"payment gateway {name}: {error}") from error


#: The configured gateways by name, built once the apps are ready (:func:`gateways_build`).
GATEWAYS: dict[str, Gateway] = {}


def gateways_build() -> None:
    """Build the configured gateways (PaymentsConfig.ready). Not at import: an adapter asks
    for the hall's own notification address, and resolving it loads the URLs, whose views
    import this module."""
    built: dict[str, Gateway] = {}
    for name in settings.PAYMENT_GATEWAYS:
        built[name] = (
            SandboxGateway()
            if name == "sandbox"
            else _build(name, settings.PAYMENT_GATEWAY_SETTINGS[name])
        )
    GATEWAYS.clear()
    GATEWAYS.update(built)


def gateway_for_method(method: str) -> Gateway | None:
    """The gateway that takes this bank or wallet, or None if none is configured for it."""
    name = _WALLET_GATEWAYS.get(method, "unionpay" if method in BANKS else "")
    if not name:
        return None
    return GATEWAYS.get(name) or GATEWAYS.get("sandbox")


def offered_methods() -> tuple[list[str], list[str]]:
    """The banks and wallets the order page offers: those some configured gateway takes."""
    banks = BANKS if gateway_for_method(BANKS[0]) else []
    return banks, [wallet for wallet in WALLETS if gateway_for_method(wallet)]
