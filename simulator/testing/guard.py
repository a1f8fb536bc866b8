"""The offline guard: while installed, only loopback may be reached.

It wraps the socket layer every Python HTTP stack goes through
(``socket.socket.connect``/``connect_ex``/``sendto``, ``socket.create_connection``
and ``socket.getaddrinfo``) and refuses anything that is not loopback before
the wrapped call runs, so no test can reach the vendors' hosts or the
documents' private addresses by accident, and no DNS query leaves the machine.

``NetworkBlocked`` is deliberately not an ``OSError``: HTTP libraries turn an
``OSError`` into their own "connection failed" error and may retry it; this
one goes straight up to the test with its explanation. Every refusal is also
recorded, so the pytest plugin can fail a test whose code swallowed it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass
from typing import Any, Callable

from simulator.core.net import is_loopback_host

_HINT = ("only loopback (127.0.0.0/8, ::1, localhost) is reachable while apisim's offline guard is on; "
         "point the client at apisim (the `apisim` fixture's base_url(), or the `apisim_respx` fixture for "
         "the vendors' own URLs), or run pytest with --apisim-allow-network")


class NetworkBlocked(RuntimeError):
    """A connection (or DNS lookup) to something other than loopback was refused."""


def _is_numeric(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


@dataclass
class SocketLayer:
    """The calls the guard wraps. By default whatever is installed when the guard is;
    tests pass stubs here to prove the guard refuses before this layer is reached."""

    connect: Callable[..., Any]
    connect_ex: Callable[..., Any]
    sendto: Callable[..., Any]
    create_connection: Callable[..., Any]
    getaddrinfo: Callable[..., Any]

    @classmethod
    def current(cls) -> "SocketLayer":
        return cls(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex, sendto=socket.socket.sendto,
                   create_connection=socket.create_connection, getaddrinfo=socket.getaddrinfo)


class OfflineGuard:
    """Install with ``install()`` (or ``with OfflineGuard():``); ``uninstall()`` puts back what was there."""

    def __init__(self, beneath: SocketLayer | None = None):
        self._given = beneath
        self.beneath: SocketLayer | None = None
        self._saved: SocketLayer | None = None
        self.refusals: list[str] = []
        self._lock = threading.Lock()

    @property
    def installed(self) -> bool:
        return self._saved is not None

    # -- the checks ---------------------------------------------------------------------------

    def _refuse(self, what: str) -> NetworkBlocked:
        message = f"apisim offline guard: refused {what}: {_HINT}"
        with self._lock:
            self.refusals.append(message)
        return NetworkBlocked(message)

    def check_address(self, family: int, address: Any, action: str = "a connection to") -> None:
        """Raise for an internet address that is not loopback (Unix sockets and the like are local)."""
        if family not in (socket.AF_INET, socket.AF_INET6):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not is_loopback_host(host):
            port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
            raise self._refuse(f"{action} {host}:{port}")

    def check_lookup(self, host: Any) -> None:
        """Resolving a name sends a DNS query: only loopback names and numeric addresses are let through."""
        if host is None:
            return
        text = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if not (is_loopback_host(text) or _is_numeric(text)):
            raise self._refuse(f"a DNS lookup of {text!r}")

    # -- installing ---------------------------------------------------------------------------

    def install(self) -> "OfflineGuard":
        if self.installed:
            raise RuntimeError("this offline guard is already installed")
        self._saved = SocketLayer.current()
        beneath = self.beneath = self._given or self._saved
        guard = self

        def connect(sock: socket.socket, address: Any) -> Any:
            guard.check_address(sock.family, address)
            return beneath.connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            guard.check_address(sock.family, address)
            return beneath.connect_ex(sock, address)

        def sendto(sock: socket.socket, data: Any, *rest: Any) -> Any:
            guard.check_address(sock.family, rest[-1] if rest else None, "a datagram to")
            return beneath.sendto(sock, data, *rest)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
            host = address[0] if isinstance(address, tuple) else address
            if not is_loopback_host(host):
                port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
                raise guard._refuse(f"a connection to {host}:{port}")
            return beneath.create_connection(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            guard.check_lookup(host)
            return beneath.getaddrinfo(host, *args, **kwargs)

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
        socket.create_connection = create_connection  # type: ignore[assignment]
        socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
        return self

    def uninstall(self) -> None:
        saved = self._saved
        if saved is None:
            return
        for name in ("connect", "connect_ex", "sendto"):
            original = getattr(saved, name)
            if original is getattr(socket.socket.__base__, name, None):
                delattr(socket.socket, name)  # it was inherited from _socket.socket: inherit it again
            else:
                setattr(socket.socket, name, original)
        socket.create_connection = saved.create_connection  # type: ignore[assignment]
        socket.getaddrinfo = saved.getaddrinfo  # type: ignore[assignment]
        self._saved = None
        self.beneath = None

    def __enter__(self) -> "OfflineGuard":
        return self.install()

    def __exit__(self, *exc: Any) -> None:
        self.uninstall()


def offline_guard(beneath: SocketLayer | None = None) -> OfflineGuard:
    """``with offline_guard(): ...``: only loopback is reachable inside the block."""
    return OfflineGuard(beneath)
