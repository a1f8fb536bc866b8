"""The SQLite store: state shared by every worker process on one host.

One database file in WAL mode (readers never block the writer), one
connection per thread and per process (SQLite connections must not cross a
``fork``), and every operation a single SQL statement in autocommit mode, so
each is atomic on its own across threads and processes: uniqueness comes from
the primary key (``INSERT ... ON CONFLICT DO NOTHING``), counters from an
upsert with ``RETURNING``.

Values are stored as JSON text. Map rows keep their first insertion's rowid,
so ``items`` lists keys in insertion order, exactly like the memory store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (
    id INTEGER PRIMARY KEY,
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (ns, key)
);
CREATE TABLE IF NOT EXISTS lists (
    ns TEXT NOT NULL,
    idx INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (ns, idx)
) WITHOUT ROWID;
"""

# A writer waits this long for another process's write to finish before giving up.
_BUSY_TIMEOUT_MS = 30_000


class SQLiteStore:
    """``sqlite:///path/to/state.db``; the file is created (with its folder) if missing."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        with self._connect() as conn:  # create the tables once, before any worker races to
            conn.executescript(_SCHEMA)

    # -- connections --------------------------------------------------------------------------

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
    def _db(self) -> sqlite3.Connection:
        """This thread's connection in this process (a forked child opens its own)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn = self._connect()
            local.pid = os.getpid()
        return local.conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local = threading.local()

    # -- maps ---------------------------------------------------------------------------------

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM kv WHERE ns = ? AND key = ?", (ns, key)).fetchone()
        return default if row is None else json.loads(row[0])

    def put(self, ns: str, key: str, value: Any) -> None:
        self._db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) "
                         "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
                         (ns, key, self._dumps(value)))

    def delete(self, ns: str, key: str) -> bool:
        return self._db.execute("DELETE FROM kv WHERE ns = ? AND key = ?", (ns, key)).rowcount > 0

    def items(self, ns: str) -> list[tuple[str, Any]]:
        rows = self._db.execute("SELECT key, value FROM kv WHERE ns = ? ORDER BY id", (ns,)).fetchall()
        return [(key, json.loads(value)) for key, value in rows]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        cursor = self._db.execute("INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO NOTHING",
                                  (ns, key, self._dumps(value)))
        return cursor.rowcount == 1

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        row = self._db.execute(
            "INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) "
            "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT) "
            "RETURNING value",
            (ns, key, str(int(amount)))).fetchone()
        return int(row[0])

    # -- lists --------------------------------------------------------------------------------

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        """Positions count every item ever appended, so trimming the oldest never reuses one."""
        db = self._db
        (idx,) = db.execute("INSERT INTO lists (ns, idx, value) "
                            "SELECT ?, COALESCE(MAX(idx), 0) + 1, ? FROM lists WHERE ns = ? RETURNING idx",
                            (ns, self._dumps(value), ns)).fetchone()
        if keep is not None and idx > keep:  # a primary-key range: at most the one that fell off
            db.execute("DELETE FROM lists WHERE ns = ? AND idx <= ?", (ns, idx - keep))
        return idx

    def values(self, ns: str) -> list[Any]:
        rows = self._db.execute("SELECT value FROM lists WHERE ns = ? ORDER BY idx", (ns,)).fetchall()
        return [json.loads(value) for (value,) in rows]

    # -- everything ---------------------------------------------------------------------------

    def namespaces(self, prefix: str = "") -> list[str]:
        rows = self._db.execute("SELECT ns FROM kv WHERE substr(ns, 1, ?) = ? UNION "
                                "SELECT ns FROM lists WHERE substr(ns, 1, ?) = ?",
                                (len(prefix), prefix, len(prefix), prefix)).fetchall()
        return sorted(ns for (ns,) in rows)

    def clear(self, prefix: str | None = None) -> None:
        db = self._db
        if prefix is None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM kv")
                db.execute("DELETE FROM lists")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return
        for table in ("kv", "lists"):
            db.execute(f"DELETE FROM {table} WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))

