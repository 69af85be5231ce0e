"""A notice's e-mail sent by a real Celery worker in its own process, from a real broker
(RabbitMQ, as in production): the worker knows the mail task from its start, and development's
file backend writes the mail under the data directory, where a developer reads it."""

from __future__ import annotations

from collections.abc import Callable
from subprocess import Popen

import pytest
from django.conf import settings
from django.db import transaction

from hall.accounts.models import User
from hall.notices import services
from tests.hall.test_celery import _until, on_the_broker, workers  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_writes_the_notices_mail(
    member_user: User,
    workers: Callable[[], Popen[bytes]],  # noqa: F811 - the fixture
) -> None:
    folder = settings.DATA_DIR / "mail"
    before = set(folder.iterdir()) if folder.exists() else set()
    User.objects.filter(pk=member_user.pk).update(email="a@example.com", email_confirmed=True)
    member_user.refresh_from_db()
    workers()
    with transaction.atomic():
        services.notify(recipient=member_user, event_name="data_problem",
                        params={"job": 41, "failed": 7}, link="/products/import/41/")  # fmt: skip

    def written() -> bool:
        return folder.exists() and bool(set(folder.iterdir()) - before)

    _until(written, 60, "the worker wrote the mail")
    (mail_file,) = set(folder.iterdir()) - before
    text = mail_file.read_text()
    assert "To: a@example.com" in text
    assert "/products/import/41/" in text
