"""``apisim serve --server httptools``: what apisim's own HTTP/1.1 server does that granian's did for it.

Each test talks raw HTTP over loopback sockets to a served simulator (one worker, so a connection
limit is the port's); no assertion is on time: a wait is a client's timeout.
"""

from __future__ import annotations

import http.client
import json
import select
import signal
import socket
import time

import pytest

from simulator.testing.served import ServedSimulator

DISTANCE = b'{"id":1,"type":"distance","subtype":"calc","data":{"lat1":1,"lng1":1,"lat2":%d,"lng2":2}}'
IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"


def _serve(*args: str) -> ServedSimulator:
    return ServedSimulator(["--server", "httptools", "--workers", "1", "--service", "cdc-python",
                            "--service", "huawei-ocr", *args]).start()


@pytest.fixture(scope="module")
def served():
    server = _serve()
    try:
        yield server
    finally:
        server.stop()


def _port(served: ServedSimulator, service: str = "cdc-python", deployment: str | None = None) -> int:
    entry = served.urls()[service]
    url = entry[deployment or next(d for d in entry if d != "credentials")]["local"]
    return int(url.rsplit(":", 1)[1])


def _distance_request(lat2: int, *, close: bool = False, extra: bytes = b"") -> bytes:
    body = DISTANCE % lat2
    return (b"POST /api/v2/distance/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n%s%s\r\n%s" % (len(body), extra, b"Connection: close\r\n" if close else b"", body))


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _answers(raw: bytes) -> list[tuple[int, bytes]]:
    """Status and body of each answer in ``raw`` (every one has a Content-Length)."""
    out = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        out.append((int(head.split(b" ", 2)[1]), rest[:length]))
        raw = rest[length:]
    return out


def test_pipelined_requests_are_answered_in_the_order_sent(served):
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=10) as sock:
        sock.sendall(_distance_request(2) + _distance_request(3) + _distance_request(4, close=True))
        answers = _answers(_read_all(sock))
    distances = [json.loads(body)["data"]["distance"] for _, body in answers]
    assert [status for status, _ in answers] == [200, 200, 200]
    assert distances == sorted(distances) and len(set(distances)) == 3


def test_expect_100_continue_is_answered_before_the_body_is_sent(served):
    request = _distance_request(2, close=True, extra=b"Expect: 100-continue\r\n")
    head, body = request.split(b"\r\n\r\n", 1)
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=10) as sock:
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        assert _answers(_read_all(sock))[0][0] == 200


def test_a_body_past_the_limit_is_refused_instead_of_continued(served):
    head = (b"POST /api/v2/distance/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % (50 * 1024 * 1024))
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=10) as sock:
        sock.sendall(head)
        raw = _read_all(sock)
    assert raw.startswith(b"HTTP/1.1 413 ") and b"\r\nconnection: close\r\n" in raw.lower()


def test_a_client_that_reads_no_answers_is_read_no_further_and_others_are_still_answered(served):
    """Pipelined requests from a client that never reads its answers: once the unsent answers pass
    the transport's high-water mark the worker stops reading that connection (the rest waits in the
    kernel's buffers, not in the worker's memory), and it goes on answering everyone else."""
    port = _port(served)
    stream = _distance_request(2) * 256
    one = len(_distance_request(2))
    cap = 64 * 1024 * 1024  # far past what the kernel's buffers hold: a worker that kept reading
    sent = 0
    with socket.socket() as stuck:
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, set before connecting
        stuck.connect(("127.0.0.1", port))
        stuck.setblocking(False)
        while sent < cap:
            if not select.select([], [stuck], [], 2.0)[1]:
                break  # two seconds without room to send: the worker reads no more of it
            try:
                sent += stuck.send(stream[sent % one:])
            except BlockingIOError:
                continue
        assert sent < cap, "the worker kept reading a connection whose answers were not read"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
            other.sendall(_distance_request(3, close=True))
            assert _answers(_read_all(other))[0][0] == 200


