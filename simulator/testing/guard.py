"""The offline guard: while installed, only loopback may be reached.

Two layers, each refusing anything that is not loopback before the call it guards does any work:

1. **The socket module's functions and methods** (``socket.socket.connect``/``connect_ex``/
   ``sendto``/``sendmsg``, ``socket.create_connection``, ``getaddrinfo``, ``gethostbyname``,
   ``gethostbyname_ex``, ``gethostbyaddr``, ``getnameinfo``): wrapped, so every Python HTTP stack
   is stopped with a clear error; tests put a stub :class:`SocketLayer` beneath them.
2. **An audit hook** (PEP 578) on the ``socket.*`` events CPython raises inside ``_socket`` itself,
   before the system call: code that goes around the module (``_socket.socket().connect``,
   ``socket.socket.__base__.sendto``, a C extension using Python's socket objects) is refused too.
   Audit hooks cannot be removed, so the hook is added once and does nothing while no guard is on.

Names are never resolved unless they are ``localhost`` (``/etc/hosts``) or numeric: a lookup of
any other name, ``*.localhost`` included, may send a DNS query out of the machine.

``NetworkBlocked`` is deliberately not an ``OSError``: HTTP libraries turn an ``OSError`` into
their own "connection failed" error and may retry it; this one goes straight up to the test with
its explanation. Every refusal is also recorded, so the pytest plugin can fail a test whose code
swallowed it.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from dataclasses import dataclass, fields
from typing import Any, Callable

from simulator.core.net import is_loopback_host

_HINT = ("only loopback (127.0.0.0/8, ::1, localhost) is reachable while apisim's offline guard is on; "
         "point the client at apisim (the `apisim` fixture's base_url(), or the `apisim_respx` fixture for "
         "the vendors' own URLs), or run pytest with --apisim-allow-network")
_IP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class NetworkBlocked(RuntimeError):
    """A connection, datagram or DNS lookup to something other than loopback was refused."""


def _is_numeric(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _text(host: Any) -> str:
    return host.decode("ascii", "replace") if isinstance(host, (bytes, bytearray)) else str(host)


def resolves_locally(host: Any) -> bool:
    """Whether looking ``host`` up sends no DNS query: a numeric address, or ``localhost``."""
    text = _text(host).strip().rstrip(".").lower()
    return text in ("", "localhost") or _is_numeric(text)  # "": the wildcard address, for bind


def reaches_loopback_only(host: Any) -> bool:
    """Whether a socket given ``host`` talks to loopback with no DNS query on the way."""
    return host is not None and is_loopback_host(host) and resolves_locally(host)


@dataclass
class SocketLayer:
    """The calls the guard wraps. By default whatever is installed when the guard is;
    tests pass stubs here to prove the guard refuses before this layer is reached."""

    connect: Callable[..., Any]
    connect_ex: Callable[..., Any]
    sendto: Callable[..., Any]
    sendmsg: Callable[..., Any]
    create_connection: Callable[..., Any]
    getaddrinfo: Callable[..., Any]
    gethostbyname: Callable[..., Any]
    gethostbyname_ex: Callable[..., Any]
    gethostbyaddr: Callable[..., Any]
    getnameinfo: Callable[..., Any]

    @classmethod
    def current(cls) -> "SocketLayer":
        return cls(**{f.name: getattr(socket.socket if f.name in _METHODS else socket, f.name) for f in fields(cls)})


_METHODS = ("connect", "connect_ex", "sendto", "sendmsg")
_FUNCTIONS = ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")
_installed: list["OfflineGuard"] = []  # the guards on, innermost last: the audit hook asks the innermost
_hook_added = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _installed and event.startswith("socket."):
        _installed[-1].audit(event, args)


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
        if family not in _IP_FAMILIES:
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not reaches_loopback_only(host):
            port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
            raise self._refuse(f"{action} {host}:{port}")

    def check_lookup(self, host: Any, what: str = "a DNS lookup of") -> None:
        """Resolving a name sends a DNS query: only ``localhost`` and numeric addresses are let through."""
        if host is not None and not resolves_locally(host):
            raise self._refuse(f"{what} {_text(host)!r}")

    def check_reverse(self, address: Any) -> None:
        """A reverse lookup (address to name) of anything but loopback sends a DNS query."""
        host = address[0] if isinstance(address, tuple) and address else address
        if not (host is not None and is_loopback_host(host) and _is_numeric(_text(host))):
            raise self._refuse(f"a reverse DNS lookup of {_text(host)!r}")

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """The audit hook's part: the same checks on the events ``_socket`` raises before acting."""
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            sock, address = args[0], args[1]
            if address is not None:  # sendmsg on a connected socket: checked when it connected
                action = "a connection to" if event == "socket.connect" else "a datagram to"
                self.check_address(getattr(sock, "family", socket.AF_INET), address, action)
        elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
            self.check_lookup(args[0])
        elif event == "socket.gethostbyaddr":
            self.check_reverse(args[0])
        elif event == "socket.getnameinfo":
            self.check_reverse(args[0])

    # -- installing ---------------------------------------------------------------------------

    def install(self) -> "OfflineGuard":
        global _hook_added
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

        def sendmsg(sock: socket.socket, buffers: Any, *rest: Any) -> Any:
            if len(rest) >= 3 and rest[2] is not None:  # (ancdata, flags, address)
                guard.check_address(sock.family, rest[2], "a datagram to")
            return beneath.sendmsg(sock, buffers, *rest)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
            host = address[0] if isinstance(address, tuple) else address
            if not reaches_loopback_only(host):
                port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
                raise guard._refuse(f"a connection to {host}:{port}")
            return beneath.create_connection(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            guard.check_lookup(host)
            return beneath.getaddrinfo(host, *args, **kwargs)

        def gethostbyname(host: Any) -> Any:
            guard.check_lookup(host)
            return beneath.gethostbyname(host)

        def gethostbyname_ex(host: Any) -> Any:
            guard.check_lookup(host)
            return beneath.gethostbyname_ex(host)

        def gethostbyaddr(address: Any) -> Any:
            guard.check_reverse(address)
            return beneath.gethostbyaddr(address)

        def getnameinfo(sockaddr: Any, flags: int) -> Any:
            guard.check_reverse(sockaddr)
            return beneath.getnameinfo(sockaddr, flags)

        wrappers = locals()
        for name in _METHODS:
            setattr(socket.socket, name, wrappers[name])
        for name in _FUNCTIONS:
            setattr(socket, name, wrappers[name])
        _installed.append(self)
        if not _hook_added:
            sys.addaudithook(_audit)
            _hook_added = True
        return self

    def uninstall(self) -> None:
        saved = self._saved
        if saved is None:
            return
        if self in _installed:
            _installed.remove(self)
        for name in _METHODS:
            original = getattr(saved, name)
            if original is getattr(socket.socket.__base__, name, None):
                delattr(socket.socket, name)  # it was inherited from _socket.socket: inherit it again
            else:
                setattr(socket.socket, name, original)
        for name in _FUNCTIONS:
            setattr(socket, name, getattr(saved, name))
        self._saved = None
        self.beneath = None

    def __enter__(self) -> "OfflineGuard":
        return self.install()

    def __exit__(self, *exc: Any) -> None:
        self.uninstall()


def offline_guard(beneath: SocketLayer | None = None) -> OfflineGuard:
    """``with offline_guard(): ...``: only loopback is reachable inside the block."""
    return OfflineGuard(beneath)
