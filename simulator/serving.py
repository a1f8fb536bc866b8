"""Production serving: several worker processes answering every deployment port.

``apisim serve`` picks one of three servers:

* ``granian`` (default): a pre-fork master builds the :class:`Simulator` once
  (contracts loaded and checked, validators compiled, routes built, demo state
  seeded), then forks the workers. Each worker runs one of granian's Rust
  workers per deployment port, all on the worker's one event loop (see
  :func:`serve_ports_natively`); every worker binds every port with
  ``SO_REUSEPORT`` and the kernel spreads connections across them. Requests reach :meth:`Simulator.handle` through a small RSGI adapter
  (no Flask on this path: the adapter builds the same ``SimRequest`` the Flask
  app builds).
* ``gunicorn``: the Flask app with gthread workers, all ports bound by the
  master (``preload_app``, so the same once-only preparation).
* ``dev``: the single-process werkzeug server (:class:`SimulatorServer`).

State is shared through the store: with more than one worker the default is a
fresh SQLite store in a temporary folder (removed at exit), so a record
created through one worker is seen by the next request on another. Each worker
journals to a partition of its own (see :class:`~simulator.pipeline.journal.Journal`).

Why granian: measured on the 2-core reference box, a bare Flask app answered
about 11,700 req/s under granian with 2 workers and 6,200 under gunicorn with 2
sync workers; see docs/performance.md for apisim's own numbers.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import replace
from typing import Any, Callable
from urllib.parse import parse_qsl

from simulator.app import ADMIN_PREFIX
from simulator.config import SimulatorConfig
from simulator.core.transport import CUT, HANG, TransportFault
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.simulator import Simulator
from simulator.pipeline.limits import body_limit
from simulator.reading import (
    BAD_REQUEST_RESPONSE,
    TIMEOUT_RESPONSE,
    BadFraming,
    ReadLimits,
    RequestTimeout,
    read_rsgi_body,
)
from simulator.server import wait_until_accepting

log = logging.getLogger("apisim.serving")

SERVERS = ("granian", "gunicorn", "dev")
# A worker that stops on SIGTERM finishes the requests it has in flight for at most this long.
GRACE_SECONDS = 5.0
STORE_PREFIX = "apisim-state-"  # + the master's pid: a start removes the stores of dead masters
# How often a worker checks that its master is still there (the fallback to the parent-death signal).
WATCHDOG_SECONDS = 0.5


def default_workers() -> int:
    return os.cpu_count() or 1


def store_for(workers: int, store_url: str | None) -> tuple[str | None, Callable[[], None]]:
    """The store URL to serve with, and how to clean up after it.

    One worker keeps the in-memory store; several need one they can share, so
    they get a fresh SQLite file unless ``--store`` names one.
    """
    if store_url or workers <= 1:
        return store_url, lambda: None
    parent = _memory_backed_dir()
    sweep_stale_stores(parent or tempfile.gettempdir())
    folder = tempfile.TemporaryDirectory(prefix=f"{STORE_PREFIX}{os.getpid()}-", dir=parent)
    return f"sqlite:///{folder.name}/state.db", folder.cleanup


def sweep_stale_stores(parent: str) -> list[str]:
    """Remove temporary stores whose server is gone (``apisim-state-<pid>-*`` of a dead pid, ours).

    A master killed with SIGKILL cannot remove its store, and its workers may have died the same
    way: the next start does it. A folder whose pid is alive (this server's, another apisim's, or a
    reused pid) is left alone."""
    import shutil

    removed = []
    for entry in os.scandir(parent):
        pid_text = entry.name[len(STORE_PREFIX):].partition("-")[0]
        if not (entry.name.startswith(STORE_PREFIX) and pid_text.isdigit() and entry.is_dir(follow_symlinks=False)):
            continue
        if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _alive(int(pid_text)):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _memory_backed_dir() -> str | None:
    """Linux's RAM-backed /dev/shm when there is one: the state lives as long as the server, and
    on a disk-backed /tmp SQLite's writes (and its checkpoints' fsyncs) cost about twice as much."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def read_limits(config: SimulatorConfig) -> ReadLimits:
    return ReadLimits(config.header_timeout, config.body_timeout, config.max_connections)


