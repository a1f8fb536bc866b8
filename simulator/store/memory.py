from __future__ import annotations

import threading
from typing import Any

from simulator.core.http import copy_json


class MemoryStore:
    """One process, one lock. Values are copied in and out so callers never share mutable state.

    Values are JSON (dicts, lists, scalars), so a JSON-shaped copy replaces ``copy.deepcopy``
    (several times faster on the per-request path), and tuples come back as lists exactly as
    they do from the SQLite and Redis stores.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._maps: dict[str, dict[str, Any]] = {}
        self._lists: dict[str, list[Any]] = {}
        self._appended: dict[str, int] = {}  # items ever appended per list (positions survive trimming)
        self._sequence = 0

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        with self._lock:
            found = self._maps.get(ns, {}).get(key, _MISSING)
            return default if found is _MISSING else copy_json(found)

    def put(self, ns: str, key: str, value: Any) -> None:
        with self._lock:
            self._maps.setdefault(ns, {})[key] = copy_json(value)

    def delete(self, ns: str, key: str) -> bool:
        with self._lock:
            return self._maps.get(ns, {}).pop(key, _MISSING) is not _MISSING

    def delete_map(self, ns: str) -> None:
        with self._lock:
            self._maps.pop(ns, None)

    def items(self, ns: str) -> list[tuple[str, Any]]:
        with self._lock:
            return [(k, copy_json(v)) for k, v in self._maps.get(ns, {}).items()]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        with self._lock:
            bucket = self._maps.setdefault(ns, {})
            if key in bucket:
                return False
            bucket[key] = copy_json(value)
            return True

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        with self._lock:
            bucket = self._maps.setdefault(ns, {})
            bucket[key] = int(bucket.get(key, 0)) + amount
            return bucket[key]

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        with self._lock:
            items = self._lists.setdefault(ns, [])
            items.append(copy_json(value))
            position = self._appended[ns] = self._appended.get(ns, 0) + 1
            if keep is not None and len(items) > keep:
                del items[: len(items) - keep]
            return position

    def values(self, ns: str) -> list[Any]:
        with self._lock:
            return copy_json(self._lists.get(ns, []))

    def namespaces(self, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted({ns for table in (self._maps, self._lists) for ns, v in table.items()
                           if ns.startswith(prefix) and v})

    def sequence(self) -> int:
        with self._lock:
            self._sequence += 1
            return self._sequence

    def clear(self, prefix: str | None = None) -> None:
        with self._lock:
            if prefix is None:
                self._sequence = 0
                self._maps.clear()
                self._lists.clear()
                self._appended.clear()
                return
            for table in (self._maps, self._lists, self._appended):
                for ns in [ns for ns in table if ns.startswith(prefix)]:
                    del table[ns]


_MISSING = object()
