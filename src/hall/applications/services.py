"""What the member does between the transitions: fill in step 1, upload materials."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.guards import applicant_only
from hall.applications.models import Application, Material
from hall.applications.uploads import clean_image, merge_tiff
from hall.applications.workflow import (
    PAID_KINDS,
    NotFound,
    WorkflowError,
    application_transition,
    visible_to,
)

Status = Application.Status
EDITABLE = {Status.DRAFT, Status.RETURNED}
UPLOADABLE = {Status.MATERIALS, Status.PAYMENT, Status.RETURNED}


#: What a kind's step 1 keeps once submitted: a new login mobile was proven by its code when
#: the request was made, and editing the request must not swap in another.
PINNED: dict[str, frozenset[str]] = {Application.Kind.MOBILE_CHANGE: frozenset({"new_mobile"})}


def _locked(application_id: int, user: User) -> Application:
    """The member's application, locked; a request about one account is its applicant's."""
    application = visible_to(user).select_for_update().filter(pk=application_id).first()
    if application is None or user.role != User.Role.MEMBER:
        raise NotFound
    applicant_only(application, user)
    return application


def application_fill(*, application_id: int, user: User, data: dict[str, Any],
                     version: int) -> Application:  # fmt: skip
    """Save step 1; a draft is then submitted (→ materials), a returned one waits to be
    resubmitted from its page."""
    with transaction.atomic():
        application = _locked(application_id, user)
        if application.status not in EDITABLE:
            raise WorkflowError(_("申请当前状态为“%(status)s”，不能修改")
                                % {"status": application.get_status_display()})  # fmt: skip
        if version != application.version:
            raise WorkflowError(_("申请已被更新，请刷新页面后重试"))
        pinned = PINNED.get(application.kind, frozenset())
        changes = {name: value for name, value in data.items() if name not in pinned}
        application.data = {**application.data, **changes}
        application.version += 1
        application.save(update_fields=["data", "version"])
        if application.status == Status.DRAFT:
            application = application_transition(
                application_id=application.pk,
                action="submit",
                actor=user,
                version=application.version,
            )
    return application


def material_add(*, application_id: int, user: User, kind: str, name: str,
                 data: bytes) -> Material:  # fmt: skip
    """Clean and keep one uploaded image, and merge all of them into the archive TIFF."""
    image = clean_image(data)  # refused before anything is written
    with transaction.atomic():
        application = _locked(application_id, user)
        if application.status not in UPLOADABLE:
            raise WorkflowError(_("申请当前状态为“%(status)s”，不能上传资料")
                                % {"status": application.get_status_display()})  # fmt: skip
        material = Material(application=application, kind=kind, original_name=name[:200])
        material.image.save(f"{application.pk}-{kind}.png", ContentFile(image.png), save=False)
        material.save()
        pages = [m.image.read() for m in application.materials.order_by("id")]
        application.archive.save(f"{application.pk}.tif", ContentFile(merge_tiff(pages)),
                                 save=False)  # fmt: skip
        application.save(update_fields=["archive"])
    return material


def materials_done(*, application_id: int, user: User, version: int) -> Application:
    """Step 2 finished: on to payment, or to the branch for the kinds without a fee (the
    workflow's guards want the business licence)."""
    application = visible_to(user).filter(pk=application_id).first()
    if application is None:
        raise NotFound
    action = "materials_done" if application.kind in PAID_KINDS else "materials_done_free"
    return application_transition(
        application_id=application.pk, action=action, actor=user, version=version
    )
