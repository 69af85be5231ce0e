"""Where the hall keeps files, from the environment (read by hall.settings).

Uploaded documents, product pictures, print proofs, archives and job files all go through
Django's default storage (their ``FileField``s), so one setting moves them all:

- ``HALL_STORAGE=local`` (the default unless a bucket is named): files under ``MEDIA_ROOT`` on
  this machine, for a hall on one server;
- ``HALL_STORAGE=s3``: an S3-compatible store (AWS S3, MinIO, Ceph, Aliyun OSS, Tencent COS...)
  through django-storages, so that any number of app servers and workers share the files.

Documents are private: objects are written with no ACL (the bucket's own, private, applies),
URLs the storage makes are signed and expire after five minutes, and the hall's pages never
link to the store: every download goes through the hall's view, which checks who asks.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from hall.core.env import env_int, env_str

__all__ = ["default_storage_settings", "static_storage_settings"]

#: botocore's addressing styles: ``path`` for most self-hosted stores (MinIO), ``virtual`` for
#: those that only take the bucket in the host name (Aliyun OSS), ``auto`` lets botocore choose.
ADDRESSING_STYLES = ("auto", "path", "virtual")


def default_storage_settings() -> dict[str, Any]:
    """``STORAGES["default"]``: local files under ``MEDIA_ROOT``, or the S3 store."""
    bucket = env_str("HALL_S3_BUCKET", default="")
    kind = env_str("HALL_STORAGE", default="s3" if bucket else "local")
    if kind == "local":
        if bucket:
            raise ImproperlyConfigured("HALL_S3_BUCKET is set but HALL_STORAGE=local: "
                                       "files would stay on this machine")  # fmt: skip
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"HALL_STORAGE must be local or s3, not {kind!r}")
    if not bucket:
        raise ImproperlyConfigured("HALL_STORAGE=s3 needs HALL_S3_BUCKET")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options(bucket)}


def _s3_options(bucket: str) -> dict[str, Any]:
    style = env_str("HALL_S3_ADDRESSING_STYLE", default="auto")
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"HALL_S3_ADDRESSING_STYLE must be one of "
                                   f"{', '.join(ADDRESSING_STYLES)}, not {style!r}")  # fmt: skip
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Empty: AWS itself, by region; else the store's address, e.g. http://10.0.0.5:9000.
        "endpoint_url": env_str("HALL_S3_ENDPOINT_URL", default="") or None,
        "region_name": env_str("HALL_S3_REGION", default="") or None,
        "addressing_style": None if style == "auto" else style,
        "signature_version": "s3v4",
        "location": env_str("HALL_S3_LOCATION", default="").strip("/"),
        "custom_domain": env_str("HALL_S3_CUSTOM_DOMAIN", default="") or None,
        # Private: no ACL sent (the bucket's own applies, private unless someone opened it),
        # and any URL made for a file signed and short-lived.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("HALL_S3_URL_SECONDS", default=300, low=1, high=604800),
        # Django's rule: a second file of the same name gets a new name, never overwrites the
        # first (two members' uploads, an archive made again while the old one is read).
        "file_overwrite": False,
        # A file read back (a download, a job's input) is fetched whole first: past this size
        # into a temporary file, not memory (a million GTINs' result is 75 MB).
        "max_memory_size": 4 * 2**20,
    }
    access_key = env_str("HALL_S3_ACCESS_KEY", default="")
    secret_key = env_str("HALL_S3_SECRET_KEY", default="")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("HALL_S3_ACCESS_KEY and HALL_S3_SECRET_KEY go together")
    if access_key:  # else boto3's own chain: AWS_* variables, a profile, the instance's role
        options.update(access_key=access_key, secret_key=secret_key)
    return options


def static_storage_settings(*, manifest: bool) -> dict[str, Any]:
    """``STORAGES["staticfiles"]``: whitenoise's compressed files; with ``manifest`` (production,
    after ``collectstatic``) each under a name that carries its content's hash, which whitenoise
    serves as immutable for ten years."""
    name = "CompressedManifestStaticFilesStorage" if manifest else "CompressedStaticFilesStorage"
    return {"BACKEND": f"whitenoise.storage.{name}"}
