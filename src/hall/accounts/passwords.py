"""Password rules beyond Django's: letters and digits both (the hall's accounts guard money); and
Django's minimum length in the hall's words (Django 5.2's Chinese catalogue lacks its message,
so a Chinese page said it in English)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """At least one letter and one digit."""

    def validate(self, password: str, user: object = None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("密码须同时包含字母和数字"), code="password_letters_digits")

    def get_help_text(self) -> str:
        return _("密码须同时包含字母和数字")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least ``min_length`` characters, said in the reader's language."""

    def get_error_message(self) -> str:
        return _("密码太短：至少须 %(min_length)d 个字符") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少须 %(min_length)d 个字符") % {"min_length": self.min_length}
