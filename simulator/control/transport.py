"""Faults below HTTP: a reset connection, one closed without a byte, a hang, a body cut short.

The pipeline cannot do these (it only makes responses), so it returns a :class:`TransportFault`,
and whoever owns the connection carries it out:

* the WSGI app (``simulator.app``) calls :func:`wsgi_response`, which works on the real socket
  werkzeug hands over in ``environ["werkzeug.socket"]``;
* in-process transports (the respx route of the pytest plugin) read ``action`` and raise their
  own client error (e.g. ``httpx.ConnectError`` for ``reset``, ``httpx.ReadTimeout`` for ``hang``);
* without a socket (Flask's test client) iterating the body raises ``ConnectionResetError``,
  ``ConnectionAbortedError`` or ``TimeoutError``, so a test sees the failure as an exception.
"""

from __future__ import annotations

import select
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any, Iterator

from flask import Response

from simulator.core import SimResponse

RESET = "reset"
DISCONNECT = "disconnect"
HANG = "hang"
CUT = "cut"
_POLL_SECONDS = 0.05


@dataclass
class TransportFault(SimResponse):
    """A response that must not arrive whole. ``status`` is 0 unless a cut body has a real status line."""

    action: str = RESET
    max_seconds: float = 30.0  # hang: give up after this long even if the client is still waiting
    declared_length: int | None = None  # cut: the Content-Length announced for the full body


def wsgi_response(fault: TransportFault, environ: dict[str, Any]) -> Response:
    """A Flask response that carries the fault out on the connection it is written to."""
    sock = environ.get("werkzeug.socket")
    if fault.action == CUT:
        headers = [(k, v) for k, v in fault.headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(fault.declared_length)))
        # A generator, so werkzeug keeps our Content-Length; it then closes the connection
        # (it always sends Connection: close), leaving the client short of bytes.
        return Response(iter([fault.body]), status=fault.status, headers=headers)
    return Response(_misbehave(fault, sock), status=200)


def _misbehave(fault: TransportFault, sock: socket.socket | None) -> Iterator[bytes]:
    """Runs when werkzeug starts writing: before any byte goes out, break the connection."""
    if fault.action == RESET:
        if sock is not None:
            # Linger 0: closing sends RST instead of FIN. The close is deferred by Python until
            # werkzeug drops its file objects on the socket, which happens before it could
            # shut the socket down gracefully.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        raise ConnectionResetError("apisim fault: connection reset by peer")
    if fault.action == HANG:
        if sock is None:
            raise TimeoutError("apisim fault: hang (no socket here, so the timeout is immediate)")
        _wait_for_client_to_leave(sock, fault.max_seconds)
        raise ConnectionAbortedError("apisim fault: hung until the client left")
    raise ConnectionAbortedError("apisim fault: connection closed without a response")
    yield b""  # pragma: no cover - makes this a generator, so nothing runs before werkzeug iterates


def _wait_for_client_to_leave(sock: socket.socket, max_seconds: float) -> None:
    """Say nothing until the client closes its end (its timeout) or ``max_seconds`` pass."""
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        try:
            readable, _, _ = select.select([sock], [], [], _POLL_SECONDS)
            if readable and not sock.recv(1, socket.MSG_PEEK):
                return  # orderly close from the client
        except OSError:
            return  # the client reset the connection
        if readable:
            time.sleep(_POLL_SECONDS)  # it sent more bytes; keep ignoring them without spinning


def httpx_error(fault: TransportFault, request: Any) -> Exception:
    """The exception httpx raises when a real connection does this (for in-process httpx transports)::

        response = simulator.handle(sim_request)
        if isinstance(response, TransportFault):
            raise httpx_error(response, request)
    """
    import httpx  # a test extra: only in-process transports need it

    if fault.action == RESET:
        return httpx.ReadError("[Errno 104] Connection reset by peer (apisim fault)", request=request)
    if fault.action == HANG:
        return httpx.ReadTimeout("timed out (apisim fault: hang)", request=request)
    if fault.action == CUT:
        return httpx.RemoteProtocolError(
            f"peer closed connection without sending complete message body: received {len(fault.body)} bytes, "
            f"expected {fault.declared_length} (apisim fault)", request=request)
    return httpx.RemoteProtocolError("Server disconnected without sending a response. (apisim fault)", request=request)
