"""How every server apisim runs reads a request, so no client can stall a port or fill memory.

* **Timeouts.** The request line and headers must arrive within ``header_timeout`` seconds, the
  body within ``body_timeout`` seconds after them (the whole of each, not per read: a client
  trickling a byte at a time is cut off too). Past one, a ``408`` and the connection is closed.
* **A connection cap per port** (``max_connections``, per worker process): past it, granian and
  gunicorn leave new connections waiting in the listen queue; the dev server answers ``503``.
* **The body limit** of the deployment the request is for (its contract's ``limits``): a body
  declared longer is not read at all, and reading stops once a chunked one goes past it; the
  pipeline then answers as the service does (:mod:`simulator.pipeline.limits`).
* **Broken framing or a client that leaves mid-body** is a ``400`` or a quiet close, with a
  one-line debug log, never a ``500`` or a traceback.

The pieces for each server are here: :func:`read_rsgi_body` for granian, :func:`read_wsgi_body`
for the WSGI servers, :class:`DevRequestHandler` and :class:`DevServer` for werkzeug, and
:func:`request_complete` for the gunicorn worker that buffers requests before a thread sees them
(:mod:`simulator.serving.gunicorn_worker`). See docs/limits.md.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

log = logging.getLogger("apisim.reading")


@dataclass(frozen=True)
class ReadLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 4096  # per port and worker process


class RequestTimeout(Exception):
    """The client did not send the whole request in time."""


class BadFraming(Exception):
    """The body's framing is broken (a chunk size that is not hex, a body cut short)."""


TIMEOUT_RESPONSE = (408, [("Content-Type", "text/plain"), ("Connection", "close")], b"request timeout\n")
BAD_REQUEST_RESPONSE = (400, [("Content-Type", "text/plain"), ("Connection", "close")], b"bad request framing\n")


# -- granian ----------------------------------------------------------------------------------


class BodyDeadlines:
    """The body deadlines of one event loop's requests, kept by one timer that sweeps them.

    A timer per request (``loop.call_later`` and its ``cancel``) cost about 7 µs, a tenth of
    what the whole pipeline costs for a small request; a dict entry costs a twentieth of that.
    The sweep runs every ``timeout / 4`` (at most every second) while a body is being read, so
    a deadline fires up to a quarter of the timeout late: a 30 s body timeout is 30-31 s.
    """

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.interval = min(timeout / 4, 1.0)
        self._reading: dict[asyncio.Task[Any], float] = {}
        self.expired: set[asyncio.Task[Any]] = set()
        self._sweeping = False

    def start(self, task: asyncio.Task[Any]) -> None:
        loop = task.get_loop()
        self._reading[task] = loop.time() + self.timeout
        if not self._sweeping:
            self._sweeping = True
            loop.call_later(self.interval, self._sweep, loop)

    def done(self, task: asyncio.Task[Any]) -> None:
        self._reading.pop(task, None)
        self.expired.discard(task)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for task, deadline in list(self._reading.items()):
            if deadline <= now:
                del self._reading[task]
                self.expired.add(task)
                task.cancel()
        if self._reading:
            loop.call_later(self.interval, self._sweep, loop)
        else:
            self._sweeping = False


async def read_rsgi_body(scope: Any, protocol: Any, limit: int, deadlines: BodyDeadlines) -> tuple[bytes, int | None]:
    """The body of an RSGI request and, when it is past ``limit``, its size (the body is then
    ``b""``, left unread or read no further). Raises :class:`RequestTimeout` or :class:`BadFraming`."""
    declared = scope.headers.get("content-length")
    if declared is None and "transfer-encoding" not in scope.headers:
        return b"", None  # HTTP/1.1: no body
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return b"", int(declared)
    task = asyncio.current_task()
    if task is not None:
        deadlines.start(task)
    try:
        if declared is not None:  # a known length within the limit: one read
            return await protocol(), None
        chunks, size, empty = [], 0, 0
        async for chunk in protocol:  # chunked: stop as soon as it is past the limit
            if not chunk:
                # granian (2.8) ends a body with one empty chunk and turns a broken one (a chunk
                # size that is not hex) into an empty chunk before that: two mean broken framing.
                empty += 1
                if empty > 1:
                    raise BadFraming("the chunked body is malformed")
                continue
            size += len(chunk)
            if size > limit:
                return b"", size
            chunks.append(chunk)
        return b"".join(chunks), None
    except BadFraming:
        raise
    except asyncio.CancelledError:
        if task not in deadlines.expired:
            raise
        getattr(task, "uncancel", lambda: None)()
        raise RequestTimeout(f"the body did not arrive within {deadlines.timeout:g} s") from None
    except Exception as exc:  # granian's RSGIProtocolClosed / RSGIProtocolError: broken framing or a client gone
        raise BadFraming(f"{type(exc).__name__}: {exc}") from None
    finally:
        if task is not None:
            deadlines.done(task)


# -- WSGI servers -----------------------------------------------------------------------------


