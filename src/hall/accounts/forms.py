"""The user center's forms: field checks only; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hall.accounts.mobile import InvalidMobile, normalise
from hall.accounts.models import MemberRole
from hall.core.typed import refuse_unprintable


class MobileField(forms.CharField):
    """A mainland mobile number, normalised to its 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(placeholder=_("请输入手机号"), inputmode="tel", autocomplete="tel")

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text and not self.required:
            return ""
        try:
            return normalise(text)
        except InvalidMobile as error:
            raise forms.ValidationError(str(error), code="mobile") from error


def _code_field(label: Any) -> forms.CharField:
    field = forms.CharField(label=label, max_length=8, required=False)
    field.widget.attrs.update(placeholder=_("请输入验证码"), autocomplete="one-time-code")
    return field


class OneTryInput(forms.TextInput):
    """A captcha's answer is good for one try: the page never shows the used one back."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


def captcha_field() -> forms.CharField:
    """The image captcha's answer (hall.accounts.captcha checks it, once)."""
    field = forms.CharField(label=_("验证码"), max_length=8, required=False, widget=OneTryInput)
    field.widget.attrs.update(placeholder=_("请输入验证码"), autocomplete="off")
    return field


class LoginForm(forms.Form):
    method = forms.ChoiceField(
        label=_("登录选择"),
        choices=[("mobile", _("手机号")), ("gds", _("GDS卡号"))],
        initial="mobile",
        widget=forms.RadioSelect,
    )
    identifier = forms.CharField(
        label=_("手机号 / GDS卡号"), max_length=20, help_text=_("按“登录选择”填写手机号或 GDS 卡号")
    )
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput)
    captcha = captcha_field()


class MobileCodeForm(forms.Form):
    """Step 1 of registration and of "forgot password": a mobile, the image captcha that must be
    solved before a code is sent to it (no SMS for a script), and the SMS code."""

    mobile = MobileField()
    captcha = captcha_field()
    sms_code = _code_field(_("短信验证码"))


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("设置密码"), max_length=128, widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("确认密码"), max_length=128, widget=forms.PasswordInput)


class ActivateForm(forms.Form):
    certificate_number = forms.CharField(
        label=_("物编注字"), max_length=30, help_text=_("参考系统成员证书右上角")
    )
    company_name = forms.CharField(label=_("企业名称"), max_length=200,
                                   validators=[refuse_unprintable])  # fmt: skip
    captcha = captcha_field()


class ActivationCodeForm(forms.Form):
    """Step 2 of activation: the code sent to the member's contact mobile."""

    sms_code = _code_field(_("短信验证码"))


class SecondFactorForm(forms.Form):
    code = forms.CharField(label=_("动态验证码或恢复码"), max_length=16)
    code.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


class EnrolForm(SecondFactorForm):
    """Enrolment: the app's code and the SMS code sent to the account's own mobile."""

    sms_code = _code_field(_("短信验证码"))


class InviteForm(forms.Form):
    mobile = MobileField(label=_("被邀请人手机号"))
    role = forms.ChoiceField(label=_("企业角色"), choices=MemberRole.choices,
                             initial=MemberRole.CLERK, required=False)  # fmt: skip


class ChangeMobileForm(forms.Form):
    """Step 1 of the change of mobile: the owner proves it twice (its password and a code to
    the old number), and the new number is proven by its own code."""

    current_password = forms.CharField(label=_("当前密码"), max_length=128,
                                       widget=forms.PasswordInput)  # fmt: skip
    old_code = _code_field(_("原手机号验证码"))
    new_mobile = MobileField(label=_("新手机号"))
    captcha = captcha_field()
    sms_code = _code_field(_("新手机号验证码"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each button needs its own: the old number's code asks for nothing else.
        self.fields["current_password"].required = False
        self.fields["new_mobile"].required = False


class ChangePasswordForm(forms.Form):
    current_password = forms.CharField(label=_("当前密码"), max_length=128,
                                       widget=forms.PasswordInput)  # fmt: skip
    password = forms.CharField(label=_("新密码"), max_length=128, widget=forms.PasswordInput)
    confirm = forms.CharField(label=_("确认密码"), max_length=128, widget=forms.PasswordInput)
