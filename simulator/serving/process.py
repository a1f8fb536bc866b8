"""What every worker process needs, under granian and gunicorn alike: to end with its master, a core
of its own, a heap the collector leaves alone, free ports, enough file descriptors, its read limits."""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
import threading
import time
from typing import Callable

from simulator.config import SimulatorConfig
from simulator.reading import ReadLimits
from simulator.server import cannot_listen
from simulator.simulator import Simulator

# A worker that stops on SIGTERM finishes the requests it has in flight for at most this long.
GRACE_SECONDS = 5.0
# How often a worker checks that its master is still there (the fallback to the parent-death signal).
WATCHDOG_SECONDS = 0.5


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
                raise cannot_listen(host, port, exc) from None
