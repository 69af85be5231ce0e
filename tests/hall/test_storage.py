"""Files in an S3-compatible store (hall.core.storage), on a real S3 server on loopback (moto's
server mode): what members upload and what jobs write goes to the bucket and comes back through
the hall's permission-checked views; the bucket stays private (no public ACL, nothing readable
without a signature); and the settings come from the environment, refusing what is wrong."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from hall.accounts.models import ApiKey, User
from hall.applications.models import Application, Material
from hall.core.storage import default_storage_settings
from hall.jobs.models import Job
from hall.members.models import Member
from hall.products import bank
from hall.products.models import Product
from tests.hall.conftest import log_in, scan_png
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

TODAY = date.today()
#: Everyone, as an S3 ACL names them: a grant to either makes an object public.
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")  # fmt: skip
S3_VARIABLES = ("HALL_STORAGE", "HALL_S3_BUCKET", "HALL_S3_ENDPOINT_URL", "HALL_S3_REGION",
                "HALL_S3_ACCESS_KEY", "HALL_S3_SECRET_KEY", "HALL_S3_SECRET_KEY_FILE",
                "HALL_S3_ADDRESSING_STYLE", "HALL_S3_LOCATION", "HALL_S3_CUSTOM_DOMAIN",
                "HALL_S3_URL_SECONDS")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_storage_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)


# -- the settings ---------------------------------------------------------------------------


def test_local_files_are_the_default() -> None:
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default_storage_settings() == local


def test_a_bucket_means_s3_with_private_signed_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("HALL_S3_BUCKET", "hall")
    monkeypatch.setenv("HALL_S3_ENDPOINT_URL", "http://10.0.0.5:9000")
    monkeypatch.setenv("HALL_S3_ACCESS_KEY", "hall")
    monkeypatch.setenv("HALL_S3_SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("HALL_S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("HALL_S3_LOCATION", "/uploads/")
    made = default_storage_settings()
    assert made["BACKEND"] == "storages.backends.s3.S3Storage"
    options = made["OPTIONS"]
    assert options["bucket_name"] == "hall"
    assert options["endpoint_url"] == "http://10.0.0.5:9000"
    assert (options["access_key"], options["secret_key"]) == ("hall", "from-a-file")
    assert (options["addressing_style"], options["location"]) == ("path", "uploads")
    assert options["default_acl"] is None  # the bucket's own, private
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 300
    assert options["file_overwrite"] is False
    assert options["max_memory_size"] == 4 * 2**20
    assert options["region_name"] is None
    assert options["custom_domain"] is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"HALL_STORAGE": "s3"}, "needs HALL_S3_BUCKET"),
        ({"HALL_STORAGE": "ftp"}, "must be local or s3"),
        ({"HALL_STORAGE": "local", "HALL_S3_BUCKET": "hall"}, "files would stay on this"),
        ({"HALL_S3_BUCKET": "hall", "HALL_S3_ACCESS_KEY": "k"}, "go together"),
        ({"HALL_S3_BUCKET": "hall", "HALL_S3_ADDRESSING_STYLE": "dns"}, "must be one of"),
        ({"HALL_S3_BUCKET": "hall", "HALL_S3_URL_SECONDS": "0"}, "outside 1-604800"),
    ],
)
def test_wrong_storage_settings_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage_settings()


# -- a real S3 server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    finally:
        server.stop()


class Bucket:
    """The test's own bucket, read as an operator would, beside the hall."""

    def __init__(self, endpoint: str, name: str) -> None:
        self.endpoint, self.name = endpoint, name
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id="hall",
                                   aws_secret_access_key="hall-secret")  # fmt: skip
        self.client.create_bucket(Bucket=name)

    def names(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body

    def assert_private(self, key: str) -> None:
        """No grant to everyone, and an unsigned GET refused."""
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES], grants
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}", timeout=10)
        assert refused.value.code == 403


@pytest.fixture
def bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Bucket:
    """The hall's default storage on a fresh bucket, configured as an operator would: by the
    environment, read by the same function the settings call."""
    made = Bucket(s3_server, f"hall-{uuid.uuid4().hex[:12]}")
    for name, value in {"HALL_S3_BUCKET": made.name, "HALL_S3_ENDPOINT_URL": s3_server,
                        "HALL_S3_REGION": "us-east-1", "HALL_S3_ACCESS_KEY": "hall",
                        "HALL_S3_SECRET_KEY": "hall-secret",
                        "HALL_S3_ADDRESSING_STYLE": "path"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings()}
    return made


def _png(colour: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    out.seek(0)
    out.name = "picture.png"
    return out


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _filed(clerk: Client, product: Product, **files: Any) -> None:
    data = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL 瓶装",
            "net_content": "550", "net_content_unit": "mL", "gpc_brick": "10000232",
            "level": "each", "quantity": "1", "version": str(product.version), **files}  # fmt: skip
    assert clerk.post(f"/products/{product.pk}/", data).status_code == 302


