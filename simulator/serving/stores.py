"""The store several workers share: a fresh SQLite file in a temporary folder, swept when its server is gone."""

from __future__ import annotations

import os
import tempfile
from typing import Callable

STORE_PREFIX = "apisim-state-"  # + the master's pid: a start removes the stores of dead masters


def store_for(workers: int, store_url: str | None) -> tuple[str | None, Callable[[], None]]:
    """The store URL to serve with, and how to clean up after it.

    One worker keeps the in-memory store; several need one they can share, so
    they get a fresh SQLite file unless ``--store`` names one.
    """
    if store_url or workers <= 1:
        return store_url, lambda: None
    parent = _memory_backed_dir()
    sweep_stale_stores(parent or tempfile.gettempdir())
    folder = tempfile.TemporaryDirectory(prefix=f"{STORE_PREFIX}{os.getpid()}-", dir=parent)
    return f"sqlite:///{folder.name}/state.db", folder.cleanup


def sweep_stale_stores(parent: str) -> list[str]:
    """Remove temporary stores whose server is gone (``apisim-state-<pid>-*`` of a dead pid, ours).

    A master killed with SIGKILL cannot remove its store, and its workers may have died the same
    way: the next start does it. A folder whose pid is alive (this server's, another apisim's, or a
    reused pid) is left alone."""
    import shutil

    removed = []
    for entry in os.scandir(parent):
        pid_text = entry.name[len(STORE_PREFIX):].partition("-")[0]
        if not (entry.name.startswith(STORE_PREFIX) and pid_text.isdigit() and entry.is_dir(follow_symlinks=False)):
            continue
        if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _alive(int(pid_text)):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _memory_backed_dir() -> str | None:
    """Linux's RAM-backed /dev/shm when there is one: the state lives as long as the server, and
    on a disk-backed /tmp SQLite's writes (and its checkpoints' fsyncs) cost about twice as much."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
