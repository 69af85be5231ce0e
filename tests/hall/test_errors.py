"""One error tree (hall.core.errors): a refusal a service gives reaches the user as a clear
message in Chinese or English with the same status and code in both languages, never as a
server error, and nothing of the refused action is written. The cases are the server errors a
new user met before the tree: an exhausted prefix pool, a UPC prefix already allocated, no fee
schedule in force."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from hall.accounts.models import User
from hall.applications.models import Application, ApplicationEvent
from hall.core.errors import Conflict, HallError, server_error
from hall.fees.models import FeeSchedule
from hall.members.models import BranchOffice, CompanyPrefix, Member, PrefixPool
from hall.payments.models import Order
from tests.hall.conftest import make_uscc
from tests.hall.steps import add_licence, fulfil, pay

pytestmark = pytest.mark.django_db
Status = Application.Status

#: The language switch's cookie, and a phrase of each refusal in that language.
LANGUAGES = {
    "pool": {"zh-hans": "已无可分配的代码", "en": "has no free prefix left"},
    "upc": {"zh-hans": "已分配，请核对后重填", "en": "already allocated"},
    "schedule": {"zh-hans": "没有适用的收费标准", "en": "No fee schedule applies"},
}


def _client(user: User, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.fixture
def center(db: None) -> User:
    return User.objects.create_user("13900000099", "x", role=User.Role.CENTER)


def _registration(branch: BranchOffice) -> Application:
    applicant = User.objects.create_user("13500000001", "x")
    data = {"name": "示例企业有限公司", "uscc": make_uscc("91330106MA0000001"),
            "registered_address": "地址", "legal_representative": "法人",
            "contact": "联系人"}  # fmt: skip
    application = Application.objects.create(
        kind=Application.Kind.REGISTRATION, applicant=applicant,
        branch=branch, status=Status.CENTER_REVIEW, data=data,
    )  # fmt: skip
    add_licence(application)
    pay(application)
    return application


def _act(client: Client, application: Application, action: str, *, back: bool,
         **extra: str) -> object:  # fmt: skip
    page = f"http://testserver/applications/{application.pk}/"
    headers = {"HTTP_REFERER": page} if back else {}
    data = {"action": action, "version": str(application.version), "confirmed": "on", **extra}
    return client.post(f"/applications/{application.pk}/act/", data, **headers)


def _unchanged(application: Application, events: int) -> None:
    before = application.status
    application.refresh_from_db()
    assert application.status == before
    assert ApplicationEvent.objects.filter(application=application).count() == events


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exhausted_prefix_pool_is_a_message_not_a_server_error(
    center: User, member: Member, language: str
) -> None:
    block, length = settings.REGISTRATION_POOL
    PrefixPool.objects.create(block=block, length=length, next_number=10**length)  # all taken
    application = _registration(member.branch)
    members, events = Member.objects.count(), application.events.count()
    client = _client(center, language)

    shown = _act(client, application, "center_approve", back=True)
    assert shown.status_code == 302  # type: ignore[attr-defined]
    page = client.get(shown["Location"]).content.decode()  # type: ignore[index]
    assert LANGUAGES["pool"][language] in page

    bare = _act(client, application, "center_approve", back=False)
    assert bare.status_code == 503  # type: ignore[attr-defined]  # the same in both languages
    assert LANGUAGES["pool"][language] in bare.content.decode()  # type: ignore[attr-defined]
    assert Member.objects.count() == members  # no member made, no number taken
    _unchanged(application, events)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_upc_prefix_already_allocated_is_refused_with_nothing_written(
    center: User, member_user: User, member: Member, language: str
) -> None:
    application = Application.objects.create(
        kind=Application.Kind.UPC, member=member, applicant=member_user, branch=member.branch,
        status=Status.CENTER_REVIEW,
    )  # fmt: skip
    fulfil(application)
    taken = CompanyPrefix.objects.filter(member=member).first()
    assert taken is not None
    prefixes, events = CompanyPrefix.objects.count(), application.events.count()
    client = _client(center, language)

    response = _act(client, application, "center_approve", back=False, upc_prefix=taken.prefix)
    assert response.status_code == 302  # type: ignore[attr-defined]  # the page's own answer
    page = client.get(response["Location"]).content.decode()  # type: ignore[index]
    assert LANGUAGES["upc"][language] in page
    assert CompanyPrefix.objects.count() == prefixes
    _unchanged(application, events)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_without_a_fee_schedule_pages_open_and_payment_is_refused(
    member_user: User, member: Member, language: str
) -> None:
    FeeSchedule.objects.all().delete()
    change = Application.objects.create(kind=Application.Kind.CHANGE, member=member,
                                        applicant=member_user, branch=member.branch)  # fmt: skip
    renewal = Application.objects.create(kind=Application.Kind.RENEWAL, member=member,
                                         applicant=member_user, branch=member.branch,
                                         status=Status.PAYMENT)  # fmt: skip
    client = _client(member_user, language)

    assert client.get(f"/applications/{change.pk}/").status_code == 200  # a free kind
    page = client.get(f"/applications/{renewal.pk}/")
    assert page.status_code == 200
    assert LANGUAGES["schedule"][language] in page.content.decode()

    refused = client.post(f"/payments/applications/{renewal.pk}/pay/")
    assert refused.status_code == 503
    assert LANGUAGES["schedule"][language] in refused.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "页面不存在"), ("en", "Page not found")]
)
def test_the_hall_answers_an_unknown_page_in_its_own_look(language: str, title: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert title in response.content.decode()
    assert 'id="refusal"' in response.content.decode()
    api = client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_the_server_error_page_is_the_halls_and_survives_a_broken_context() -> None:
    request = RequestFactory().get("/")
    response = server_error(request)  # no session, no user: the page draws all the same
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_a_refusal_carries_its_code_and_status_whatever_the_language() -> None:
    error = Conflict("此产品已被他人修改，请刷新后再改", code="stale_edit")
    english = Conflict("This product was changed by someone else", code="stale_edit")
    assert (error.status, error.code) == (english.status, english.code) == (409, "stale_edit")
    assert issubclass(Conflict, HallError)
    assert HallError("x").status == 400


def test_a_host_the_hall_does_not_serve_is_400_with_or_without_a_referer() -> None:
    client = Client()
    for headers in ({}, {"HTTP_REFERER": "http://evil.example/x"}):
        response = client.get("/query/", HTTP_HOST="evil.example", **headers)
        assert response.status_code == 400
        assert "请求有误" in response.content.decode()