@pytest.mark.django_db
def test_a_product_picture_goes_to_the_bucket_and_comes_back(
    *,
    bucket: Bucket,
    client: Client,
    member_user: User,
    member: Member,
    other_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    log_in(client, member_user.mobile)
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    _filed(client, product, image=_png("red"))
    product.refresh_from_db()
    assert bucket.names() == [product.image.name]
    assert product.image.name.startswith(f"products/{TODAY.year}/")
    stored = bucket.read(product.image.name)
    assert Image.open(io.BytesIO(stored)).getpixel((0, 0)) == (255, 0, 0)
    bucket.assert_private(product.image.name)
    own = client.get(f"/products/{product.pk}/image/")
    assert (own.status_code, _body(own)) == (200, stored)
    rival = Client()
    log_in(rival, other_user.mobile)
    assert rival.get(f"/products/{product.pk}/image/").status_code == 404
    assert Client().get(f"/query/image/{product.gtin}").status_code == 404  # a draft
    client.post(f"/products/{product.pk}/act/", {"action": "publish"})
    public = Client().get(f"/query/image/{product.gtin}")
    assert (public.status_code, _body(public)) == (200, stored)
    again = Client().get(f"/query/image/{product.gtin}", HTTP_IF_NONE_MATCH=public["ETag"])
    assert again.status_code == 304
    product.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # as the request's commit does
        _filed(client, product, image=_png("blue"))  # a new picture: a new object, a new ETag
    product.refresh_from_db()
    assert bucket.names() == [product.image.name]  # the replaced one is gone
    changed = Client().get(f"/query/image/{product.gtin}", HTTP_IF_NONE_MATCH=public["ETag"])
    assert changed.status_code == 200
    assert Image.open(io.BytesIO(_body(changed))).getpixel((0, 0)) == (0, 0, 255)


@pytest.mark.django_db
def test_application_documents_stay_private_and_reach_only_their_readers(
    bucket: Bucket, client: Client, member_user: User, member: Member, *, other_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    """A scan uploaded for an application is in the bucket, private; the member reads it
    through the hall, another member cannot; the archive job reads the scans back from the
    bucket and writes the merged TIFF there; a URL the storage signs works, an unsigned one
    does not."""
    application = Application.objects.create(kind="renewal", member=member, applicant=member_user,
                                             branch=member.branch, status="materials")  # fmt: skip
    log_in(client, member_user.mobile)
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(f"/applications/{application.pk}/upload/licence/",
                               {"image": scan_png(), "version": 1})  # fmt: skip
    assert uploaded.status_code == 302
    material = Material.objects.get(application=application)
    application.refresh_from_db()
    assert bucket.names() == sorted([material.image.name, application.archive.name])
    for key in bucket.names():
        bucket.assert_private(key)
    archived = Image.open(io.BytesIO(bucket.read(application.archive.name)))
    assert (archived.format, archived.n_frames) == ("TIFF", 1)
    path = f"/applications/{application.pk}/materials/{material.pk}/"
    own = client.get(path)
    assert (own.status_code, _body(own)) == (200, bucket.read(material.image.name))
    stranger = Client()
    log_in(stranger, other_user.mobile)
    assert stranger.get(path).status_code == 404
    signed = default_storage.url(material.image.name)
    assert "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=300" in signed
    with urllib.request.urlopen(signed, timeout=10) as answer:
        assert answer.read() == bucket.read(material.image.name)


@pytest.mark.django_db
def test_a_verification_job_keeps_its_input_and_result_in_the_bucket(
    bucket: Bucket, client: Client, member: Member, django_capture_on_commit_callbacks: Any
) -> None:
    _key, secret = ApiKey.issue(name="retailer")
    upload = io.BytesIO(b"GTIN\n6921234500019\n4006381333931\n123\n")
    upload.name = "gtins.csv"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/verify/jobs", {"file": upload}, HTTP_X_API_KEY=secret)
    assert started.status_code == 202
    job = Job.objects.get(pk=started.json()["id"])
    assert job.status == Job.Status.DONE
    assert bucket.names() == sorted([job.input.name, job.output.name])
    bucket.assert_private(job.output.name)
    result = client.get(f"/api/v1/verify/jobs/{job.pk}/result", HTTP_X_API_KEY=secret)
    assert result.status_code == 200
    text = _body(result)
    assert text == bucket.read(job.output.name)
    assert text.decode().splitlines()[1].startswith("6921234500019,1,06921234500019,,1,69212345")
    other_secret = ApiKey.issue(name="another retailer")[1]
    refused = client.get(f"/api/v1/verify/jobs/{job.pk}/result", HTTP_X_API_KEY=other_secret)
    assert refused.status_code == 404


@pytest.mark.django_db
def test_a_print_proof_and_its_report_are_kept_in_the_bucket(
    bucket: Bucket, client: Client, member_user: User, member: Member
) -> None:
    log_in(client, member_user.mobile)
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    symbol = encode(product.display_gtin)
    proof = io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=600))
    proof.name = "proof.png"
    client.post(f"/products/{product.pk}/proof/", {"image": proof})
    check = product.proofs.get()
    assert bucket.names() == sorted([check.image.name, check.report.name])
    assert bucket.read(check.image.name) == proof.getvalue()
    report = _body(client.get(f"/products/{product.pk}/proof/{check.pk}/"))
    assert report == bucket.read(check.report.name)
    assert b"<html" in report.lower()