def read_wsgi_body(request: Any, limit: int) -> tuple[bytes, int | None]:
    """As :func:`read_rsgi_body`, from a werkzeug request of any WSGI server (the server's own
    reader enforces the time limits)."""
    declared = request.content_length
    if declared is not None and declared > limit:
        return b"", declared
    try:
        data = request.stream.read(limit + 1)
    except (TimeoutError, socket.timeout) as exc:
        raise RequestTimeout(str(exc)) from None
    except Exception as exc:  # a broken chunk (werkzeug's OSError, gunicorn's parse errors), a client gone
        raise BadFraming(f"{type(exc).__name__}: {exc}") from None
    if len(data) > limit:
        return b"", len(data)
    return data, None


# -- the dev server (werkzeug) ----------------------------------------------------------------


class DeadlineReader:
    """The connection's reader with a deadline over many reads: each read may wait only for what
    is left of it, and once it has passed, reading fails with ``TimeoutError``."""

    def __init__(self, raw: Any, connection: socket.socket):
        self._raw = raw
        self._connection = connection
        self.deadline = float("inf")
        self.stopped = False

    def _left(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client did not send the request in time")
        self._connection.settimeout(min(left, 3600.0))

    def read(self, size: int = -1) -> bytes:
        if self.stopped:
            return b""
        self._left()
        return self._raw.read(size)

    def read1(self, size: int = -1) -> bytes:
        if self.stopped:
            return b""
        self._left()
        return self._raw.read1(size)

    def readline(self, size: int = -1) -> bytes:
        if self.stopped:
            return b""
        self._left()
        return self._raw.readline(size)

    def readinto(self, buffer: Any) -> int:
        if self.stopped:
            return 0
        self._left()
        return self._raw.readinto(buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class DevRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with the read deadlines, quiet about clients that leave."""

    limits = ReadLimits()

    def setup(self) -> None:
        super().setup()
        self.rfile = DeadlineReader(self.rfile, self.connection)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        self.rfile.deadline = time.monotonic() + self.limits.header_timeout  # type: ignore[attr-defined]
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.rfile.deadline = time.monotonic() + self.limits.body_timeout  # type: ignore[attr-defined]
        return parsed

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["apisim.reader"] = self.rfile  # read_wsgi_body's caller stops it after refusing a body
        return environ

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the journal records every request; an access log would only repeat it

    def log_error(self, format: str, *args: Any) -> None:
        log.debug("dev server: " + format, *args)

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        # The client left, timed out, or a fault reset or dropped the connection
        # (simulator.control.transport): there is no next request to wait for on it.
        log.debug("dev server: connection dropped: %s", error)
        self.close_connection = True


class _BindFailed(Exception):
    """The ``OSError`` of a failed bind, carried past werkzeug's own handler for it, which prints
    it and calls ``sys.exit(1)``: the caller could then neither say which port it was nor stop the
    servers it had started."""


class DevServer(ThreadedWSGIServer):
    """werkzeug's threaded server with at most ``max_connections`` connections at once; past them
    a new connection gets a ``503`` at once instead of a thread. A port it cannot bind raises the
    ``OSError``, as a socket does."""

    daemon_threads = True

    def __init__(self, host: str, port: int, app: Any, limits: ReadLimits):
        handler = type("Handler", (DevRequestHandler,), {"limits": limits})
        try:
            super().__init__(host, port, app, handler=handler)
        except _BindFailed as failed:
            raise failed.args[0] from None
        self._slots = threading.BoundedSemaphore(limits.max_connections)

    def server_bind(self) -> None:
        try:
            super().server_bind()
        except OSError as exc:
            raise _BindFailed(exc) from exc

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                                b"Content-Length: 0\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


# -- gunicorn ---------------------------------------------------------------------------------

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.IGNORECASE | re.MULTILINE)


def request_complete(buffer: bytes | bytearray, max_body: int | None = None) -> bool:
    """Whether ``buffer`` holds a whole HTTP/1.1 request, or all of it worth waiting for: one so
    broken that waiting cannot help (the server's own parser answers it), or one declaring a body
    longer than ``max_body`` (refused unread)."""
    end = _HEADER_END.search(buffer)
    if end is None:
        return False
    head, body_start = bytes(buffer[:end.start()]), end.end()
    if _CHUNKED.search(head):
        return _chunks_complete(buffer, body_start)
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        return True
    declared = int(length.group(1))
    return (max_body is not None and declared > max_body) or len(buffer) - body_start >= declared


def _chunks_complete(buffer: bytes | bytearray, pos: int) -> bool:
    while True:
        line_end = buffer.find(b"\n", pos)
        if line_end < 0:
            return False
        size_text = bytes(buffer[pos:line_end]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return True  # broken: let the parser say so now
        if size == 0:
            return buffer.find(b"\r\n\r\n", pos) >= 0 or buffer.endswith(b"\n\n")
        pos = line_end + 1 + size + 2  # the data and its CRLF
        if pos > len(buffer):
            return False
