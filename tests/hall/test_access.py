"""Every page of the user center shows the signed-in member's own data, never another's."""

from __future__ import annotations

import pytest
from django.test import Client

from hall.accounts.models import User

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/center/", "/accounts/activate/", "/accounts/mobile/", "/accounts/other/"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_need_a_login(client: Client, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_a_member_sees_only_its_own_company_and_branch(
    client: Client, member_user: User, other_user: User
) -> None:
    client.force_login(member_user)
    own, other = member_user.member, other_user.member
    assert own is not None
    assert other is not None
    for page in PAGES:
        text = client.get(page).content.decode()
        assert other.name not in text
        assert other.certificate_number not in text
        assert "69254321" not in text
        assert other.branch.name not in text
    assert own.name in client.get("/accounts/center/").content.decode()
    assert own.branch.name in client.get("/accounts/other/").content.decode()


def test_test_hooks_exist_only_with_test_settings(client: Client) -> None:
    from hall import urls

    assert any("__test__" in str(pattern.pattern) for pattern in urls.urlpatterns)
