"""Store fixtures: every behavioural store test runs against memory, SQLite and a real redis-server.

The Redis server is started here, once per session, on a free loopback port, with no persistence;
each test gets its own key prefix so tests never see each other's data.
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time

import pytest

from simulator.store import open_store

STORE_KINDS = ("memory", "sqlite", "redis")
SHARED_KINDS = ("sqlite", "redis")  # the ones several processes can share
_prefixes = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server():
    """``redis://127.0.0.1:<port>/0`` of a redis-server this session started (skipped only if none is installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run installs it)")
    try:
        import redis  # noqa: F401
    except ModuleNotFoundError:
        pytest.skip("the redis client package is not installed (pip install -e '.[test]')")
    port = _free_port()
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                                "--protected-mode", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not start on 127.0.0.1:{port}")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(params=STORE_KINDS)
def store_url(request, tmp_path) -> str:
    """A URL naming a fresh, empty store of each kind."""
    return _url_for(request.param, request, tmp_path)


@pytest.fixture(params=SHARED_KINDS)
def shared_store_url(request, tmp_path) -> str:
    """A URL naming a fresh store that several processes can open."""
    return _url_for(request.param, request, tmp_path)


def _url_for(kind: str, request, tmp_path) -> str:
    if kind == "memory":
        return "memory://"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/state.db"
    return f"{request.getfixturevalue('redis_server')}?prefix=t{next(_prefixes)}"


@pytest.fixture
def redis_store_url(request) -> str:
    """A URL naming a fresh Redis store (its own key prefix on the session's redis-server)."""
    return _url_for("redis", request, None)


@pytest.fixture
def store(store_url):
    opened = open_store(store_url)
    yield opened
    opened.clear()
    getattr(opened, "close", lambda: None)()
