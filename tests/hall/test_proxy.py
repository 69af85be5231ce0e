"""Limits per real client behind a real reverse proxy (issue 19): Debian's nginx on loopback in
front of two granian processes of the hall, in production settings, counting in Redis.

- 125 client addresses (127.0.0.x, each connection bound to its own) are 125 clients;
- an ``X-Forwarded-For`` forged by a client counts as that client's own address;
- the two processes together allow exactly the limit.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import system

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_URL = "redis://127.0.0.1:6379/12"
LIMIT = 3
PATH = "/api/v1/prefixes/69212345"  # a public lookup, counted per client address
ROOT = Path(__file__).resolve().parents[2]


def _redis_flushed() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError as error:
        system.unavailable(f"Redis at {REDIS_URL}: {error}")


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"),
        "HALL_DATA_DIR": str(tmp_path / "data"),
        "HALL_SECRET_KEY": "proxy-test-" + "k9Qz" * 12, "HALL_CACHE_URL": REDIS_URL,
        "HALL_BROKER_URL": "amqp://127.0.0.1:5672//", "HALL_PUBLIC_URL": "https://hall.example",
        "HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "http://127.0.0.1:9/",
        "HALL_SMS_TOKEN": "t", "HALL_SECURE_COOKIES": "no",
        "HALL_TRUSTED_PROXIES": "127.0.0.1", "HALL_RATE_PER_ADDRESS": str(LIMIT),
        "HALL_ALLOWED_HOSTS": "127.0.0.1",
    }  # fmt: skip


def _nginx_conf(tmp_path: Path, port: int, upstreams: list[int]) -> Path:
    servers = "".join(f"server 127.0.0.1:{p};" for p in upstreams)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
  fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
  upstream hall {{ {servers} }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://hall;
      proxy_set_header Host 127.0.0.1;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
""")  # noqa: E501
    return conf


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """nginx's port, in front of two hall processes on a migrated SQLite with one member."""
    system.require(Path(NGINX).exists(), "nginx-light")
    tmp_path = tmp_path_factory.mktemp("proxy")
    env = _environment(tmp_path)
    for command in (["migrate", "--verbosity", "0"], ["demo"]):  # demo data: a development act
        subprocess.run([sys.executable, "-m", "hall", *command], env={**env, "HALL_DEBUG": "1"},
                       check=True, cwd=tmp_path, stdout=subprocess.DEVNULL)  # fmt: skip
    ports = [system.free_port(), system.free_port()]
    granian = str(Path(sys.executable).with_name("granian"))
    processes = [subprocess.Popen(
        [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "hall.wsgi:application"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) for port in ports]  # fmt: skip
    front = system.free_port()
    conf = _nginx_conf(tmp_path, front, ports)
    processes.append(subprocess.Popen([NGINX, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))  # fmt: skip
    try:
        for port in [*ports, front]:
            system.wait_for_port(port)
        yield front
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _get(port: int, source: str, headers: dict[str, str] | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                            source_address=(source, 0))  # fmt: skip
    try:
        connection.request("GET", PATH, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_125_addresses_behind_the_proxy_are_125_clients(proxy: int) -> None:
    _redis_flushed()
    statuses = [_get(proxy, f"127.0.0.{n}") for n in range(2, 127) for _ in range(LIMIT)]
    assert statuses.count(200) == 125 * LIMIT  # before: one client, 429 after the third


def test_a_forged_forwarded_for_counts_as_the_senders_own(proxy: int) -> None:
    _redis_flushed()
    forged = [_get(proxy, "127.0.0.200", {"X-Forwarded-For": f"10.9.8.{n}"}) for n in range(6)]
    assert forged == [200] * LIMIT + [429] * (6 - LIMIT)


def test_two_processes_together_allow_exactly_the_limit(proxy: int) -> None:
    """nginx sends the requests to the two processes in turn; Redis holds the one count."""
    _redis_flushed()
    statuses = [_get(proxy, "127.0.0.201") for _ in range(4 * LIMIT)]
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == 3 * LIMIT
