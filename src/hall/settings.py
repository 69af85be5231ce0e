"""The hall's one settings module, configured from the environment (see ``hall.core.env``).

Every variable and its default:

- ``HALL_DEBUG`` (no): development mode; ``make run`` sets it.
- ``HALL_SECRET_KEY`` (or ``HALL_SECRET_KEY_FILE``): required unless ``HALL_DEBUG``;
  ``HALL_SECRET_KEY_FALLBACKS`` (none): earlier keys, comma-separated, still accepted.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/hall``; default a SQLite file in
  ``HALL_DATA_DIR`` (``var/`` beside the checkout).
- ``HALL_DB_CONN_MAX_AGE`` (600; 0 with ``HALL_DEBUG``): seconds a database connection is kept
  between requests (checked before reuse); 0 behind a pooler such as PgBouncer.
- ``HALL_DB_PREPARED`` (yes): PostgreSQL prepares the GTIN lookup's statement once per
  connection; ``no`` behind a proxy that pools connections by transaction.
- ``HALL_DATABASE_REPLICA_URL`` (none): a read replica (a hot standby, or a role that may only
  read) of the same kind as ``DATABASE_URL``: the public query, the API's lookups and batch
  verification read from it (hall.core.replicas); nothing is written through it.
- ``HALL_STORAGE`` (``local``, or ``s3`` when ``HALL_S3_BUCKET`` is set): where uploads, proofs,
  archives and job files live: under ``HALL_DATA_DIR``/media, or in an S3-compatible store:
  ``HALL_S3_BUCKET``, ``HALL_S3_ENDPOINT_URL`` (none: AWS; e.g. ``http://10.0.0.5:9000``),
  ``HALL_S3_REGION`` (none), ``HALL_S3_ACCESS_KEY`` and ``HALL_S3_SECRET_KEY`` (each may be a
  ``_FILE``; none: boto3's own chain, e.g. an instance role), ``HALL_S3_ADDRESSING_STYLE``
  (``auto``, ``path`` or ``virtual``), ``HALL_S3_LOCATION`` (a folder in the bucket; none),
  ``HALL_S3_CUSTOM_DOMAIN`` (none), ``HALL_S3_URL_SECONDS`` (300: how long a signed URL lasts).
  The bucket stays private: the hall serves every file through its own views.
- ``HALL_STATIC_MANIFEST`` (not ``HALL_DEBUG``): static files under names that carry their
  hash, served as immutable for ten years; needs ``python -m hall collectstatic`` first.
- ``HALL_CACHE_URL``: ``redis://127.0.0.1:6379/0``; default local memory.
- ``HALL_NAME``: the hall's name in its header (never an official body's).
- ``HALL_ALLOWED_HOSTS`` (``127.0.0.1,localhost``), ``HALL_SECURE_COOKIES`` (not ``HALL_DEBUG``).
- ``HALL_SMS_BACKEND``: ``outbox`` (recorded in the database; the development default),
  ``console``, ``http`` (the JSON gateway at ``HALL_SMS_URL`` with ``HALL_SMS_TOKEN``),
  ``aliyun`` (Aliyun SMS), ``tencent`` (Tencent Cloud SMS), or the dotted path of a backend
  class; production refuses the first two. A provider (``aliyun``, ``tencent``) needs:
  ``HALL_SMS_SIGNATURE`` (the registered signature, 签名), ``HALL_SMS_TEMPLATES`` (the
  registered template code of every message the hall sends, ``name=CODE`` comma-separated; the
  names and their parameters are in hall.sms.templates), ``HALL_SMS_ACCESS_KEY_ID`` and
  ``HALL_SMS_ACCESS_KEY_SECRET`` (each may be a ``_FILE``), for Tencent ``HALL_SMS_APP_ID``
  (SmsSdkAppId); ``HALL_SMS_REGION`` (``cn-hangzhou`` / ``ap-guangzhou``) and
  ``HALL_SMS_ENDPOINT`` (the provider's own; ``https://host[:port]``) are optional.
- ``HALL_HSTS_SECONDS`` (a year when cookies are secure).
- ``HALL_EMAIL_BACKEND``: ``file`` (each mail a file under ``HALL_DATA_DIR``/mail; the
  development default), ``console``, ``smtp`` (the production default) or a backend class's
  dotted path; production refuses ``file``, ``console`` and ``locmem``. SMTP:
  ``HALL_EMAIL_HOST`` (``localhost``), ``HALL_EMAIL_PORT`` (25), ``HALL_EMAIL_USER`` and
  ``HALL_EMAIL_PASSWORD`` (may be a ``_FILE``; none), ``HALL_EMAIL_TLS`` (no: STARTTLS) or
  ``HALL_EMAIL_SSL`` (no: TLS from the start), ``HALL_EMAIL_FROM`` (``noreply@`` the host of
  ``HALL_PUBLIC_URL``, after the hall's name).

Production (not ``HALL_DEBUG``) refuses weak settings at start, all named at once: a secret key
under 50 characters, a development SMS backend, the sandbox gateway, no shared cache, no
broker, no ``HALL_PUBLIC_URL``, a data directory inside the installation.
- ``HALL_GTIN_REUSE_MONTHS`` (0): the legacy rule for giving a discontinued GTIN again.
- ``HALL_BROKER_URL`` (a folder under the data directory): the Celery broker, RabbitMQ
  (``amqp://``) or Redis (``redis://``); production requires one.
- ``HALL_TASK_SECONDS`` (3600): how long a background task may run before it is stopped.
- ``HALL_JOB_KEEP_DAYS`` (30): days a finished job and its files are kept.
- ``HALL_SESSIONS`` (``db``): where sessions live: ``db``, ``cache`` or ``cached_db``.
- ``HALL_TRUSTED_PROXIES`` (none): the reverse proxies (addresses or networks, e.g.
  ``127.0.0.1,10.0.0.0/8``) whose ``X-Forwarded-For`` names the real client (hall.core.clients).
- ``HALL_RATE_PER_ADDRESS`` (120), ``HALL_RATE_PER_KEY`` (1200): query and API requests a minute.
- ``HALL_TEST_HOOKS`` (no): test-only views that read captchas; refused unless ``HALL_DEBUG``.
- ``HALL_BOOTSTRAP_PASSWORD`` (or ``HALL_BOOTSTRAP_PASSWORD_FILE``; none): read by
  ``python -m hall bootstrap`` only, the first center administrator's password when it is made
  (else ``--password-file``, else asked for); no setting reads it.
- ``HALL_METRICS_ALLOWED`` (``127.0.0.1,::1``): the addresses or networks that may read
  ``/metrics``; ``HALL_METRICS_TOKEN`` (none; 32 characters or more): a scraper that sends
  ``Authorization: Bearer <token>`` may read it from anywhere. Everyone else gets 404.
- ``PROMETHEUS_MULTIPROC_DIR`` (none): a folder every process of the hall shares (emptied
  before they start): counts of all processes add up at ``/metrics`` (hall.core.metrics).
- ``HALL_LOG_FORMAT`` (``text``): ``json`` writes the log as JSON lines.
- ``HALL_SENTRY_DSN`` (none): report unexpected errors to Sentry; ``HALL_SENTRY_ENVIRONMENT``
  (``production``, ``development`` with ``HALL_DEBUG``), ``HALL_SENTRY_RELEASE``
  (``tiaoma@<version>``).
"""

