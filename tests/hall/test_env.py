"""Settings fail loudly on bad values (conventions.md 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from hall.accounts.models import User
from hall.core.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("off", False), ("", False)]
)
def test_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("HALL_X", raw)
    assert env_bool("HALL_X", default=not expected) is expected


def test_bad_values_are_refused_with_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALL_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="HALL_X='maybe'"):
        env_bool("HALL_X", default=False)
    monkeypatch.setenv("HALL_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("HALL_N", default=1)
    monkeypatch.setenv("HALL_N", "99")
    with pytest.raises(ImproperlyConfigured, match="outside 0-10"):
        env_int("HALL_N", default=1, high=10)


def test_defaults_lists_and_secret_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HALL_MISSING", raising=False)
    assert env_str("HALL_MISSING", default="d") == "d"
    assert env_int("HALL_MISSING", default=3) == 3
    assert env_list("HALL_MISSING", default=["a"]) == ["a"]
    monkeypatch.setenv("HALL_HOSTS", " a.example, ,b.example ")
    assert env_list("HALL_HOSTS", default=[]) == ["a.example", "b.example"]
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.setenv("HALL_KEY_FILE", str(secret))
    assert env_str("HALL_KEY", default="") == "s3cret"
    monkeypatch.setenv("HALL_KEY_FILE", str(tmp_path / "nothing"))
    with pytest.raises(ImproperlyConfigured, match="HALL_KEY_FILE"):
        env_str("HALL_KEY", default="")


def test_production_settings_need_a_key_and_refuse_test_hooks(tmp_path: Path) -> None:
    import subprocess
    import sys

    def start(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "import hall.settings"],
            text=True,
            capture_output=True,
            check=False,
            env={"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), **env},
        )

    missing = start()
    assert "HALL_SECRET_KEY" in missing.stderr
    hooks = start(HALL_SECRET_KEY=KEY, HALL_TEST_HOOKS="1")
    assert "HALL_TEST_HOOKS is for tests" in hooks.stderr
    assert "HALL_SMS_BACKEND" in start(HALL_SECRET_KEY=KEY).stderr
    production = {"HALL_SECRET_KEY": KEY, **STRONG}
    assert start(**production).returncode == 0
    sandbox = start(**production, HALL_PAYMENT_GATEWAYS="sandbox")
    assert "credits orders without money" in sandbox.stderr
    assert "unknown ['paypal']" in start(**production, HALL_PAYMENT_GATEWAYS="paypal").stderr
    alipay = start(**production, HALL_PAYMENT_GATEWAYS="alipay", HALL_ALIPAY_APP_ID="2021")
    assert "HALL_ALIPAY_PRIVATE_KEY, HALL_ALIPAY_ALIPAY_PUBLIC_KEY must be set" in alipay.stderr


#: A production hall's settings that pass: a long random key, a provider, a shared cache.
KEY = "Zq8" + "".join(chr(ord("a") + i % 26) for i in range(60))
STRONG = {"HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "https://sms.example/send",
          "HALL_SMS_TOKEN": "t", "HALL_CACHE_URL": "redis://127.0.0.1:6379/15",
          "HALL_BROKER_URL": "amqp://127.0.0.1:5672//",
           "HALL_PUBLIC_URL": "https://hall.example"}  # fmt: skip


@pytest.mark.parametrize(("weak", "named"), [
    ({"HALL_SECRET_KEY": "short"}, "HALL_SECRET_KEY must be 50 random characters"),
    ({"HALL_SECRET_KEY": "k" * 64}, "HALL_SECRET_KEY must be 50 random characters"),
    ({"HALL_SMS_BACKEND": "outbox"}, "HALL_SMS_BACKEND=outbox keeps codes readable"),
    ({"HALL_SMS_BACKEND": "console"}, "HALL_SMS_BACKEND=console keeps codes readable"),
    ({"HALL_SMS_BACKEND": "hall.sms.services.OutboxBackend"}, "keeps codes readable"),
    ({"HALL_PAYMENT_GATEWAYS": "sandbox"}, "the sandbox gateway credits orders without money"),
    ({"HALL_CACHE_URL": ""}, "HALL_CACHE_URL (Redis) must be set"),
    ({"HALL_BROKER_URL": ""}, "HALL_BROKER_URL (RabbitMQ or Redis) must be set"),
    ({"HALL_PUBLIC_URL": ""}, "HALL_PUBLIC_URL must be set"),
    ({"HALL_DATA_DIR": sys.prefix + "/var/hall"}, "HALL_DATA_DIR must be outside the installation"),
])  # fmt: skip
def test_check_deploy_fails_on_each_weak_production_setting(
    tmp_path: Path, weak: dict[str, str], named: str
) -> None:
    """``python -m hall check --deploy`` (and any other start) refuses each weak setting."""
    import subprocess
    import sys

    env = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_SECRET_KEY": KEY,
           **STRONG, **weak}  # fmt: skip
    env = {name: value for name, value in env.items() if value}
    checked = subprocess.run([sys.executable, "-m", "hall", "check", "--deploy"], text=True,
                             capture_output=True, check=False, env=env)  # fmt: skip
    assert checked.returncode != 0
    assert named in checked.stderr


def test_check_deploy_passes_a_strong_production_hall(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_SECRET_KEY": KEY,
           **STRONG}  # fmt: skip
    # As each release does (the static files' hashed names need their manifest: hall.E102).
    subprocess.run([sys.executable, "-m", "hall", "collectstatic", "--noinput", "-v", "0"],
                   check=True, env=env)  # fmt: skip
    checked = subprocess.run([sys.executable, "-m", "hall", "check", "--deploy"], text=True,
                             capture_output=True, check=False, env=env)  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_a_gateway_with_a_bad_key_stops_the_hall() -> None:
    from hall.payments.gateways import _build

    with pytest.raises(ImproperlyConfigured, match="payment gateway unionpay"):
        _build("unionpay", {"mer_id": "1", "private_key": "not a key", "cert_id": "1",
                            "root_cert": "", "middle_cert": ""})  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="payment gateway alipay"):
        _build("alipay", {"app_id": "1", "private_key": "x", "alipay_public_key": "y",
                          "unexpected": "z"})  # fmt: skip


def test_postgresql_prepares_the_lookup_unless_told_not_to(tmp_path: Path) -> None:
    """The GTIN lookup's statement is prepared on PostgreSQL (psycopg's threshold set), and
    HALL_DB_PREPARED=no leaves Django's default, for proxies that pool by transaction."""
    import subprocess
    import sys

    def threshold(**env: str) -> str:
        shown = ("from hall.settings import DATABASES as d; "
                 "print(d['default'].get('OPTIONS', {}).get('prepare_threshold'))")  # fmt: skip
        return subprocess.run(
            [sys.executable, "-c", shown], text=True, capture_output=True, check=True,
            env={"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_DEBUG": "1",
                 "DATABASE_URL": "postgres://hall@127.0.0.1:5432/hall", **env},
        ).stdout.strip()  # fmt: skip

    assert threshold() == "5"
    assert threshold(HALL_DB_PREPARED="no") == "None"


