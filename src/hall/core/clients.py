"""The client a request comes from: the address every per-client limit and audit row keys on.

Behind a reverse proxy the socket's address is the proxy's, so the whole country would be one
client. ``X-Forwarded-For`` is honoured only when the socket's peer is one of the proxies
``settings.TRUSTED_PROXIES`` names (``HALL_TRUSTED_PROXIES``: addresses or networks); then the
client is the right-most address in the header that is not itself a trusted proxy. A header
from anyone else is ignored: a forged one counts as the sender's own address.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["UntrustedProxyHeaders", "client_address", "client_network",
           "drop_untrusted_proxy_headers"]  # fmt: skip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1)
def _trusted(names: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)


def _is_trusted(address: str) -> bool:
    return _among(address, tuple(settings.TRUSTED_PROXIES))


@lru_cache(maxsize=4096)  # asked several times a request, of the same few addresses
def _among(address: str, names: tuple[str, ...]) -> bool:
    ip = ipaddress.ip_address(address)  # a _valid one
    return any(ip in network for network in _trusted(names))


_PORT = re.compile(r"^\[(?P<v6>[^\]]+)\](?::\d+)?$|^(?P<v4>[\d.]+):\d+$")


@lru_cache(maxsize=4096)
def _valid(address: str) -> str | None:
    """The address in its one written form: a port or brackets dropped, an IPv4 address
    mapped into IPv6 as itself, no IPv6 zone (PostgreSQL's inet has none)."""
    text = address.strip()
    if (ported := _PORT.match(text)) is not None:
        text = ported.group("v6") or ported.group("v4")
    try:
        ip = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@lru_cache(maxsize=4096)
def client_network(address: str) -> str:
    """What a client's limits count: its address; an IPv6 client's /64, the network a provider
    gives one subscriber whole (its 2^64 addresses would otherwise be as many limits)."""
    if ":" not in address:
        return address
    return str(ipaddress.IPv6Network(f"{address}/64", strict=False))


def client_address(request: HttpRequest) -> str | None:
    """The real client's address: the socket's peer, or what a trusted proxy says it saw."""
    peer = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None or not _is_trusted(peer):
        return peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(forwarded):  # proxies append: the right-most untrusted one is the client
        address = _valid(hop)
        if address is None:
            return peer  # a mangled chain: trust nothing in it
        if not _is_trusted(address):
            return address
    return peer


class UntrustedProxyHeaders:
    """What only a proxy may say is dropped from anyone else's request: ``X-Forwarded-Proto``,
    which Django's SECURE_PROXY_SSL_HEADER would believe from a client (``X-Forwarded-For``
    is read by :func:`client_address` alone, which has the same rule)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        drop_untrusted_proxy_headers(request)
        return self.get_response(request)


def drop_untrusted_proxy_headers(request: HttpRequest) -> None:
    """:class:`UntrustedProxyHeaders`' rule, for a path that answers without middleware."""
    peer = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None or not _is_trusted(peer):
        request.META.pop("HTTP_X_FORWARDED_PROTO", None)
