"""The notification center and e-mail beside SMS (issue 23): every event is a notice in the
hall, an SMS where it has a template and an e-mail to a confirmed address, each as the account
chose; the confirmation link; the pages, each the account's own; floods and bad addresses."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.workflow import application_transition
from hall.jobs import queue
from hall.jobs.models import Job
from hall.members.lifecycle import membership_calendar
from hall.members.models import Member
from hall.notices import services
from hall.notices.events import EVENTS
from hall.notices.models import EmailConfirmation, Notice, Preference
from hall.payments.models import Order
from hall.payments.orders import order_credit, order_for
from hall.payments.refunds import refund
from hall.sms.models import SmsMessage
from tests.hall.conftest import log_in
from tests.hall.steps import fulfil

pytestmark = pytest.mark.django_db(transaction=True)
Status = Application.Status
ADDRESS = "finance@example.com"

#: Each event with parameters as its teller gives them, and the SMS it goes with (if any).
EXAMPLES: dict[str, tuple[dict[str, object], services.Sms | None]] = {
    "approved": ({"kind": "变更", "number": 7, "status": "已批准", "reason": ""},
                 services.Sms("application_status", {"kind": "变更", "number": 7,
                                                     "status": "已批准"})),
    "returned": ({"kind": "变更", "number": 7, "status": "退回修改", "reason": "缺公章"},
                 services.Sms("application_status_reason", {"kind": "变更", "number": 7,
                              "status": "退回修改", "reason": "缺公章"})),
    "rejected": ({"kind": "变更", "number": 7, "status": "不予批准", "reason": "不符合"},
                 services.Sms("application_status_reason", {"kind": "变更", "number": 7,
                              "status": "不予批准", "reason": "不符合"})),
    "application": ({"kind": "变更", "number": 7, "status": "待上传资料", "reason": ""},
                    services.Sms("application_status", {"kind": "变更", "number": 7,
                                                        "status": "待上传资料"})),
    "paid": ({"number": 7, "amount": "1000.00", "order": "2026120600001"}, None),
    "refund": ({"order": "2026120600001", "amount": "1000.00", "refund": "R1"}, None),
    "renewal": ({"name": "杭州示例", "number": "物编注字第100001号", "until": "2027-03-01"},
                services.Sms("renewal_reminder", {"name": "杭州示例",
                             "number": "物编注字第100001号", "until": "2027-03-01"})),
    "data_problem": ({"job": 3, "failed": 12}, None),
    "import_refused": ({"job": 3, "problem": "不是表格"}, None),
}  # fmt: skip


def _confirmed(user: User, address: str = ADDRESS) -> User:
    User.objects.filter(pk=user.pk).update(email=address, email_confirmed=True)
    user.refresh_from_db()
    return user


def test_every_event_has_an_example() -> None:
    assert set(EXAMPLES) == set(EVENTS)


@pytest.mark.parametrize("name", list(EVENTS))
def test_each_event_is_a_notice_an_sms_and_an_email(member_user: User, name: str) -> None:
    params, sms = EXAMPLES[name]
    user = _confirmed(member_user)
    notice = services.notify(recipient=user, event_name=name, params=params,
                             link="/applications/7/", sms_message=sms)  # fmt: skip
    assert notice is not None
    assert Notice.objects.get(recipient=user).event == name
    assert notice.body
    assert "%(" not in notice.body
    texts = list(SmsMessage.objects.filter(mobile=user.mobile).values_list("text", flat=True))
    assert len(texts) == (1 if EVENTS[name].sms else 0)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [ADDRESS]
    assert notice.title in sent.subject
    assert notice.body in sent.body
    assert "http://127.0.0.1:8000/applications/7/" in sent.body
    assert "/notices/settings/" in sent.body


def test_no_mail_to_an_unconfirmed_address_or_none(member_user: User) -> None:
    params, sms = EXAMPLES["returned"]
    services.notify(recipient=member_user, event_name="returned", params=params, sms_message=sms)
    User.objects.filter(pk=member_user.pk).update(email=ADDRESS, email_confirmed=False)
    member_user.refresh_from_db()
    services.notify(recipient=member_user, event_name="returned", params=params, sms_message=sms)
    assert Notice.objects.filter(recipient=member_user).count() == 2
    assert SmsMessage.objects.filter(mobile=member_user.mobile).count() == 2
    assert mail.outbox == []


def test_a_channel_turned_off_is_not_used(member_user: User) -> None:
    user = _confirmed(member_user)
    services.preference_save(user=user, language="zh-hans", wanted={"returned:email"})
    params, sms = EXAMPLES["returned"]
    services.notify(recipient=user, event_name="returned", params=params, sms_message=sms)
    assert not SmsMessage.objects.exists()  # SMS off
    assert len(mail.outbox) == 1
    services.notify(recipient=user, event_name="paid", params=EXAMPLES["paid"][0])
    assert len(mail.outbox) == 1  # paid:email was not kept on
    assert Notice.objects.filter(recipient=user).count() == 2  # the hall always tells


def test_sms_and_mail_go_in_the_recipients_language(member_user: User) -> None:
    user = _confirmed(member_user)
    Preference.objects.create(user=user, language="en")
    params, sms = EXAMPLES["returned"]
    services.notify(recipient=user, event_name="returned", params=params, sms_message=sms)
    assert mail.outbox[0].subject.endswith("Application returned")
    assert "has been returned" in mail.outbox[0].body
    assert "Reason: 缺公章" in mail.outbox[0].body
    assert "Your" in SmsMessage.objects.get().text


def test_a_keyed_notice_is_told_once(member_user: User) -> None:
    user = _confirmed(member_user)
    for _ in range(2):
        services.notify(recipient=user, event_name="data_problem", params={"job": 1, "failed": 2},
                        key="import-1")  # fmt: skip
    assert Notice.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1


def test_a_wrong_call_writes_nothing(member_user: User) -> None:
    with pytest.raises(ValueError, match="takes"):
        services.notify(recipient=member_user, event_name="paid", params={"number": 1})
    with pytest.raises(ValueError, match="SMS is needed"):
        services.notify(recipient=member_user, event_name="renewal",
                        params=EXAMPLES["renewal"][0])  # fmt: skip
    with pytest.raises(ValueError, match="path"):
        services.notify(recipient=member_user, event_name="paid", params=EXAMPLES["paid"][0],
                        link="https://evil.example/")  # fmt: skip
    for foreign in ("//evil.example/", "/\\evil.example/", "applications/1/"):
        with pytest.raises(ValueError, match="path"):
            services.notify(recipient=member_user, event_name="paid",
                            params=EXAMPLES["paid"][0], link=foreign)  # fmt: skip
    with pytest.raises(LookupError):
        services.notify(recipient=member_user, event_name="nonsense", params={})
    assert not Notice.objects.exists()


# --- The tellers: each call site ------------------------------------------------------------


@pytest.fixture
def reviewers(member: Member) -> dict[str, User]:
    return {
        "branch": User.objects.create_user("13900000010", "x", role=User.Role.BRANCH,
                                           branch=member.branch),
        "center": User.objects.create_user("13900000012", "x", role=User.Role.CENTER),
    }  # fmt: skip


def _application(user: User, status: str, kind: str = Application.Kind.CHANGE) -> Application:
    member = user.member
    assert member is not None
    return fulfil(Application.objects.create(kind=kind, member=member, applicant=user,
                                             branch=member.branch, status=status))  # fmt: skip


def test_a_return_reaches_the_app_the_sms_and_the_mail(
    member_user: User, reviewers: dict[str, User]
) -> None:
    user = _confirmed(member_user)
    application = _application(user, Status.BRANCH_REVIEW)
    application_transition(application_id=application.pk, action="branch_return",
                           actor=reviewers["branch"], version=application.version,
                           reason="营业执照未盖章")  # fmt: skip
    notice = Notice.objects.get(recipient=user)
    assert (notice.event, notice.link) == ("returned", f"/applications/{application.pk}/")
    assert notice.params["kind"] == "变更"
    assert notice.reason == "营业执照未盖章"
    assert "营业执照未盖章" in SmsMessage.objects.get(mobile=user.mobile).text
    assert "营业执照未盖章" in mail.outbox[0].body


def test_approval_and_rejection_are_told(member_user: User, reviewers: dict[str, User]) -> None:
    approved = _application(member_user, Status.CENTER_REVIEW)
    application_transition(application_id=approved.pk, action="center_approve",
                           actor=reviewers["center"], version=approved.version)  # fmt: skip
    rejected = _application(member_user, Status.CENTER_REVIEW)
    application_transition(application_id=rejected.pk, action="center_reject",
                           actor=reviewers["center"], version=rejected.version,
                           reason="材料不实")  # fmt: skip
    events = list(Notice.objects.filter(recipient=member_user).values_list("event", flat=True))
    assert sorted(events) == ["approved", "rejected"]


def test_a_payment_credited_and_its_refund_are_told(
    member_user: User, reviewers: dict[str, User]
) -> None:
    user = _confirmed(member_user)
    application = _application(user, Status.PAYMENT, Application.Kind.RENEWAL)
    application.orders.all().delete()  # fulfil's paid order: this one is paid now
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_for(application).pk)
        assert order_credit(order, transaction_id="T1", method="sandbox", gateway="sandbox")
    paid = Notice.objects.get(recipient=user, event="paid")
    assert paid.link == f"/payments/orders/{order.number}/"
    assert order.number in paid.body
    refund(order_id=order.pk, amount_fen=order.amount_fen, reason="重复缴费")
    assert Notice.objects.filter(recipient=user, event="refund").count() == 1
    assert [m.subject.split("】")[1] for m in mail.outbox] == ["费用已到账", "退款已受理"]


def test_the_renewal_window_reaches_every_account_of_the_member(
    member_user: User, member: Member
) -> None:
    user = _confirmed(member_user)
    clerk = User.objects.create_user("13900000004", "x", member=member, member_role="clerk")
    for _ in range(2):  # the daily job run twice tells once
        membership_calendar(member.valid_until - timedelta(days=30))
    assert Notice.objects.filter(event="renewal").count() == 2
    assert {n.recipient_id for n in Notice.objects.all()} == {user.pk, clerk.pk}
    assert SmsMessage.objects.filter(mobile=clerk.mobile).count() == 1
    assert SmsMessage.objects.filter(mobile=member.mobile).count() == 1  # the contact's
    assert len(mail.outbox) == 1  # only the confirmed address


def test_an_import_with_bad_rows_is_a_data_problem(member_user: User, member: Member) -> None:
    rows = "商品条码,厂商识别代码,产品名称,品牌,规格型号,净含量,净含量单位,GPC细块代码,状态\n"
    rows += ",69212345,缺品牌,,规格,1,kg,10000232,使用中\n"
    job = queue.enqueue("products_import", owner=f"member:{member.pk}",
                        arguments={"member": member.pk, "actor": member_user.pk},
                        input_name="a.csv", input_data=rows.encode())  # fmt: skip
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    notice = Notice.objects.get(recipient=member_user)
    assert (notice.event, notice.link) == ("data_problem", f"/products/import/{job.pk}/")
    assert notice.params == {"job": str(job.pk), "failed": "1"}
    refused = queue.enqueue("products_import", owner=f"member:{member.pk}",
                            arguments={"member": member.pk, "actor": member_user.pk},
                            input_name="b.csv", input_data=b"a,b,c\n1,2,3\n")  # fmt: skip
    told = Notice.objects.get(key=f"import-{refused.pk}")
    assert told.event == "import_refused"
    assert "表头" in told.body


# --- The e-mail address and its confirmation link -------------------------------------------


def _link_token(body: str) -> str:
    return body.split("/notices/email/confirm/")[1].split("/", maxsplit=1)[0]


def test_an_address_is_confirmed_by_its_link(client: Client, member_user: User) -> None:
    log_in(client, member_user.mobile)
    response = client.post("/notices/email/", {"email": " Finance@Example.com "})
    assert response.status_code == 302
    member_user.refresh_from_db()
    assert (member_user.email, member_user.email_confirmed) == (ADDRESS, False)
    assert mail.outbox[0].to == [ADDRESS]
    token = _link_token(mail.outbox[0].body)
    assert client.get(f"/notices/email/confirm/{token}/").status_code == 200
    assert not User.objects.get(pk=member_user.pk).email_confirmed  # a GET confirms nothing
    client.post(f"/notices/email/confirm/{token}/")
    assert User.objects.get(pk=member_user.pk).email_confirmed
    again = client.post(f"/notices/email/confirm/{token}/", HTTP_REFERER="/notices/settings/")
    assert again.status_code == 302  # refused, the message says it is confirmed already


def _old_token(user: User, address: str, age: int) -> str:
    signer = signing.TimestampSigner(salt="hall.notices.email")
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - age)  # type: ignore[method-assign]
    return signer.sign_object({"user": user.pk, "email": address})


@pytest.mark.parametrize("case", ["forged", "expired", "another's", "stale"])
def test_a_bad_confirmation_link_confirms_nothing(
    member_user: User, other_user: User, case: str
) -> None:
    User.objects.filter(pk=member_user.pk).update(email=ADDRESS)
    member_user.refresh_from_db()
    token = {
        "forged": services.confirmation_token(member_user, ADDRESS)[:-3] + "abc",
        "expired": _old_token(member_user, ADDRESS, services.CONFIRM_SECONDS + 60),
        "another's": services.confirmation_token(other_user, ADDRESS),
        "stale": services.confirmation_token(member_user, "old@example.com"),
    }[case]
    with pytest.raises(services.HallError):
        services.email_confirm(user=member_user, token=token)
    assert not User.objects.get(pk=member_user.pk).email_confirmed
    fresh = _old_token(member_user, ADDRESS, 60)  # a minute old: still good
    services.email_confirm(user=member_user, token=fresh)
    assert User.objects.get(pk=member_user.pk).email_confirmed


@pytest.mark.parametrize("bad", ["not-an-address", "a@b", "x" * 250 + "@example.com",
                                 "a@example.com\nBcc: victim@example.com", ""])  # fmt: skip
def test_a_bad_address_is_refused_with_a_message(
    client: Client, member_user: User, bad: str
) -> None:
    log_in(client, member_user.mobile)
    response = client.post("/notices/email/", {"email": bad}, follow=True)
    assert "请输入有效的电子邮箱地址" in response.content.decode()
    assert User.objects.get(pk=member_user.pk).email == ""
    assert mail.outbox == []


def test_a_stranger_cannot_be_mailed_again_and_again(
    member_user: User, other_user: User, fresh_user: User
) -> None:
    victim = "victim@example.com"
    services.email_set(user=member_user, address=victim, client="10.0.0.1")
    with pytest.raises(services.RateLimited):  # the same minute, another account, same victim
        services.email_set(user=other_user, address=victim, client="10.0.0.2")
    with pytest.raises(services.RateLimited):  # the same account, another address
        services.email_set(user=member_user, address="b@example.com", client="10.0.0.1")
    # Past the minute's limit, the day's count in the database still holds.
    for _ in range(4):
        EmailConfirmation.objects.create(user=fresh_user, address=victim)
    with pytest.raises(services.RateLimited, match="今天"):
        services.email_set(user=fresh_user, address=victim, client="10.0.0.3")
    assert len(mail.outbox) == 1
    assert User.objects.get(pk=fresh_user.pk).email == ""


# --- The pages ----------------------------------------------------------------------------


def _notices(user: User, count: int) -> list[Notice]:
    told = []
    for number in range(count):
        notice = services.notify(recipient=user, event_name="data_problem",
                                 params={"job": number, "failed": 1},
                                 link=f"/products/import/{number}/")  # fmt: skip
        assert notice is not None
        told.append(notice)
    return told


def test_the_center_lists_only_ones_own_and_marks_them_read(
    client: Client, member_user: User, other_user: User
) -> None:
    mine = _notices(member_user, 25)
    theirs = _notices(other_user, 1)[0]
    log_in(client, member_user.mobile)
    page = client.get("/notices/").content.decode()
    assert 'id="unread-count">(25)' in page
    assert page.count('class="unread"') == 20  # a page of 20
    assert f"notice-{theirs.pk}" not in page
    assert client.get("/notices/?page=2").content.decode().count('class="unread"') == 5
    opened = client.post(f"/notices/{mine[0].pk}/open/")
    assert opened["Location"] == "/products/import/0/"
    assert Notice.objects.get(pk=mine[0].pk).read_at is not None
    client.post(f"/notices/{mine[1].pk}/read/")
    assert services.unread_count(member_user) == 23
    # Unread first: the read ones go to the end.
    first = client.get("/notices/").content.decode()
    assert f"notice-{mine[0].pk}" not in first
    for path in (f"/notices/{theirs.pk}/open/", f"/notices/{theirs.pk}/read/"):
        assert client.post(path).status_code == 404
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    assert client.get(f"/notices/{mine[2].pk}/open/").status_code == 405  # POST only
    client.post("/notices/read-all/")
    assert services.unread_count(member_user) == 0
    assert services.unread_count(other_user) == 1
    assert 'id="unread-count"' not in client.get("/notices/").content.decode()


def test_the_pages_need_a_login(client: Client) -> None:
    for path in ("/notices/", "/notices/settings/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")


def test_the_settings_page_keeps_the_choices(client: Client, member_user: User) -> None:
    log_in(client, member_user.mobile)
    page = client.get("/notices/settings/").content.decode()
    assert 'name="returned__sms"' in page
    assert 'name="paid__sms"' not in page
    client.post("/notices/settings/", {"language": "en", "returned__email": "on",
                                       "paid__email": "on"})  # fmt: skip
    preference = Preference.objects.get(user=member_user)
    assert preference.language == "en"
    assert not preference.wants("returned", "sms")
    assert preference.wants("returned", "email")
    assert preference.wants("paid", "email")
    bad = client.post("/notices/settings/", {"language": "fr"})
    assert bad.status_code == 200  # the form says what is wrong; nothing saved
    assert 'class="field-error"' in bad.content.decode()
    assert Preference.objects.get(user=member_user).language == "en"


def test_removing_the_address_stops_the_mail(client: Client, member_user: User) -> None:
    user = _confirmed(member_user)
    log_in(client, user.mobile)
    client.post("/notices/email/remove/")
    user.refresh_from_db()
    services.notify(recipient=user, event_name="paid", params=EXAMPLES["paid"][0])
    assert (user.email, mail.outbox) == ("", [])


# --- Settings -----------------------------------------------------------------------------


def test_production_refuses_the_development_mail_backends(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.hall.test_env import KEY, STRONG

    def start(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "import hall.settings"], text=True,
                              capture_output=True, check=False,
                              env={"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path),
                                   "HALL_SECRET_KEY": KEY, **STRONG, **env})  # fmt: skip

    assert start().returncode == 0  # SMTP to the local mail server by default
    for backend in ("console", "file", "locmem"):
        refused = start(HALL_EMAIL_BACKEND=backend)
        assert f"HALL_EMAIL_BACKEND={backend} keeps mail on this machine" in refused.stderr
    clear = start(HALL_EMAIL_HOST="smtp.example.com", HALL_EMAIL_PASSWORD="secret")
    assert "in clear" in clear.stderr
    assert start(HALL_EMAIL_HOST="smtp.example.com", HALL_EMAIL_PASSWORD="secret",
                 HALL_EMAIL_TLS="yes", HALL_EMAIL_PORT="587").returncode == 0  # fmt: skip
    assert "is not a whole number" in start(HALL_EMAIL_PORT="smtp").stderr
    assert "exclude each other" in start(HALL_EMAIL_TLS="1", HALL_EMAIL_SSL="1").stderr


def test_development_writes_mail_where_a_developer_reads_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='hall.settings'; "
            "django.setup(); from django.core.mail import send_mail; "
            "send_mail('s', 'body text', None, ['a@example.com'])")  # fmt: skip
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_DEBUG": "1"},
    )
    written = list((tmp_path / "mail").iterdir())
    assert len(written) == 1
    assert "body text" in written[0].read_text()


def test_the_demo_seeds_a_read_and_an_unread_notice() -> None:
    from hall.notices import demo

    out = io.StringIO()
    assert demo.seed(out) == []  # no demo member's login: nothing to seed
    call_command("demo", stdout=out)
    for _ in range(2):  # the demo run twice doubles nothing
        lines = demo.seed(out)
    assert "member@example.com" in lines[0]
    user = User.objects.get(mobile=demo.MOBILE)
    assert user.email_confirmed
    assert Notice.objects.filter(recipient=user, key__startswith="demo-").count() == 2
    assert services.unread_count(user) >= 1
    approved = Notice.objects.get(recipient=user, key="demo-approved")
    assert approved.body.startswith("您的注册申请")


# --- Sending: retried while the server is away, not when it refuses the address ----------


@pytest.fixture
def tries() -> list[str]:
    from tests.hall import mailers

    mailers.TRIES.clear()
    return mailers.TRIES


def test_a_mail_server_down_for_a_moment_gets_the_mail_on_a_retry(
    member_user: User, tries: list[str], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.hall.mailers.DownTwice"
    services.notify(recipient=_confirmed(member_user), event_name="paid",
                    params=EXAMPLES["paid"][0])  # fmt: skip
    assert tries == ["down-twice"] * 3  # Celery's eager mode retries at once
    assert len(mail.outbox) == 1


def test_a_refused_address_is_logged_and_not_tried_again(
    member_user: User, tries: list[str], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = "tests.hall.mailers.RefusesTheAddress"
    notice = services.notify(recipient=_confirmed(member_user), event_name="paid",
                             params=EXAMPLES["paid"][0])  # fmt: skip
    assert tries == ["refused"]
    assert "not sent after 1 tries" in caplog.text
    assert notice is not None
    assert Notice.objects.filter(pk=notice.pk).exists()  # the hall's notice stands


def test_old_confirmation_mails_are_forgotten_when_a_new_one_goes(member_user: User) -> None:
    from django.utils import timezone

    long_ago = timezone.now() - timedelta(days=3)
    EmailConfirmation.objects.create(user=member_user, address=ADDRESS, sent_at=long_ago)
    services.email_set(user=member_user, address=ADDRESS, client="10.0.0.1")
    assert not EmailConfirmation.objects.filter(sent_at=long_ago).exists()
    assert EmailConfirmation.objects.count() == 1


def test_the_center_costs_as_many_queries_for_sixty_notices_as_for_three(
    client: Client, member_user: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_in(client, member_user.mobile)
    counts = []
    for total in (3, 60):
        _notices(member_user, total - Notice.objects.filter(recipient=member_user).count())
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notices/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
