"""What may be kept, by whom and for how long (hall.core.httpcache), and static files under
hashed names.

- The public lookups' answers (the API, the resolver's linksets, filed products' pictures): any
  cache may keep a 200 but asks again before each use (no-cache); an ETag sent back gets 304
  with no body; refusals are never kept; the words follow the language cookie, so the answers
  vary on it.
- The query's pages carry the visitor's CSRF token: the browser's own, asked about each time.
- A member's artwork: the member's browser's only; another member gets 404 whatever ETag he sends.
- Behind a real shared cache (Debian's nginx with proxy_cache, in front of granian in production
  settings) neither a public answer nor a page comes from the cache; and after
  ``collectstatic`` the WSGI application serves the hashed static files as immutable for ten
  years, the pages linking to them by their hashed names.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client

from hall.accounts.models import User
from hall.members.models import Member
from hall.products import bank, services
from hall.products.models import Product
from tests import system
from tests.hall.conftest import log_in

TODAY = date.today()
FOREVER = "max-age=315360000, public, immutable"
GTIN = "6921234500019"


def _directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _vary(response: Any) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def _filed(member: Member, member_user: User) -> Product:
    data = {"name": "示例矿泉水", "brand": "示例", "specification": "550mL", "net_content": 550,
            "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY,
                                 data=data)  # fmt: skip
    return services.product_transition(actor=member_user, product_id=product.pk,
                                       action="publish", today=TODAY)  # fmt: skip


# -- the public lookups ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_lookup_is_asked_again_before_each_use_and_answers_304_until_it_changes(
    client: Client, member: Member, member_user: User
) -> None:
    first = client.get(f"/api/v1/gtins/{GTIN}")
    assert first.status_code == 200
    assert _directives(first) == {"public", "no-cache"}
    assert "cookie" in _vary(first)  # the language is a cookie
    assert first["ETag"].startswith('"')
    again = client.get(f"/api/v1/gtins/{GTIN}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert again["ETag"] == first["ETag"]
    assert _directives(again) == {"public", "no-cache"}
    _filed(member, member_user)  # the answer changes: the old ETag is a full answer again
    changed = client.get(f"/api/v1/gtins/{GTIN}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["product"]["name"] == "示例矿泉水"
    assert changed["ETag"] != first["ETag"]
    english = Client()
    english.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    translated = english.get(f"/api/v1/gtins/{GTIN}", HTTP_IF_NONE_MATCH=changed["ETag"])
    assert translated.status_code == 200  # other words, another ETag
    assert translated.json()["message"] != changed.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/prefixes/69212345", "/api/v1/companies?q=杭州示例",
     "/api/v1/certificates/check?number=物编注字第100001号&company=杭州示例食品有限公司",
     "/api/v1/register"],
)  # fmt: skip
def test_every_public_api_lookup_is_public_with_its_etag(
    client: Client, member: Member, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert _directives(answer) == {"public", "no-cache"}
    assert client.get(path, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304


@pytest.mark.django_db
def test_refusals_are_never_kept(client: Client, member: Member, settings: Any) -> None:
    for path in (f"/api/v1/gtins/{GTIN[:-1]}8", "/api/v1/gtins/4006381333931",
                 "/api/v1/prefixes/69999999", "/api/v1/companies?q=x"):  # fmt: skip
        refused = client.get(path)
        assert refused.status_code in (400, 404), path
        assert "public" not in _directives(refused), path
        assert "ETag" not in refused, path
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "address_per_minute": 1}
    limited = Client(REMOTE_ADDR="10.0.0.9")
    assert limited.get("/api/v1/prefixes/69212345").status_code == 200
    over = limited.get("/api/v1/prefixes/69212345")
    assert over.status_code == 429
    assert "public" not in _directives(over)
    page = limited.get("/query/prefix/", {"q": "69212345"})
    assert page.status_code == 429
    assert "ETag" not in page


@pytest.mark.django_db
def test_the_resolver_keeps_linksets_public_and_pages_private(
    client: Client, member: Member, member_user: User
) -> None:
    _filed(member, member_user)
    machine = client.get(f"/01/0{GTIN}", HTTP_ACCEPT="application/linkset+json")
    assert machine.status_code == 200
    assert _directives(machine) == {"public", "no-cache"}
    assert {"accept", "cookie"} <= _vary(machine)
    repeated = client.get(f"/01/0{GTIN}", HTTP_ACCEPT="application/linkset+json",
                          HTTP_IF_NONE_MATCH=machine["ETag"])  # fmt: skip
    assert repeated.status_code == 304
    person = client.get(f"/01/0{GTIN}", HTTP_ACCEPT="text/html")
    assert _directives(person) == {"private", "no-cache"}
    unknown = client.get("/01/04006381333931", HTTP_ACCEPT="application/linkset+json")
    assert unknown.status_code == 404
    assert "public" not in _directives(unknown)


@pytest.mark.django_db
def test_a_query_page_is_the_browsers_own_and_304_while_unchanged(
    client: Client, member: Member, member_user: User
) -> None:
    page = client.get("/query/gtin/", {"q": GTIN})
    assert page.status_code == 200
    assert _directives(page) == {"private", "no-cache"}
    assert "cookie" in _vary(page)
    assert "csrftoken" in page.cookies  # the language switch's form: why it is not shared
    again = client.get("/query/gtin/", {"q": GTIN}, HTTP_IF_NONE_MATCH=page["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    stranger = Client()  # another browser, another CSRF secret: the page, not a 304
    elsewhere = stranger.get("/query/gtin/", {"q": GTIN}, HTTP_IF_NONE_MATCH=page["ETag"])
    assert elsewhere.status_code == 200
    _filed(member, member_user)
    changed = client.get("/query/gtin/", {"q": GTIN}, HTTP_IF_NONE_MATCH=page["ETag"])
    assert changed.status_code == 200
    assert "示例矿泉水" in changed.content.decode()
    log_in(client, member_user.mobile)  # a name in the header: never anyone else's page
    own = client.get("/query/gtin/", {"q": GTIN}, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert own.status_code == 200
    assert "public" not in _directives(own)


@pytest.mark.django_db
def test_a_filed_products_picture_is_public_a_drafts_is_not_there(
    client: Client, member: Member, member_user: User
) -> None:
    product = _filed(member, member_user)
    product.image.save("product.png", ContentFile(b"\x89PNG picture"), save=True)
    picture = client.get(f"/query/image/{product.gtin}")
    assert picture.status_code == 200
    assert _directives(picture) == {"public", "no-cache"}
    assert client.get(f"/query/image/{product.gtin}",
                      HTTP_IF_NONE_MATCH=picture["ETag"]).status_code == 304  # fmt: skip


# -- a member's artwork ------------------------------------------------------------------------


@pytest.mark.django_db
def test_artwork_is_private_and_304_only_for_its_member(
    client: Client, member: Member, member_user: User, other_user: User
) -> None:
    product = bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY)
    log_in(client, member_user.mobile)
    path = f"/products/{product.pk}/artwork/?format=svg&magnification=1.00"
    svg = client.get(path)
    assert svg.status_code == 200
    assert _directives(svg) == {"private", "max-age=3600"}
    assert "cookie" in _vary(svg)
    again = client.get(path, HTTP_IF_NONE_MATCH=svg["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    png = client.get(path.replace("svg", "png"), HTTP_IF_NONE_MATCH=svg["ETag"])
    assert png.status_code == 200  # another file, another ETag
    assert png["ETag"] != svg["ETag"]
    rival = Client()
    log_in(rival, other_user.mobile)
    assert rival.get(path, HTTP_IF_NONE_MATCH=svg["ETag"]).status_code == 404
    assert Client().get(path, HTTP_IF_NONE_MATCH=svg["ETag"]).status_code == 302  # to log in


# -- behind a real shared cache, in production settings ----------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parents[2]


def _production(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"),
        "HALL_DATA_DIR": str(tmp_path / "data"),
        "HALL_SECRET_KEY": "caching-test-" + "k9Qz" * 12, "HALL_CACHE_URL": "redis://127.0.0.1:6379/13",
        "HALL_BROKER_URL": "amqp://127.0.0.1:5672//", "HALL_PUBLIC_URL": "https://hall.example",
        "HALL_SMS_BACKEND": "http", "HALL_SMS_URL": "http://127.0.0.1:9/",
        "HALL_SMS_TOKEN": "t", "HALL_SECURE_COOKIES": "no", "HALL_ALLOWED_HOSTS": "127.0.0.1",
    }  # fmt: skip


def _nginx_conf(tmp_path: Path, port: int, upstream: int) -> Path:
    conf = tmp_path / "nginx.conf"
    # Started by root, nginx's workers would become nobody, who may not write the cache here.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
daemon off; {user} worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
  fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
  proxy_cache_path {tmp_path}/cache levels=1:2 keys_zone=hall:1m;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host 127.0.0.1;
      proxy_cache hall;
      add_header X-Cache $upstream_cache_status always;
    }}
  }}
}}
""")  # noqa: E501
    return conf


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(granian's port, nginx's port): the hall in production settings on a migrated SQLite
    with the demo's member and products, its static files collected; nginx caching in front."""
    system.require(Path(NGINX).exists(), "nginx-light")
    tmp_path = tmp_path_factory.mktemp("caching")
    env = _production(tmp_path)
    for command, extra in ((["migrate", "--verbosity", "0"], {"HALL_DEBUG": "1"}),
                           (["demo"], {"HALL_DEBUG": "1"}),  # demo data: a development act
                           (["collectstatic", "--noinput", "--verbosity", "0"], {})):  # fmt: skip
        subprocess.run([sys.executable, "-m", "hall", *command], env={**env, **extra},
                       check=True, cwd=tmp_path, stdout=subprocess.DEVNULL)  # fmt: skip
    app, front = system.free_port(), system.free_port()
    granian = str(Path(sys.executable).with_name("granian"))
    processes = [subprocess.Popen(
        [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(app),
         "--workers", "1", "hall.wsgi:application"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )]  # fmt: skip
    conf = _nginx_conf(tmp_path, front, app)
    processes.append(subprocess.Popen([NGINX, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))  # fmt: skip
    try:
        for port in (app, front):
            system.wait_for_port(port)
        yield app, front
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_collected_static_files_are_served_immutable_under_hashed_names(
    deployed: tuple[int, int],
) -> None:
    app, _front = deployed
    status, _headers, page = _get(app, "/query/")
    assert status == 200
    linked = re.findall(rb"/static/hall/hall\.([0-9a-f]{12})\.css", page)
    assert linked, "the page links to the stylesheet by its hashed name"
    status, headers, css = _get(app, f"/static/hall/hall.{linked[0].decode()}.css")
    assert status == 200
    assert headers["cache-control"] == FOREVER
    assert (ROOT / "src/hall/static/hall/hall.css").read_bytes() == css
    status, headers, _gzipped = _get(app, f"/static/hall/hall.{linked[0].decode()}.css",
                                     **{"Accept-Encoding": "gzip"})  # fmt: skip
    assert (status, headers["content-encoding"]) == (200, "gzip")
    status, headers, _plain = _get(app, "/static/hall/hall.css")  # no hash: a minute
    assert (status, headers["cache-control"]) == (200, "max-age=60, public")


def test_a_shared_cache_asks_again_for_every_answer_and_never_keeps_a_page(
    deployed: tuple[int, int],
) -> None:
    app, front = deployed
    path = f"/api/v1/gtins/{GTIN}"
    statuses = [_get(front, path) for _ in range(3)]
    assert [s[0] for s in statuses] == [200, 200, 200]
    # no-cache: nginx serves none from its cache (a CDN that keeps it asks with its ETag), so
    # no answer older than the last change reaches anyone (hall.lookup.answers).
    assert [s[1]["x-cache"] for s in statuses] == ["MISS", "MISS", "MISS"]
    assert json.loads(statuses[2][2])["product"]["name"] == "示例矿泉水"
    # The hall answers a cache's question with its ETag (nginx sends none of its clients').
    status, headers, body = _get(app, path, **{"If-None-Match": statuses[0][1]["etag"]})
    assert (status, body) == (304, b"")
    for _ in range(2):
        status, headers, _page = _get(front, f"/query/gtin/?q={GTIN}")
        assert status == 200
        assert headers["x-cache"] != "HIT"
        assert "set-cookie" in headers  # the visitor's own CSRF cookie, never another's
    for _ in range(2):
        status, headers, _answer = _get(front, "/api/v1/gtins/4006381333931")
        assert (status, headers["x-cache"]) == (404, "MISS")
