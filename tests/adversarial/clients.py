"""Raw-socket clients for the adversarial tests: slow ones, and one that times a normal request.

Everything here talks to 127.0.0.1 only, with bounded counts and timeouts.
"""

from __future__ import annotations

import json
import resource
import socket
import time
from contextlib import contextmanager
from typing import Iterator

CDC_TOKEN = "e83f35a9541a2f2f80c1908e7ef1b5bf"
DISTANCE = json.dumps({"id": 1, "type": "distance", "subtype": "calc",
                       "data": {"lat1": 30.2, "lng1": 120.0, "lat2": 30.3, "lng2": 120.1}}).encode()


def http_request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def exchange(port: int, data: bytes, timeout: float = 10.0) -> tuple[int, bytes, float]:
    """Send raw bytes, read until the server closes: (status or 0 for none, the whole answer, seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may answer (and close) before reading everything
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    answer = b"".join(chunks)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0
    return status, answer, time.monotonic() - started


def normal_request_seconds(port: int, timeout: float = 10.0) -> float:
    """How long a normal CDC distance call takes on ``port``; fails if it is not answered 200."""
    status, answer, seconds = exchange(port, http_request("POST", "/api/v2/distance/", DISTANCE,
                                                          {"Content-Type": "application/json"}), timeout)
    assert status == 200 and b'"status": 0' in answer, answer[:300]
    return seconds


def raise_open_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))


@contextmanager
def slow_clients(port: int, count: int, *, phase: str) -> Iterator[list[socket.socket]]:
    """``count`` connections that send part of a request and then nothing more: ``phase`` is
    ``"headers"`` (the request line and one header) or ``"body"`` (every header, and 6 of the
    1,000 body bytes announced). Closed on exit."""
    raise_open_file_limit(count + 512)
    start = (b"POST /api/v2/distance/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" if phase == "headers" else
             b"POST /api/v2/distance/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             b"Content-Length: 1000\r\n\r\n{\"id\":")
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
            sockets.append(sock)
        deadline = time.monotonic() + 30
        pending = list(sockets)
        while pending and time.monotonic() < deadline:  # send once each is connected
            still = []
            for sock in pending:
                try:
                    sock.send(start)
                except (BlockingIOError, OSError):
                    still.append(sock)
            pending = still
            if pending:
                time.sleep(0.01)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def still_open(sockets: list[socket.socket]) -> int:
    """How many of ``sockets`` the server has not closed."""
    open_ = 0
    for sock in sockets:
        try:
            if sock.recv(1, socket.MSG_PEEK) == b"":
                continue
            open_ += 0  # the server answered (a 408): it is closing the connection
        except BlockingIOError:
            open_ += 1
        except OSError:
            continue
    return open_