def raise_open_file_limit() -> None:
    """Each worker may hold ``max_connections`` connections on every port: let it open as many
    files as the system allows it (the soft limit up to the hard one)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass


# -- the RSGI adapter -----------------------------------------------------------------------------


class RSGIApp:
    """Granian's RSGI interface straight to :meth:`Simulator.handle` (what ``simulator.app`` does for WSGI).

    The admin API is rare and lives in the Flask app, so those requests go through it as WSGI.
    """

    def __init__(self, simulator: Simulator):
        from simulator.app import create_app

        self.simulator = simulator
        self.flask = create_app(simulator=simulator)
        self.limits = read_limits(simulator.config)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        headers = scope.headers
        server = scope.server or ""
        port = server.rpartition(":")[2]
        local_port = int(port) if port.isdigit() else None
        try:  # no further than the deployment's body limit, and only for so long (simulator/reading.py)
            limit = body_limit(self.simulator.contracts, self.simulator.router, scope.method, scope.path,
                               headers.get("host") or server, local_port)
            body, refused = await read_rsgi_body(scope, protocol, limit, self.limits.body_timeout)
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
            query=parse_qsl(raw_query, keep_blank_values=True),
            headers=Headers(headers.items()),
            body=body,
            host=headers.get("host") or server,
            local_port=local_port,
            raw_query=raw_query,
            body_refused=refused,
        )
        response = self.simulator.handle(request)
        if isinstance(response, TransportFault):
            await carry_out(response, protocol)
            return
        answer_headers = _header_list(response.headers)
        if refused is not None and not any(k.lower() == "connection" for k, _ in answer_headers):
            answer_headers.append(("connection", "close"))  # the rest of the body is never read
        protocol.response_bytes(response.status, answer_headers, response.body)


async def carry_out(fault: TransportFault, protocol: Any) -> None:
    """A fault below HTTP on a granian connection: hang until the client gives up, send a body cut
    short of its Content-Length, or break the connection without a response."""
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
    # reset / disconnect: an exception before any byte makes granian drop the connection
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


# -- the pre-fork granian server ------------------------------------------------------------------


class GranianServer:
    """A master process and ``workers`` forked workers, each serving every deployment port."""

    def __init__(self, simulator: Simulator, workers: int, pin_workers: bool = True,
                 orphan_cleanup: Callable[[], None] = lambda: None):
        self.simulator = simulator
        self.workers = max(1, workers)
        self.pin_workers = pin_workers
        self.ports = sorted({simulator.port_of(d) for c in simulator.contracts.values() for d in c.deployments})
        self.orphan_cleanup = orphan_cleanup  # what a worker that outlived its master removes (the temporary store)
        self._children: dict[int, int] = {}  # pid -> worker index
        self._stopping = False
        self._master = os.getpid()

    def serve_forever(self, ready: Callable[[], None] = lambda: None) -> None:
        import granian  # noqa: F401  (fail in the master, not in every worker)

        check_ports_free(self.simulator.config.host, self.ports)
        close_store(self.simulator)
        freeze_prepared_objects()
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        try:
            for index in range(self.workers):
                self._spawn(index)
            wait_until_accepting(self.simulator.config.host, self.ports)
            ready()
            self._supervise()
        except BaseException:  # a failed start or a failing master: no worker may outlive it
            self._request_stop(signal.SIGTERM, None)
            raise

    def _supervise(self) -> None:
        while self._children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries, kept for clarity
                continue
            index = self._children.pop(pid, None)
            if index is not None and not self._stopping:
                log.error("worker %d (pid %d) exited with status %d; starting a new one", index + 1, pid, status)
                time.sleep(0.2)
                self._spawn(index)

    def _spawn(self, index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the master turns Ctrl-C into SIGTERM
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                die_with_parent(self._master, self.orphan_cleanup)
                self.simulator.journal.partition = f"worker-{index + 1}"  # no waiting on each other's entries
                if self.pin_workers:
                    pin_to_one_core(index)
                self._worker()
            except BaseException:  # noqa: BLE001 - a worker must never return into the master's code
                log.exception("worker %d failed", index + 1)
                code = 1
            finally:
                if os.getppid() != self._master:  # the master is gone: nobody else will remove the store
                    self.orphan_cleanup()
                os._exit(code)
        self._children[pid] = index

    def _worker(self) -> None:
        app = RSGIApp(self.simulator)
        raise_open_file_limit()
        try:
            serve_ports_natively(app, self.simulator.config.host, self.ports)
        except NativeWorkersUnavailable as exc:
            log.warning("granian's native workers are unavailable (%s); serving with embedded servers", exc)
            asyncio.run(serve_ports_embedded(app, self.simulator.config.host, self.ports))

    def _request_stop(self, signum: int, frame: object) -> None:
        if self._stopping:
            return
        self._stopping = True
        for pid in list(self._children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + GRACE_SECONDS
        while self._children and time.monotonic() < deadline:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid:
                self._children.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in list(self._children):  # past the grace period: stop it for good
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class NativeWorkersUnavailable(Exception):
    """This granian's internals differ from the ones :func:`serve_ports_natively` was written for."""


