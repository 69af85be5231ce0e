"""Requests about one account that the member's branch decides with the business licence (issue
19), its approval (``branch_grant``) final:

- activation: an account asks to act for a member whose contact mobile is no longer its own,
  and joins it (hall.accounts.membership);
- a new login mobile for a member's account whose old number is gone (the new one proven by
  its code when the request is made).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts import membership
from hall.accounts.models import User
from hall.accounts.services import AccountError
from hall.applications.models import Application
from hall.applications.workflow import WorkflowError, application_transition
from hall.members.models import Member


def activation_request_start(*, user: User, member: Member, data: dict[str, Any]) -> Application:
    """The request, created and submitted at once (step 1 done); the licence is step 2."""
    if user.member_id is not None or user.role != User.Role.MEMBER:
        raise WorkflowError(_("此账号已激活"))
    if member.status == Member.Status.CANCELLED:
        raise WorkflowError(_("该系统成员已注销"))
    return _submitted(Application.Kind.ACTIVATION, user, member, data,
                      already=_("已有一项未办结的激活申请"))  # fmt: skip


def _submitted(kind: str, user: User, member: Member, data: dict[str, Any],
               already: str) -> Application:  # fmt: skip
    """The request made and submitted at once (its step 1 done), one open per applicant."""
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=kind, member=member, applicant=user, branch=member.branch, data=data
            )
    except IntegrityError:
        raise WorkflowError(already) from None
    return application_transition(
        application_id=application.pk, action="submit", actor=user, version=application.version
    )


def approve_activation(application: Application, today: date) -> None:
    assert application.member is not None  # a request names its member
    try:
        membership.member_join(user=application.applicant, member=application.member,
                               how=_("分支机构审核"))  # fmt: skip
    except AccountError as error:  # joined meanwhile (an invitation): nothing to grant
        raise WorkflowError(str(error)) from error


def mobile_change_request_start(*, user: User, data: dict[str, Any]) -> Application:
    """The request for a new login mobile (verified by its code already), submitted at once."""
    member = user.member
    if member is None or user.role != User.Role.MEMBER:
        raise WorkflowError(_("只有系统成员的账号可以申请由分支机构审核更换手机号"))
    return _submitted(Application.Kind.MOBILE_CHANGE, user, member, data,
                      already=_("已有一项未办结的更换手机申请"))  # fmt: skip


def approve_mobile_change(application: Application, today: date) -> None:
    try:
        membership.mobile_replace(user=application.applicant,
                                  new_mobile=str(application.data["new_mobile"]))  # fmt: skip
    except AccountError as error:  # the number was taken meanwhile
        raise WorkflowError(str(error)) from error
