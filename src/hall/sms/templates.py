"""Every message the hall sends by SMS: a named template with parameters.

China's SMS providers (Aliyun SMS, Tencent Cloud SMS) do not send free text: the operator
registers a signature and each template with the provider beforehand, and a message names the
provider's template code and gives its parameters. So each message the hall sends is one
:class:`SmsTemplate` here — its name, its words (the Chinese msgid, in the request's language
when rendered) and its parameters in the order they appear:

- a text backend (``outbox``, ``console``, ``http``) sends :meth:`SmsTemplate.render`: the words,
  after 【the hall's name】;
- a provider sends the template code ``HALL_SMS_TEMPLATES`` maps the name to, the signature
  ``HALL_SMS_SIGNATURE`` and :attr:`SmsTemplate.params` — by name for Aliyun (``${code}``), in
  this order for Tencent Cloud (``{1}``, ``{2}``). The provider's template carries the words,
  so the operator registers each with exactly these parameters; the hall's name (the
  signature) and the code's 5 minutes are written into it, not sent.

>>> CATALOGUE["mobile_changed"].params
('mobile',)
>>> sorted(name for name in CATALOGUE if name.startswith("code_"))[:2]
['code_activate', 'code_change_mobile']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

__all__ = ["CATALOGUE", "SmsTemplate", "by_text", "template", "unconfigured", "unknown"]

#: What every text may use besides its parameters: the hall's name and a code's minutes.
FIXED = ("hall", "minutes")
_PLACEHOLDER = re.compile(r"%\((\w+)\)")


@dataclass(frozen=True)
class SmsTemplate:
    """One message: ``text`` is its gettext_noop'd msgid, ``params`` what a sender supplies."""

    name: str
    text: str
    params: tuple[str, ...] = ()

    def values(self, given: Mapping[str, object]) -> dict[str, str]:
        """The parameters as the providers take them (strings), exactly this template's: a
        missing or unknown one is the caller's mistake, found before anything is sent."""
        if set(given) != set(self.params):
            raise ValueError(
                f"SMS template {self.name} takes {list(self.params)}, was given {sorted(given)}"
            )
        return {name: str(given[name]) for name in self.params}

    def render(self, values: Mapping[str, str]) -> str:
        """The message in the active language, for the backends that send text."""
        fixed = {"hall": settings.HALL_NAME, "minutes": settings.SMS_CODE_SECONDS // 60}
        return _(self.text) % {**fixed, **values}

    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.text))


_CODE = gettext_noop(
    "【%(hall)s】您的验证码是 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请忽略本短信。"
)


def _catalogue(*templates: SmsTemplate) -> dict[str, SmsTemplate]:
    return {each.name: each for each in templates}


