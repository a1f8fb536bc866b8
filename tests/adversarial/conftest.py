"""The adversarial suite's servers: ``apisim serve`` with apisim's own HTTP/1.1 server (httptools,
the default), with granian and with the dev server.

Each runs in a child process on free loopback ports with its own SQLite store, and short read
timeouts (2 s) so the tests can watch slow clients being cut off. After each case the test calls
:func:`assert_healthy`: a normal request is answered within 1 s (tried a few times, for a shared
machine), every worker's memory and the store's files stay bounded, and the server logged no
traceback.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from simulator.testing.served import ServedSimulator
from .clients import normal_request_seconds

SERVERS = {
    "granian": ["--server", "granian", "--workers", "2"],
    "httptools": ["--workers", "2"],
    "dev": ["--server", "dev", "--workers", "1"],
}
READ_TIMEOUTS = ["--header-timeout", "2", "--body-timeout", "2"]
RSS_LIMIT_BYTES = 700 * 1024 * 1024  # per process: a fresh worker uses about 100 MB
STORE_LIMIT_BYTES = 64 * 1024 * 1024  # the store's files (state, journal): never the bodies refused


class Server:
    """A served simulator, its port of each deployment, and what it wrote to stderr so far."""

    def __init__(self, kind: str, served: ServedSimulator):
        self.kind = kind
        self.served = served
        self.simulator = served.simulator
        self._stderr = b""
        fd = served.process.stderr.fileno()
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)

    def port(self, service: str, deployment: str | None = None) -> int:
        contract = self.simulator.contracts[service]
        return self.simulator.port_of(contract.deployment(deployment))

    def ports(self) -> list[int]:
        return sorted({self.simulator.port_of(d) for c in self.simulator.contracts.values() for d in c.deployments})

    def stderr(self) -> str:
        try:
            chunk = self.served.process.stderr.read()
        except (BlockingIOError, TypeError):
            chunk = None
        self._stderr += chunk or b""
        return self._stderr.decode("utf-8", "replace")

    def pids(self) -> list[int]:
        master = self.served.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        found = children.read_text().split() if children.exists() else []
        return [master, *map(int, found)]

    def rss(self) -> dict[int, int]:
        out = {}
        for pid in self.pids():
            try:
                pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            except (OSError, IndexError):
                continue
            out[pid] = pages * os.sysconf("SC_PAGE_SIZE")
        return out

    def peak_rss(self) -> int:
        """The largest resident memory any of its processes ever had (VmHWM): what a request cost at its worst."""
        peak = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) * 1024)
            except OSError:
                continue
        return peak

    def store_bytes(self) -> int:
        root = Path(self.served.store_url.removeprefix("sqlite:///")).parent
        return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def assert_healthy(server: Server) -> float:
    """The issue's bar after every case: a normal request within 1 s, memory and store bounded,
    no traceback. Returns the seconds the normal request took."""
    seconds = None
    for _ in range(5):  # a shared 2-core machine: a few tries, each bounded by 1 s
        try:
            seconds = normal_request_seconds(server.port("cdc-python"), timeout=1.0)
            break
        except OSError:
            time.sleep(0.2)
    assert seconds is not None, f"{server.kind}: a normal request was not answered within 1 s"
    big = {pid: rss for pid, rss in server.rss().items() if rss > RSS_LIMIT_BYTES}
    assert not big, f"{server.kind}: resident memory past {RSS_LIMIT_BYTES >> 20} MB: {big}"
    assert server.store_bytes() < STORE_LIMIT_BYTES, f"{server.kind}: the store holds {server.store_bytes()} bytes"
    assert "Traceback" not in server.stderr(), server.stderr()[-3000:]
    return seconds


def _start(kind: str) -> ServedSimulator:
    return ServedSimulator([*SERVERS[kind], *READ_TIMEOUTS]).start()


@pytest.fixture(scope="session", params=sorted(SERVERS))
def server(request):
    served = _start(request.param)
    try:
        yield Server(request.param, served)
    finally:
        served.stop()
