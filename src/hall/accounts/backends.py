"""Authentication by mobile number or GDS card number (seed 000: 登录选择 手机号 / GDS卡号)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from hall.accounts.mobile import InvalidMobile, normalise
from hall.accounts.models import User

#: Seed 000's 登录选择: what the login's identifier is taken for.
BY_MOBILE, BY_CARD = "mobile", "gds"


def find_user(identifier: str, method: str = BY_MOBILE) -> User | None:
    """The account whose mobile number (``BY_MOBILE``) or GDS card number (``BY_CARD``) is
    ``identifier``: the login's choice says which, so a card number never logs in as a mobile
    nor a mobile as a card."""
    if method == BY_CARD:
        card = (identifier or "").strip()
        return User.objects.filter(gds_card=card).first() if card else None
    try:
        return User.objects.get(mobile=normalise(identifier))
    except (InvalidMobile, User.DoesNotExist):
        return None


class MobileOrCardBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        method: str = BY_MOBILE,
        **kwargs: Any,
    ) -> User | None:
        user = find_user(username or "", method)
        if user is None:
            User().set_password(password)  # the same time whether the account exists or not
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
