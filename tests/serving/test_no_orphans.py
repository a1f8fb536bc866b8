"""Whatever ends the master, no worker outlives it by more than a few seconds, its temporary store
goes, and the next ``apisim serve`` on the same ports starts.

Each test polls for the outcome (5 s at most) instead of sleeping: how fast it happens is measured
nowhere here, only that it does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from simulator.server import free_port_base
from simulator.serving.process import check_ports_free
from simulator.serving.stores import STORE_PREFIX, store_for, sweep_stale_stores

CDC_PORT = 20  # cdc-python's port block is 2: its one deployment listens on port_base + 20


def gone(pid: int) -> bool:
    """Exited (a zombie nobody reaped yet counts: it holds no socket)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def ports_free(port: int) -> bool:
    try:
        check_ports_free("127.0.0.1", [port])
    except OSError:
        return False
    return True


def poll(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def stores_of(pid: int) -> list[Path]:
    parent = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path(tempfile.gettempdir())
    return list(parent.glob(f"{STORE_PREFIX}{pid}-*"))


def start_serve(tmp_path: Path, port_base: int, *args: str) -> tuple[subprocess.Popen, Path]:
    urls = tmp_path / f"urls-{port_base}.json"
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--service", "cdc-python",
                                "--port-base", str(port_base), "--workers", "2", "--urls-json", str(urls), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert poll(lambda: urls.exists() or process.poll() is not None, 60), "apisim serve did not start in 60 s"
    assert urls.exists(), process.stderr.read()
    return process, urls


FAILING_START = """
import sys
from simulator import serving
from simulator.config import SimulatorConfig

def fail(simulator):
    raise OSError("stubbed: the URL file cannot be written")

config = SimulatorConfig(port_base=int(sys.argv[1]), services=["cdc-python"])
serving.serve(config, workers=2, on_ready=fail)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_start_that_fails_after_the_workers_were_forked_stops_them_and_removes_the_store():
    port_base = free_port_base()
    process = subprocess.Popen([sys.executable, "-c", FAILING_START, str(port_base)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0 and "stubbed: the URL file cannot be written" in err
    assert poll(lambda: ports_free(port_base + CDC_PORT)), "a worker still listens 5 s after the failed start"
    assert stores_of(process.pid) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("server", ["granian", "httptools", "gunicorn"])
def test_kill_9_of_the_master_ends_its_workers_and_the_next_start_on_the_same_ports_works(tmp_path, server):
    port_base = free_port_base()
    process, urls = start_serve(tmp_path, port_base, "--server", server)
    workers: list[int] = []
    try:
        assert poll(lambda: len(children(process.pid)) == 2, 30)  # gunicorn forks its workers after it is ready
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert poll(lambda: all(gone(pid) for pid in workers)), "a worker outlived its master by 5 s"
        assert poll(lambda: ports_free(port_base + CDC_PORT)), "the port is still held 5 s after the master died"
        if server != "gunicorn":  # its workers clean up after the master: the temporary store and the URL file
            assert poll(lambda: stores_of(process.pid) == [] and not urls.exists())
    finally:  # whatever failed above, nothing of this test keeps running
        for pid in [process.pid, *workers]:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
        process.stderr.close()

    again, urls_again = start_serve(tmp_path, port_base)  # the same ports
    again.terminate()
    assert again.wait(timeout=30) == 0, again.stderr.read()
    again.stderr.close()
    assert not urls_again.exists()


def test_a_start_removes_the_temporary_stores_of_dead_masters_only(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)
    stale = tmp_path / f"{STORE_PREFIX}{dead}-abc"
    alive = tmp_path / f"{STORE_PREFIX}{os.getpid()}-def"
    other = tmp_path / f"{STORE_PREFIX}not-a-pid"
    for folder in (stale, alive, other):
        folder.mkdir()
        (folder / "state.db").write_text("x")
    assert sweep_stale_stores(str(tmp_path)) == [str(stale)]
    assert not stale.exists() and alive.exists() and other.exists()


def test_the_temporary_store_is_named_after_its_master():
    url, cleanup = store_for(2, None)
    try:
        assert f"/{STORE_PREFIX}{os.getpid()}-" in url
    finally:
        cleanup()
