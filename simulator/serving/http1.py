"""``apisim serve --server httptools``: one HTTP/1.1 connection, parsed by httptools, answered by the pipeline.

Each request is parsed in the event loop (httptools' ``HttpRequestParser``, MagicStack's binding
of llhttp) and handed to :meth:`Simulator.handle` synchronously as soon as it is whole; the answer
goes out with one ``transport.write``. No thread and no task per request: under granian half of a
worker's GIL time was the hand-off between granian's Rust threads and the Python thread.

What granian's HTTP layer did, this class does (docs/limits.md, :mod:`simulator.reading`):

* **Deadlines**: the request line and headers within ``header_timeout`` of the connection opening
  or the previous answer, the body within ``body_timeout`` after them; past one, a ``408`` and the
  connection closed (an idle kept-alive connection is closed without a word). The deadlines are
  fields; one sweep per worker checks them (:mod:`.http1_worker`).
* **The deployment's body limit**: a ``Content-Length`` past it is answered before a byte of the
  body is read, a chunked body once it goes past it; the answer says ``connection: close`` and
  what the client still sends is discarded for a moment, so it can read the answer.
* **Framing**: broken framing is a ``400`` and a close; ``Expect: 100-continue`` is answered;
  pipelined requests are answered in order; HEAD, HTTP/1.0 and keep-alive as RFC 9112 says.
* **Flow control**: while the client does not read its answers, no more requests are read.
* **Faults** (:class:`~simulator.core.transport.TransportFault`): hang, cut, reset, disconnect,
  carried out on this connection's own transport.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

import httptools

from simulator.app import ADMIN_PREFIX
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.core.transport import CUT, HANG, RESET, TransportFault
from simulator.pipeline.limits import body_limit
from simulator.serving.rsgi import call_wsgi

log = logging.getLogger("apisim.serving")

# The phases of a connection, each with its own deadline (or none).
IDLE = 0  # waiting for the first byte of a request: past the header deadline, closed quietly
HEAD = 1  # in the request line and headers: past the header deadline, 408
BODY = 2  # in the body: past the body deadline, 408
BUSY = 3  # the request is whole and being answered: no deadline
HUNG = 4  # a hang fault: closed at the fault's max_seconds, or when the client leaves
LINGER = 5  # answered a refused body: what the client still sends is discarded until it stops

MAX_HEAD_BYTES = 512 * 1024  # request line and headers at most (hyper's buffer is about 400 KB)
LINGER_SECONDS = 2.0  # how long a refused body's sender may go on sending before the connection is reset

STATUS_LINES = {s.value: f" {s.value} {s.phrase}\r\n" for s in HTTPStatus}
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
TIMEOUT_ANSWER = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\nconnection: close\r\n"
                  b"content-length: 16\r\n\r\nrequest timeout\n")
BAD_REQUEST_ANSWER = (b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n"
                      b"content-length: 20\r\n\r\nbad request framing\n")
SERVER_ERROR_ANSWER = b"HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
HEAD_TOO_LARGE_ANSWER = (b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n"
                         b"content-length: 0\r\n\r\n")
ADMIN_TOO_LARGE = (413, [("content-type", "application/json"), ("connection", "close")],
                   b'{"apisim_error": "the admin API takes bodies of up to 16 MiB"}')
NO_BODY_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))


class HttpConnection(asyncio.Protocol):
    """One client connection on one port of one worker."""

    __slots__ = ("site", "transport", "parser", "phase", "deadline", "head_bytes", "closing", "writing_paused",
                 "url", "headers", "content_length", "chunked", "expect_continue", "body", "body_size", "limit",
                 "method", "path", "raw_query", "host", "answered", "keep_alive", "http10")

    def __init__(self, site: Any):  # a simulator.serving.http1_worker.Site (which imports this module)
        self.site = site
        self.transport: Any = None
        self.parser = httptools.HttpRequestParser(self)
        self.phase = IDLE
        self.deadline = 0.0
        self.closing = False  # nothing more is read nor answered on it
        self.writing_paused = False
        self._new_request()

    def _new_request(self) -> None:
        self.head_bytes = 0
        self.url = b""
        self.headers: list[tuple[str, str]] = []
        self.content_length: int | None = None
        self.chunked = False
        self.expect_continue = False
        self.body: list[bytes] = []
        self.body_size = 0
        self.answered = False

    # -- the transport's callbacks ------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.deadline = self.site.loop.time() + self.site.limits.header_timeout
        self.site.opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.phase in (HEAD, BODY):
            log.debug("%s: the client left in the middle of a request (%s)", self.site.name, exc or "closed")
        self.closing = True
        self.phase = IDLE
        self.deadline = 0.0
        self.site.closed(self)

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return  # a hang, a refused body or a fault: what still comes is dropped
        if self.phase <= HEAD:
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEAD_BYTES:
                self._answer_and_close(HEAD_TOO_LARGE_ANSWER, "the request line and headers are too large")
                return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # an Upgrade or CONNECT: answered as HTTP, then closed
            if not self.closing:
                self.close()
        except httptools.HttpParserCallbackError:  # a fault of apisim's, not the client's: said out loud
            log.exception("%s: answering a request failed", self.site.name)
            if not self.closing:
                self._answer_and_close(SERVER_ERROR_ANSWER, "")
        except httptools.HttpParserError as exc:
            if not self.closing:
                self._answer_and_close(BAD_REQUEST_ANSWER, f"broken framing: {exc}")
        if self.phase == IDLE and self.site.worker.to_shed > 0 and not self.closing:
            self.site.worker.hand_on(self)  # answered, and nothing of a next request read yet

    def handed_on(self) -> None:
        """Another worker serves this connection now (:mod:`.balance`): let go of it without a word
        to the client (closing this descriptor leaves the socket open: the other worker has one)."""
        self.closing = True
        self.deadline = 0.0
        self.transport.abort()

    def eof_received(self) -> bool:
        return False  # the client is done sending: close once what it was answered is written

    def pause_writing(self) -> None:  # the client does not read its answers: read no more requests
        self.writing_paused = True
        if not self.transport.is_closing():
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.writing_paused = False
        if not self.transport.is_closing():
            self.transport.resume_reading()

    # -- the parser's callbacks -----------------------------------------------------------------

    def on_message_begin(self) -> None:
        if not self.closing:
            self.phase = HEAD

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1")
        text = value.decode("latin-1")
        self.headers.append((key, text))
        lowered = key.lower()
        if lowered == "content-length":
            self.content_length = int(text)  # llhttp has checked it is digits, and only one
        elif lowered == "transfer-encoding":
            self.chunked = True
        elif lowered == "expect" and text.lower() == "100-continue":
            self.expect_continue = True

    def on_headers_complete(self) -> None:
        if self.closing:  # a request pipelined behind one that closes the connection: never answered
            return
        site = self.site
        self.method = self.parser.get_method().decode("latin-1")
        self.http10 = self.parser.get_http_version() == "1.0"
        self.keep_alive = self.parser.should_keep_alive()
        self.path, self.raw_query = _split_target(self.url)
        self.host = _header(self.headers, "host") or site.server
        self.limit = body_limit(site.simulator.contracts, site.simulator.router, self.method, self.path, self.host,
                                site.port)
        if self.content_length is not None and self.content_length > self.limit:
            self._answer(b"", refused=self.content_length)  # refused unread
            return
        if self.chunked or self.content_length:
            self.phase = BODY
            self.deadline = site.loop.time() + site.limits.body_timeout
            if self.expect_continue and not self.http10:
                self.transport.write(CONTINUE)
        else:
            self.phase = BUSY

    def on_body(self, body: bytes) -> None:
        if self.answered or self.closing:
            return
        self.body_size += len(body)
        if self.body_size > self.limit:  # chunked, past the limit: read no further
            self._answer(b"", refused=self.body_size)
            return
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.answered or self.closing:
            return
        body = self.body[0] if len(self.body) == 1 else b"".join(self.body)
        self._answer(body, refused=None)

    # -- answering ------------------------------------------------------------------------------

    def _answer(self, body: bytes, refused: int | None) -> None:
        self.answered = True
        self.phase = BUSY
        self.deadline = 0.0
        site = self.site
        path = self.path
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            status, headers, payload = ADMIN_TOO_LARGE if refused is not None else call_wsgi(
                site.flask, self._scope(), body)
        else:
            query = parse_qsl(self.raw_query, keep_blank_values=True) if self.raw_query else []
            request = SimRequest(method=self.method, path=path, query=query,
                                 headers=Headers(self.headers), body=body, host=self.host, local_port=site.port,
                                 raw_query=self.raw_query, body_refused=refused)
            try:
                response = site.simulator.handle(request)
            except Exception:  # noqa: BLE001 - granian answers a 500 too; the pipeline should never get here
                log.exception("%s %s failed", self.method, path)
                self._answer_and_close(SERVER_ERROR_ANSWER, "")
                return
            if isinstance(response, TransportFault):
                self._carry_out(response)
                return
            headers = response.headers
            status, payload = response.status, response.body
            if not isinstance(headers, list):
                headers = _items(headers)
        keep_alive = self.keep_alive and refused is None and not site.stopping
        self.transport.write(self._encode(status, headers, payload, keep_alive))
        if refused is not None:
            self._linger()
        elif not keep_alive:
            self.close()
        else:
            self.phase = IDLE
            self.deadline = site.loop.time() + site.limits.header_timeout
            self._new_request()

    def _encode(self, status: int, headers: Any, body: bytes, keep_alive: bool) -> bytes:
        """The status line, the headers (with Content-Length, Date and Connection as needed) and the body."""
        lines = ["HTTP/1.0" if self.http10 else "HTTP/1.1", STATUS_LINES.get(status) or f" {status} Unknown\r\n"]
        connection = length = date = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length":
                length = value
                continue  # written below, from the body actually sent
            if lowered == "connection":
                connection = value.lower()
            elif lowered == "date":
                date = value
            lines.append(f"{name}: {value}\r\n")
        if connection is not None and "close" in connection:
            keep_alive = False
            self.keep_alive = False
        elif connection is None:
            if not keep_alive:
                lines.append("connection: close\r\n")
            elif self.http10:
                lines.append("connection: keep-alive\r\n")
        if not keep_alive:
            self.keep_alive = False
        if date is None:
            lines.append(self.site.date_line())
        no_body = status in NO_BODY_STATUSES
        if self.method == "HEAD":
            lines.append(f"content-length: {length if length is not None else len(body)}\r\n\r\n")
            body = b""
        elif no_body:
            lines.append("\r\n" if status != 304 or length is None else f"content-length: {length}\r\n\r\n")
            body = b""
        else:
            lines.append(f"content-length: {len(body)}\r\n\r\n")
        head = "".join(lines)
        if head.count("\n") != len(lines) - 2 + lines[-1].count("\n") or head.count("\r") != head.count("\n"):
            # a header holding CR or LF would split the answer: they become spaces
            safe = [(_one_line(name), _one_line(value)) for name, value in headers]
            return self._encode(status, safe, body, keep_alive)
        return head.encode("latin-1", "replace") + body

    def _scope(self) -> SimpleNamespace:
        """What :func:`~simulator.serving.rsgi.call_wsgi` reads of a request, for the admin API's Flask app."""
        peer = self.transport.get_extra_info("peername") or ("", 0)
        return SimpleNamespace(method=self.method, path=self.path, query_string=self.raw_query,
                               server=self.site.server, client=f"{peer[0]}:{peer[1]}",
                               http_version="1.0" if self.http10 else "1.1", scheme="http",
                               headers=Headers(self.headers))

    # -- closing --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close once everything written is sent; read and answer nothing more. A client that does
        not read what is still to be sent is cut off after the header timeout."""
        self.closing = True
        self.phase = LINGER
        self.deadline = self.site.loop.time() + max(self.site.limits.header_timeout, LINGER_SECONDS)
        if self.transport is not None:
            self.transport.close()

    def _answer_and_close(self, answer: bytes, why: str) -> None:
        if why:
            log.debug("%s: %s", self.site.name, why)
        self.transport.write(answer)
        self.close()

    def _linger(self) -> None:
        """After refusing a body: the answer goes out and the write side closes, and what the client
        still sends is dropped for up to ``LINGER_SECONDS``; closing at once with its bytes unread
        would reset the connection, and the client could lose the answer."""
        self.closing = True
        self.phase = LINGER
        self.deadline = self.site.loop.time() + min(LINGER_SECONDS, self.site.limits.body_timeout)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        else:
            self.transport.close()

    def expire(self) -> None:
        """The sweep found this connection past its deadline."""
        phase = self.phase
        if phase in (HEAD, BODY):
            self._answer_and_close(TIMEOUT_ANSWER, "the request did not arrive in time")
        elif phase in (HUNG, LINGER):
            self.transport.abort()
        else:  # idle: no request begun
            self.close()

    # -- faults ---------------------------------------------------------------------------------

    def _carry_out(self, fault: TransportFault) -> None:
        """A fault, on this connection: hang, cut, reset or disconnect. Nothing after it on the
        connection is read or answered (pipelined requests behind it included)."""
        self.closing = True
        if fault.action == HANG:  # read on (and drop) so a client that leaves is noticed at once
            self.phase = HUNG
            self.deadline = self.site.loop.time() + fault.max_seconds
            return
        if fault.action == CUT:  # the full Content-Length announced, a short body, then a close
            headers = [(k, v) for k, v in _items(fault.headers) if k.lower() != "content-length"]
            self.method = "HEAD"  # _encode then writes the announced length and leaves the body out
            self.keep_alive = False
            head = self._encode(fault.status or 200, [*headers, ("content-length", str(fault.declared_length))],
                                b"", False)
            self.transport.write(head + fault.body)
            self.close()
            return
        if fault.action == RESET:  # a zero linger: closing sends the client a RST
            sock = self.transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.transport.abort()
            return
        self.close()  # disconnect: a FIN, no answer


def _split_target(target: bytes) -> tuple[str, str]:
    """The request target's path (percent-decoded, as granian and WSGI give it) and its raw query."""
    path, _, query = target.partition(b"?")
    if path[:1] != b"/" and b"://" in path:  # absolute form: http://host/path
        path = b"/" + path.split(b"://", 1)[1].partition(b"/")[2]
    path = path.partition(b"#")[0]
    if b"%" in path:
        text = unquote_to_bytes(path).decode("utf-8", "replace")
    else:
        text = path.decode("utf-8", "replace")
    return text, query.partition(b"#")[0].decode("latin-1")


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _items(headers: Any) -> list[tuple[str, str]]:
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(name), str(value)) for name, value in items]


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")
