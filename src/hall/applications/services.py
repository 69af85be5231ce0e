"""What the member does between the transitions: fill in step 1, upload materials."""

from __future__ import annotations

from datetime import timedelta
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.archive import merged_tiff
from hall.applications.descriptors import descriptor
from hall.applications.fees import application_fee_fen
from hall.applications.guards import applicant_only
from hall.applications.models import Application, Material
from hall.applications.uploads import clean_image
from hall.applications.workflow import (
    NotFound,
    WorkflowError,
    application_transition,
    for_member,
    visible_to,
)
from hall.jobs.models import Job
from hall.jobs.queue import enqueue

Status = Application.Status
#: Step 1's data may be changed until the review starts: while the application waits for its
#: documents too, and at the payment step where the fee stays what it is once fixed (an order
#: placed, or a transfer's proof uploaded: the fee follows the data).
EDITABLE = {Status.DRAFT, Status.RETURNED, Status.MATERIALS, Status.PAYMENT}
UPLOADABLE = {Status.MATERIALS, Status.PAYMENT, Status.RETURNED}
#: An upload may be taken back or replaced until the application is submitted for review; a
#: returned one keeps what its reviewer saw (the member adds to it).
REMOVABLE = {Status.MATERIALS, Status.PAYMENT}


def _locked(application_id: int, user: User) -> Application:
    """The member's application, locked; a request about one account is its applicant's."""
    application = visible_to(user).select_for_update().filter(pk=application_id).first()
    if application is None or user.role != User.Role.MEMBER:
        raise NotFound
    applicant_only(application, user)
    for_member(application, user)
    return application


def application_fill(*, application_id: int, user: User, data: dict[str, Any],
                     version: int) -> Application:  # fmt: skip
    """Save step 1; a draft is then submitted (→ materials), a returned one waits to be
    resubmitted from its page."""
    with transaction.atomic():
        application = _locked(application_id, user)
        if not data_editable(application):
            raise WorkflowError(_("申请当前状态为“%(status)s”，不能修改")
                                % {"status": application.get_status_display()})  # fmt: skip
        if version != application.version:
            raise WorkflowError(_("申请已被更新，请刷新页面后重试"), code="stale_edit")
        # A kind's pinned fields stay as submitted (a new login mobile was proven by its code).
        pinned = descriptor(application.kind).pinned
        changes = {name: value for name, value in data.items() if name not in pinned}
        _fee_kept(application, {**application.data, **changes})
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


def upload_kinds(application: Application) -> list[str]:
    """The documents the member may upload now (and the page offers): the business licence
    while the application is open to uploads; the remittance proof only for a paid kind paid by
    transfer, so at the payment step (seed 000 §2.2 ③: online payment needs none), or later
    where one was uploaded then."""
    if application.status not in UPLOADABLE:
        return []
    kinds: list[str] = [Material.Kind.LICENCE]
    if descriptor(application.kind).paid and (
        application.status == Status.PAYMENT
        or application.materials.filter(kind=Material.Kind.REMITTANCE).exists()
    ):
        kinds.append(Material.Kind.REMITTANCE)
    return kinds


def _open_to_uploads(application: Application) -> None:
    if application.status not in UPLOADABLE:
        raise WorkflowError(_("申请当前状态为“%(status)s”，不能上传或删除资料")
                            % {"status": application.get_status_display()})  # fmt: skip


def _uploadable(application: Application, kind: str) -> None:
    _open_to_uploads(application)
    if kind not in upload_kinds(application):
        raise WorkflowError(_("此时无需上传%(kind)s") % {"kind": Material.Kind(kind).label})


def data_editable(application: Application) -> bool:
    """Whether the member may still change what it filed in step 1 (at the payment step, so
    long as the fee stays: :func:`_fee_kept`)."""
    return application.status in EDITABLE


def _fee_kept(application: Application, data: dict[str, Any]) -> None:
    """At the payment step, once the fee is fixed (an order placed, or a transfer's proof
    uploaded for the amount shown), step 1 may change only where the fee does not."""
    if application.status != Status.PAYMENT:
        return
    fixed = (application.orders.exists()
             or application.materials.filter(kind=Material.Kind.REMITTANCE).exists())  # fmt: skip
    if not fixed:
        return
    before = application_fee_fen(application)
    after = application_fee_fen(Application(kind=application.kind, member=application.member,
                                            data=data))  # fmt: skip
    if after != before:
        raise WorkflowError(
            _("此项改动会使应缴费用由 %(before)s 元变为 %(after)s 元：已下单或已上传汇款证明后，"
              "费用不能再变；请改回原内容，或撤回后重新申请")
            % {"before": f"{(before or 0) / 100:.2f}", "after": f"{(after or 0) / 100:.2f}"}
        )  # fmt: skip


def material_add(*, application_id: int, user: User, kind: str, name: str, data: bytes,
                 replaces: int | None = None) -> Material:  # fmt: skip
    """Clean and keep one uploaded image (in place of the material ``replaces`` names, which
    goes in the same transaction); all of them are merged into the archive TIFF later, in the
    background (:func:`application_archive`). (Merged here, inside the write transaction, each
    upload took longer than the one before, 4 s to 23 s, and held the database's lock
    meanwhile: another user's login waited 21 s on SQLite.)"""
    image = clean_image(data)  # refused before anything is written
    material = Material(kind=kind, original_name=name[:200])
    try:
        with transaction.atomic():
            application = _locked(application_id, user)
            _uploadable(application, kind)
            if replaces is not None:
                _removable(application, replaces, kind)
                _material_delete(application, replaces)
            material.application = application
            material.image.save(f"{application.pk}-{kind}.png", ContentFile(image.png),
                                save=False)  # fmt: skip
            material.save()
            _archive_later(application.pk)
    except BaseException:
        if material.image.name:  # stored, but its row never committed: no file without a row
            material.image.delete(save=False)
        raise
    return material


