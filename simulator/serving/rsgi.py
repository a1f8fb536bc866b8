"""Granian's RSGI interface straight to the pipeline, and the fault injector of a granian connection."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any
from urllib.parse import parse_qsl

from simulator.app import ADMIN_PREFIX
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.core.transport import CUT, HANG, RESET, TransportFault
from simulator.serving.connection_drop import drop_connection
from simulator.pipeline.limits import body_limit
from simulator.reading import (BAD_REQUEST_RESPONSE, TIMEOUT_RESPONSE, BadFraming, BodyDeadlines, RequestTimeout,
                               read_rsgi_body)
from simulator.serving.process import read_limits
from simulator.simulator import Simulator

log = logging.getLogger("apisim.serving")


class RSGIApp:
    """Granian's RSGI interface straight to :meth:`Simulator.handle` (what ``simulator.app`` does for WSGI).

    The admin API is rare and lives in the Flask app, so those requests go through it as WSGI.
    """

    def __init__(self, simulator: Simulator):
        from simulator.app import create_app

        self.simulator = simulator
        self.flask = create_app(simulator=simulator)
        self.limits = read_limits(simulator.config)
        self.deadlines = BodyDeadlines(self.limits.body_timeout)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        headers = scope.headers
        server = scope.server or ""
        port = server.rpartition(":")[2]
        local_port = int(port) if port.isdigit() else None
        try:  # no further than the deployment's body limit, and only for so long (simulator/reading.py)
            limit = body_limit(self.simulator.contracts, self.simulator.router, scope.method, scope.path,
                               headers.get("host") or server, local_port)
            body, refused = await read_rsgi_body(scope, protocol, limit, self.deadlines)
        except (RequestTimeout, BadFraming) as exc:
            log.debug("%s %s: %s", scope.method, scope.path, exc)
            status, answer_headers, payload = TIMEOUT_RESPONSE if isinstance(exc, RequestTimeout) else BAD_REQUEST_RESPONSE
            try:
                protocol.response_bytes(status, answer_headers, payload)
            except Exception:  # noqa: BLE001 - the client is gone: nothing left to tell it
                pass
            return
        if scope.path == ADMIN_PREFIX or scope.path.startswith(ADMIN_PREFIX + "/"):
            if refused is not None:
                protocol.response_bytes(413, [("content-type", "application/json"), ("connection", "close")],
                                        b'{"apisim_error": "the admin API takes bodies of up to 16 MiB"}')
                return
            status, answer_headers, payload = call_wsgi(self.flask, scope, body)
            protocol.response_bytes(status, answer_headers, payload)
            return
        raw_query = scope.query_string or ""
        request = SimRequest(
            method=scope.method,
            path=scope.path,
            query=parse_qsl(raw_query, keep_blank_values=True) if raw_query else [],
            headers=Headers(headers.items()),
            body=body,
            host=headers.get("host") or server,
            local_port=local_port,
            raw_query=raw_query,
            body_refused=refused,
        )
        response = self.simulator.handle(request)
        if isinstance(response, TransportFault):
            await RsgiFaultInjector(protocol, scope).carry_out(response)
            return
        answer_headers = _header_list(response.headers)
        if refused is not None and not any(k.lower() == "connection" for k, _ in answer_headers):
            answer_headers.append(("connection", "close"))  # the rest of the body is never read
        protocol.response_bytes(response.status, answer_headers, response.body)


class RsgiFaultInjector:
    """Carries a fault out on a granian connection: hang until the client gives up, send a body cut
    short of its Content-Length, or break the connection without a response."""

    def __init__(self, protocol: Any, scope: Any = None):
        self.protocol = protocol
        self.scope = scope  # its client and server addresses name the connection to break

    async def carry_out(self, fault: TransportFault) -> None:
        await _carry_out(fault, self.protocol, self.scope)


async def _carry_out(fault: TransportFault, protocol: Any, scope: Any = None) -> None:
    if fault.action == HANG:
        disconnected = asyncio.ensure_future(protocol.client_disconnect())
        try:
            await asyncio.wait_for(disconnected, timeout=fault.max_seconds)
        except asyncio.TimeoutError:
            pass
        raise ConnectionAbortedError("apisim fault: hung until the client left")
    if fault.action == CUT:
        headers = [(k, v) for k, v in _header_list(fault.headers) if k.lower() != "content-length"]
        headers.append(("content-length", str(fault.declared_length)))
        transport = protocol.response_stream(fault.status, headers)
        await transport.send_bytes(fault.body)
        return  # the stream ends short of its Content-Length: the client sees a truncated body
    # reset / disconnect: broken beneath granian (simulator/serving/connection_drop.py); granian's own
    # answer to the exception then goes nowhere
    if scope is not None and drop_connection(scope.client, scope.server, reset=fault.action == RESET):
        protocol.response_bytes(500, [], b"")  # written to /dev/null: granian's bookkeeping, nobody reads it
        return
    raise ConnectionResetError(f"apisim fault: {fault.action}")


def call_wsgi(app: Any, scope: Any, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request through a WSGI app, from an RSGI scope."""
    import io

    host, _, port = (scope.server or "127.0.0.1:0").rpartition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method, "SCRIPT_NAME": "", "PATH_INFO": scope.path.encode().decode("latin-1"),
        "QUERY_STRING": scope.query_string or "", "SERVER_NAME": host, "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}", "wsgi.version": (1, 0), "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": (scope.client or "").rpartition(":")[0].strip("[]"),
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = value
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started["status"], started["headers"] = int(status.split(" ", 1)[0]), headers

    chunks = app(environ, start_response)
    try:
        payload = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return started["status"], _header_list(started["headers"]), payload


def _header_list(headers: Any) -> list[tuple[str, str]]:
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(name), str(value)) for name, value in items]
