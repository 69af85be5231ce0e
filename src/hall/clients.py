"""The client a request comes from: the address every per-client limit and audit row keys on.

Behind a reverse proxy the socket's address is the proxy's, so the whole country would be one
client. ``X-Forwarded-For`` is honoured only when the socket's peer is one of the proxies
``settings.TRUSTED_PROXIES`` names (``HALL_TRUSTED_PROXIES``: addresses or networks); then the
client is the right-most address in the header that is not itself a trusted proxy. A header
from anyone else is ignored: a forged one counts as the sender's own address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

__all__ = ["client_address"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1)
def _trusted(names: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


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
