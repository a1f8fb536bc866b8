"""What the file-backed stores need from the operating system: which process this is, without a
system call each time, and an exclusive ``flock`` held for a block.

Store connections and open files must not cross a ``fork``, so every store access compares the
process it opened them in with this one. ``os.getpid()`` is a system call (glibc stopped caching
it), and several per request were 2% of a served worker's time; the number is kept here and
refreshed in each forked child.
"""

from __future__ import annotations

import fcntl
import os
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