#: Every message, by name. The verification codes are ``code_<purpose>`` (SmsCode.Purpose).
CATALOGUE = _catalogue(
    SmsTemplate("code_register", _CODE, ("code",)),
    SmsTemplate("code_reset", _CODE, ("code",)),
    # The new number of a change of login mobile: the account's own, or one the branch approves.
    SmsTemplate("code_change_mobile", gettext_noop(
        "【%(hall)s】您正在将此号码设为登录手机号，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "如非本人操作，请勿将验证码告诉任何人。"), ("code",)),
    SmsTemplate("code_change_mobile_old", gettext_noop(
        "【%(hall)s】您正在修改登录手机号，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "如非本人操作，请勿将验证码告诉任何人。"), ("code",)),
    SmsTemplate("code_second_factor", gettext_noop(
        "【%(hall)s】您正在为审核账号绑定身份验证器，验证码 %(code)s，%(minutes)d 分钟内有效。"
        "如非本人操作，请勿将验证码告诉任何人。"), ("code",)),
    SmsTemplate("code_activate", gettext_noop(
        "【%(hall)s】账号 %(account)s 正在申请成为“%(company)s”在%(hall)s的管理员账号，"
        "验证码 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请勿将验证码告诉任何人。"),
        ("account", "company", "code")),
    SmsTemplate("password_changed", gettext_noop(
        "【%(hall)s】您的账号密码已修改。如非本人操作，请立即找回密码。")),
    SmsTemplate("mobile_changed", gettext_noop(
        "【%(hall)s】您账号的登录手机号已改为 %(mobile)s。如非本人操作，请立即联系所属分支机构。"),
        ("mobile",)),
    SmsTemplate("register_known", gettext_noop(
        "【%(hall)s】有人用您的手机号申请注册，但它已有账号。如忘记密码，请使用“找回密码”。")),
    SmsTemplate("second_factor_enrolled", gettext_noop(
        "【%(hall)s】您的账号已绑定新的身份验证器。如非本人操作，请立即联系管理员。")),
    SmsTemplate("renewal_reminder", gettext_noop(
        "【%(hall)s】%(name)s：系统成员证书（%(number)s）将于 %(until)s 到期，"
        "请在到期前办理续展。"), ("name", "number", "until")),
    SmsTemplate("invitation", gettext_noop(
        "【%(hall)s】%(company)s邀请您的手机号加入其在本大厅的企业账号，%(days)s 天内有效："
        "用本手机号注册或登录后，在“激活”页接受邀请。"), ("company", "days")),
    SmsTemplate("member_invited", gettext_noop(
        "【%(hall)s】已邀请 %(mobile)s 加入本企业账号。如非贵企业所为，请联系所属分支机构。"),
        ("mobile",)),
    SmsTemplate("member_joined", gettext_noop(
        "【%(hall)s】账号 %(account)s 已加入%(company)s（%(how)s）。"
        "如非贵企业所为，请联系所属分支机构。"), ("account", "company", "how")),
    SmsTemplate("member_removed", gettext_noop(
        "【%(hall)s】账号 %(account)s 已被移出%(company)s。如非贵企业所为，请联系所属分支机构。"),
        ("account", "company")),
    SmsTemplate("member_role_changed", gettext_noop(
        "【%(hall)s】%(company)s的账号 %(account)s 的角色已由“%(old)s”改为“%(new)s”。"
        "如非贵企业所为，请联系所属分支机构。"), ("account", "company", "old", "new")),
    SmsTemplate("account_removed", gettext_noop(
        "【%(hall)s】账号 %(account)s 已被移出%(company)s。"), ("account", "company")),
    SmsTemplate("mobile_replaced", gettext_noop(
        "【%(hall)s】账号 %(old)s 的登录手机号已经分支机构审核改为 %(new)s。"), ("old", "new")),
    SmsTemplate("member_mobile_replaced", gettext_noop(
        "【%(hall)s】账号 %(old)s 的登录手机号已经分支机构审核改为 %(new)s。"
        "如非贵企业所为，请联系所属分支机构。"), ("old", "new")),
    # An application's applicant (hall.applications: each kind's descriptor names its texts;
    # a reason given with the transition goes in the _reason template).
    SmsTemplate("application_status", gettext_noop(
        "【%(hall)s】您的%(kind)s申请（编号 %(number)s）状态：%(status)s。"),
        ("kind", "number", "status")),
    SmsTemplate("application_status_reason", gettext_noop(
        "【%(hall)s】您的%(kind)s申请（编号 %(number)s）状态：%(status)s。原因：%(reason)s"),
        ("kind", "number", "status", "reason")),
    SmsTemplate("registration_approved", gettext_noop(
        "【%(hall)s】您的注册申请（编号 %(number)s）已批准，系统成员证书号 "
        "%(certificate)s；请登录用户中心下载证书。"), ("number", "certificate")),
    SmsTemplate("registration_approved_reason", gettext_noop(
        "【%(hall)s】您的注册申请（编号 %(number)s）已批准，系统成员证书号 "
        "%(certificate)s；请登录用户中心下载证书。原因：%(reason)s"),
        ("number", "certificate", "reason")),
)  # fmt: skip


def template(name: str) -> SmsTemplate:
    """The template called ``name``; a name the hall does not have is a programming error."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise LookupError(f"no SMS template {name!r} (hall.sms.templates.CATALOGUE)") from None


def by_text(text: str) -> SmsTemplate:
    """The template whose words are ``text`` (a msgid another app holds, such as a kind's)."""
    for each in CATALOGUE.values():
        if each.text == text:
            return each
    raise LookupError(f"no SMS template has the text {text!r}")


def unconfigured(codes: Mapping[str, str]) -> list[str]:
    """The templates a provider has no code for in ``codes`` (HALL_SMS_TEMPLATES)."""
    return [name for name in CATALOGUE if not codes.get(name)]


def unknown(codes: Mapping[str, str]) -> list[str]:
    """The names in ``codes`` the hall never sends (a misspelt name would hide a missing one)."""
    return sorted(set(codes) - set(CATALOGUE))
