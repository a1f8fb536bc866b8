"""Which process this is, without a system call each time.

Store connections and open files must not cross a ``fork``, so every store access compares the
process it opened them in with this one. ``os.getpid()`` is a system call (glibc stopped caching
it), and several per request were 2% of a served worker's time; the number is kept here and
refreshed in each forked child.
"""

from __future__ import annotations

import os

_pid = os.getpid()


def current_pid() -> int:
    return _pid


def _refresh() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_refresh)