from __future__ import annotations

import ipaddress
import sys
from importlib.metadata import version
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from hall.core.env import env_bool, env_int, env_list, env_str
from hall.core.storage import default_storage_settings, static_storage_settings

django_stubs_ext.monkeypatch()  # ModelAdmin[Model] and friends at run time, as the types say

HALL_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("HALL_DATA_DIR", default=str(HALL_DIR.parent.parent / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, uploads and static files

DEBUG = env_bool("HALL_DEBUG", default=False)
#: What HALL_DEBUG said, for what only a development hall may do (the demo data): Django's test
#: runner turns DEBUG itself off.
DEVELOPMENT = DEBUG
SECRET_KEY = env_str("HALL_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("HALL_SECRET_KEY (or HALL_SECRET_KEY_FILE) must be set")
    SECRET_KEY = "development-only-key-never-used-in-production-" + "x" * 20
#: Earlier secret keys, still accepted for what they signed (sessions, certificates' QR tokens)
#: while a new one takes over: a rotated key leaves printed certificates genuine.
SECRET_KEY_FALLBACKS = env_list("HALL_SECRET_KEY_FALLBACKS", default=[])
TEST_HOOKS = env_bool("HALL_TEST_HOOKS", default=False)
if TEST_HOOKS and not DEBUG:
    raise ImproperlyConfigured("HALL_TEST_HOOKS is for tests: it needs HALL_DEBUG")

HALL_NAME = env_str("HALL_NAME", default="tiaoma 条码业务大厅")
#: The public address of the hall: certificates' QR codes point at its verification page.
HALL_PUBLIC_URL = env_str("HALL_PUBLIC_URL", default="http://127.0.0.1:8000")
#: The CJK font whose outlines draw Chinese text in PDFs (Debian: fonts-noto-cjk).
CJK_FONT = env_str(
    "HALL_CJK_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
ALLOWED_HOSTS = env_list("HALL_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Installed for its templates and static files: the API's interactive page (Swagger UI)
    # then loads its scripts and styles from the hall's own static files, not from a CDN.
    "ninja",
    # The hall's apps from the ground up; each imports only those above it in this list
    # (the import-linter contracts in pyproject.toml hold the order).
    "hall.jobs",
    "hall.sms",
    "hall.members",
    "hall.fees",
    "hall.accounts",
    "hall.notices",
    "hall.applications",
    "hall.payments",
    "hall.products",
    "hall.lookup",
    "hall.printers",
    "hall.api",
    "hall.portal",
]

MIDDLEWARE = [
    # Outermost: every log record of the request carries its id, every answer is counted.
    "hall.core.observability.RequestIds",
    "hall.core.metrics.RequestMetrics",
    "hall.core.clients.UntrustedProxyHeaders",
    "django.middleware.security.SecurityMiddleware",
    "hall.core.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hall.core.middleware.ChosenLanguageMiddleware",
    "hall.core.bodylimits.BodyLimits",
    "hall.core.middleware.RefuseNul",
    "django.middleware.common.CommonMiddleware",
    "hall.core.middleware.ApiErrors",
    "hall.core.errors.HallErrors",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hall.accounts.middleware.StaffGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hall.urls"
WSGI_APPLICATION = "hall.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HALL_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hall.core.context.hall",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'hall.sqlite3'}"),
        # Persistent connections in production (a GTIN lookup under load: 192 requests/s with
        # a connection per request, 2,188/s kept), each checked before a request reuses it.
        conn_max_age=env_int("HALL_DB_CONN_MAX_AGE", default=0 if DEBUG else 600, high=3600),
        conn_health_checks=True,
    )
}
#: A read replica (a hot standby, or a read-only role): the public query, the API's lookups and
#: batch verification read from it (hall.core.replicas); nothing is ever written through it.
#: In tests it is the test database itself (Django's TEST MIRROR).
if _replica_url := env_str("HALL_DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("HALL_DATABASE_REPLICA_URL must name the same kind of "
                                   "database as DATABASE_URL")  # fmt: skip
DATABASE_ROUTERS = ["hall.core.replicas.PrimaryWrites"]
for _alias, _database in DATABASES.items():
    if _database["ENGINE"].endswith("sqlite3"):
        # Several requests write at once: wait for the lock rather than fail at once (a
        # replica, which never writes, need not take the write lock when it begins).
        _database["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
        if _alias == "replica":
            _database["OPTIONS"]["transaction_mode"] = "DEFERRED"
    elif env_bool("HALL_DB_PREPARED", default=True):
        # Django turns psycopg's prepared statements off (for proxies that pool by
        # transaction). Its own cursors bind in Python and are never prepared whatever this
        # says; the hall's hot statement, the GTIN lookup, binds on the server and is prepared
        # after psycopg's usual five runs. HALL_DB_PREPARED=no behind such a proxy.
        _database.setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("HALL_CACHE_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
#: The public query's answers cached in that Redis, never older than the last change
#: (hall.lookup.answers); only with a Redis every app server shares.
LOOKUP_CACHE = bool(_cache_url) and env_bool("HALL_LOOKUP_CACHE", default=True)
#: The busiest public routes through the lean path's middleware (hall.api.lean); off: every
#: route through the full stack.
LEAN_PATH = env_bool("HALL_LEAN_PATH", default=True)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hall.accounts.backends.MobileOrCardBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "hall.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hall.accounts.passwords.LettersAndDigitsValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:center"
LOGOUT_REDIRECT_URL = "accounts:login"

SECURE = env_bool("HALL_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("HALL_SESSION_SECONDS", default=2 * 3600, low=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
#: Where sessions live: the database (``db``, the default), the shared cache (``cache``: no
#: database write per login, lost if Redis is flushed) or both (``cached_db``: read from the
#: cache, kept in the database), so that any number of app servers share them.
SESSIONS = env_str("HALL_SESSIONS", default="db")
if SESSIONS not in ("db", "cache", "cached_db"):
    raise ImproperlyConfigured(f"HALL_SESSIONS must be db, cache or cached_db, not {SESSIONS!r}")
SESSION_ENGINE = f"django.contrib.sessions.backends.{SESSIONS}"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    # A year unless said otherwise: a hall served over HTTPS is only ever reached over it.
    SECURE_HSTS_SECONDS = env_int("HALL_HSTS_SECONDS", default=365 * 86400, high=63072000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A request that came over plain HTTP is sent to HTTPS, but for the probes of load
    # balancers and the metrics scraper, which call the web processes directly.
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
#: HSTS for the domain's other hosts and the browsers' preload list are the domain owner's
#: choice (the hall is often one host of a center's domain), not the hall's: not asked for.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
#: Every page: the hall's own scripts, styles and images only, no inline code, no framing. The
#: API's interactive page too: ninja (installed) serves Swagger UI from the hall's static files
#: and starts it from a script file, with its settings in a JSON block that runs nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [HALL_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [HALL_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
#: Uploads and job files: local under MEDIA_ROOT, or an S3-compatible store (hall.core.storage).
#: Static files: with the manifest (production; needs ``collectstatic``) every file's name
#: carries its hash and whitenoise serves it as immutable for ten years; development and the
#: tests, which do not collect, keep plain names.
STATIC_MANIFEST = env_bool("HALL_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": default_storage_settings(),
    "staticfiles": static_storage_settings(manifest=STATIC_MANIFEST),
}
WHITENOISE_USE_FINDERS = DEBUG
#: A static file whose name has no hash (none the templates link to) is kept a minute.
WHITENOISE_MAX_AGE = 0 if DEBUG else 60

# Production names its provider (aliyun, tencent, http or a backend class); the outbox and the
# console keep codes readable, so they are development's defaults only.
SMS_BACKEND = env_str("HALL_SMS_BACKEND", default="outbox" if DEBUG else "")
#: The backends by their short names; their dotted paths (the old hall.accounts.sms ones too)
#: name the same classes.
for _short, _cls in (("outbox", "OutboxBackend"), ("console", "ConsoleBackend"),
                     ("http", "HttpBackend")):  # fmt: skip
    if SMS_BACKEND in (f"hall.sms.services.{_cls}", f"hall.accounts.sms.{_cls}"):
        SMS_BACKEND = _short
if not SMS_BACKEND:
    raise ImproperlyConfigured("HALL_SMS_BACKEND must name the SMS provider's backend class")
#: The ``http`` backend's gateway: it takes {"mobile", "text"} as JSON with a bearer token.
SMS_URL = env_str("HALL_SMS_URL", default="")
SMS_TOKEN = env_str("HALL_SMS_TOKEN", default="")
if SMS_BACKEND == "http" and not (SMS_URL and SMS_TOKEN):
    raise ImproperlyConfigured("HALL_SMS_BACKEND=http needs HALL_SMS_URL and HALL_SMS_TOKEN")
#: A provider that sends registered templates (hall.sms.providers): the signature and the
#: template codes the operator registered with it, the account's keys, its region, and its
#: address (the provider's own unless set: tests point it at a local stand-in). The start
#: refuses a provider without a code for each template the hall sends (hall.sms.apps).
_sms_regions = {"aliyun": "cn-hangzhou", "tencent": "ap-guangzhou"}  # the providers' defaults
SMS_SIGNATURE = env_str("HALL_SMS_SIGNATURE", default="")
SMS_TEMPLATES: dict[str, str] = {}
for _entry in env_list("HALL_SMS_TEMPLATES", default=[]):
    _name, _equals, _code = (part.strip() for part in _entry.partition("="))
    if not (_name and _equals and _code):
        raise ImproperlyConfigured(f"HALL_SMS_TEMPLATES: {_entry!r} is not name=CODE")
    SMS_TEMPLATES[_name] = _code
SMS_ACCESS_KEY_ID = env_str("HALL_SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env_str("HALL_SMS_ACCESS_KEY_SECRET", default="")
SMS_APP_ID = env_str("HALL_SMS_APP_ID", default="")
SMS_REGION = env_str("HALL_SMS_REGION", default=_sms_regions.get(SMS_BACKEND, ""))
SMS_ENDPOINT = env_str("HALL_SMS_ENDPOINT", default="")
if SMS_BACKEND in _sms_regions:
    _needed = {"HALL_SMS_SIGNATURE": SMS_SIGNATURE, "HALL_SMS_TEMPLATES": SMS_TEMPLATES,
               "HALL_SMS_ACCESS_KEY_ID": SMS_ACCESS_KEY_ID,
               "HALL_SMS_ACCESS_KEY_SECRET": SMS_ACCESS_KEY_SECRET,
               "HALL_SMS_REGION": SMS_REGION}  # fmt: skip
    if SMS_BACKEND == "tencent":
        _needed["HALL_SMS_APP_ID"] = SMS_APP_ID
    if _missing := [name for name, value in _needed.items() if not value]:
        raise ImproperlyConfigured(f"HALL_SMS_BACKEND={SMS_BACKEND} needs {', '.join(_missing)}")
    if SMS_ENDPOINT.startswith("http://") and not DEBUG:
        raise ImproperlyConfigured("HALL_SMS_ENDPOINT must be https:// (codes travel in it)")
# E-mail (hall.notices): notices to confirmed addresses and the confirmation links. The file
# backend (development) writes each mail under the data directory for the developer to read;
# the tests use Django's locmem outbox (its test runner sets it).
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = env_str("HALL_EMAIL_BACKEND", default="file" if DEBUG else "smtp")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
if "." not in EMAIL_BACKEND:
    raise ImproperlyConfigured(f"HALL_EMAIL_BACKEND must be smtp, file, console or a backend "
                               f"class's dotted path, not {_email_backend!r}")  # fmt: skip
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("HALL_EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("HALL_EMAIL_PORT", default=25, low=1, high=65535)
EMAIL_HOST_USER = env_str("HALL_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env_str("HALL_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("HALL_EMAIL_TLS", default=False)
EMAIL_USE_SSL = env_bool("HALL_EMAIL_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("HALL_EMAIL_TLS (STARTTLS) and HALL_EMAIL_SSL exclude each other")
#: A mail server that does not answer within this many seconds fails the send (retried).
EMAIL_TIMEOUT = 10
_public_host = HALL_PUBLIC_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
DEFAULT_FROM_EMAIL = env_str("HALL_EMAIL_FROM", default=f"{HALL_NAME} <noreply@{_public_host}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: The backends that keep mail on this machine (a file, the log, memory): development only.
DEVELOPMENT_EMAIL_BACKENDS = {_EMAIL_BACKENDS[name] for name in ("file", "console", "locmem")}
#: SMS codes: 6 digits, valid 5 minutes, one send per 60 s per number, at most 5 an hour and
#: 10 a day per number, 20 an hour and 50 a day per client address.
SMS_CODE_SECONDS = 300
SMS_LIMITS = {
    "gap_seconds": 60,
    "per_mobile_hour": 5,
    "per_mobile_day": 10,
    "per_address_hour": 20,
    "per_address_day": 50,
}
#: Login: after 5 wrong passwords in a row the account is locked for 15 minutes; a client
#: address with 20 failures in 15 minutes is refused for the rest of that time.
LOGIN_LIMITS = {"failures": 5, "lock_minutes": 15, "per_address": 20}
CAPTCHA_SECONDS = 300
#: A reviewer's, the center's or an administrator's session ends after this long unused.
STAFF_IDLE_SECONDS = env_int("HALL_STAFF_IDLE_SECONDS", default=15 * 60, low=60, high=8 * 3600)
#: The issuer the authenticator app shows beside a staff account's codes.
OTP_TOTP_ISSUER = HALL_NAME
#: Days after expiry the center waits for a late renewal before it cancels (hall.members.lifecycle).
MEMBERSHIP_GRACE_DAYS = env_int("HALL_MEMBERSHIP_GRACE_DAYS", default=90, high=3650)
#: Where a registration's company prefix comes from unless the center chooses: 8-digit 692...
REGISTRATION_POOL = ("692", 8)
#: The first three digits of the EAN-8s the center allocates one by one (69x, domain.md §2.3).
EAN8_BLOCK = env_str("HALL_EAN8_BLOCK", default="690")
#: The legacy rule of domain.md §2.4: a GTIN discontinued this many months ago may be given to
#: another product (48 in seed 001's day). 0, the default, never gives a GTIN twice (GS1 today).
GTIN_REUSE_MONTHS = env_int("HALL_GTIN_REUSE_MONTHS", default=0, high=1200)

# Background work on Celery (hall.jobs.engine): jobs someone waits for and periodic tasks.
#: RabbitMQ (``amqp://``) or Redis (``redis://``); empty in development: a folder under the
#: data directory (kombu's filesystem transport), which ``make run``'s worker reads.
BROKER_URL = env_str("HALL_BROKER_URL", default="")
CELERY_BROKER_URL = BROKER_URL or "filesystem://"
if not BROKER_URL:
    for _folder in ("done", "control"):
        (DATA_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    # Redis hands an unacknowledged task to another worker after this long: longer than a task
    # may run, so a live worker's task is never run twice at once.
    {"visibility_timeout": 4 * 3600} if BROKER_URL.startswith(("redis", "rediss")) else
    {} if BROKER_URL else
    {name: str(DATA_DIR / "broker") for name in ("data_folder_in", "data_folder_out")}
    | {"processed_folder": str(DATA_DIR / "broker" / "done"), "store_processed": False,
       "control_folder": str(DATA_DIR / "broker" / "control")}
)  # fmt: skip
#: A task is acknowledged when it is done, and given back to the broker when its worker dies:
#: another worker finishes it (the job bodies are safe to run again).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
#: A job's status, progress and result live in its Job row, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "hall"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("HALL_TASK_SECONDS", default=3600, low=10)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
#: A running job whose worker's heartbeat is this old has lost its worker: another takes it.
JOB_STALE_SECONDS = env_int("HALL_JOB_STALE_SECONDS", default=60, low=3, high=3600)
#: Finished jobs, their uploads and result files are deleted after this many days
#: (hall.jobs.retention).
JOB_KEEP_DAYS = env_int("HALL_JOB_KEEP_DAYS", default=30, low=1, high=3650)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
#: Tasks run at once in the caller (the tests; never in production).
CELERY_TASK_ALWAYS_EAGER = env_bool("HALL_TASKS_EAGER", default=False)
#: Beat's one entry: every minute, hall.jobs.registry.tick hands the periodic tasks that are
#: due to the workers, each claimed once per slot however many beats run.
CELERY_BEAT_SCHEDULE = {"tick": {"task": "hall.jobs.tick", "schedule": 60.0}}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
#: The reverse proxies whose X-Forwarded-For is believed (hall.core.clients); checked at start.
TRUSTED_PROXIES = env_list("HALL_TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"HALL_TRUSTED_PROXIES: {_proxy!r} is not an address or a network"
        ) from None
#: The public query and the API: requests a minute per client address, and per API key unless
#: the key says otherwise (hall.lookup.limits). A batch costs one request per 100 GTINs.
RATE_LIMITS = {
    "address_per_minute": env_int("HALL_RATE_PER_ADDRESS", default=120, low=1),
    "key_per_minute": env_int("HALL_RATE_PER_KEY", default=1200, low=1),
}
#: The largest request body a route takes (hall.core.bodylimits, by the URL's view name): its
#: upload's own limit and a megabyte for the form around it; a payment notification is a few
#: KB. Every other route takes Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); more is a 413, unread.
BODY_LIMITS = {
    "lookup:photo": 11 * 2**20,  # a 10 MB photo (hall.lookup.views.MAX_PHOTO_BYTES)
    "applications:upload": 3 * 2**20,  # a 2 MB scan (hall.applications.uploads.MAX_BYTES)
    "products:detail": 3 * 2**20,  # the product's 2 MB picture
    "products:proof": 31 * 2**20,  # a 30 MB print proof
    "products:import": 51 * 2**20,  # a 50 MB table (hall.products.views.MAX_IMPORT_BYTES)
    "api:verify_job_start": 65 * 2**20,  # 64 MB of GTINs (hall.lookup.batch.MAX_FILE_BYTES)
    "payments:notify": 64 * 2**10,
}
#: Orders left unpaid this long close; a new one can then be made.
ORDER_CLOSE_MINUTES = env_int("HALL_ORDER_CLOSE_MINUTES", default=120, low=5, high=60 * 24 * 30)
#: The sandbox gateway's signing key (derived from the secret key unless set).
SANDBOX_GATEWAY_KEY = env_str("HALL_SANDBOX_KEY", default="sandbox:" + SECRET_KEY)
#: A notification older than this is a replay, whatever its signature.
NOTIFICATION_MAX_AGE_SECONDS = 600
#: The gateways that take payments (hall.payments.gateways): sandbox, alipay, wechat, unionpay.
#: The sandbox credits orders with no money, so only a development hall may have it.
PAYMENT_GATEWAYS = env_list("HALL_PAYMENT_GATEWAYS", default=["sandbox"] if DEBUG else [])
if unknown_gateways := set(PAYMENT_GATEWAYS) - {"sandbox", "alipay", "wechat", "unionpay"}:
    raise ImproperlyConfigured(f"HALL_PAYMENT_GATEWAYS: unknown {sorted(unknown_gateways)}")


def _gateway_settings(
    gateway: str, prefix: str, names: list[str], optional: dict[str, str]
) -> dict[str, str]:
    """A gateway's keys from HALL_<PREFIX>_<NAME> (each may be a _FILE), all needed if it is on."""
    values = {name: env_str(f"HALL_{prefix}_{name.upper()}", default="") for name in names}
    missing = [f"HALL_{prefix}_{name.upper()}" for name, value in values.items() if not value]
    if gateway in PAYMENT_GATEWAYS and missing:
        raise ImproperlyConfigured(f"{', '.join(missing)} must be set for {gateway}")
    for name, default in optional.items():
        values[name] = env_str(f"HALL_{prefix}_{name.upper()}", default=default)
    return values


PAYMENT_GATEWAY_SETTINGS = {
    "alipay": _gateway_settings(
        "alipay", "ALIPAY", ["app_id", "private_key", "alipay_public_key"],
        {"gateway_url": "https://openapi.alipay.com/gateway.do"},
    ),
    "wechat": _gateway_settings(
        "wechat", "WECHATPAY", ["mchid", "appid", "private_key", "cert_serial_no", "apiv3_key",
                      "public_key", "public_key_id"],
        {"api_url": "https://api.mch.weixin.qq.com"},
    ),
    "unionpay": _gateway_settings(
        "unionpay", "UNIONPAY", ["mer_id", "private_key", "cert_id", "root_cert", "middle_cert"],
        {"api_url": "https://gateway.95516.com/gateway/api"},
    ),
}  # fmt: skip

# Observability (hall.core.observability, hall.core.metrics, hall.portal.metrics).


def _networks(variable: str, names: list[str]) -> list[str]:
    for name in names:
        try:
            ipaddress.ip_network(name, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{variable}: {name!r} is not an address or a network"
            ) from None
    return names


#: Who may read /metrics: these clients (addresses or networks), or a scraper with the token.
METRICS_ALLOWED = _networks(
    "HALL_METRICS_ALLOWED", env_list("HALL_METRICS_ALLOWED", default=["127.0.0.1", "::1"])
)
METRICS_TOKEN = env_str("HALL_METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("HALL_METRICS_TOKEN must be 32 characters or more")
#: prometheus-client's own variable: it reads it when first imported, so it is checked here.
METRICS_DIR = env_str("PROMETHEUS_MULTIPROC_DIR", default="")
if METRICS_DIR and not Path(METRICS_DIR).is_dir():
    raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR={METRICS_DIR} is not a folder")
LOG_FORMAT = env_str("HALL_LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"HALL_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
SENTRY_DSN = env_str("HALL_SENTRY_DSN", default="")
if SENTRY_DSN:
    # Only now: prometheus-client, which this loads, reads PROMETHEUS_MULTIPROC_DIR on import.
    from hall.core import observability

    observability.start_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("HALL_SENTRY_ENVIRONMENT",
                            default="development" if DEBUG else "production"),
        release=env_str("HALL_SENTRY_RELEASE", default=f"tiaoma@{version('tiaoma')}"),
    )  # fmt: skip

#: One handler for every logger (the hall's, Django's, Celery's): each record with its time,
#: level, logger and request id; an error with its traceback (a 500 by django.request too,
#: which Django's own configuration writes only with DEBUG).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hall.core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "hall.core.observability.JsonLines"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "hall": {"level": "INFO"},
        # Django's own handlers (the console with DEBUG only, mail to ADMINS) give way to ours.
        "django": {"handlers": [], "level": "INFO"},
    },
}


def _weak_for_production() -> list[str]:
    """What a hall serving real members must not run with (issue 19)."""
    weak = []
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        weak.append("HALL_SECRET_KEY must be 50 random characters or more "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(50))')")  # fmt: skip
    if SMS_BACKEND in DEVELOPMENT_SMS_BACKENDS:
        weak.append(f"HALL_SMS_BACKEND={SMS_BACKEND} keeps codes readable: name the provider's")
    if EMAIL_BACKEND in DEVELOPMENT_EMAIL_BACKENDS:
        weak.append(f"HALL_EMAIL_BACKEND={_email_backend} keeps mail on this machine: "
                    "use smtp (HALL_EMAIL_HOST ...)")  # fmt: skip
    if (
        EMAIL_HOST_PASSWORD
        and not (EMAIL_USE_TLS or EMAIL_USE_SSL)
        and EMAIL_HOST not in ("localhost", "127.0.0.1", "::1")
    ):
        weak.append("HALL_EMAIL_PASSWORD would cross the network in clear: set HALL_EMAIL_TLS "
                    "or HALL_EMAIL_SSL")  # fmt: skip
    if "sandbox" in PAYMENT_GATEWAYS:
        weak.append("the sandbox gateway credits orders without money: HALL_DEBUG only")
    if not _cache_url:
        weak.append("HALL_CACHE_URL (Redis) must be set: rate limits, captchas and login "
                    "failures are counted in the cache every process shares")  # fmt: skip
    if not BROKER_URL:
        weak.append("HALL_BROKER_URL (RabbitMQ or Redis) must be set: background jobs and "
                    "periodic tasks go to workers through it")  # fmt: skip
    if not env_str("HALL_PUBLIC_URL", default=""):
        weak.append("HALL_PUBLIC_URL must be set: certificates' QR codes and the payment "
                    "gateways' notification addresses carry it")  # fmt: skip
    if DATA_DIR.resolve().is_relative_to(Path(sys.prefix).resolve()):
        weak.append(f"HALL_DATA_DIR must be outside the installation ({DATA_DIR} is in "
                    f"{sys.prefix}): a reinstall would take the database and uploads")  # fmt: skip
    return weak


#: The SMS backends that show the codes they send to whoever reads the database or the log.
DEVELOPMENT_SMS_BACKENDS = {"outbox", "console", "hall.sms.services.OutboxBackend",
                            "hall.sms.services.ConsoleBackend"}  # fmt: skip
if not DEBUG and (_weak := _weak_for_production()):
    raise ImproperlyConfigured("production refuses weak settings:\n- " + "\n- ".join(_weak))
