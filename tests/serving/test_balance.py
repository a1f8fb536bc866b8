"""Connections evened out across `apisim serve` workers (simulator/serving/balance.py).

The unit tests play two workers in one process: two views of one balancer share its table and
inboxes as two forked workers do. Connections are Unix socket pairs, so nothing leaves the process.
The last test counts, through /proc, the connections each worker of a real `apisim serve` holds
while a client keeps 32 connections busy on loopback.
"""

from __future__ import annotations

import asyncio
import copy
import http.client
import os
import socket
import sys
from pathlib import Path

import pytest

from simulator.serving.balance import STOPPING, ConnectionBalancer
from simulator.serving.http1 import HEAD, IDLE
from simulator.serving.http1_worker import Worker
from simulator.testing.served import ServedSimulator

ROUNDS = 400  # of 32 requests: the workers compare loads every REBALANCE_SECONDS, some 10-20 rounds


class PlayedWorker:
    """One worker's side of a balancer: the connections it holds, and its inbox reader."""

    def __init__(self, balancer: ConnectionBalancer, index: int):
        self.balancer = copy.copy(balancer)  # shares the table and the inboxes, as a forked worker does
        self.held: list[tuple[int, socket.socket]] = []
        self.readers: list = []
        self.balancer.join(index, lambda fd, reader: self.readers.append(reader), self.adopt)

    def adopt(self, site: int, connection: socket.socket) -> None:
        self.held.append((site, connection))
        self.balancer.hold(len(self.held))

    def answer_all(self) -> None:
        """What a worker does once each connection it holds has been answered: hand on the surplus."""
        target, surplus = self.balancer.surplus()
        for site, connection in list(self.held)[:surplus]:
            if self.balancer.hand_off(target, site, connection.fileno()):
                self.held.remove((site, connection))
                connection.close()
        self.balancer.hold(len(self.held))

    def take(self) -> None:
        for reader in self.readers:
            reader()


@pytest.fixture
def workers():
    balancer = ConnectionBalancer(2)
    played = PlayedWorker(balancer, 0), PlayedWorker(balancer, 1)
    clients: list[socket.socket] = []  # the clients' ends, open until the test is over

    def accept(worker: PlayedWorker, count: int, site: int = 0) -> None:
        for _ in range(count):
            accepted, client = socket.socketpair()
            clients.append(client)
            worker.adopt(site, accepted)

    yield (*played, accept)
    for worker in played:
        for _, connection in worker.held:
            connection.close()
    for client in clients:
        client.close()


def test_a_worker_at_most_one_ahead_keeps_its_connections(workers):
    first, second, accept = workers
    accept(first, 9)
    accept(second, 8)
    assert first.balancer.surplus()[1] == 0
    assert second.balancer.surplus()[1] == 0


def test_a_worker_two_or_more_ahead_hands_half_the_difference_on(workers):
    first, second, accept = workers
    accept(first, 20)
    accept(second, 12)
    first.answer_all()
    assert len(first.held) == 16
    assert first.balancer.load(1) == 16  # sent, not taken yet: counted for the receiver already
    second.take()
    assert len(second.held) == 16 and second.balancer.load(1) == 16


def test_hand_offs_not_taken_yet_stop_a_second_round_from_sending_more(workers):
    first, second, accept = workers
    accept(first, 24)
    accept(second, 8)
    first.answer_all()
    first.answer_all()  # the other worker has not woken up: its queue counts for it
    assert len(first.held) == 16
    second.take()
    assert len(second.held) == 16


def test_a_handed_on_connection_keeps_its_client_and_its_port():
    balancer = ConnectionBalancer(2)
    first, second = PlayedWorker(balancer, 0), PlayedWorker(balancer, 1)
    accepted, client = socket.socketpair()
    kept = [socket.socketpair() for _ in range(2)]
    with client:
        first.adopt(3, accepted)
        for connection, _ in kept:
            first.adopt(0, connection)
        # the port-3 connection is first in line, and the one of three handed on
        first.answer_all()
        second.take()
        (site, adopted), = second.held
        with adopted:
            assert site == 3
            adopted.sendall(b"answered by the other worker")
            assert client.recv(100) == b"answered by the other worker"
    for connection, other in kept:
        connection.close()
        other.close()


def test_a_stopping_worker_is_handed_nothing(workers):
    first, second, accept = workers
    accept(first, 6)
    second.balancer.hold(STOPPING)
    first.answer_all()
    assert len(first.held) == 6


