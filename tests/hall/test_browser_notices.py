"""A notice arriving in the app, by SMS and by e-mail, in a real browser (issue 23): the demo
member confirms an e-mail address through the link mailed to it, the branch returns its
application with a reason, and the member finds the notice in the header's count and the
notification center, the SMS in the outbox and the e-mail in Django's mail outbox.
Screenshots in ``test-artifacts/hall/notices-*.png``."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from hall.accounts.models import User
from hall.applications.models import Application
from hall.notices.models import Notice
from hall.sms.models import SmsMessage
from tests.hall.browser import both_sizes, log_in, shot, text
from tests.hall.steps import fulfil

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "营业执照复印件未加盖公章"


def _under_review(member_user: User) -> Application:
    member = member_user.member
    assert member is not None
    application = Application.objects.create(
        kind=Application.Kind.CHANGE, member=member, applicant=member_user,
        branch=member.branch, status=Application.Status.BRANCH_REVIEW,
    )  # fmt: skip
    return fulfil(application)


@both_sizes
def test_a_returned_application_arrives_in_the_app_by_sms_and_by_mail(page: object) -> None:
    call_command("demo", stdout=io.StringIO())
    member_user = User.objects.get(mobile="13800000001")
    application = _under_review(member_user)
    Notice.objects.all().delete()  # the demo's own notices: this walk counts its one
    mail.outbox.clear()

    # The member gives an address; only the link mailed to it makes it the notices' address.
    log_in(page, "13800000001", "Member2026demo")
    page.click("#notices-link")  # type: ignore[attr-defined]
    page.click("#notice-settings")  # type: ignore[attr-defined]
    page.fill("#id_email", "zhang@example.com")  # type: ignore[attr-defined]
    page.click("#send-confirmation")  # type: ignore[attr-defined]
    assert "待验证" in text(page)
    shot(page, "notices-1-address-waiting")
    assert len(mail.outbox) == 1
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert link.startswith("/notices/email/confirm/")
    page.goto(link)  # type: ignore[attr-defined]
    page.click("#confirm-email")  # type: ignore[attr-defined]
    assert "已验证" in text(page)
    shot(page, "notices-2-address-confirmed")
    page.click("#logout")  # type: ignore[attr-defined]

    # The branch returns the application with its reason.
    log_in(page, "13800000002", "Branch2026demo")
    page.goto(f"/applications/{application.pk}/")  # type: ignore[attr-defined]
    page.fill("#reason-branch_return", REASON)  # type: ignore[attr-defined]
    page.click("#action-branch_return")  # type: ignore[attr-defined]
    assert "退回修改" in text(page)
    page.click("#logout")  # type: ignore[attr-defined]

    # The member: the count in the header, the notice, the SMS, the e-mail.
    log_in(page, "13800000001", "Member2026demo")
    assert page.inner_text("#unread-count") == "(1)"  # type: ignore[attr-defined]
    page.click("#notices-link")  # type: ignore[attr-defined]
    shown = text(page)
    assert "申请被退回" in shown
    assert REASON in shown
    shot(page, "notices-3-center")
    sms = SmsMessage.objects.filter(mobile="13800000001").first()
    assert sms is not None
    assert REASON in sms.text
    returned = mail.outbox[-1]
    assert returned.to == ["zhang@example.com"]
    assert "申请被退回" in returned.subject
    assert REASON in returned.body
    assert f"/applications/{application.pk}/" in returned.body
    notice = Notice.objects.get(recipient=member_user)
    page.click(f"#open-{notice.pk}")  # type: ignore[attr-defined]
    assert page.url.endswith(f"/applications/{application.pk}/")  # type: ignore[attr-defined]
    assert 'id="unread-count"' not in page.content()  # type: ignore[attr-defined]
    shot(page, "notices-4-read-and-opened")

    # In English, the same notice in the reader's words.
    page.click("#language-en")  # type: ignore[attr-defined]
    page.click("#notices-link")  # type: ignore[attr-defined]
    assert "Application returned" in text(page)
    shot(page, "notices-5-english")


def test_the_notice_pages_are_accessible(page: object, live_server: object) -> None:
    """axe, tap targets, sideways scrolling and the rest of test_a11y's checks on the
    notification center (unread and read notices, a second page), the settings (with an
    unconfirmed address) and the confirmation page, at a desk's and a phone's size."""
    from hall.notices import services
    from tests.hall.test_a11y import _walk

    call_command("demo", stdout=io.StringIO())
    member_user = User.objects.get(mobile="13800000001")
    for number in range(25):
        services.notify(recipient=member_user, event_name="data_problem",
                        params={"job": number, "failed": 3}, link="/products/import/")  # fmt: skip
    User.objects.filter(pk=member_user.pk).update(email="zhang@example.com", email_confirmed=False)
    token = services.confirmation_token(member_user, "zhang@example.com")
    log_in(page, "13800000001", "Member2026demo")
    walk = _walk("member", page, live_server)
    for url in ("/notices/", "/notices/?page=2", "/notices/settings/",
                f"/notices/email/confirm/{token}/"):  # fmt: skip
        walk.audit(url)
    page.goto("/notices/")  # type: ignore[attr-defined]
    page.click("#read-all")  # type: ignore[attr-defined]
    walk.audit_here(" all read")
    assert not walk.problems, walk.report()
