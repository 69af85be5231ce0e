"""Request bodies are bounded per route (issue 19, part 6): a body over its route's limit is
refused with 413 before a byte of it is read, a body without a length with 411; nothing is
written, no upload is spooled. Each refusal is timed and its memory measured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from hall.applications import uploads
from hall.core.bodylimits import route_limit
from hall.jobs.models import Job
from hall.lookup import batch
from hall.lookup import views as lookup_views
from hall.payments.models import Notification
from hall.products import views as product_views
from tests.hall.bounded import MB, measured

pytestmark = pytest.mark.django_db
MULTIPART = "multipart/form-data; boundary=xyz"


class Endless:
    """A client that sends zeros for ever: counts what the hall reads of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        count = 65_536 if size is None or size < 0 else size
        self.read_bytes += count
        return b"\0" * count

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size)


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Path]:
    """The folder Django spools large uploads to: it must stay empty. (The URLs are imported
    first: the measures are of a refusal, not of the hall's first request.)"""
    Client().get("/query/")
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        yield tmp_path


def _post(client: Client, path: str, length: int | None, stream: Endless,
          content_type: str = MULTIPART, **extra: str) -> Any:  # fmt: skip
    environ = {"wsgi.input": stream, "CONTENT_TYPE": content_type, **extra}
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    return client.generic("POST", path, **environ)


def _nothing_written(spool: Path) -> None:
    assert list(spool.iterdir()) == []
    assert Notification.objects.count() == 0
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/query/photo/", "11 MB"),  # anonymous: the attack's 500 MB upload
        ("/products/import/", "51 MB"),
        ("/applications/1/upload/licence/", "3 MB"),
        ("/payments/notify/sandbox/", "64 KB"),
        ("/accounts/login/", "2.5 MB"),  # every other route: Django's own limit
    ],
)
def test_a_body_over_its_routes_limit_is_refused_unread(path: str, shown: str,
                                                        spool: Path) -> None:  # fmt: skip
    stream = Endless()
    with measured() as cost:
        response = _post(Client(), path, 500 * MB, stream)
    assert response.status_code == 413
    assert f"请求内容过大：此处最多接受 {shown}" in response.content.decode()
    assert stream.read_bytes == 0
    _nothing_written(spool)
    assert cost.within(1.0, 5 * MB), cost


def test_the_api_answers_its_json_error(spool: Path) -> None:
    stream = Endless()
    with measured() as cost:
        response = _post(Client(), "/api/v1/verify/jobs", 100 * MB, stream)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "body_too_large"
    assert error["details"] == {"limit_bytes": 65 * MB}
    assert stream.read_bytes == 0
    _nothing_written(spool)
    assert cost.within(1.0, 5 * MB), cost


def test_a_body_without_a_length_is_refused(spool: Path) -> None:
    """WSGI gives Django no length for a chunked body, and Django reads none of it: refused
    rather than taken for an empty notification (which would be written down)."""
    stream = Endless()
    with measured() as cost:
        response = _post(Client(), "/payments/notify/sandbox/", None, stream,
                         "application/x-www-form-urlencoded",
                         HTTP_TRANSFER_ENCODING="chunked")  # fmt: skip
    assert response.status_code == 411
    assert "请求须注明内容长度" in response.content.decode()
    assert stream.read_bytes == 0
    _nothing_written(spool)
    assert cost.within(1.0, 5 * MB), cost
    api = _post(Client(), "/api/v1/verify/jobs", None, stream, HTTP_TRANSFER_ENCODING="chunked")
    assert api.json()["error"]["code"] == "length_required"


def test_a_body_within_the_limit_reaches_its_view(client: Client) -> None:
    posted = client.post("/payments/notify/sandbox/", {"out_trade_no": "X1", "sign": "bad"})
    assert posted.status_code != 413
    assert Notification.objects.get().outcome  # the view read it and wrote it down
    assert client.get("/query/photo/").status_code == 200  # no body, no limit


def test_the_refusal_in_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/query/"})
    response = _post(client, "/query/photo/", 20 * MB, Endless())
    assert "The request is too large: at most 11 MB is accepted here" in response.content.decode()


def test_each_limit_holds_its_routes_own_upload() -> None:
    """The settings' numbers are written out (settings cannot import the apps): each must leave
    room for the upload its view takes, so that the view's own friendlier message answers a file
    a little too large."""
    room = {"lookup:photo": lookup_views.MAX_PHOTO_BYTES,
            "applications:upload": uploads.MAX_BYTES, "products:detail": uploads.MAX_BYTES,
            "products:proof": 30 * MB, "products:import": product_views.MAX_IMPORT_BYTES,
            "api:verify_job_start": batch.MAX_FILE_BYTES}  # fmt: skip
    for name, upload in room.items():
        assert settings.BODY_LIMITS[name] >= upload + MB // 2, name
    assert route_limit("/products/7/proof/") == settings.BODY_LIMITS["products:proof"]
    assert route_limit("/nowhere/") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
