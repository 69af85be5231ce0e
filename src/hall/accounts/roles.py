"""What a member's account may do for its member (issue 23): the one home of the rule.

=============  ==========================================================================
role           may
=============  ==========================================================================
管理员 admin   everything a clerk may, and manage the member's accounts (invite, change a
               role, remove)
经办人 clerk   the business: applications, payments, products, reservations, imports,
               proofs, labels, API keys
只读 readonly  look: every application, product, order, invoice and certificate of its
               member, but change nothing
=============  ==========================================================================

Services call :func:`require_member_role` before they change anything; pages ask
:func:`may` to hide the buttons a role may not use. Staff accounts (reviewers, the center)
are not members' accounts: their own checks decide for them. A member's API key made by a
read-only account reads only (hall.api.members): a key acts for its maker's role.
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _

from hall.accounts.models import ApiKey, MemberRole, User
from hall.core.errors import Forbidden

Action = Literal["act", "manage"]

#: The roles that may do each action.
ALLOWED: dict[str, frozenset[str]] = {
    "act": frozenset({MemberRole.ADMIN, MemberRole.CLERK}),
    "manage": frozenset({MemberRole.ADMIN}),
}


def may(user: object, action: Action = "act") -> bool:
    """Whether ``user`` may do ``action`` for its member (anyone not a member's account: yes,
    its own checks decide). A member's API key acts for its maker's role: one made by an
    account now read-only (or removed: then it is revoked anyway) reads only."""
    if isinstance(user, ApiKey):
        return _key_may(user, action)
    if not isinstance(user, User) or user.member_id is None:
        return True
    if user.role != User.Role.MEMBER:  # bound to a member though no member's account: nothing
        return False
    return user.member_role in ALLOWED[action]


def _key_may(key: ApiKey, action: Action) -> bool:
    """A key acts for its maker: a staff account's key (made in the admin, or a staff key with
    no member) has its own checks; a member's account's key acts with the maker's role while the
    maker is active and still an account of the key's member, and changes nothing otherwise
    (fails closed: a key outliving its maker's place reads only)."""
    maker = key.created_by
    if key.member_id is None or maker is None or maker.role != User.Role.MEMBER:
        return True
    if not maker.is_active or maker.member_id != key.member_id:
        return False
    return may(maker, action)


def require_member_role(user: object, action: Action = "act") -> None:
    """Refuse (403, code ``role_forbidden``) what ``user``'s role in its member does not allow."""
    if may(user, action):
        return
    if action == "manage":
        raise Forbidden(_("只有企业管理员可以管理企业账号"), code="role_forbidden")
    raise Forbidden(
        _("只读账号只能查看，不能办理或修改：请联系本企业的管理员变更您的角色"),
        code="role_forbidden",
    )
