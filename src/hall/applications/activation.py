"""An account's request to act for a member whose contact mobile is no longer its own (issue
19): the business licence goes to the member's branch, whose approval (``branch_grant``) is
final and joins the account to the member (hall.accounts.membership)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hall.accounts import membership
from hall.accounts.models import User
from hall.accounts.services import AccountError
from hall.applications.models import Application
from hall.applications.workflow import ON_APPROVAL, WorkflowError, application_transition
from hall.members.models import Member


def activation_request_start(*, user: User, member: Member, data: dict[str, Any]) -> Application:
    """The request, created and submitted at once (step 1 done); the licence is step 2."""
    if user.member_id is not None or user.role != User.Role.MEMBER:
        raise WorkflowError(_("此账号已激活"))
    if member.status == Member.Status.CANCELLED:
        raise WorkflowError(_("该系统成员已注销"))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=Application.Kind.ACTIVATION, member=member, applicant=user,
                branch=member.branch, data=data,
            )  # fmt: skip
    except IntegrityError:
        raise WorkflowError(_("已有一项未办结的激活申请")) from None
    return application_transition(
        application_id=application.pk, action="submit", actor=user, version=application.version
    )


def _approve_activation(application: Application, today: date) -> None:
    assert application.member is not None  # a request names its member
    try:
        membership.member_join(user=application.applicant, member=application.member,
                               how=_("分支机构审核"))  # fmt: skip
    except AccountError as error:  # joined meanwhile (an invitation): nothing to grant
        raise WorkflowError(str(error)) from error


ON_APPROVAL[Application.Kind.ACTIVATION] = _approve_activation
