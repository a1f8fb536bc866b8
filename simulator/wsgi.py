"""The WSGI adapter: one service request from WSGI to :meth:`Simulator.handle` and back, and the
fault injector that carries a :class:`~simulator.core.transport.TransportFault` out on the socket
werkzeug hands over (``environ["werkzeug.socket"]``).

Without a socket (Flask's test client) iterating the body raises ``ConnectionResetError``,
``ConnectionAbortedError`` or ``TimeoutError``, so a test sees the failure as an exception.
"""

from __future__ import annotations

import logging
import select
import socket
import struct
import time
from typing import TYPE_CHECKING, Any, Iterator

from flask import Response
from werkzeug.wrappers import Request

from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.core.transport import CUT, HANG, RESET, TransportFault
from simulator.pipeline.limits import body_limit
from simulator.reading import BAD_REQUEST_RESPONSE, TIMEOUT_RESPONSE, BadFraming, RequestTimeout, read_wsgi_body

if TYPE_CHECKING:
    from simulator.simulator import Simulator

log = logging.getLogger("apisim.wsgi")
_POLL_SECONDS = 0.05


def serve_simulator(sim: Simulator, environ: dict[str, Any], start_response: Any) -> Any:
    """One service request, WSGI in and out, through :meth:`Simulator.handle`."""
    request = Request(environ)
    try:
        port = int(environ.get("SERVER_PORT") or 0) or None
    except ValueError:
        port = None
    try:  # no further than the deployment's body limit (simulator/reading.py)
        limit = body_limit(sim.contracts, sim.router, request.method, request.path, request.host, port)
        body, refused = read_wsgi_body(request, limit)
    except (RequestTimeout, BadFraming) as exc:
        log.debug("%s %s: %s", request.method, request.path, exc)
        _stop_reading(environ)
        status, headers, payload = TIMEOUT_RESPONSE if isinstance(exc, RequestTimeout) else BAD_REQUEST_RESPONSE
        return Response(payload, status=status, headers=headers)(environ, start_response)
    if refused is not None:
        _stop_reading(environ)
    sim_request = SimRequest(
        method=request.method,
        path=request.path,
        query=list(request.args.items(multi=True)),
        headers=Headers(request.headers.items()),
        body=body,
        host=request.host,
        local_port=port,
        raw_query=request.query_string.decode("latin-1"),
        body_refused=refused,
    )
    result = sim.handle(sim_request)
    if isinstance(result, TransportFault):  # a reset, hang or cut body happens on the socket itself
        response = WsgiFaultInjector(environ).carry_out(result)
    else:
        response = Response(result.body, status=result.status, headers=result.headers)
    return response(environ, start_response)


def _stop_reading(environ: dict[str, Any]) -> None:
    """The dev server drains what the client still sends after the answer; a body left unread on
    purpose (past the limit, too slow, broken) is not drained: the connection closes instead."""
    reader = environ.get("apisim.reader")
    if reader is not None:
        reader.stopped = True


class WsgiFaultInjector:
    """Carries a fault out on the connection a WSGI response is written to."""

    def __init__(self, environ: dict[str, Any]):
        self.sock: socket.socket | None = environ.get("werkzeug.socket")

    def carry_out(self, fault: TransportFault) -> Response:
        if fault.action == CUT:
            headers = [(k, v) for k, v in fault.headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(fault.declared_length)))
            # A generator, so werkzeug keeps our Content-Length; it then closes the connection
            # (it always sends Connection: close), leaving the client short of bytes.
            return Response(iter([fault.body]), status=fault.status, headers=headers)
        return Response(_misbehave(fault, self.sock), status=200)


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
