"""UnionPay online gateway payments (银联全渠道, interface version 5.1.0), with ``cryptography``.

UnionPay publishes no maintained Python SDK, so this follows its 5.1.0 signing rules directly
(read from UnionPay's published merchant interface rules; where a rule below is our reading of
them, it says so):

- a message is signed by taking the fields other than ``signature``, sorted by name, joined as
  ``k=v&k=v``; its SHA-256 as lower-case hex; that hex text signed with RSA PKCS#1 v1.5 and
  SHA-256 (``signMethod=01``); the signature in base64;
- the merchant's requests carry ``certId``, the decimal serial number of its signing certificate;
- UnionPay's notifications and answers carry their signing certificate in ``signPubKeyCert``,
  which must chain through UnionPay's intermediate certificate to its root, be in its validity
  period, and name UnionPay: the third ``@`` field of its CN is ``00040000:SIGN`` and its O
  is 中国银联股份有限公司 (our reading of the SDKs' identity check);
- ``respCode`` 00 or A6 is success; UnionPay wants HTTP 200 back.

Configured from settings (``HALL_UNIONPAY_*``): merchant id, private key and certificate id,
UnionPay's root and intermediate certificates, the gateway's addresses.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    from cryptography.x509 import Certificate

    from hall.payments.models import Order, Refund

logger = logging.getLogger("hall.payments")
SUCCESS_CODES = {"00", "A6"}
UNIONPAY_NAME = "中国银联股份有限公司"
SIGN_USAGE = "00040000:SIGN"
CNY = "156"  # ISO 4217 numeric: UnionPay writes currencies as numbers
PRODUCTION_URL = "https://gateway.95516.com/gateway/api"
REFUND_NOTICE = "refund notice"


@dataclass(frozen=True)
class UnionpayConfig:
    mer_id: str
    private_key: str
    cert_id: str
    root_cert: str
    middle_cert: str
    api_url: str = PRODUCTION_URL


def signing_text(params: Mapping[str, str]) -> bytes:
    """The SHA-256 hex of the sorted ``k=v`` pairs: what 5.1.0 signs with the RSA key."""
    joined = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")
    return hashlib.sha256(joined.encode()).hexdigest().encode()


def parse_answer(text: str) -> dict[str, str]:
    """UnionPay's synchronous answers: ``k=v`` pairs joined by ``&``, values not URL-encoded
    (a certificate's PEM holds no ``&``)."""
    pairs = (item.partition("=") for item in text.strip().split("&") if "=" in item)
    return {key: value for key, _, value in pairs}


def txn_time(moment: dt.datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


class UnionpayGateway:
    name = "unionpay"
    signature_headers = ""

    def __init__(self, config: UnionpayConfig) -> None:
        from cryptography import x509  # noqa: PLC0415 - the [pay] extra
        from cryptography.hazmat.primitives.serialization import load_pem_private_key  # noqa: PLC0415

        self.config = config
        self.private_key = load_pem_private_key(config.private_key.encode(), password=None)
        self.root = x509.load_pem_x509_certificate(config.root_cert.encode())
        self.middle = x509.load_pem_x509_certificate(config.middle_cert.encode())
        self.middle.verify_directly_issued_by(self.root)  # a wrong pair fails at start-up

    # Signing our requests and checking UnionPay's -------------------------------------------

    def sign(self, params: dict[str, str]) -> dict[str, str]:
        from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: PLC0415

        assert isinstance(self.private_key, rsa.RSAPrivateKey)
        signed = {**params, "certId": self.config.cert_id}
        raw = self.private_key.sign(signing_text(signed), padding.PKCS1v15(), hashes.SHA256())
        return {**signed, "signature": base64.b64encode(raw).decode()}

    def _unionpay_certificate(self, pem: str) -> Certificate:
        from cryptography import x509  # noqa: PLC0415
        from cryptography.x509.oid import NameOID  # noqa: PLC0415

        cert = x509.load_pem_x509_certificate(pem.encode())
        cert.verify_directly_issued_by(self.middle)
        now = dt.datetime.now(dt.UTC)
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise ValueError("certificate outside its validity period")
        names = cert.subject
        common = [str(a.value) for a in names.get_attributes_for_oid(NameOID.COMMON_NAME)]
        org = [str(a.value) for a in names.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
        fields = common[0].split("@") if common else []
        if len(fields) < 3 or fields[2] != SIGN_USAGE or UNIONPAY_NAME not in org:
            raise ValueError("not UnionPay's signing certificate")
        return cert

    def verified(self, params: Mapping[str, str]) -> bool:
        """Whether UnionPay signed these fields with a certificate of its own."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415
        from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: PLC0415

        if params.get("signMethod") != "01" or params.get("version") != "5.1.0":
            return False
        try:
            key = self._unionpay_certificate(params.get("signPubKeyCert", "")).public_key()
            assert isinstance(key, rsa.RSAPublicKey)
            key.verify(base64.b64decode(params.get("signature", ""), validate=True),
                       signing_text(params), padding.PKCS1v15(), hashes.SHA256())  # fmt: skip
        except (ValueError, TypeError, AssertionError, InvalidSignature):
            return False
        return True

    # The gateway interface ---------------------------------------------------------------

    def _common(self, txn_type: str, txn_sub_type: str, biz_type: str) -> dict[str, str]:
        return {"version": "5.1.0", "encoding": "UTF-8", "signMethod": "01",
                "txnType": txn_type, "txnSubType": txn_sub_type, "bizType": biz_type,
                "accessType": "0", "channelType": "07", "merId": self.config.mer_id}  # fmt: skip

    def start(self, order: Order) -> Start:
        fields = {**self._common("01", "01", "000201"), "orderId": order.number,
                  "txnTime": txn_time(order.created_at), "txnAmt": str(order.amount_fen),
                  "currencyCode": CNY,
                  "frontUrl": public_url("payments:order", order.number),
                  "backUrl": public_url("payments:notify", self.name)}  # fmt: skip
        return Start(form_action=f"{self.config.api_url}/frontTransReq.do",
                     form_fields=self.sign(fields))  # fmt: skip

    def read(self, incoming: Incoming) -> Paid:
        params = incoming.params
        if not self.verified(params):
            raise NotificationRefused("forged signature")
        if params.get("merId") != self.config.mer_id:
            raise NotificationRefused("not for this merchant")
        if params.get("txnType") == "04":
            raise NotificationRefused(REFUND_NOTICE, acknowledged=True)  # our refund's result
        try:
            return Paid(
                params["orderId"],
                int(params["txnAmt"]),
                "CNY" if params["currencyCode"] == CNY else params["currencyCode"],
                params["queryId"],
                params["respCode"] in SUCCESS_CODES,
                "银联",
                None,
            )
        except (KeyError, ValueError):
            raise NotificationRefused("malformed") from None

    def claimed(self, incoming: Incoming) -> tuple[str, str]:
        return incoming.params.get("orderId", ""), incoming.params.get("queryId", "")

    def answer(self, ok: bool) -> Answer:
        return Answer(200 if ok else 400, "ok" if ok else "fail")

    def _post(self, path: str, fields: dict[str, str]) -> dict[str, str]:
        data = urllib.parse.urlencode(self.sign(fields)).encode()
        request = urllib.request.Request(f"{self.config.api_url}/{path}", data=data)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                answer = parse_answer(response.read().decode("utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise GatewayError(f"unionpay {path}: {error}") from error
        if not self.verified(answer):
            raise GatewayError(f"unionpay {path}: the answer's signature does not verify")
        return answer

    def query(self, order: Order) -> Paid | None:
        fields = {**self._common("00", "00", "000000"), "orderId": order.number,
                  "txnTime": txn_time(order.created_at)}  # fmt: skip
        try:
            answer = self._post("queryTrans.do", fields)
            if answer.get("respCode") != "00" or answer.get("origRespCode") not in SUCCESS_CODES:
                return None
            return Paid(order.number, int(answer["txnAmt"]), "CNY", answer["queryId"], True,
                        "银联", None)  # fmt: skip
        except (GatewayError, KeyError, ValueError) as error:
            logger.warning("unionpay query %s: %s", order.number, error)
            return None

    def refund(self, refund: Refund) -> str:
        fields = {**self._common("04", "00", "000201"), "orderId": refund.number,
                  "origQryId": refund.transaction, "txnTime": txn_time(refund.created_at),
                  "txnAmt": str(refund.amount_fen),
                  "backUrl": public_url("payments:notify", self.name)}  # fmt: skip
        answer = self._post("backTransReq.do", fields)
        if answer.get("respCode") not in SUCCESS_CODES:
            raise GatewayError(f"unionpay refund: {answer.get('respCode')} {answer.get('respMsg')}")
        return answer.get("queryId", "")
