"""What the file-backed stores need from the operating system: which process this is, without a
system call each time, and an exclusive ``flock`` held for a block.

Store connections and open files must not cross a ``fork``, so every store access compares the
process it opened them in with this one. ``os.getpid()`` is a system call (glibc stopped caching
it), and several per request were 2% of a served worker's time; the number is kept here and
refreshed in each forked child.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from contextlib import contextmanager
from typing import Iterator

_pid = os.getpid()


def current_pid() -> int:
    return _pid


def _refresh() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_refresh)


@contextmanager
def flocked(fd: int) -> Iterator[int]:
    """``fd`` locked exclusively for the block (other open files of the same file wait)."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield fd
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


class SharedCounter:
    """A 64-bit counter in an 8-byte file, mapped into memory, shared by every process on the host.

    Reading it is a read of shared memory, no system call; :meth:`add` takes the file's ``flock``
    (one open file per thread and process, as ``flock`` needs) around the read and the write, where
    ``pread`` and ``pwrite`` were two more system calls each time.
    """

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self._mapping: mmap.mmap | None = None
        self._mapping_pid = 0

    def value(self) -> int:
        return _COUNTER.unpack_from(self._mapped(), 0)[0]

    def add(self, amount: int = 1, *, locked: bool = False) -> int:
        """Add ``amount``; the new value. ``locked``: the caller already holds a lock that every
        writer of this counter takes, so its own ``flock`` is not needed."""
        mapping = self._mapped()
        if locked:
            return self._add(mapping, amount)
        fd = self._lock_fd()
        fcntl.flock(fd, fcntl.LOCK_EX)  # (not ``flocked``: on every request, a context manager shows)
        try:
            return self._add(mapping, amount)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def reset(self) -> None:
        with flocked(self._lock_fd()):
            _COUNTER.pack_into(self._mapped(), 0, 0)

    @staticmethod
    def _add(mapping: mmap.mmap, amount: int) -> int:
        number = _COUNTER.unpack_from(mapping, 0)[0] + amount
        _COUNTER.pack_into(mapping, 0, number)
        return number

    def _lock_fd(self) -> int:
        local = self._local
        if getattr(local, "pid", None) != _pid:
            local.fd, local.pid = open_shared_file(self.path), _pid
        return local.fd

    def _mapped(self) -> mmap.mmap:
        mapping = self._mapping
        if mapping is None or self._mapping_pid != _pid:
            fd = open_shared_file(self.path)
            try:
                if os.fstat(fd).st_size < _COUNTER.size:
                    os.ftruncate(fd, _COUNTER.size)  # zero-filled; two processes doing it at once agree
                mapping = self._mapping = mmap.mmap(fd, _COUNTER.size)
            finally:
                os.close(fd)
            self._mapping_pid = _pid
        return mapping

    def close(self) -> None:
        local = self._local
        if getattr(local, "pid", None) == _pid:
            os.close(local.fd)
        self._local = threading.local()
        if self._mapping is not None and self._mapping_pid == _pid:
            self._mapping.close()
        self._mapping = None


_COUNTER = struct.Struct("<Q")


def open_shared_file(path: str) -> int:
    """A file the stores share between processes, opened read-write (created 0600, closed on exec)."""
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