def test_a_hand_off_that_cannot_be_sent_keeps_the_connection(workers):
    first, second, accept = workers
    accept(first, 6)
    first.balancer._inboxes[1][1].close()  # the way to the other worker is gone
    first.answer_all()
    assert len(first.held) == 6


def test_a_message_that_no_worker_sent_is_dropped():
    balancer = ConnectionBalancer(2)
    worker = PlayedWorker(balancer, 0)
    balancer._inboxes[0][1].send(b"not a hand-off")
    worker.take()
    assert worker.held == []


def _established(port: int) -> set[int]:
    """Socket inodes of the established TCP connections whose local port is ``port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], int(fields[9])
        if local_port == port and state == "01":
            inodes.add(inode)
    return inodes


def _held_by(pid: int, inodes: set[int]) -> int:
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while we looked
            continue
        if target.startswith("socket:[") and int(target[8:-1]) in inodes:
            held += 1
    return held


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                children.append(int(entry.name))
    return children


class LateWritingTransport:
    """A transport that, as uvloop before 0.22 does, writes an answer only at the end of the loop's turn."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket):
        self.sock, self.unwritten = sock, len(b"HTTP/1.1 200 OK")
        loop.call_soon(self._write)

    def _write(self) -> None:
        self.unwritten = 0

    def get_write_buffer_size(self) -> int:
        return self.unwritten

    def get_extra_info(self, name: str) -> socket.socket:
        return self.sock

    def abort(self) -> None:
        self.sock.close()


class AnsweredConnection:
    """What Worker.hand_on reads of an HttpConnection just answered."""

    def __init__(self, transport: LateWritingTransport):
        self.transport, self.phase, self.closing, self.writing_paused = transport, IDLE, False, False
        self.site = type("Site", (), {"number": 0})()

    def handed_on(self) -> None:
        self.closing = True
        self.transport.abort()


@pytest.fixture
def late_writing_worker():
    """A worker of two, one connection ahead, whose answers are written at the end of the loop's turn."""
    loop = asyncio.new_event_loop()
    balancer = ConnectionBalancer(2)
    other = PlayedWorker(balancer, 1)
    worker = Worker.__new__(Worker)  # only what hand_on uses: no simulator, no Flask app
    worker.loop, worker.balancer, worker.shed_to, worker.to_shed = loop, copy.copy(balancer), 1, 1
    worker.balancer.index = 0
    accepted, client = socket.socketpair()
    connection = AnsweredConnection(LateWritingTransport(loop, accepted))
    yield worker, connection, other, loop
    for _, adopted in other.held:
        adopted.close()
    accepted.close()
    client.close()
    loop.close()


def test_an_answer_not_yet_written_is_handed_on_once_it_is(late_writing_worker):
    worker, connection, other, loop = late_writing_worker
    worker.hand_on(connection)
    assert not connection.closing  # its answer is still in the transport's buffer
    loop.run_until_complete(asyncio.sleep(0))  # the end of the loop's turn: written, then handed on
    other.take()
    assert connection.closing and len(other.held) == 1 and worker.to_shed == 0


def test_a_connection_whose_next_request_began_meanwhile_is_kept(late_writing_worker):
    worker, connection, other, loop = late_writing_worker
    worker.hand_on(connection)
    connection.phase = HEAD  # the next request's first bytes came in the same turn
    loop.run_until_complete(asyncio.sleep(0))
    other.take()
    assert not connection.closing and other.held == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts connections through /proc")
def test_thirty_two_busy_connections_to_two_workers_end_up_sixteen_each():
    with ServedSimulator(["--workers", "2", "--service", "cdc-python"]) as server:
        port = int(server.base_url("cdc-python").rsplit(":", 1)[1])
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(32)]
        try:
            counts: list[int] = []
            for _ in range(ROUNDS):  # requests on every connection, until the workers have evened out
                for client in clients:  # every connection, handed on or not, is answered
                    client.request("GET", "/__apisim/health")
                    response = client.getresponse()
                    assert response.status == 200 and response.read()
                inodes = _established(port)
                counts = sorted(_held_by(worker, inodes) for worker in _children(server.process.pid))
                if counts == [16, 16]:
                    break
            assert counts == [16, 16]
        finally:
            for client in clients:
                client.close()
