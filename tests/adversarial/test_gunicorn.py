"""``apisim serve --server gunicorn``: its worker gathers each request before a thread sees it, so slow
clients hold no thread; bodies past the limit and broken framing are answered like elsewhere."""

from __future__ import annotations

import time

import pytest

from simulator.testing.served import ServedSimulator

from .clients import CDC_TOKEN, exchange, slow_clients, still_open
from .conftest import READ_TIMEOUTS, Server, assert_healthy


@pytest.fixture(scope="module")
def gunicorn():
    served = ServedSimulator(["--server", "gunicorn", "--workers", "1", "--service", "cdc-python",
                              *READ_TIMEOUTS]).start()
    try:
        yield Server("gunicorn", served)
    finally:
        served.stop()


def test_slow_clients_hold_no_thread_and_are_cut_off(gunicorn):
    port = gunicorn.port("cdc-python")
    with slow_clients(port, 1000, phase="headers") as heads, slow_clients(port, 1000, phase="body") as bodies:
        seconds = assert_healthy(gunicorn)  # 4 threads, 2,000 hanging connections: still answered
        print(f"\ngunicorn: a normal request with 2,000 slow connections open took {seconds * 1000:.1f} ms")
        deadline = time.monotonic() + 20
        while still_open(heads) + still_open(bodies) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert still_open(heads) + still_open(bodies) == 0
    assert_healthy(gunicorn)


def test_a_body_past_the_limit_and_broken_chunking_are_answered_at_once(gunicorn):
    port = gunicorn.port("cdc-python")
    head = (f"POST /api/v2/community/?token={CDC_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * 1024 * 1024}\r\nConnection: close\r\n\r\n")
    assert exchange(port, head.encode())[0] == 413
    broken = (b"POST /api/v2/distance/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
              b"\r\nzz\r\nabc\r\n0\r\n\r\n")
    assert exchange(port, broken)[0] == 400
    assert_healthy(gunicorn)
