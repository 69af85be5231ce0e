"""SMS providers that send registered templates, not text: Aliyun SMS (hall.sms.aliyun) and
Tencent Cloud SMS (hall.sms.tencent), each through its provider's SDK.

A provider takes ``(mobile, template name, parameters)``, finds the template code the operator
registered for that name (``HALL_SMS_TEMPLATES``) and sends it under the registered signature
(``HALL_SMS_SIGNATURE``) with the template's parameters (hall.sms.templates). What the
provider answers decides what happens next:

- :class:`SmsProviderBusy`: the same message may pass later (the provider's rate limits, its
  own faults, the network). The task ``hall.sms.send`` tries again with a growing pause.
- :class:`SmsProviderRefused`: it never will (a template or signature not approved, a wrong
  key, a number the provider refuses). Logged with the provider's code, not retried.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from hall.core.errors import Unavailable
from hall.sms.templates import template

__all__ = ["Provider", "ProviderConfig", "SmsNotSent", "SmsProviderBusy", "SmsProviderRefused"]

logger = logging.getLogger("hall.sms")

#: The providers by HALL_SMS_BACKEND's short name: the class, imported only when chosen (its
#: SDK is the optional ``sms`` extra).
PROVIDERS = {"aliyun": "hall.sms.aliyun.AliyunSms", "tencent": "hall.sms.tencent.TencentSms"}


class SmsNotSent(Unavailable):
    """A provider did not take a message. ``details`` holds the provider and its own code."""

    code = "sms_not_sent"
    #: Whether the same message may pass if sent again later.
    transient: ClassVar[bool] = False

    def __init__(self, *, provider: str, provider_code: str, detail: str) -> None:
        super().__init__(
            _("短信服务商 %(provider)s 未发送短信（%(code)s）：%(detail)s")
            % {"provider": provider, "code": provider_code, "detail": detail},
            details={"provider": provider, "provider_code": provider_code},
        )
        self.provider, self.provider_code, self.detail = provider, provider_code, detail

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Celery pickles a task's exception; the keyword-only arguments need saying.
        return partial(type(self), provider=self.provider, provider_code=self.provider_code,
                       detail=self.detail), ()  # fmt: skip


class SmsProviderBusy(SmsNotSent):
    code = "sms_provider_busy"
    transient = True


class SmsProviderRefused(SmsNotSent):
    code = "sms_provider_refused"


@dataclass(frozen=True)
class ProviderConfig:
    """A provider's account as the settings give it (HALL_SMS_*)."""

    signature: str
    templates: Mapping[str, str]
    access_key_id: str
    access_key_secret: str = field(repr=False)
    region: str
    #: ``https://host[:port]``; empty for the provider's own.
    endpoint: str = ""
    #: Tencent Cloud's SmsSdkAppId (the SMS application the templates belong to).
    app_id: str = ""

    @classmethod
    def from_settings(cls) -> ProviderConfig:
        return cls(
            signature=settings.SMS_SIGNATURE, templates=settings.SMS_TEMPLATES,
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET, region=settings.SMS_REGION,
            endpoint=settings.SMS_ENDPOINT, app_id=settings.SMS_APP_ID,
        )  # fmt: skip

    def address(self, default_host: str) -> tuple[str, str]:
        """The scheme and host[:port] the SDK is to call: the endpoint's, or the provider's."""
        if not self.endpoint:
            return "https", default_host
        parts = urlsplit(self.endpoint if "//" in self.endpoint else f"https://{self.endpoint}")
        return parts.scheme, parts.netloc


class Provider(ABC):
    """A provider's adapter: :meth:`send_template` is the hall's side, :meth:`_send` the SDK's."""

    #: HALL_SMS_BACKEND's short name, in logs and errors.
    name: ClassVar[str]

    def __init__(self, config: ProviderConfig | None = None) -> None:
        self.config = config or ProviderConfig.from_settings()

    def send_template(self, mobile: str, name: str, params: Mapping[str, str]) -> None:
        """Send template ``name`` to ``mobile``; raise :class:`SmsNotSent` if the provider
        does not take it."""
        code = self.config.templates.get(name)
        if not code:  # the start refuses this (SmsConfig.ready); a message queued before a change
            raise SmsProviderRefused(provider=self.name, provider_code="template_unconfigured",
                                     detail=f"HALL_SMS_TEMPLATES has no {name}")  # fmt: skip
        ordered = [(param, params[param]) for param in template(name).params]
        reference = self._send(mobile, code, ordered)
        logger.info("SMS %s to %s…: taken by %s (%s)", name, mobile[:3], self.name, reference)

    @abstractmethod
    def _send(self, mobile: str, code: str, params: list[tuple[str, str]]) -> str:
        """Send through the SDK; return the provider's reference for the message."""


def not_sent(provider: str, code: str, detail: str, *, transient: bool) -> SmsNotSent:
    """The error for a provider's answer ``code``, busy or refused as its adapter judged."""
    kind = SmsProviderBusy if transient else SmsProviderRefused
    return kind(provider=provider, provider_code=code, detail=detail)