def serve_ports_natively(app: RSGIApp, host: str, ports: list[int]) -> None:
    """One granian Rust worker per port, all calling ``app`` on this process's one event loop.

    granian's own server binds a single address, and its embedded server (one per port) runs the
    HTTP layer through asyncio, which cost about a quarter of the throughput. These are the
    workers granian's own processes run, one per port; they are not granian's public API, so
    any mismatch raises :class:`NativeWorkersUnavailable` before a port is bound.
    """
    limits = app.limits
    try:
        from granian._futures import _future_watcher_wrapper, _new_cbscheduler
        from granian._granian import RSGIWorker, WorkerSignal
        from granian._loops import loops
        from granian.constants import HTTPModes, SSLProtocols
        from granian.http import HTTP1Settings
        from granian.net import SocketSpec
        from granian.rsgi import _callback_wrapper

        http1 = HTTP1Settings(header_read_timeout=int(limits.header_timeout * 1000))

        def make_worker(index: int, port: int) -> Any:
            spec = SocketSpec(host, port, 1024)
            ssl = (False, None, None, None, str(SSLProtocols.tls13), None, [], False)
            return spec, RSGIWorker(
                index, (spec, None), None,  # worker id; the listener each worker binds (SO_REUSEPORT); no IPC
                1, 512,  # Rust runtime threads, and its blocking threads
                1, 30,  # Python threads, and their idle timeout in seconds
                limits.max_connections,  # backpressure: connections open at once per port (past it: the listen queue)
                HTTPModes.http1, http1, None,  # HTTP/1.1; the headers must arrive within header_timeout
                False, None,  # no websockets, no static files
                *ssl, (None, None),  # no TLS, no metrics
            )

        workers = [make_worker(i + 1, port) for i, port in enumerate(ports)]
        signals = [WorkerSignal() for _ in ports]
    except (ImportError, TypeError, AttributeError) as exc:
        raise NativeWorkersUnavailable(f"{type(exc).__name__}: {exc}") from None

    loop = loops.get("auto")
    asyncio.set_event_loop(loop)
    callback = _future_watcher_wrapper(_callback_wrapper(app.__rsgi__, None))
    stopped = asyncio.Event()
    remaining = [len(workers)]

    def worker_stopped() -> None:  # called from the worker's thread once its requests are done
        def count() -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                stopped.set()
        loop.call_soon_threadsafe(count)

    for (spec, worker), signal_ in zip(workers, signals):
        spec.build()
        signal_.add_cb(worker_stopped)
        worker.serve_str(_new_cbscheduler(loop, callback, impl_asyncio=True), loop, signal_)
    loop.add_signal_handler(signal.SIGTERM, lambda: [s.set() for s in signals])

    async def until_stopped() -> None:
        await stopped.wait()

    try:
        loop.run_until_complete(until_stopped())
    finally:
        loop.close()


