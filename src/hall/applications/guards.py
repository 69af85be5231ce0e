"""What each action needs beyond its status and the actor's role (issue 19): the workflow
checks these in the service, so a hand-made post cannot skip what the action's page checks.
The payments add theirs (the paid order) in ``hall.payments.orders``."""

from __future__ import annotations

from collections.abc import Iterable

from django.forms import Form
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.accounts.models import User
from hall.applications.descriptors import FiledBy, Review, descriptor
from hall.applications.models import Application, Material
from hall.applications.workflow import GUARDS, Guard, WorkflowError


def step_one_valid(application: Application, actor: User) -> None:
    """Step 1's fields, checked again as the kind's form checks them."""
    data = {**application.data, "version": application.version}
    form = descriptor(application.kind).form(data=data, member=application.member)
    if not form.is_valid():
        problems = "；".join(_problem(form, name, errors) for name, errors in form.errors.items())
        raise WorkflowError(_("请先完整、正确地填写申请内容：%(problems)s")
                            % {"problems": problems})  # fmt: skip


def _problem(form: Form, name: str, errors: Iterable[object]) -> str:
    field = form.fields.get(name)
    label = f"{field.label}：" if field is not None else ""
    return label + " ".join(str(error) for error in errors)


#: What the applicant is told of a document its kind wants and it has not uploaded.
MISSING = {Material.Kind.LICENCE: gettext_lazy("请先上传加盖公章的营业执照"),
           Material.Kind.REMITTANCE: gettext_lazy("请先上传汇款证明")}  # fmt: skip


def documents_present(application: Application, actor: User) -> None:
    """The documents the kind's descriptor wants are uploaded."""
    uploaded = set(application.materials.values_list("kind", flat=True))
    for wanted in descriptor(application.kind).documents:
        if wanted not in uploaded:
            raise WorkflowError(str(MISSING[wanted]))


def paid_kind(application: Application, actor: User) -> None:
    if not descriptor(application.kind).paid:
        raise WorkflowError(_("此类申请无需缴费"))


def free_kind(application: Application, actor: User) -> None:
    if descriptor(application.kind).paid:
        raise WorkflowError(_("此类申请须先缴费"))


def center_reviewed(application: Application, actor: User) -> None:
    if descriptor(application.kind).review == Review.BRANCH:
        raise WorkflowError(_("此类申请由分支机构审核决定，无需编码中心审核"))


def branch_final(application: Application, actor: User) -> None:
    if descriptor(application.kind).review != Review.BRANCH:
        raise WorkflowError(_("此类申请须经编码中心审核"))


def applicant_only(application: Application, actor: User) -> None:
    """A request about an account (to join a member, a new login mobile) is its applicant's
    alone: the member's other accounts see it, but cannot submit, withdraw or add to it."""
    if (descriptor(application.kind).filed_by == FiledBy.ACCOUNT
            and application.applicant_id != actor.pk):  # fmt: skip
        raise WorkflowError(_("只有申请人本人可以办理此申请"))


#: The guards that look at the kind alone: an action they refuse is not one the kind has.
KIND_GUARDS = frozenset({paid_kind, free_kind, center_reviewed, branch_final})


def kind_has(action: str, application: Application) -> bool:
    """Whether the action is one of the application's kind (a page offers only those)."""
    for guard in GUARDS[action]:
        if guard in KIND_GUARDS:
            try:
                guard(application, application.applicant)
            except WorkflowError:
                return False
    return True


#: Each action's guards, in order (wired in ApplicationsConfig.ready).
ACTION_GUARDS: dict[str, list[Guard]] = {
    "submit": [applicant_only, step_one_valid],
    "materials_done": [applicant_only, paid_kind, documents_present],
    "materials_done_free": [applicant_only, free_kind, documents_present],
    "resubmit": [applicant_only, step_one_valid, documents_present],
    "withdraw": [applicant_only],
    "payment_received": [paid_kind],
    "branch_approve": [center_reviewed, documents_present],
    "branch_grant": [branch_final, documents_present],
    "center_approve": [center_reviewed, documents_present],
    "center_return": [center_reviewed],
    "center_reject": [center_reviewed],
}
