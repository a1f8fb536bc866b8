"""The body of an ``apisim serve --server httptools`` worker: every deployment port on one event loop.

Each worker binds every port with ``SO_REUSEPORT`` (the kernel spreads connections across the
workers, as under granian) and accepts on it itself, so that past ``max_connections`` open
connections on a port it can stop accepting and leave new ones waiting in the listen queue, as
granian's backpressure does; a worker ahead of the others hands idle connections on
(:mod:`.balance`). Each connection is an :class:`~.http1.HttpConnection`. One timer per
worker sweeps the connections' deadlines and refreshes the ``Date`` header once a second. SIGTERM
stops accepting, closes idle connections, and lets the requests in flight finish for up to
``GRACE_SECONDS`` (the master kills the worker past that).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from email.utils import formatdate
from typing import Any

from simulator.reading import ReadLimits
from simulator.server import cannot_listen
from simulator.serving.balance import REBALANCE_SECONDS, STOPPING, ConnectionBalancer
from simulator.serving.http1 import HUNG, IDLE, HttpConnection
from simulator.serving.process import GRACE_SECONDS, raise_open_file_limit, read_limits
from simulator.simulator import Simulator

log = logging.getLogger("apisim.serving")

BACKLOG = 1024
ACCEPTS_PER_WAKE_UP = 64  # a burst of new connections is taken in one go, up to this many


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when it is installed, else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class Worker:
    """What the ports of one worker share: the simulator, the admin app, the limits, the clock."""

    def __init__(self, simulator: Simulator, loop: asyncio.AbstractEventLoop):
        from simulator.app import create_app

        self.simulator = simulator
        self.loop = loop
        self.flask = create_app(simulator=simulator)  # the admin API (rare): through Flask, as under granian
        self.limits: ReadLimits = read_limits(simulator.config)
        self.stopping = False
        self.sites: list[Site] = []
        self.date = ""
        self.balancer: ConnectionBalancer | None = None
        self.shed_to = 0  # the worker idle connections are handed to (simulator.serving.balance)
        self.to_shed = 0  # how many more; read by every connection once answered
        self.sweep_every = max(0.05, min(self.limits.header_timeout, self.limits.body_timeout, 4.0) / 4)

    def sweep(self) -> None:
        """Connections past their deadline are expired; the Date header is brought up to date."""
        self.date = f"date: {formatdate(usegmt=True)}\r\n"
        now = self.loop.time()
        for site in self.sites:
            for connection in [c for c in site.connections if c.deadline and c.deadline <= now]:
                try:
                    connection.expire()
                except Exception:  # noqa: BLE001 - one broken connection must not stop the sweep
                    log.debug("%s: expiring a connection failed", site.name, exc_info=True)
        self.loop.call_later(self.sweep_every, self.sweep)

    def stop(self) -> None:
        """SIGTERM: accept nothing more, close what is idle, let the rest finish its request."""
        if self.stopping:
            return
        self.stopping = True
        self.to_shed = 0
        self.connections_changed()
        for site in self.sites:
            site.stop_accepting()
            for connection in list(site.connections):
                if connection.phase == IDLE and not connection.closing:
                    connection.close()
                elif connection.phase == HUNG:
                    connection.transport.abort()

    def open_connections(self) -> int:
        return sum(len(site.connections) + site.accepting_now for site in self.sites)

    def connections_changed(self) -> None:
        if self.balancer is not None:
            self.balancer.hold(STOPPING if self.stopping else self.open_connections())

    def rebalance(self) -> None:
        """Compare this worker's load with the others' (:mod:`.balance`), a few times a second."""
        if self.balancer is not None and not self.stopping:
            self.shed_to, self.to_shed = self.balancer.surplus()
            self.loop.call_later(REBALANCE_SECONDS, self.rebalance)

    def hand_on(self, connection: HttpConnection, *, look_again: bool = True) -> None:
        """Hand an idle connection (answered, nothing of a next request read) to a less loaded worker."""
        transport = connection.transport
        if self.balancer is None or connection.writing_paused:
            return
        if transport.get_write_buffer_size():
            # uvloop before 0.22 keeps an answer's bytes until the end of the loop's turn, so right
            # after answering the buffer is never empty there: look again once it has been written
            if look_again:
                self.loop.call_soon(self._hand_on_if_still_idle, connection)
            return
        fd = os.dup(transport.get_extra_info("socket").fileno())
        try:
            sent = self.balancer.hand_off(self.shed_to, connection.site.number, fd)
        finally:
            os.close(fd)
        if sent:
            self.to_shed -= 1
            connection.handed_on()

    def _hand_on_if_still_idle(self, connection: HttpConnection) -> None:
        if connection.phase == IDLE and not connection.closing and self.to_shed > 0:
            self.hand_on(connection, look_again=False)

    def take_handed_on(self, site: int, connection: socket.socket) -> None:
        """A connection another worker accepted and handed on (:mod:`.balance`): served as if accepted here."""
        if self.stopping or not 0 <= site < len(self.sites):
            connection.close()
        else:
            self.sites[site].adopt(connection)


class Site:
    """One deployment port in one worker: its listener, its connections."""

    def __init__(self, worker: Worker, number: int, host: str, port: int):
        self.worker = worker
        self.number = number  # its place in the worker's sites, the same in every worker
        self.simulator = worker.simulator
        self.loop = worker.loop
        self.limits = worker.limits
        self.flask = worker.flask
        self.port = port
        self.server = f"{host}:{port}"  # the Host a request without one is taken to name
        self.name = f"port {port}"
        self.connections: set[HttpConnection] = set()
        self.accepting_now = 0  # accepted, their transport not yet made
        self.listener = _listener(host, port)
        self.listening = False
        self._adopt = self.loop.connect_accepted_socket
        self.start_accepting()

    @property
    def stopping(self) -> bool:
        return self.worker.stopping

    def date_line(self) -> str:
        return self.worker.date

    def start_accepting(self) -> None:
        if not self.listening and not self.worker.stopping:
            self.listening = True
            self.loop.add_reader(self.listener.fileno(), self._accept)

    def stop_accepting(self, close: bool = True) -> None:
        if self.listening:
            self.listening = False
            self.loop.remove_reader(self.listener.fileno())
        if close:
            self.listener.close()

    def _accept(self) -> None:
        for _ in range(ACCEPTS_PER_WAKE_UP):
            if len(self.connections) + self.accepting_now >= self.limits.max_connections:
                self.stop_accepting(close=False)  # the rest wait in the listen queue
                return
            try:
                connection, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors, a connection reset before it was taken
                log.debug("%s: accept failed: %s", self.name, exc)
                return
            self.adopt(connection)

    def adopt(self, connection: socket.socket) -> None:
        connection.setblocking(False)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.accepting_now += 1
        self.worker.connections_changed()
        self.loop.create_task(self._open(connection))

    async def _open(self, connection: socket.socket) -> None:
        try:
            await self._adopt(lambda: HttpConnection(self), connection)
        except Exception as exc:  # noqa: BLE001 - the client left before its transport was made
            log.debug("%s: a new connection failed: %s", self.name, exc)
            connection.close()
        finally:
            self.accepting_now -= 1
            self.worker.connections_changed()
            self._room_again()

    def opened(self, connection: HttpConnection) -> None:
        self.connections.add(connection)

    def closed(self, connection: HttpConnection) -> None:
        self.connections.discard(connection)
        self.worker.connections_changed()
        self._room_again()

    def _room_again(self) -> None:
        if not self.listening and not self.worker.stopping and \
                len(self.connections) + self.accepting_now < self.limits.max_connections:
            self.start_accepting()


def _listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # every worker binds every port
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise cannot_listen(host, port, exc) from None
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def serve_ports(simulator: Simulator, ports: list[int], index: int = 0,
                balancer: ConnectionBalancer | None = None) -> None:
    """Serve every port in ``ports`` on this process's one event loop until SIGTERM (and its grace).

    ``index`` is this worker's place among the master's workers, and ``balancer`` (made in the
    master) evens out their connections."""
    raise_open_file_limit()
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    worker = Worker(simulator, loop)
    worker.sweep()
    worker.sites = [Site(worker, number, simulator.config.host, port) for number, port in enumerate(ports)]
    if balancer is not None and balancer.workers > 1:
        balancer.join(index, loop.add_reader, worker.take_handed_on)
        worker.balancer = balancer
        worker.rebalance()
    stopped = loop.create_future()

    def stop() -> None:
        worker.stop()
        loop.call_later(GRACE_SECONDS, _done, stopped)  # the master kills a worker at this point anyway
        _when_drained(worker, stopped)

    loop.add_signal_handler(signal.SIGTERM, stop)
    try:
        loop.run_until_complete(stopped)
    finally:
        loop.close()


def _when_drained(worker: Worker, stopped: Any) -> None:
    if worker.open_connections() == 0:
        _done(stopped)
    elif not stopped.done():
        worker.loop.call_later(0.05, _when_drained, worker, stopped)


def _done(stopped: Any) -> None:
    if not stopped.done():
        stopped.set_result(None)
