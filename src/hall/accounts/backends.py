"""Authentication by mobile number or GDS card number (seed 000: 登录选择 手机号 / GDS卡号)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from hall.accounts.mobile import InvalidMobile, normalise
from hall.accounts.models import User


def find_user(identifier: str) -> User | None:
    """The account whose mobile number or GDS card number is ``identifier``."""
    try:
        return User.objects.get(mobile=normalise(identifier))
    except (InvalidMobile, User.DoesNotExist):
        pass
    card = (identifier or "").strip()
    return User.objects.filter(gds_card=card).first() if card else None


class MobileOrCardBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = find_user(username or "")
        if user is None:
            User().set_password(password)  # the same time whether the account exists or not
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