async def serve_ports_embedded(app: RSGIApp, host: str, ports: list[int]) -> None:
    """One embedded granian server per port in this process's event loop (the fallback)."""
    from granian.constants import Interfaces
    from granian.server.embed import Server

    from granian.http import HTTP1Settings

    http1 = HTTP1Settings(header_read_timeout=int(app.limits.header_timeout * 1000))
    servers = [Server(app, address=host, port=port, interface=Interfaces.RSGI, log_enabled=False, backlog=1024,
                      backpressure=app.limits.max_connections, http1_settings=http1)
               for port in ports]
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: [s.stop() for s in servers])
    await asyncio.gather(*(s.serve() for s in servers))


# -- gunicorn -------------------------------------------------------------------------------------


def serve_gunicorn(simulator: Simulator, workers: int, ready: Callable[[], None] = lambda: None) -> None:
    from gunicorn.app.base import BaseApplication

    from simulator.app import create_app

    host = simulator.config.host
    ports = sorted({simulator.port_of(d) for c in simulator.contracts.values() for d in c.deployments})
    check_ports_free(host, ports)
    app = create_app(simulator=simulator)
    close_store(simulator)
    freeze_prepared_objects()

    from simulator.gunicorn_worker import GatheringThreadWorker

    limits = read_limits(simulator.config)
    # gthread, with each request gathered before a thread sees it (slow clients hold no thread)
    worker_class = type("ApisimGunicornWorker", (GatheringThreadWorker,), {
        "limits": limits, "max_body_bytes": max(c.limits.max_body_bytes for c in simulator.contracts.values())})

    class _Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": [f"{host}:{port}" for port in ports], "workers": max(1, workers),
                "worker_class": worker_class, "threads": 4, "keepalive": 5, "preload_app": True,
                "worker_connections": limits.max_connections,
                "graceful_timeout": int(GRACE_SECONDS), "accesslog": None, "loglevel": "warning",
                "when_ready": lambda server: ready(),
                "post_fork": lambda server, worker: (setattr(simulator.journal, "partition", f"pid-{os.getpid()}"),
                                                     raise_open_file_limit()),
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Application().run()


# -- shared helpers -------------------------------------------------------------------------------


def die_with_parent(master: int, on_orphaned: Callable[[], None] = lambda: None) -> None:
    """End this worker when its master ends, however it ends (SIGKILL included).

    Linux's parent-death signal delivers SIGTERM (a graceful stop) the moment the master dies; a
    watchdog thread checks the parent every half second as well (other systems, or a master that
    died before the signal was set) and ends the worker at most ``GRACE_SECONDS`` later, after
    ``on_orphaned`` (removing what only the master would have removed)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the watchdog alone
            pass
    if os.getppid() != master:  # died between the fork and the line above
        os.kill(os.getpid(), signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == master:
            time.sleep(WATCHDOG_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACE_SECONDS)
        on_orphaned()
        os._exit(1)

    threading.Thread(target=watch, name="apisim-master-watchdog", daemon=True).start()


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def close_store(simulator: Simulator) -> None:
    """The master's store connection must not cross a fork: each worker opens its own."""
    close = getattr(simulator.store, "close", None)
    if close is not None:
        close()


def pin_to_one_core(index: int) -> None:
    """Keep worker ``index`` (and the threads it starts next: granian's) on one core, round robin.

    Every request crosses between granian's thread and the Python thread twice; on different
    cores each crossing is a cross-core wake-up, which a virtual machine makes dear. Measured on
    the 2-core box with 2 workers: 1-7% more throughput and a p99 of 11-13 ms instead of 14-16.
    """
    if not hasattr(os, "sched_setaffinity"):  # not Linux: nothing to pin with
        return
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[index % len(cores)]})


def freeze_prepared_objects() -> None:
    """Move what the master prepared (contracts, compiled validators: some 60,000 objects) out of
    the garbage collector's reach before forking. A full collection walked them all, a pause of
    10-30 ms in the middle of some request; frozen, they are also never written to by the
    collector, so the workers keep sharing their pages with the master."""
    gc.collect()
    gc.freeze()


