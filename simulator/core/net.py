"""What counts as loopback: the one answer the offline guard, the admin API, ``apisim serve``, the
checking proxy, ``apisim verify`` and ``apisim report`` share."""

from __future__ import annotations

import ipaddress
from typing import Any


def _name(host: Any) -> str | None:
    """The host as text, lower case, without brackets, a trailing dot or an IPv6 zone."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return None
    return host.strip().strip("[]").rstrip(".").lower()


def is_loopback_address(host: Any) -> bool:
    """True for ``localhost`` and numeric loopback addresses (127.0.0.0/8, ``::1``, IPv4-mapped
    loopback): what is on this machine without asking a resolver. What apisim binds to or connects
    to itself is checked with this; ``127.example.com`` is a name, and so is ``foo.localhost``
    (a resolver would be asked about it, and might answer anything)."""
    name = _name(host)
    if name is None:
        return False
    if name == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def is_loopback_host(host: Any) -> bool:
    """True for ``localhost``, ``*.localhost``, 127.0.0.0/8, ``::1`` and IPv4-mapped loopback: a
    host a request may name and still mean this machine (RFC 6761 reserves ``.localhost``)."""
    name = _name(host)
    return name is not None and (name.endswith(".localhost") or is_loopback_address(name))