@pytest.mark.parametrize(("chosen", "engine"), [
    ("", "django.contrib.sessions.backends.db"),
    ("cache", "django.contrib.sessions.backends.cache"),
    ("cached_db", "django.contrib.sessions.backends.cached_db"),
    ("redis", "HALL_SESSIONS must be db, cache or cached_db, not 'redis'"),
])  # fmt: skip
def test_sessions_live_where_the_setting_says(tmp_path: Path, chosen: str, engine: str) -> None:
    import subprocess

    env = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_DEBUG": "1",
           **({"HALL_SESSIONS": chosen} if chosen else {})}  # fmt: skip
    started = subprocess.run(
        [sys.executable, "-c", "import hall.settings as s; print(s.SESSION_ENGINE)"],
        text=True, capture_output=True, check=False, env=env,
    )  # fmt: skip
    assert engine in started.stdout + started.stderr


@pytest.mark.django_db
def test_a_login_kept_in_the_cache_writes_no_session_row(member_user: User, client: Client) -> None:
    from django.contrib.sessions.models import Session

    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache"):
        client.force_login(member_user)
        assert client.get("/accounts/center/").status_code == 200
    assert not Session.objects.exists()


def test_every_variable_the_hall_reads_is_in_the_readme() -> None:
    """The README's deployment table names every variable: an operator has only the docs."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("**Every environment variable**") :]
    read = set()
    for source in (root / "src" / "hall").rglob("*.py"):
        read |= set(re.findall(r'"(HALL_[A-Z0-9_]+[A-Z0-9])"', source.read_text(encoding="utf-8")))
    read -= {"HALL_EXAMPLE"}  # env.py's doctest
    assert read, "no variable found: the pattern is wrong"
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"not in the README's table: {missing}"


def test_check_deploy_wants_the_static_manifest(tmp_path: Path) -> None:
    """Hashed static names need collectstatic's manifest: without it every page is a 500."""
    from django.test import override_settings

    from hall.portal.checks import static_files_collected

    with override_settings(STATIC_MANIFEST=True, STATIC_ROOT=tmp_path):
        (error,) = static_files_collected()
        assert error.id == "hall.E102"
        assert "collectstatic" in (error.hint or "")
        (tmp_path / "staticfiles.json").write_text("{}")
        assert static_files_collected() == []
    with override_settings(STATIC_MANIFEST=False, STATIC_ROOT=tmp_path / "absent"):
        assert static_files_collected() == []  # development: names as they are