def test_keep_alive_head_and_http_1_0_follow_the_protocol(served):
    connection = http.client.HTTPConnection("127.0.0.1", _port(served), timeout=10)
    try:
        for lat2 in (2, 3):  # one connection, two answers
            connection.request("POST", "/api/v2/distance/", body=DISTANCE % lat2,
                               headers={"Content-Type": "application/json"})
            assert connection.getresponse().read()
        connection.request("HEAD", "/api/v2/distance/")
        answer = connection.getresponse()
        assert answer.read() == b"" and int(answer.headers["Content-Length"]) > 0
    finally:
        connection.close()
    with socket.create_connection(("127.0.0.1", _port(served)), timeout=10) as sock:
        sock.sendall(b"GET /__apisim/health HTTP/1.0\r\n\r\n")
        raw = _read_all(sock)  # an HTTP/1.0 request without keep-alive: answered, then closed
    assert raw.startswith(b"HTTP/1.0 200 ") and raw.endswith(b'{"status": "ok"}')


def test_a_hang_fault_holds_the_answer_until_the_client_gives_up_and_a_cut_one_is_short():
    server = _serve("--fault", "huawei-ocr:create_token:hang,times=1",
                    "--fault", "cdc-python:*:truncate=10,cut,times=1")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", _port(server, "huawei-ocr", "iam"), timeout=1)
        with pytest.raises(TimeoutError):
            connection.request("POST", "/v3/auth/tokens", body=b"{}", headers={"Host": IAM_HOST})
            connection.getresponse()
        connection.close()
        with socket.create_connection(("127.0.0.1", _port(server)), timeout=10) as sock:
            sock.sendall(_distance_request(2))
            raw = _read_all(sock)
        head, _, body = raw.partition(b"\r\n\r\n")
        declared = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.startswith(b"content-length"))
        assert len(body) == 10 < declared
        retry = http.client.HTTPConnection("127.0.0.1", _port(server, "huawei-ocr", "iam"), timeout=10)
        retry.request("POST", "/v3/auth/tokens", body=b"{}", headers={"Host": IAM_HOST})
        assert retry.getresponse().status == 400  # the simulated IAM's own answer to an empty login
        retry.close()
    finally:
        server.stop()


def test_past_max_connections_a_new_connection_waits_in_the_listen_queue_until_one_closes():
    server = _serve("--max-connections", "2", "--header-timeout", "60")
    try:
        port = _port(server)
        held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        with socket.create_connection(("127.0.0.1", port), timeout=1) as waiting:  # the kernel's queue takes it
            waiting.sendall(_distance_request(2, close=True))
            with pytest.raises(TimeoutError):  # not accepted: nobody reads it
                waiting.recv(1)
            held.pop().close()
            waiting.settimeout(10)
            assert _answers(_read_all(waiting))[0][0] == 200
        for sock in held:
            sock.close()
    finally:
        server.stop()


def test_sigterm_lets_a_request_in_flight_finish_then_stops():
    server = _serve()
    try:
        request = _distance_request(2, close=True)
        with socket.create_connection(("127.0.0.1", _port(server)), timeout=10) as sock:
            sock.sendall(request[:-10])  # the body not yet whole
            assert _answers(_read_all_after_health(server, sock, request[-10:]))[0][0] == 200
        assert server.process.wait(timeout=30) == 0
    finally:
        server.stop()


def _read_all_after_health(server: ServedSimulator, sock: socket.socket, rest: bytes) -> bytes:
    """SIGTERM the master once the worker holds the connection, wait until the port refuses new
    connections (the worker is stopping), then send the rest of the body and read the answer."""
    port = _port(server)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as probe:  # answered after ours
        probe.sendall(b"GET /__apisim/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert _read_all(probe).startswith(b"HTTP/1.1 200 ")
    server.process.send_signal(signal.SIGTERM)
    for _ in range(400):  # bounded: at most some 20 s
        try:
            socket.create_connection(("127.0.0.1", port), timeout=10).close()
        except ConnectionRefusedError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the port still accepted connections after SIGTERM")
    sock.sendall(rest)
    return _read_all(sock)
