"""Breaking one client connection from inside a granian worker, which has no API for it.

granian answers 500 when a handler raises, so ``reset`` and ``disconnect`` faults are carried out
beneath it: the worker finds the connection's socket among its own file descriptors (the one whose
peer and local addresses are the request's), takes a duplicate of it, puts ``/dev/null`` in its place
under the same number (``dup2``: granian keeps a harmless descriptor, reads an end of file and writes
its 500 nowhere) and closes the duplicate, the socket's last reference: with ``SO_LINGER {1, 0}``
the kernel sends the client a RST (``reset``), otherwise a FIN with no response (``disconnect``).
Only a faulted request pays for the search; every other request is granian's as before.
Linux only (``/proc/self/fd``); elsewhere :func:`can_drop_connections` is False.
"""

from __future__ import annotations

import os
import socket
import struct
from pathlib import Path

FD_DIR = Path("/proc/self/fd")


def can_drop_connections() -> bool:
    return FD_DIR.is_dir() and hasattr(socket, "SO_LINGER")


def _address(text: str | None) -> tuple[str, int] | None:
    host, _, port = (text or "").rpartition(":")
    return (host.strip("[]"), int(port)) if port.isdigit() else None


def _matches(sock: socket.socket, peer: tuple[str, int], local: tuple[str, int]) -> bool:
    try:
        got_peer, got_local = sock.getpeername()[:2], sock.getsockname()[:2]
    except OSError:
        return False
    return got_peer[1] == peer[1] and got_local[1] == local[1] and got_peer[0] == peer[0]


def find_connection(client: str | None, server: str | None) -> int | None:
    """The descriptor of this process's TCP connection from ``client`` to ``server`` (``host:port``)."""
    peer, local = _address(client), _address(server)
    if peer is None or local is None:
        return None
    for entry in FD_DIR.iterdir():
        try:
            fd = int(entry.name)
            if not os.readlink(entry).startswith("socket:"):
                continue
            probe = socket.socket(fileno=os.dup(fd))
        except (ValueError, OSError):
            continue
        try:
            if probe.family in (socket.AF_INET, socket.AF_INET6) and probe.type == socket.SOCK_STREAM \
                    and _matches(probe, peer, local):
                return fd
        finally:
            probe.close()
    return None


def drop_connection(client: str | None, server: str | None, *, reset: bool) -> bool:
    """Break the connection: a RST (``reset``) or a FIN without a response. False if it was not found."""
    fd = find_connection(client, server)
    if fd is None:
        return False
    duplicate = socket.socket(fileno=os.dup(fd))
    null = os.open(os.devnull, os.O_RDWR)
    try:
        os.dup2(null, fd)  # granian's descriptor number now names /dev/null
    finally:
        os.close(null)
    # Only now may the client learn of it: were the FIN sent before the swap, its next connection
    # could be accepted under the number granian just closed, and the swap would take that one.
    if reset:
        duplicate.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    duplicate.close()  # the socket's last reference: RST with the zero linger, else FIN
    return True
