"""Seed 000's progress bar (续展申请 › 资料上传 › 网上支付 › 分支机构初审 › 编码中心审核) for any
kind of application, and the step an application stands at."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hall.applications.descriptors import Review, descriptor
from hall.applications.models import Application

Status = Application.Status
#: The five steps of seed 000 §2; the first is named after the kind of application.
STEPS = [
    gettext_noop("续展申请"),
    gettext_noop("资料上传"),
    gettext_noop("网上支付"),
    gettext_noop("分支机构初审"),
    gettext_noop("编码中心审核"),
]
#: The status each of those steps stands for (a returned application is back at step 1).
STEP_STATUS: list[str] = [Status.DRAFT, Status.MATERIALS, Status.PAYMENT, Status.BRANCH_REVIEW,
                          Status.CENTER_REVIEW]  # fmt: skip


def stages(kind: str) -> list[int]:
    """Which of the five steps the kind goes through: a free kind has no payment, and the
    branch alone decides a request about an account."""
    described = descriptor(kind)
    skipped = set() if described.paid else {2}
    if described.review == Review.BRANCH:
        skipped.add(4)
    return [n for n in range(5) if n not in skipped]


def progress_steps(kind: str) -> list[str]:
    """The bar's labels for the kind."""
    first = _("%(kind)s申请") % {"kind": Application.Kind(kind).label}
    return [first, *(_(STEPS[n]) for n in stages(kind)[1:])]


def progress_step(application: Application) -> int:
    """The bar's step (from 1) the application stands at; one past the last once closed."""
    kind_stages = stages(application.kind)
    status = str(Status.DRAFT if application.status == Status.RETURNED else application.status)
    if status in STEP_STATUS and STEP_STATUS.index(status) in kind_stages:
        return kind_stages.index(STEP_STATUS.index(status)) + 1
    return len(kind_stages) + 1