def check_ports_free(host: str, ports: list[int]) -> None:
    """Refuse to start if anything listens on our ports: with SO_REUSEPORT a stale apisim would
    otherwise silently share the traffic."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT leftovers are no listener
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise OSError(f"cannot listen on {host}:{port}: {exc}; stop what uses it or choose another "
                              f"--port-base") from None


def serve(config: SimulatorConfig, *, server: str = "granian", workers: int | None = None,
          on_ready: Callable[[Simulator], None] = lambda sim: None, pin_workers: bool = True,
          on_orphaned: Callable[[], None] = lambda: None) -> int:
    """Run until SIGINT/SIGTERM; ``on_ready(simulator)`` runs once every port accepts.

    ``on_orphaned`` runs in a granian worker that outlives its master (killed with SIGKILL, say),
    after the temporary store is removed: what else only the master would have cleaned up."""
    workers = default_workers() if workers is None else workers
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}: use one of {', '.join(SERVERS)}")
    if server == "dev" and workers > 1:
        raise ValueError("the dev server is one process: use --server granian or gunicorn for --workers > 1")
    store_url, cleanup = store_for(workers, config.store_url)
    config = replace(config, store_url=store_url, dropped_connections=server != "granian")
    try:
        simulator = Simulator(config)  # once, in the master: the workers inherit it prepared
        if server == "dev":
            return _serve_dev(simulator, on_ready)
        if server == "gunicorn":
            serve_gunicorn(simulator, workers, lambda: on_ready(simulator))
        else:
            GranianServer(simulator, workers, pin_workers, orphan_cleanup=lambda: (cleanup(), on_orphaned())) \
                .serve_forever(lambda: on_ready(simulator))
        return 0
    finally:
        cleanup()


def _serve_dev(simulator: Simulator, on_ready: Callable[[Simulator], None]) -> int:
    from simulator.server import SimulatorServer

    server = SimulatorServer(simulator.config, simulator=simulator).start()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        server.wait_until_accepting()
        on_ready(simulator)
        stop.wait()
    finally:
        server.stop()
    return 0


class ServedSimulator:
    """``apisim serve ARGS`` in a child process, with the interface of :class:`SimulatorServer`.

    The live-server tests use it when ``APISIM_LIVE_SERVE`` is set (e.g. ``--workers 4``). State is
    a SQLite file both sides open, so ``.simulator`` (a local simulator over the same store) reads
    the journal and the records the workers wrote, and can seed records they will see.
    """

    def __init__(self, args: list[str], *, port_base: int, seed: int = 0, startup_timeout: float = 60.0):
        self._folder = tempfile.TemporaryDirectory(prefix="apisim-served-")
        self.store_url = f"sqlite:///{self._folder.name}/state.db"
        self.urls_json = f"{self._folder.name}/urls.json"
        self.args = [*args, "--port-base", str(port_base), "--seed", str(seed), "--store", self.store_url,
                     "--urls-json", self.urls_json]
        self.config = SimulatorConfig(port_base=port_base, seed=seed, store_url=self.store_url)
        self.startup_timeout = startup_timeout
        self.process: Any = None
        self.simulator: Simulator | None = None

    def start(self) -> "ServedSimulator":
        import subprocess
        from pathlib import Path

        self.process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", *self.args],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.startup_timeout
        while not Path(self.urls_json).exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"apisim serve {' '.join(self.args)} exited: {self.process.stderr.read().decode()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"apisim serve did not start within {self.startup_timeout:.0f} s")
            time.sleep(0.05)
        self.simulator = Simulator(self.config)  # the served store is seeded already: nothing is re-seeded
        return self

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, as a service manager would; the exit status (None if it had to be killed)."""
        code = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                code = self.process.wait(timeout=timeout)
            except Exception:  # noqa: BLE001 - past the timeout it is stopped for good
                self.process.kill()
                self.process.wait()
        elif self.process is not None:
            code = self.process.returncode
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self._folder.cleanup()
        return code

    def __enter__(self) -> "ServedSimulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def urls(self) -> dict[str, Any]:
        import json
        from pathlib import Path

        return json.loads(Path(self.urls_json).read_text("utf-8"))

    def base_url(self, service: str, deployment: str | None = None) -> str:
        contract = self.simulator.contracts[service]
        return self.simulator.local_url(contract.deployment(deployment))

    def wait_until_accepting(self, timeout: float = 5.0) -> None:
        wait_until_accepting(self.config.host, self.simulator.ports(), timeout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: apisim serve --workers N --server granian|gunicorn|dev")
