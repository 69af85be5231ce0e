"""Tencent Cloud SMS (腾讯云短信, API 2021-01-11 ``SendSms``) through Tencent Cloud's SDK,
tencentcloud-sdk-python-sms, which signs each request with TC3-HMAC-SHA256 (a key derived from
the secret, the day and the service, over the method, path, the ``content-type`` and ``host``
headers and the body's SHA-256).

The template's parameters go as ``TemplateParamSet``, a list in the template's order (the
registered template's ``{1}``, ``{2}``). Tencent Cloud answers HTTP 200 either way: an
``Error`` for a request it refuses whole (a bad signature, a template not approved, its rate
limits), else a status per number (``Ok`` when it took the message).
"""

from __future__ import annotations

# The optional ``sms`` extra: this module is imported only by a hall that chose Tencent Cloud.
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from hall.sms.providers import Provider, ProviderConfig, not_sent

__all__ = ["TencentSms"]

#: Tencent Cloud's own host for the SMS API.
HOST = "sms.tencentcloudapi.com"
#: The answers after which the same message may pass later: the API's and the sending rate
#: limits, Tencent Cloud's own faults, no answer at all (the SDK's network codes).
TRANSIENT = frozenset({
    "RequestLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.UinLimitExceeded", "LimitExceeded.DeliveryFrequencyLimit",
    "LimitExceeded.GlobalSmsSendingRateLimit", "LimitExceeded.PhoneNumberThirtySecondLimit",
    "InternalError.Timeout", "InternalError.SendAndRecvFail", "InternalError.OtherError",
    "InternalError.UnknownError", "InternalError.RequestTimeException", "InternalError",
    "ClientNetworkError", "ServerNetworkError",
})  # fmt: skip
#: Seconds the SDK waits for the answer.
TIMEOUT_SECONDS = 10


class TencentSms(Provider):
    name = "tencent"

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        scheme, host = self.config.address(HOST)
        profile = ClientProfile(httpProfile=HttpProfile(
            protocol=scheme, endpoint=host, reqTimeout=TIMEOUT_SECONDS))  # fmt: skip
        credential = Credential(self.config.access_key_id, self.config.access_key_secret)
        self.client = SmsClient(credential, self.config.region, profile)

    def _send(self, mobile: str, code: str, params: list[tuple[str, str]]) -> str:
        request = SendSmsRequest()
        request.PhoneNumberSet = [f"+86{mobile}"]
        request.SmsSdkAppId = self.config.app_id
        request.SignName = self.config.signature
        request.TemplateId = code
        request.TemplateParamSet = [value for _, value in params]
        try:
            (status,) = self.client.SendSms(request).SendStatusSet
        except TencentCloudSDKException as error:
            raise not_sent(self.name, str(error.code), str(error.message),
                           transient=error.code in TRANSIENT) from error  # fmt: skip
        if status.Code != "Ok":
            raise not_sent(self.name, str(status.Code), str(status.Message),
                           transient=status.Code in TRANSIENT)  # fmt: skip
        return str(status.SerialNo)
