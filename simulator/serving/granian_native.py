"""The one adapter over granian's private API: its Rust workers, one per port, on this process's loop.

Everything here that is not granian's public API (``granian._granian.RSGIWorker`` built with its
positional arguments, ``granian._futures``, ``granian._loops``) stays in this module, behind
:func:`serve_ports_natively`, which raises :class:`NativeWorkersUnavailable` before a port is
bound when the internals differ; :func:`serve_ports_embedded` is the public-API fallback. The
pin ``granian>=2.8,<2.9`` in pyproject.toml is for this module.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from simulator.server import cannot_listen
from simulator.serving.rsgi import RSGIApp


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

    for (spec, worker), signal_, port in zip(workers, signals, ports):
        try:
            spec.build()
        except RuntimeError as exc:  # granian's bind error names no port
            raise cannot_listen(host, port, exc) from None
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
