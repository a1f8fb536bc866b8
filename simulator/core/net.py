"""What counts as loopback: the one answer the offline guard, the admin API and the clients share."""

from __future__ import annotations

import ipaddress
from typing import Any


def is_loopback_host(host: Any) -> bool:
    """True for ``localhost``, ``*.localhost``, 127.0.0.0/8, ``::1`` and IPv4-mapped loopback."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback
