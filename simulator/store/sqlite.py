"""The SQLite store: state shared by every worker process on one host.

Maps live in ``<path>`` and each list namespace in a database of its own in
``<path>.lists/``, all SQLite in WAL mode (readers never block the writer): a
journal entry (every request appends one, each worker to its own namespace)
never waits for, nor stalls, another worker's entry or a write of service state. Each thread of each process has its own connections (SQLite
connections must not cross a ``fork``), and every operation is one SQL
statement or one transaction, so each is atomic on its own across threads and
processes: uniqueness comes from the primary key (``INSERT ... ON CONFLICT DO
NOTHING``), counters from an upsert with ``RETURNING``.

Writers of a database take turns on an ``flock`` of ``<database>.lock`` first.
SQLite's own answer to a busy database is to sleep and retry (1 ms, 2 ms, 5 ms...),
which under a load test made every collision between two workers a millisecond
stall; a writer blocked in ``flock`` is woken the moment the lock is free, and
SQLite never finds the database busy. The request sequence (one number per
request) is the 8 bytes of ``<path>.seq``, bumped under that file's own
``flock``: a few microseconds, where a SQLite write transaction is tens.

Values are stored as JSON text. Map rows keep their first insertion's rowid,
so ``items`` lists keys in insertion order, exactly like the memory store.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

_MAPS_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    id INTEGER PRIMARY KEY,
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (ns, key)
);
"""
# A rowid table: its values (journal entries of a few KB) are far larger than SQLite advises for
# WITHOUT ROWID tables, and appending to one was a fifth slower.
_LISTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
    id INTEGER PRIMARY KEY,
    ns TEXT NOT NULL,
    idx INTEGER NOT NULL,
    value TEXT NOT NULL,
    keep INTEGER,
    UNIQUE (ns, idx)
);
CREATE TRIGGER IF NOT EXISTS keep_newest AFTER INSERT ON lists
WHEN NEW.keep IS NOT NULL AND NEW.idx > NEW.keep AND NEW.idx % 64 = 0
BEGIN
    DELETE FROM lists WHERE ns = NEW.ns AND idx <= NEW.idx - NEW.keep;
END;
"""
# The trigger trims in the appending statement itself (one statement, no transaction around two),
# and only every 64th append: up to 63 entries past ``keep`` may stay in the file, and ``values``
# leaves them out, using the ``keep`` of the newest row.
_VALUES = """
SELECT value FROM lists, (SELECT idx AS last, keep AS last_keep FROM lists WHERE ns = ? ORDER BY idx DESC LIMIT 1)
WHERE ns = ? AND (last_keep IS NULL OR idx > last - last_keep) ORDER BY idx
"""

_ZERO = (0).to_bytes(8, "little")
# A writer waits this long for another process's write to finish before giving up (only a
# process that does not take the flock, e.g. an older apisim, can make SQLite wait at all).
_BUSY_TIMEOUT_MS = 30_000


class _Database:
    """One SQLite file: a connection and a write-lock file per thread and process."""

    def __init__(self, path: str, schema: str):
        self.path = path
        self._local = threading.local()
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
    def conn(self) -> sqlite3.Connection:
        """This thread's connection in this process (a forked child opens its own)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn = self._connect()
            # Its own open file for the write lock: flock excludes other open files, so one shared
            # between threads (or inherited across fork) would not keep them apart.
            local.lock_fd = _open_file(self.path + ".lock")
            local.pid = os.getpid()
        return local.conn

    @contextmanager
    def writing(self, transaction: bool = False) -> Iterator[sqlite3.Connection]:
        """This thread's connection, holding the write lock; ``transaction``: several statements as one."""
        db = self.conn
        fd = self._local.lock_fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if not transaction:
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            local.conn.close()
            os.close(local.lock_fd)
        self._local = threading.local()


