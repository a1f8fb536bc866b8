"""The SQLite store: state shared by every worker process on one host.

Maps live in ``<path>``, a SQLite database in WAL mode (readers never block the
writer). Each thread of each process has its own connection (SQLite
connections must not cross a ``fork``), and every operation is one SQL
statement, so each is atomic on its own across threads and processes:
uniqueness comes from the primary key (``INSERT ... ON CONFLICT DO NOTHING``),
counters from an upsert with ``RETURNING``.

Lists (the journal every request appends to, each worker to a list of its own)
are append-only files in ``<path>.lists/`` (:mod:`simulator.store.listfiles`):
a line appended to a file costs a tenth of a SQLite transaction.

Writers of the database take turns on an ``flock`` of ``<database>.lock`` first.
SQLite's own answer to a busy database is to sleep and retry (1 ms, 2 ms, 5 ms...),
which under a load test made every collision between two workers a millisecond
stall; a writer blocked in ``flock`` is woken the moment the lock is free, and
SQLite never finds the database busy. Each writer, still holding that lock, bumps the 8-byte
counter of ``<database>.gen`` once its statement is done; readers keep what they read while that
counter stands (one read of shared memory, where asking SQLite whether another connection
committed was a statement per read). The request sequence (one number per
request) is the 8 bytes of ``<path>.seq``, bumped under that file's own
``flock``: a few microseconds, where a SQLite write transaction is tens.

Values are stored as JSON text. Map rows keep their first insertion's rowid,
so ``items`` lists keys in insertion order, exactly like the memory store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from simulator.core.http import copy_json
from simulator.store.base import json_bytes, json_text, key_text, text_key
from simulator.store.listfiles import ListFiles
from simulator.store.process import SharedCounter, current_pid, flocked, open_shared_file

_MAPS_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    id INTEGER PRIMARY KEY,
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (ns, key)
);
"""
# A writer waits this long for another process's write to finish before giving up (only a
# process that does not take the flock, e.g. an older apisim, can make SQLite wait at all).
_BUSY_TIMEOUT_MS = 30_000


_ABSENT = object()  # a read that found no row, kept like any other


class _Database:
    """One SQLite file: a connection and a write-lock file per thread and process."""

    def __init__(self, path: str, schema: str):
        self.path = path
        self._local = threading.local()
        self._generation = SharedCounter(path + ".gen")
        with self._connect() as conn:  # create the tables once, before any worker races to
            self.fresh = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            conn.executescript(schema)
        conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a commit is durable against a process crash (what a simulator needs), and
        # no fsync per request.
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @property
    def local(self) -> threading.local:
        """This thread's state for this database (its connection is opened first)."""
        self.conn  # noqa: B018 - opens it in this thread and process if needed
        return self._local

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection in this process (a forked child opens its own)."""
        local = self._local
        if getattr(local, "pid", None) != current_pid():
            local.conn = self._connect()
            # Its own open file for the write lock: flock excludes other open files, so one shared
            # between threads (or inherited across fork) would not keep them apart.
            local.lock_fd = open_shared_file(self.path + ".lock")
            local.read_version = None  # what the parent process read is not this connection's
            local.pid = current_pid()
        return local.conn

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, holding the write lock; the write generation moves on after."""
        db = self.conn
        with flocked(self._local.lock_fd):
            try:
                yield db
            finally:  # after the statement committed (or failed): a reader that sees the new number sees the write
                self._generation.add(locked=True)  # every writer holds the database's write lock

    def generation(self) -> int:
        """How many writes any process made to the database (as seen now): equal numbers, same data."""
        return self._generation.value()

    def close(self) -> None:
        local = self._local
        if getattr(local, "pid", None) == current_pid():
            local.conn.close()
            os.close(local.lock_fd)
        self._local = threading.local()
        self._generation.close()


