"""A running simulator: one loopback port per deployment, all served by one app.

:class:`SimulatorServer` is what ``apisim serve --server dev`` runs and what the pytest fixture
wraps; users can start it by hand too::

    with SimulatorServer(SimulatorConfig(seed=1)) as server:
        print(server.urls())

:class:`LoopbackServer` is what every way of running one shares (this server, the pytest
plugin's ``ApisimServer``, ``testing.served.ServedSimulator``): start and stop, the local URLs, and the
readiness wait.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable

from werkzeug.serving import BaseWSGIServer

from simulator.app import create_app
from simulator.config import SimulatorConfig
from simulator.contracts import Contract, Deployment
from simulator.core.net import is_loopback_address
from simulator.reading import DevServer, ReadLimits
from simulator.simulator import Simulator


class LoopbackServer:
    """A simulator answering on loopback ports. Subclasses set ``simulator`` and ``config`` and
    implement :meth:`start` and :meth:`stop`."""

    simulator: Simulator
    config: SimulatorConfig

    def start(self) -> LoopbackServer:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def deployments(self) -> list[Deployment]:
        return self.simulator.runtime.deployments()

    def contract(self, service: str | None = None) -> Contract:
        """A service's contract (the only one when the simulator serves one service)."""
        contracts = self.simulator.contracts
        if service is None and len(contracts) == 1:
            return next(iter(contracts.values()))
        if service not in contracts:
            raise ValueError(f"unknown service {service!r}; known: {', '.join(sorted(contracts))}")
        return contracts[service]

    def base_url(self, service: str | None = None, deployment: str | None = None) -> str:
        """The local URL of a deployment (its first by default): what to configure the client with."""
        return self.simulator.local_url(self.contract(service).deployment(deployment))

    def urls(self) -> dict[str, Any]:
        """``{service: {deployment: {"original", "local"}, "credentials": [...]}}``."""
        out: dict[str, Any] = {}
        for name, contract in self.simulator.contracts.items():
            entry: dict[str, Any] = {
                d.name: {"original": d.base_url, "local": self.simulator.local_url(d)} for d in contract.deployments
            }
            entry["credentials"] = self.simulator.credentials(name)
            out[name] = entry
        return out

    def wait_until_accepting(self, timeout: float = 5.0) -> None:
        wait_until_accepting(self.config.host, self.simulator.ports(), timeout)


def wait_until_accepting(host: str, ports: list[int], timeout: float = 30.0,
                         still_starting: Callable[[], None] = lambda: None) -> None:
    """Return once every port accepts a connection; ``TimeoutError`` naming the port after ``timeout``.
    ``still_starting`` is called between tries, and raises to give up at once (its server failed)."""
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with socket.create_connection((host, port), timeout=1):
                    break
            except OSError:
                still_starting()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"nothing accepts on {host}:{port} after {timeout:.0f} s") from None
                time.sleep(0.02)


class SimulatorServer(LoopbackServer):
    def __init__(self, config: SimulatorConfig | None = None, *, simulator: Simulator | None = None):
        self.config = config or SimulatorConfig()
        if not is_loopback_address(self.config.host) and not self.config.allow_remote:
            raise ValueError(f"apisim binds loopback only; {self.config.host!r} is not a loopback address")
        self.simulator = simulator or Simulator(self.config)
        self.app = create_app(simulator=self.simulator)
        self._servers: list[BaseWSGIServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> SimulatorServer:
        limits = ReadLimits(self.config.header_timeout, self.config.body_timeout, self.config.max_connections)
        try:
            for dep in self.deployments():
                port = self.simulator.port_of(dep)
                try:
                    server = DevServer(self.config.host, port, self.app, limits)  # timeouts, a connection cap
                except OSError as exc:
                    raise cannot_listen(self.config.host, port, exc, f"{dep.service}/{dep.name}") from exc
                self._servers.append(server)
            for server in self._servers:
                thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for index, server in enumerate(self._servers):
            if index < len(self._threads):  # shutdown() waits for serve_forever: one never started would hang it
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def write_urls_json(self, path: str | Path) -> None:
        self.wait_until_accepting()
        Path(path).write_text(json.dumps(self.urls(), ensure_ascii=False, indent=2) + "\n", "utf-8")


def free_port_base(host: str = "127.0.0.1", span: int = 100, attempts: int = 50) -> int:
    """A port base whose whole span of ports is free right now (for tests and ``--port-base 0``).

    The block lies outside the kernel's ephemeral range: a port of that range can be taken at any
    moment as the local end of some outgoing connection (a test opening 2,000 client connections
    takes 2,000 of them), and a listener cannot bind a port a connection holds."""
    import random

    ephemeral = _ephemeral_ports()
    bases = [base for base in range(_LOWEST_BASE, 65536 - span, 100)
             if base + span <= ephemeral.start or base >= ephemeral.stop]
    bases = _this_test_workers_share(bases)
    if not bases:
        raise OSError(f"no block of {span} ports lies outside the ephemeral range {ephemeral.start}-{ephemeral.stop - 1}")
    rng = random.Random()
    for _ in range(attempts):
        base = rng.choice(bases)
        if all(_free(host, base + i) for i in range(span)):
            return base
    raise OSError("no free block of loopback ports found")


_LOWEST_BASE = 10000  # below it, ports well-known services register


def _this_test_workers_share(bases: list[int]) -> list[int]:
    """Under pytest-xdist, worker ``gwN`` of K picks only every Kth block from the Nth: two tests
    running side by side never pick the same block and race to bind it (the servers they start
    inherit the worker's environment, so theirs follow too)."""
    worker, count = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    if not (worker.startswith("gw") and worker[2:].isdigit() and count.isdigit() and int(count) > 1):
        return bases
    share = bases[int(worker[2:]) % int(count)::int(count)]
    return share or bases


def _ephemeral_ports() -> range:
    """The ports the kernel picks the local end of an outgoing connection from."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):  # not Linux: the IANA range, which macOS and Windows use
        low, high = 49152, 65535
    return range(low, high + 1)


def cannot_listen(host: str, port: int, reason: object, serving: str = "") -> OSError:
    """apisim's refusal to start on a port something else holds (every server's, and each worker's
    own), in the words :func:`taken_port` reads: "cannot listen on HOST:PORT[ for SERVICE/DEPLOYMENT]:
    [Errno 98] Address already in use; ..."."""
    where = f" for {serving}" if serving else ""
    return OSError(f"cannot listen on {host}:{port}{where}: {reason}; stop what uses it or choose another --port-base")


_REFUSED_TAKEN_PORT = re.compile(r"cannot listen on \S+:(\d+)\b[^\n]*Address already in use")


def taken_port(output: str) -> int | None:
    """The port ``apisim serve`` refused to start on because another process holds it, read from
    its output; None if the output holds no such refusal (it failed, if it did, for another reason).

    Only a port block chosen by :func:`free_port_base` makes this worth a retry on another block:
    a parallel test can take one of its ports between the check and the bind."""
    match = _REFUSED_TAKEN_PORT.search(output)
    return int(match.group(1)) if match else None


def _free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True
