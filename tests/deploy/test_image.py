"""The Dockerfile, checked by running its commands natively (no container runtime here): the
build stage's wheel of the project, installed into a fresh environment as the run stage does,
then the image's own commands from the installed package, outside the checkout: migrate,
collectstatic, ``check --deploy`` and the image's CMD serving pages with their static files and
translations. The dependencies come from the test's environment rather than from PyPI (the
wheel is built with ``--no-deps``): what is checked is what the project's wheel carries.
"""

from __future__ import annotations

import json
import os
import shlex
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import system

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), in order."""
    joined = DOCKERFILE.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            stages.append([])
        stages[-1].append((keyword, rest))
    return stages


def test_the_image_is_multi_stage_and_runs_unprivileged_with_the_fonts() -> None:
    build, run = _stages()
    assert "AS build" in build[0][1]
    assert ("USER", "hall") in run
    assert any(k == "COPY" and "--from=build" in rest for k, rest in run)
    installs = " ".join(rest for k, rest in run if k == "RUN")
    assert "fonts-noto-cjk" in installs  # the PDFs' Chinese (HALL_CJK_FONT's default)
    assert "useradd --system" in installs
    cmd = json.loads(next(rest for k, rest in run if k == "CMD"))
    assert cmd[:3] == ["granian", "--interface", "wsgi"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel built and installed as the Dockerfile says."""
    tmp = tmp_path_factory.mktemp("image")
    build = _stages()[0]
    wheels = tmp / "wheels"
    [wheel_command] = [rest for k, rest in build if k == "RUN"]
    command = shlex.split(wheel_command.replace("/wheels", str(wheels)))
    assert command[:2] == ["pip", "wheel"]
    subprocess.run([sys.executable, "-m", *command, "--no-deps",
                    "--quiet"], cwd=ROOT, check=True)  # fmt: skip
    [wheel] = wheels.glob("tiaoma-*.whl")
    environment = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(environment)], check=True)
    packages = next(environment.glob("lib/python*/site-packages"))
    # The dependencies: the test environment's packages, after the fresh environment's own
    # (a plain path, so the checkout's editable install is not among them).
    (packages / "dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(packages), str(wheel)], check=True)  # fmt: skip
    return environment


def _production(tmp: Path, port: int) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "HALL_DATA_DIR": str(tmp / "data"),
        "HALL_SECRET_KEY": "image-test-" + "Yt7-Lp2q" * 8, "HALL_PUBLIC_URL": "https://hall.example",
        "HALL_CACHE_URL": "redis://127.0.0.1:6379/13",
        "HALL_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
        "HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "https://sms.example/send",
        "HALL_SMS_TOKEN": "t", "HALL_ALLOWED_HOSTS": "127.0.0.1",
        "HALL_TRUSTED_PROXIES": "127.0.0.1",
    }  # fmt: skip


def test_the_installed_wheel_runs_the_hall(installed: Path, tmp_path: Path) -> None:
    python = str(installed / "bin" / "python")
    port = system.free_port()
    env = _production(tmp_path, port)

    def hall(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([python, "-m", "hall", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=False)  # fmt: skip

    where = subprocess.run([python, "-c", "import hall; print(hall.__file__)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, check=True)  # fmt: skip
    assert where.stdout.startswith(str(installed))  # the wheel's, not the checkout's
    for step in (["migrate", "--verbosity", "0"], ["collectstatic", "--noinput"]):
        done = hall(*step)
        assert done.returncode == 0, done.stderr
    checked = hall("check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    refused = hall("demo")
    assert refused.returncode != 0  # demo data is a development act
    cmd = json.loads(next(rest for k, rest in _stages()[1] if k == "CMD"))
    # The image's CMD on loopback: granian from the environment, its own host and port.
    served = [{"0.0.0.0": "127.0.0.1", "8000": str(port)}.get(part, part) for part in cmd[1:]]
    server = subprocess.Popen([python, "-m", "granian", *served], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        front = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                assert requests.get(f"{front}/healthz", timeout=5).status_code == 200
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the image's CMD did not serve"
                time.sleep(0.3)
        assert (
            requests.get(f"{front}/accounts/login/", timeout=10, allow_redirects=False).status_code
            == 301
        )  # plain HTTP: to HTTPS
        # What nginx says of a request that came over HTTPS (deploy/nginx.conf).
        https = {"X-Forwarded-Proto": "https"}
        login = requests.get(f"{front}/accounts/login/", headers=https, timeout=10)
        assert login.status_code == 200
        assert "登录" in login.text  # the wheel's templates
        stylesheet = next(part.split('"')[0] for part in login.text.split('href="')[1:]
                          if part.split('"')[0].endswith(".css"))  # fmt: skip
        static = requests.get(f"{front}{stylesheet}", headers=https, timeout=10)
        assert static.status_code == 200  # collected from the wheel, hashed
        assert "immutable" in static.headers["Cache-Control"]
        english = requests.get(f"{front}/accounts/login/", cookies={"django_language": "en"},
                               headers=https, timeout=10)  # fmt: skip
        assert "Log in" in english.text or "Login" in english.text  # the wheel's translations
    finally:
        server.terminate()
        server.wait(timeout=20)
