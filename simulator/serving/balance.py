"""Even connections across ``apisim serve`` workers: a worker ahead of the others hands idle ones on.

Every httptools worker binds every port with ``SO_REUSEPORT``, and the kernel picks the worker of
a new connection by a hash of its addresses. For a few long-lived connections, which is what a
load test or a test suite's connection pool opens, the hash is uneven: 32 connections over two
workers came out 12/20, 13/19 or 14/18 in most runs of the benchmark, and the busier worker's
clients then wait longer for every answer than the other's.

So each worker looks at the others' loads a few times a second, and while it holds two or more
connections more than the least loaded one, it hands half the difference on: a connection that has
just been answered, with no byte of a next request read, is sent (``SCM_RIGHTS`` over a datagram
socket pair the master made before forking) to the other worker, which serves it from then on as
if it had accepted it; the client sees nothing. Loads are counted in a small table in shared memory
in which each worker writes only its own cells: the connections it holds, how many it sent to each
other worker and how many it took from each. What is sent and not taken yet counts for its
receiver, so two hand-offs in a row do not both go to a worker that has not woken up yet.
Deciding when the connection is idle, not when it is accepted, also corrects what acceptance could
not know: a worker that had not yet seen its old connections close looked busier than it was.
"""

from __future__ import annotations

import logging
import mmap
import socket
import struct
from typing import Callable

log = logging.getLogger("apisim.serving")

STOPPING = 1 << 30  # the load a stopping worker shows: nobody hands it anything
REBALANCE_SECONDS = 0.1  # how often a worker compares its load with the others'
_MESSAGE = struct.Struct("=HH")  # the port's place among the sites, the sending worker


class ConnectionBalancer:
    """Made in the master for ``workers`` workers; each worker then calls :meth:`join` with its index."""

    def __init__(self, workers: int):
        self.workers = workers
        # cells: held[w] for each w, then sent[w][v] (w sent to v), then taken[v][w] (v took from w)
        self._table = mmap.mmap(-1, 8 * (workers + 2 * workers * workers))  # anonymous: shared across fork
        self._cells = memoryview(self._table).cast("q")
        self._inboxes = [socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM) for _ in range(workers)]
        for receiving, sending in self._inboxes:
            receiving.setblocking(False)
            sending.setblocking(False)
        self.index = -1

    def _sent(self, sender: int, receiver: int) -> int:
        return self.workers + sender * self.workers + receiver

    def _taken(self, receiver: int, sender: int) -> int:
        return self.workers + self.workers * self.workers + receiver * self.workers + sender

    def load(self, worker: int) -> int:
        """The connections ``worker`` holds, and those sent to it that it has not taken yet."""
        cells = self._cells
        return cells[worker] + sum(cells[self._sent(sender, worker)] - cells[self._taken(worker, sender)]
                                   for sender in range(self.workers) if sender != worker)

    def hold(self, connections: int) -> None:
        """This worker now holds ``connections`` (or :data:`STOPPING`)."""
        self._cells[self.index] = connections

    def join(self, index: int, add_reader: Callable[[int, Callable[[], None]], None],
             adopt: Callable[[int, socket.socket], None]) -> None:
        """In worker ``index``: take what the others hand on, giving each to ``adopt(site, socket)``."""
        self.index = index
        self.hold(0)
        self._adopt = adopt
        inbox = self._inboxes[index][0]
        add_reader(inbox.fileno(), lambda: self._take(inbox))

    def surplus(self) -> tuple[int, int]:
        """(the least loaded other worker, how many connections to hand it); 0 of them while this
        worker is less than two ahead of every other."""
        mine = self.load(self.index)
        lightest, least = self.index, mine
        for worker in range(self.workers):
            if worker != self.index:
                load = self.load(worker)
                if load < least:
                    lightest, least = worker, load
        return lightest, (mine - least) // 2

    def hand_off(self, worker: int, site: int, fd: int) -> bool:
        """Send the connection on ``fd`` (of the port numbered ``site``) to ``worker``; False if it
        could not go (the receiver's queue is full, say), and then it stays where it is. The
        caller still closes its own ``fd``: the receiver gets a descriptor of its own."""
        try:
            socket.send_fds(self._inboxes[worker][1], [_MESSAGE.pack(site, self.index)], [fd])
        except OSError as exc:
            log.debug("handing a connection to worker %d failed: %s", worker + 1, exc)
            return False
        self._cells[self._sent(self.index, worker)] += 1
        return True

    def _take(self, inbox: socket.socket) -> None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(inbox, _MESSAGE.size, 1)
            except (BlockingIOError, InterruptedError):
                return
            if len(message) != _MESSAGE.size or len(fds) != 1:  # not sent by a worker: nothing to serve
                for fd in fds:
                    socket.close(fd)
                continue
            site, sender = _MESSAGE.unpack(message)
            self._cells[self._taken(self.index, sender)] += 1
            self._adopt(site, socket.socket(fileno=fds[0]))
