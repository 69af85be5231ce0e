"""The products' background jobs (thin: load, call the service, keep the result)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.core.spreadsheets import TableError, kind_of
from hall.jobs.models import Job
from hall.jobs.queue import progress
from hall.members.models import Member
from hall.products.transfer import import_table


def products_import(current: Job) -> None:
    if current.attempts > 1:
        # The import commits chunk by chunk: running it again after its worker died would
        # give the rows without a GTIN a second one. Say so rather than write twice.
        interrupted = _("上次导入在处理中被中断，已处理的行已保存：请在产品列表核对后，"
                        "只上传尚未导入的行")  # fmt: skip
        current.result = {"refused": interrupted}
        return
    member = Member.objects.get(pk=current.arguments["member"])
    actor = User.objects.filter(pk=current.arguments.get("actor")).first()
    with current.input.open("rb") as upload:
        data = upload.read()
    try:
        report = import_table(member=member, actor=actor, data=data, today=timezone.localdate(),
                              on_progress=lambda done, total: progress(current, done=done,
                                                                       total=total))  # fmt: skip
    except TableError as error:
        current.result = {"refused": str(error)}
        return
    problems = [[line, problem] for line, _row, problem in report.failed[:200]]
    current.result = {"created": report.created, "updated": report.updated,
                      "failed": len(report.failed), "problems": problems}  # fmt: skip
    if report.failed:
        kind = kind_of(data)
        current.output.save(f"errors.{kind}", ContentFile(report.error_file(kind)), save=False)