def material_remove(*, application_id: int, user: User, material_id: int) -> None:
    """Take an uploaded document back until the application is submitted (a wrong file); the
    last of a required document stays at the payment step (it may be replaced)."""
    with transaction.atomic():
        application = _locked(application_id, user)
        _removable(application, material_id)
        material = application.materials.get(pk=material_id)
        wanted = descriptor(application.kind).documents
        others = application.materials.filter(kind=material.kind).exclude(pk=material_id)
        if application.status == Status.PAYMENT and material.kind in wanted and not others.exists():
            raise WorkflowError(_("%(kind)s是必需的资料，不能删除：请用“替换”上传新的文件")
                                % {"kind": material.get_kind_display()})  # fmt: skip
        _material_delete(application, material_id)
        _archive_later(application.pk)


def _removable(application: Application, material_id: int, kind: str | None = None) -> None:
    """An upload may be taken back or replaced (by one of its own kind) before the review."""
    if application.status not in REMOVABLE:
        raise WorkflowError(
            _("申请已提交审核（“%(status)s”），已上传的资料不能删除或替换，可以再上传")
            % {"status": application.get_status_display()}
        )
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise WorkflowError(_("该资料已不存在（可能已被删除或替换），请刷新页面后重试"))
    if kind is not None and material.kind != kind:
        raise WorkflowError(
            _("只能用同类资料替换：%(kind)s") % {"kind": material.get_kind_display()}
        )


def _material_delete(application: Application, material_id: int) -> None:
    """Delete one of the application's materials; its file once the deletion commits."""
    material = application.materials.filter(pk=material_id).first()
    if material is None:
        raise WorkflowError(_("该资料已不存在（可能已被删除或替换），请刷新页面后重试"))
    storage, name = material.image.storage, material.image.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


#: The background job that merges an application's materials into its archive TIFF.
ARCHIVE_JOB = "applications_archive"
#: How many times the merge starts again when the materials change under it.
ARCHIVE_ATTEMPTS = 20
#: A job queued this long ago and never started is taken for lost (its process ended first).
ARCHIVE_STALE = timedelta(minutes=10)


def _archive_later(application_id: int) -> None:
    """Merge the archive after this upload, once for a burst of them: a job still queued will
    see this upload too (it checks, under the lock this upload holds, that it merged all)."""
    owner = f"application:{application_id}"
    queued = Job.objects.filter(name=ARCHIVE_JOB, owner=owner, status=Job.Status.QUEUED,
                                created_at__gte=timezone.now() - ARCHIVE_STALE)  # fmt: skip
    if not queued.exists():
        enqueue(ARCHIVE_JOB, owner=owner, arguments={"application": application_id})


def application_archive(*, application_id: int) -> None:
    """Merge all of an application's materials into its archive TIFF outside any transaction
    (a minute for many large scans, which no one's login waits for), and keep it if no material
    came meanwhile, else merge again: a member uploads by hand, so this ends."""
    for _attempt in range(ARCHIVE_ATTEMPTS):
        materials = list(Material.objects.filter(application_id=application_id).order_by("id"))
        if not materials:
            _archive_cleared(application_id)
            return
        try:
            with merged_tiff(material.image for material in materials) as tiff:
                if _archive_kept(application_id, [material.pk for material in materials], tiff):
                    return
        except FileNotFoundError:  # removed or replaced while merging: merge what is there now
            continue
    raise WorkflowError(_("资料归档未能完成：上传的资料在合并期间一再变动，请稍后再试"))


def _archive_cleared(application_id: int) -> None:
    """Every material was removed: no archive either (unless one came meanwhile)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application_id)
        replaced = locked.archive.name
        if not replaced or locked.materials.exists():
            return
        Application.objects.filter(pk=application_id).update(archive="")
    Application._meta.get_field("archive").storage.delete(replaced)


def _archive_kept(application_id: int, merged: list[int], tiff: IO[bytes]) -> bool:
    """Keep ``tiff`` as the archive if it holds every material there is now (checked under the
    application's lock, which each upload takes). The file is stored before the lock is taken,
    and the archive it replaces deleted after."""
    field = Application._meta.get_field("archive")
    application = Application.objects.get(pk=application_id)
    name = field.storage.save(field.generate_filename(application, f"{application_id}.tif"),
                              File(tiff))  # fmt: skip
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application_id)
        if list(locked.materials.order_by("id").values_list("pk", flat=True)) != merged:
            field.storage.delete(name)
            return False
        replaced = locked.archive.name
        Application.objects.filter(pk=application_id).update(archive=name)
    if replaced:
        field.storage.delete(replaced)
    return True


def materials_done(*, application_id: int, user: User, version: int) -> Application:
    """Step 2 finished: on to payment, or to the branch for the kinds without a fee (the
    workflow's guards want the business licence)."""
    application = visible_to(user).filter(pk=application_id).first()
    if application is None:
        raise NotFound
    action = "materials_done" if descriptor(application.kind).paid else "materials_done_free"
    return application_transition(
        application_id=application.pk, action=action, actor=user, version=version
    )