class SQLiteStore:
    """``sqlite:///path/to/state.db``; the files are created (with their folder) if missing."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._maps = _Database(self.path, _MAPS_SCHEMA)
        self._sequence = SharedCounter(self.path + ".seq")
        self._dumps = json_text
        self._lists = ListFiles(self.path + ".lists", json_bytes)
        if self._maps.fresh:  # what a deleted database left beside it must not carry over
            self._lists.remove_all()
            self._restart_sequence()

    def close(self) -> None:
        self._maps.close()
        self._lists.close()
        self._sequence.close()

    # -- maps ---------------------------------------------------------------------------------

    def _reads(self) -> dict[tuple[str, ...], Any]:
        """This thread's cache of what it read, kept while no process wrote to the database.

        The write generation is read before the data, and every writer moves it on only after its
        commit, so what is cached is never older than the generation it is kept under."""
        local = self._maps.local
        version = self._maps.generation()
        if getattr(local, "read_version", None) != version:
            local.read_version, local.reads = version, {}
        return local.reads

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        reads = self._reads()
        cache_key = ("get", ns, key)
        if cache_key in reads:
            value = reads[cache_key]
        else:
            row = self._maps.conn.execute("SELECT value FROM kv WHERE ns = ? AND key = ?",
                                          (ns, text_key(key))).fetchone()
            value = reads[cache_key] = _ABSENT if row is None else json.loads(row[0])
        if value is _ABSENT:
            return default
        return copy_json(value)  # callers get their own copy of what is kept decoded

    def put(self, ns: str, key: str, value: Any) -> None:
        encoded = self._dumps(value)
        with self._maps.writing() as db:
            db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) "
                       "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
                       (ns, text_key(key), encoded))

    def delete(self, ns: str, key: str) -> bool:
        with self._maps.writing() as db:
            return db.execute("DELETE FROM kv WHERE ns = ? AND key = ?", (ns, text_key(key))).rowcount > 0

    def delete_map(self, ns: str) -> None:
        # One statement through the UNIQUE (ns, key) index; ``clear(prefix)`` compares a substr()
        # of every row's namespace instead.
        with self._maps.writing() as db:
            db.execute("DELETE FROM kv WHERE ns = ?", (ns,))

    def items(self, ns: str) -> list[tuple[str, Any]]:
        reads = self._reads()
        cache_key = ("items", ns)
        items = reads.get(cache_key)
        if items is None:
            items = reads[cache_key] = [(key_text(key), json.loads(value)) for key, value in self._maps.conn.execute(
                "SELECT key, value FROM kv WHERE ns = ? ORDER BY id", (ns,)).fetchall()]
        return [(key, copy_json(value)) for key, value in items]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        encoded = self._dumps(value)
        with self._maps.writing() as db:
            cursor = db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO NOTHING",
                                (ns, text_key(key), encoded))
            return cursor.rowcount == 1

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        with self._maps.writing() as db:
            row = db.execute(
                "INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) "
                "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT) "
                "RETURNING value",
                (ns, text_key(key), str(int(amount)))).fetchone()
        return int(row[0])

    # -- lists --------------------------------------------------------------------------------

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        """Positions count every item ever appended, so trimming the oldest never reuses one."""
        return self._lists.append(ns, value, keep)

    def values(self, ns: str) -> list[Any]:
        return self._lists.values(ns)

    # -- the request sequence -----------------------------------------------------------------

    def sequence(self) -> int:
        return self._sequence.add()

    def _restart_sequence(self) -> None:
        self._sequence.reset()

    # -- everything ---------------------------------------------------------------------------

    def namespaces(self, prefix: str = "") -> list[str]:
        found = {ns for (ns,) in self._maps.conn.execute(
            "SELECT DISTINCT ns FROM kv WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))}
        found.update(self._lists.namespaces(prefix))
        return sorted(found)

    def clear(self, prefix: str | None = None) -> None:
        with self._maps.writing() as db:
            if prefix is None:
                db.execute("DELETE FROM kv")
            else:
                db.execute("DELETE FROM kv WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))
        self._lists.clear(prefix)
        if prefix is None:
            self._restart_sequence()
