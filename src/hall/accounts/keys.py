"""A member's API keys, made and revoked by its accounts (the pages: hall.products.views;
the keys at work: hall.api.keys). The role is checked here, whoever calls: a read-only account
makes and revokes no key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import ApiKey, User
from hall.accounts.roles import require_member_role
from hall.accounts.services import AccountError
from hall.core.errors import NotFound
from hall.core.typed import refuse_unprintable

#: The longest name a key may have.
NAME_CHARS = 100


def member_key_issue(*, actor: User, name: str) -> tuple[ApiKey, str]:
    """A new key of the actor's member, named ``name``; the secret, to show once."""
    member = actor.member
    if member is None:
        raise AccountError(_("账号尚未激活：请先用系统成员证书激活"))
    require_member_role(actor)
    name = name.strip()[:NAME_CHARS]
    if not name:
        raise AccountError(_("请填写密钥名称（例如用在哪个系统）"))
    try:
        refuse_unprintable(name)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from None
    return ApiKey.issue(name=name, member=member, created_by=actor)


def member_key_revoke(*, actor: User, key_id: int) -> None:
    """Revoke a key of the actor's member (another member's key: not found, the same answer as
    none)."""
    require_member_role(actor)
    if actor.member_id is None:
        raise NotFound(_("密钥不存在或已停用"))
    live = ApiKey.objects.filter(member_id=actor.member_id, pk=key_id, revoked_at__isnull=True)
    if not live.update(revoked_at=timezone.now()):
        raise NotFound(_("密钥不存在或已停用"))
