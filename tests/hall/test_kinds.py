"""Every application kind is described once (hall.applications.descriptors) and whole: a
form that takes a valid step 1, what approval does, a fee rule where the kind is paid (and a
positive fee from the schedule), documents the workflow can ask for, a certificate the PDF
knows, a template that loads, a start page that resolves, SMS texts and labels in English too.
The walk is :func:`problems`; the last test shows it catches an incomplete descriptor."""

from __future__ import annotations

import dataclasses

import polib
import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from hall.applications.descriptors import (
    GENERIC_START,
    KINDS,
    NOTIFIED,
    NOTIFIED_TEXT,
    KindDescriptor,
    descriptor,
)
from hall.applications.forms import ApplicationForm
from hall.applications.guards import MISSING
from hall.applications.models import Application
from hall.members.certificates import TITLES
from hall.members.models import Member
from tests.hall.steps import VALID_DATA

pytestmark = pytest.mark.django_db
CATALOGUE = "src/hall/locale/en/LC_MESSAGES/django.po"
PLACEHOLDERS = {"hall": "大厅", "kind": "注册", "number": 1, "status": "已批准",
                "certificate": "物编注字第000001号"}  # fmt: skip


def _english() -> set[str]:
    return {entry.msgid for entry in polib.pofile(CATALOGUE) if entry.translated()}


def problems(described: KindDescriptor, member: Member, english: set[str]) -> list[str]:
    """What is missing or wrong in one kind's descriptor."""
    checks = (_form, _workflow, _pages, _texts)
    return [f"{described.kind}: {problem}" for check in checks
            for problem in check(described, member, english)]  # fmt: skip


def _form(described: KindDescriptor, member: Member, english: set[str]) -> list[str]:
    if not (isinstance(described.form, type) and issubclass(described.form, ApplicationForm)):
        return ["its form is not an application form"]
    form = described.form(data={**VALID_DATA.get(described.kind, {}), "version": 1},
                          member=member)  # fmt: skip
    return [] if form.fields and form.is_valid() else [f"its form refuses step 1: {form.errors}"]


def _workflow(described: KindDescriptor, member: Member, english: set[str]) -> list[str]:
    found = [] if callable(described.approve) else ["approval does nothing"]
    if described.paid and not described.invoice_item:
        found.append("paid, but its invoice names no item")
    found += [f"no message for a missing {document}"
              for document in described.documents if document not in MISSING]  # fmt: skip
    if described.certificate and described.certificate not in TITLES:
        found.append(f"no certificate called {described.certificate!r}")
    return found


def _pages(described: KindDescriptor, member: Member, english: set[str]) -> list[str]:
    found = []
    try:
        get_template(described.template)
    except TemplateDoesNotExist:
        found.append(f"no template {described.template}")
    arguments = [described.kind] if described.starts_at == GENERIC_START else []
    try:
        reverse(described.starts_at, args=arguments)
    except NoReverseMatch:
        found.append(f"its start page {described.starts_at} does not resolve")
    return found


def _texts(described: KindDescriptor, member: Member, english: set[str]) -> list[str]:
    texts = [text for status in Application.Status if (text := described.text(status))]
    found = [f"no English for {text!r}" for text in [*texts, described.invoice_item]
             if text and text not in english]  # fmt: skip
    for text in texts:
        try:
            text % PLACEHOLDERS
        except (KeyError, ValueError, TypeError) as error:
            found.append(f"its SMS text does not format: {error}")
    if str(described.kind.label) not in english:
        found.append(f"no English for its name {described.kind.label}")
    return found


def test_every_kind_has_a_whole_descriptor(member: Member) -> None:
    assert set(KINDS) == set(Application.Kind.values)
    english = _english()
    found = [problem for kind in Application.Kind
             for problem in problems(descriptor(kind), member, english)]  # fmt: skip
    assert found == []


def test_the_paid_kinds_have_a_fee_from_the_schedule(member: Member) -> None:
    for kind, described in KINDS.items():
        if not described.paid:
            continue
        application = Application(kind=kind, member=member, data=VALID_DATA[kind])
        assert described.fee is not None
        fee = described.fee(application)
        assert fee is not None
        assert fee > 0, kind


def test_every_applicant_is_told_of_the_same_statuses() -> None:
    for described in KINDS.values():
        told = {status for status in Application.Status if described.text(status)}
        assert told == NOTIFIED, described.kind
        assert described.text(Application.Status.RETURNED) == NOTIFIED_TEXT


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"template": "applications/no-such.html"}, "no template"),
        ({"starts_at": "applications:no-such-page"}, "does not resolve"),
        ({"certificate": "diploma"}, "no certificate called"),
        ({"invoice_item": ""}, "invoice names no item"),
        ({"texts": {Application.Status.APPROVED: "%(nothing)s"}}, "does not format"),
        ({"texts": {Application.Status.APPROVED: "未翻译的短信"}}, "no English"),
    ],
)
def test_the_walk_catches_an_incomplete_descriptor(
    member: Member, change: dict[str, object], complaint: str
) -> None:
    broken = dataclasses.replace(descriptor(Application.Kind.RENEWAL), **change)  # type: ignore[arg-type]
    assert any(complaint in problem for problem in problems(broken, member, _english()))