def _open_file(path: str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


class SQLiteStore:
    """``sqlite:///path/to/state.db``; the files are created (with their folder) if missing."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._maps = _Database(self.path, _MAPS_SCHEMA)
        self._lists_dir = Path(self.path + ".lists")
        self._lists_dir.mkdir(exist_ok=True)
        self._lists: dict[str, _Database] = {}  # file name -> database, opened on first use
        self._list_by_ns: dict[str, _Database] = {}
        self._lists_lock = threading.Lock()
        self._local = threading.local()
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        if self._maps.fresh:  # what a deleted database left beside it must not carry over
            for database in self._list_databases():
                with database.writing() as lists:
                    lists.execute("DELETE FROM lists")
            self._write_sequence(0)

    def _list_database(self, ns: str) -> _Database:
        database = self._list_by_ns.get(ns)
        if database is None:
            database = self._list_by_ns[ns] = self._list_database_file(ns)
        return database

    def _list_database_file(self, ns: str) -> _Database:
        name = hashlib.blake2b(ns.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest() + ".db"
        database = self._lists.get(name)
        if database is None:
            with self._lists_lock:
                database = self._lists.get(name)
                if database is None:
                    database = self._lists[name] = _Database(str(self._lists_dir / name), _LISTS_SCHEMA)
        return database

    def _list_databases(self) -> list[_Database]:
        """Every list database, those other processes created included."""
        for file in sorted(self._lists_dir.glob("*.db")):
            if file.name not in self._lists:
                with self._lists_lock:
                    if file.name not in self._lists:
                        self._lists[file.name] = _Database(str(file), _LISTS_SCHEMA)
        return list(self._lists.values())

    def close(self) -> None:
        self._maps.close()
        for database in self._lists.values():
            database.close()
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            os.close(local.seq_fd)
        self._local = threading.local()

    # -- maps ---------------------------------------------------------------------------------

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        row = self._maps.conn.execute("SELECT value FROM kv WHERE ns = ? AND key = ?", (ns, key)).fetchone()
        return default if row is None else json.loads(row[0])

    def put(self, ns: str, key: str, value: Any) -> None:
        encoded = self._dumps(value)
        with self._maps.writing() as db:
            db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) "
                       "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
                       (ns, key, encoded))

    def delete(self, ns: str, key: str) -> bool:
        with self._maps.writing() as db:
            return db.execute("DELETE FROM kv WHERE ns = ? AND key = ?", (ns, key)).rowcount > 0

    def items(self, ns: str) -> list[tuple[str, Any]]:
        rows = self._maps.conn.execute("SELECT key, value FROM kv WHERE ns = ? ORDER BY id", (ns,)).fetchall()
        return [(key, json.loads(value)) for key, value in rows]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        encoded = self._dumps(value)
        with self._maps.writing() as db:
            cursor = db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO NOTHING",
                                (ns, key, encoded))
            return cursor.rowcount == 1

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        with self._maps.writing() as db:
            row = db.execute(
                "INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) "
                "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT) "
                "RETURNING value",
                (ns, key, str(int(amount)))).fetchone()
        return int(row[0])

    # -- lists --------------------------------------------------------------------------------

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        """Positions count every item ever appended, so trimming the oldest never reuses one."""
        encoded = self._dumps(value)
        with self._list_database(ns).writing() as db:
            (idx,) = db.execute("INSERT INTO lists (ns, idx, value, keep) "
                                "SELECT ?, COALESCE(MAX(idx), 0) + 1, ?, ? FROM lists WHERE ns = ? RETURNING idx",
                                (ns, encoded, keep, ns)).fetchone()
        return idx

    def values(self, ns: str) -> list[Any]:
        rows = self._list_database(ns).conn.execute(_VALUES, (ns, ns)).fetchall()
        return [json.loads(value) for (value,) in rows]

    # -- the request sequence -----------------------------------------------------------------

    @property
    def _seq_fd(self) -> int:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.seq_fd = _open_file(self.path + ".seq")
            local.pid = os.getpid()
        return local.seq_fd

    def sequence(self) -> int:
        fd = self._seq_fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            number = int.from_bytes(os.pread(fd, 8, 0).ljust(8, b"\0"), "little") + 1
            os.pwrite(fd, number.to_bytes(8, "little"), 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return number

    def _write_sequence(self, number: int) -> None:
        fd = self._seq_fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            os.pwrite(fd, number.to_bytes(8, "little"), 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    # -- everything ---------------------------------------------------------------------------

    def namespaces(self, prefix: str = "") -> list[str]:
        found = {ns for (ns,) in self._maps.conn.execute(
            "SELECT DISTINCT ns FROM kv WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))}
        for database in self._list_databases():
            found.update(ns for (ns,) in database.conn.execute(
                "SELECT DISTINCT ns FROM lists WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix)))
        return sorted(found)

    def clear(self, prefix: str | None = None) -> None:
        for database, table in ((self._maps, "kv"), *((d, "lists") for d in self._list_databases())):
            with database.writing() as db:
                if prefix is None:
                    db.execute(f"DELETE FROM {table}")
                else:
                    db.execute(f"DELETE FROM {table} WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))
        if prefix is None:
            self._write_sequence(0)
