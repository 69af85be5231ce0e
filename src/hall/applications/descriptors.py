"""One description per application kind (conventions.md 17): everything that varies between
registration, renewal, change, cancellation, reissue, EAN-8, UPC, the filings and the requests
about an account lives in one :class:`KindDescriptor`, and the forms, the workflow and its
guards, the fees, the pages, the user center, the invoices and the public register read it.

The descriptors themselves are written in :mod:`hall.applications.catalogue` and registered
here by ``ApplicationsConfig.ready``; adding a kind is one descriptor there (plus its step-1
form and, if it needs one, its own template). ``tests/hall/test_kinds.py`` walks every kind
and fails on a missing part.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

from hall.applications.models import Application, Material

if TYPE_CHECKING:
    from hall.applications.forms import ApplicationForm

__all__ = [
    "GENERIC_START",
    "KINDS",
    "FiledBy",
    "KindDescriptor",
    "Review",
    "descriptor",
    "kinds",
    "register",
]

Status = Application.Status
Approve = Callable[[Application, date], None]
FeeRule = Callable[[Application, "date | None"], "int | None"]


class FiledBy(enum.Enum):
    """Who files the kind, and so where it starts."""

    #: An account not yet a member's (registration makes the member).
    NEWCOMER = "newcomer"
    #: A member's account, from the user center.
    MEMBER = "member"
    #: An account about itself (to join a member, a new login mobile); only its applicant acts.
    ACCOUNT = "account"


class Review(enum.Enum):
    """Who decides (seed 000's steps 4 and 5)."""

    #: The branch reviews first, the coding center decides.
    CENTER = "center"
    #: The branch alone decides (requests about an account).
    BRANCH = "branch"


#: The text every applicant is sent when the application reaches one of these statuses; a
#: kind may say more (``KindDescriptor.texts``). Placeholders: hall, kind, number, status.
NOTIFIED_TEXT = gettext_noop("【%(hall)s】您的%(kind)s申请（编号 %(number)s）状态：%(status)s。")
NOTIFIED = frozenset({Status.MATERIALS, Status.RETURNED, Status.APPROVED, Status.REJECTED})
#: The page most kinds start from (``applications:new`` with the kind).
GENERIC_START = "applications:new"


@dataclass(frozen=True)
class KindDescriptor:
    """What one kind of application is.

    ``fee`` is the kind's fee rule (``None``: the kind is free and has no payment step);
    ``documents`` are the materials the workflow wants before the kind moves on; ``approve``
    is what the deciding reviewer's approval does, inside its transaction; ``certificate``
    names the certificate PDF an approved application gives (``""``: none); ``published``
    puts its approvals on the public register; ``pinned`` are step-1 fields that stay as
    submitted; ``texts`` are the kind's own SMS texts by status (gettext_noop'd, with the
    placeholders of :data:`NOTIFIED_TEXT` and ``certificate``); ``invoice_item`` is what its
    invoice says was paid for.
    """

    kind: Application.Kind
    form: type[ApplicationForm]
    approve: Approve
    filed_by: FiledBy
    review: Review = Review.CENTER
    fee: FeeRule | None = None
    documents: tuple[Material.Kind, ...] = (Material.Kind.LICENCE,)
    certificate: str = ""
    printed_form: Callable[[Application], bytes] | None = None
    published: bool = False
    pinned: frozenset[str] = frozenset()
    texts: Mapping[str, str] = field(default_factory=dict)
    invoice_item: str = ""
    #: Where it starts: the generic new-application page, or a URL name of its own.
    starts_at: str = GENERIC_START
    template: str = "applications/fill.html"

    @property
    def label(self) -> str:
        return str(self.kind.label)

    @property
    def paid(self) -> bool:
        return self.fee is not None

    def text(self, status: str) -> str | None:
        """The msgid of the SMS its applicant gets on reaching ``status``, or None."""
        if status in self.texts:
            return self.texts[status]
        return NOTIFIED_TEXT if status in NOTIFIED else None


KINDS: dict[str, KindDescriptor] = {}


def register(*descriptors: KindDescriptor) -> None:
    """Make the descriptors the hall's kinds (ApplicationsConfig.ready); a kind twice is a
    mistake in the catalogue, not something to settle silently."""
    for described in descriptors:
        if described.kind in KINDS and KINDS[described.kind] is not described:
            raise RuntimeError(f"application kind {described.kind!r} described twice")
        KINDS[described.kind] = described


def descriptor(kind: str) -> KindDescriptor:
    return KINDS[kind]


def kinds(**wanted: Any) -> list[Application.Kind]:
    """The kinds, in the order of :class:`Application.Kind`, whose descriptors have these
    attribute values (``kinds(filed_by=FiledBy.MEMBER)``, ``kinds(paid=True)``)."""
    return [kind for kind in Application.Kind
            if kind in KINDS and all(getattr(KINDS[kind], name) == value
                                     for name, value in wanted.items())]  # fmt: skip
