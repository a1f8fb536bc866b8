"""``apisim serve`` (granian, httptools): a master that prepares the simulator once, forks the workers
and keeps them running; each worker serves every deployment port, with granian's Rust workers
(:func:`run_granian_worker`, :mod:`.granian_native`) or apisim's own HTTP/1.1 server
(:func:`simulator.serving.http1_worker.serve_ports`)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from typing import Callable

from simulator.server import wait_until_accepting
from simulator.serving import granian_native
from simulator.serving.process import (GRACE_SECONDS, check_ports_free, close_store, die_with_parent,
                                       freeze_prepared_objects, pin_to_one_core, raise_open_file_limit)
from simulator.serving.rsgi import RSGIApp
from simulator.simulator import Simulator

log = logging.getLogger("apisim.serving")


WorkerBody = Callable[[Simulator, list[int], int], None]  # (the simulator, its ports, the worker's index)


def run_granian_worker(simulator: Simulator, ports: list[int], index: int = 0) -> None:
    """A worker's body under granian: its Rust workers, one per port (the embedded servers if not)."""
    app = RSGIApp(simulator)
    raise_open_file_limit()
    try:
        granian_native.serve_ports_natively(app, simulator.config.host, ports)
    except granian_native.NativeWorkersUnavailable as exc:
        log.warning("granian's native workers are unavailable (%s); serving with embedded servers", exc)
        asyncio.run(granian_native.serve_ports_embedded(app, simulator.config.host, ports))


class PreforkServer:
    """A master process and ``workers`` forked workers, each running ``run_worker(simulator, ports)``
    to serve every deployment port until SIGTERM."""

    def __init__(self, simulator: Simulator, workers: int, run_worker: WorkerBody = run_granian_worker,
                 pin_workers: bool = True, orphan_cleanup: Callable[[], None] = lambda: None):
        self.simulator = simulator
        self.run_worker = run_worker
        self.workers = max(1, workers)
        self.pin_workers = pin_workers
        self.ports = simulator.ports()
        self.orphan_cleanup = orphan_cleanup  # what a worker that outlived its master removes (the temporary store)
        self._children: dict[int, int] = {}  # pid -> worker index
        self._stopping = False
        self._master = os.getpid()

    def serve_forever(self, ready: Callable[[], None] = lambda: None) -> None:
        check_ports_free(self.simulator.config.host, self.ports)
        close_store(self.simulator)
        freeze_prepared_objects()
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)
        try:
            for index in range(self.workers):
                self._spawn(index)
            wait_until_accepting(self.simulator.config.host, self.ports, still_starting=self._no_worker_failed)
            ready()
            self._supervise()
        except BaseException:  # a failed start or a failing master: no worker may outlive it
            self._request_stop(signal.SIGTERM, None)
            raise

    def _no_worker_failed(self) -> None:
        """While starting: a worker that exited (could not bind a port, say) stops the start at once,
        saying why, rather than after the readiness timeout; a worker is restarted only once running."""
        pid, status = os.waitpid(-1, os.WNOHANG)
        if not pid:
            return
        index = self._children.pop(pid, -1)
        self._request_stop(signal.SIGTERM, None)
        # the usual cause: a port of ours taken since the check, as the worker's error above says;
        # with the other workers stopped, the check now names it
        check_ports_free(self.simulator.config.host, self.ports)
        raise RuntimeError(f"worker {index + 1} exited while starting (exit status "
                           f"{os.waitstatus_to_exitcode(status)}): see its error above")

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
                self.run_worker(self.simulator, self.ports, index)
            except BaseException:  # noqa: BLE001 - a worker must never return into the master's code
                log.exception("worker %d failed", index + 1)
                code = 1
            finally:
                if os.getppid() != self._master:  # the master is gone: nobody else will remove the store
                    self.orphan_cleanup()
                os._exit(code)
        self._children[pid] = index

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
