"""Production serving: several worker processes answering every deployment port.

``apisim serve`` picks one of four servers:

* ``httptools`` (default) and ``granian``: a pre-fork master builds the :class:`Simulator` once
  (contracts loaded and checked, validators compiled, routes built, demo state
  seeded), then forks the workers. Under granian each worker runs one of granian's Rust
  workers per deployment port, all on the worker's one event loop (see
  :mod:`.granian_native`, the one place granian's private API is used); every
  worker binds every port with ``SO_REUSEPORT`` and the kernel spreads
  connections across them. Requests reach :meth:`Simulator.handle` through a
  small RSGI adapter (:mod:`.rsgi`; no Flask on this path: the adapter builds the
  same ``SimRequest`` the Flask app builds).
* ``httptools`` (the default): the same master and workers, each answering every port with apisim's own
  HTTP/1.1 server (:mod:`.http1`, :mod:`.http1_worker`): httptools parses in the worker's event
  loop and ``Simulator.handle`` is called there, with no hand-off between threads. A worker two or
  more connections ahead of another hands idle ones on to it (:mod:`.balance`), so a few pooled
  connections are not left to the kernel's uneven hash.
* ``gunicorn``: the Flask app with gthread workers, all ports bound by the
  master (``preload_app``, so the same once-only preparation).
* ``dev``: the single-process werkzeug server (:class:`SimulatorServer`).

State is shared through the store: with more than one worker the default is a
fresh SQLite store in a temporary folder (removed at exit), so a record
created through one worker is seen by the next request on another. Each worker
journals to a partition of its own (see :class:`~simulator.pipeline.journal.Journal`).

The package, one module per job: :mod:`.stores` (the store several workers share), :mod:`.rsgi`
(the RSGI adapter and its fault injector), :mod:`.prefork` (the pre-fork master, granian's worker body),
:mod:`.http1` and :mod:`.http1_worker` (apisim's own HTTP/1.1 connection and worker), :mod:`.balance`
(connections evened out across its workers),
:mod:`.granian_native` (the adapter over granian's internals), :mod:`.gunicorn_server` and
:mod:`.gunicorn_worker`, :mod:`.process` (what every worker process needs: its end with its
master, a core, a frozen heap, free ports). Why httptools, and why granian before it: docs/performance.md.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
from dataclasses import replace
from typing import Callable

from simulator.config import SimulatorConfig
from simulator.serving.connection_drop import can_drop_connections
from simulator.serving.stores import store_for
from simulator.simulator import Simulator

__all__ = ["SERVERS", "default_workers", "serve"]

SERVERS = ("granian", "httptools", "gunicorn", "dev")


def default_workers() -> int:
    return os.cpu_count() or 1


def serve(config: SimulatorConfig, *, server: str = "httptools", workers: int | None = None,
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
    config = replace(config, store_url=store_url, dropped_connections=server != "granian" or can_drop_connections())
    _check_installed(server)  # in the master, not in every worker
    try:
        simulator = Simulator(config)  # once, in the master: the workers inherit it prepared
        if server == "dev":
            return _serve_dev(simulator, on_ready)
        if server == "gunicorn":
            from simulator.serving.gunicorn_server import serve_gunicorn

            serve_gunicorn(simulator, workers, lambda: on_ready(simulator))
        else:
            from simulator.serving.prefork import PreforkServer, run_granian_worker

            if server == "httptools":
                from simulator.serving.balance import ConnectionBalancer
                from simulator.serving.http1_worker import serve_ports

                run_worker = functools.partial(serve_ports, balancer=ConnectionBalancer(workers))
            else:
                run_worker = run_granian_worker
            # Pinning is for granian's hand-offs between its threads; an httptools worker is one
            # thread, and pinned it could not leave a core that another process keeps busy.
            pin = pin_workers and server == "granian"
            PreforkServer(simulator, workers, run_worker, pin,
                          orphan_cleanup=lambda: (cleanup(), on_orphaned())).serve_forever(lambda: on_ready(simulator))
        return 0
    finally:
        cleanup()


def _check_installed(server: str) -> None:
    if server == "granian":
        import granian  # noqa: F401
    elif server == "httptools":
        import httptools  # noqa: F401


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
