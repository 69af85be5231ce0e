"""Aliyun SMS (阿里云短信服务, API 2017-05-25 ``SendSms``) through Alibaba Cloud's SDK,
alibabacloud-dysmsapi20170525, which signs each request with the V3 signature
(ACS3-HMAC-SHA256 over the method, path, query, the ``host`` and ``x-acs-*`` headers and the
body's SHA-256).

The template's parameters go as ``TemplateParam``, a JSON object by name (the registered
template's ``${name}``). Aliyun answers HTTP 200 with ``Code`` ``OK`` when it takes the
message, 200 with another ``Code`` when it refuses it (``isv.*``), and 4xx/5xx for a request it
cannot authenticate or a fault of its own.
"""

from __future__ import annotations

import json

# The optional ``sms`` extra: this module is imported only by a hall that chose Aliyun.
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import UnretryableException

from hall.sms.providers import Provider, ProviderConfig, not_sent

__all__ = ["AliyunSms"]

#: Aliyun's own host for SendSms (the SDK's choice for the mainland regions).
HOST = "dysmsapi.aliyuncs.com"
#: The answers after which the same message may pass later: the API's rate limits, the
#: per-number flow control (one code a minute a number), Aliyun's own faults.
TRANSIENT = frozenset({
    "Throttling", "Throttling.User", "Throttling.Api", "Throttling.Concurrent",
    "isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError",
})  # fmt: skip
#: Milliseconds the SDK waits to connect and for the answer.
CONNECT_MS, READ_MS = 5_000, 10_000


class AliyunSms(Provider):
    name = "aliyun"

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        scheme, host = self.config.address(HOST)
        self.client = Client(Config(
            access_key_id=self.config.access_key_id,
            access_key_secret=self.config.access_key_secret,
            region_id=self.config.region, endpoint=host, protocol=scheme,
            connect_timeout=CONNECT_MS, read_timeout=READ_MS,
        ))  # fmt: skip

    def _send(self, mobile: str, code: str, params: list[tuple[str, str]]) -> str:
        request = SendSmsRequest(
            phone_numbers=mobile, sign_name=self.config.signature, template_code=code,
            template_param=json.dumps(dict(params), ensure_ascii=False, separators=(",", ":")),
        )  # fmt: skip
        try:
            body = self.client.send_sms(request).body
        except AlibabaCloudException as error:  # 4xx/5xx: not authenticated, or Aliyun's fault
            transient = error.code in TRANSIENT or (error.status_code or 0) >= 500
            raise not_sent(self.name, str(error.code), str(error.message),
                           transient=transient) from error  # fmt: skip
        except UnretryableException as error:  # no answer: the network, a timeout
            # Named by its kind only, and not chained: the SDK's text holds the URL, whose query
            # holds the code, and a traceback in the log would show it.
            cause = type(getattr(error, "inner_exception", None) or error).__name__
            raise not_sent(self.name, "network", cause, transient=True) from None
        if body.code != "OK":
            raise not_sent(self.name, str(body.code), str(body.message),
                           transient=body.code in TRANSIENT)  # fmt: skip
        return str(body.biz_id)
