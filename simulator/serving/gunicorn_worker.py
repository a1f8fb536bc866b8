"""``apisim serve --server gunicorn``'s worker: gunicorn's threaded worker, made safe from slow clients.

gunicorn's ``gthread`` worker hands a connection to one of its few threads as soon as a byte
arrives, and the thread then blocks until the whole request is in: a few slow clients hold every
thread and the port answers nothing. This worker first gathers each request (headers and body) in
its event loop, without a thread, and hands the connection over only once the request is
complete (a body declared longer than any deployment takes is handed over at once: the app
refuses it unread). A request that is still incomplete past the largest body limit goes to a
thread as it is, which reads the rest within what is left of the body's time. A request that does not arrive
within ``header_timeout`` (then ``body_timeout``) gets a ``408`` and the connection is closed;
``worker_connections`` caps the connections per worker.

It uses gunicorn's internals (``ThreadWorker``'s poller and connection bookkeeping, the parser's
unreader), hence the upper bound on gunicorn in pyproject.toml.
"""

from __future__ import annotations

import errno
import logging
import select
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

from simulator.reading import ReadLimits, request_complete

log = logging.getLogger("apisim.gunicorn")

TIMEOUT_ANSWER = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


class _Gathering:
    """A connection whose next request is being gathered: what arrived so far, and until when."""

    __slots__ = ("buffer", "deadline", "headers_done")

    def __init__(self, deadline: float):
        self.buffer = bytearray()
        self.deadline = deadline
        self.headers_done = False


class _BodySocket:
    """The connection as the parser reads a large body through it: each ``recv`` waits only for
    what is left of the body's time, then fails with ``TimeoutError`` (the app answers 408)."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock = sock
        self._deadline = deadline

    def recv(self, size: int) -> bytes:
        left = self._deadline - time.monotonic()
        if left <= 0 or not select.select([self._sock], [], [], left)[0]:
            # A TimeoutError: the app answers 408. Its errno makes gunicorn close the connection
            # quietly when it meets it outside the app (it logs a traceback for other socket errors).
            raise TimeoutError(errno.ECONNRESET, "the request did not arrive in time")
        return self._sock.recv(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class GatheringThreadWorker(ThreadWorker):
    limits = ReadLimits()  # set by simulator.serving for the configured limits
    max_body_bytes = 16 * 1024 * 1024  # the largest body any deployment takes (set by simulator.serving)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._gathering: dict[TConn, _Gathering] = {}

    # -- new connections and kept-alive ones: gather the request first --------------------

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._gather(TConn(self.cfg, client, address, listener.getsockname()))  # TConn makes it non-blocking

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._gather(conn)
        self._on_readable(conn, client)

    def _gather(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        self._gathering[conn] = _Gathering(time.monotonic() + self.limits.header_timeout)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))

    def _on_readable(self, conn: TConn, client: socket.socket) -> None:
        state = self._gathering.get(conn)
        if state is None:
            return
        try:
            data = client.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client left before its request was whole
            self._drop(conn)
            return
        state.buffer += data
        if not state.headers_done and (b"\r\n\r\n" in state.buffer or b"\n\n" in state.buffer):
            state.headers_done = True
            state.deadline = time.monotonic() + self.limits.body_timeout
        if request_complete(state.buffer, self.max_body_bytes) or len(state.buffer) > self.max_body_bytes:
            self.poller.unregister(client)
            del self._gathering[conn]
            conn.apisim_gathered = (bytes(state.buffer), state.deadline)
            conn.data_ready = True
            self.enqueue_req(conn)

    def _drop(self, conn: TConn, answer: bytes = b"") -> None:
        self._gathering.pop(conn, None)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        if answer:
            try:
                conn.sock.send(answer)
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        for conn, state in list(self._gathering.items()):
            if state.deadline < now:
                log.debug("gunicorn: %s did not send its request in time", conn.client)
                self._drop(conn, TIMEOUT_ANSWER)

    # -- in a thread: the gathered request first, then (for a large body) the socket -------

    def handle(self, conn: TConn) -> Any:
        gathered = getattr(conn, "apisim_gathered", None)
        conn.apisim_gathered = None
        if gathered is not None:
            data, deadline = gathered
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(data)
        else:  # a pipelined request gunicorn read ahead: the rest of it gets the whole time
            deadline = time.monotonic() + self.limits.header_timeout + self.limits.body_timeout
        if conn.parser is not None and hasattr(conn.parser.unreader, "sock"):
            conn.parser.unreader.sock = _BodySocket(conn.sock, deadline)
        return super().handle(conn)
