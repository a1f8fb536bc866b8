from __future__ import annotations

import copy
import threading
from typing import Any


class MemoryStore:
    """One process, one lock. Values are copied in and out so callers never share mutable state."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._maps: dict[str, dict[str, Any]] = {}
        self._lists: dict[str, list[Any]] = {}

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        with self._lock:
            found = self._maps.get(ns, {}).get(key, _MISSING)
            return default if found is _MISSING else copy.deepcopy(found)

    def put(self, ns: str, key: str, value: Any) -> None:
        with self._lock:
            self._maps.setdefault(ns, {})[key] = copy.deepcopy(value)

    def delete(self, ns: str, key: str) -> bool:
        with self._lock:
            return self._maps.get(ns, {}).pop(key, _MISSING) is not _MISSING

    def items(self, ns: str) -> list[tuple[str, Any]]:
        with self._lock:
            return [(k, copy.deepcopy(v)) for k, v in self._maps.get(ns, {}).items()]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        with self._lock:
            bucket = self._maps.setdefault(ns, {})
            if key in bucket:
                return False
            bucket[key] = copy.deepcopy(value)
            return True

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        with self._lock:
            bucket = self._maps.setdefault(ns, {})
            bucket[key] = int(bucket.get(key, 0)) + amount
            return bucket[key]

    def append(self, ns: str, value: Any) -> int:
        with self._lock:
            items = self._lists.setdefault(ns, [])
            items.append(copy.deepcopy(value))
            return len(items)

    def values(self, ns: str) -> list[Any]:
        with self._lock:
            return copy.deepcopy(self._lists.get(ns, []))

    def namespaces(self, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted({ns for table in (self._maps, self._lists) for ns, v in table.items()
                           if ns.startswith(prefix) and v})

    def clear(self, prefix: str | None = None) -> None:
        with self._lock:
            if prefix is None:
                self._maps.clear()
                self._lists.clear()
                return
            for table in (self._maps, self._lists):
                for ns in [ns for ns in table if ns.startswith(prefix)]:
                    del table[ns]


_MISSING = object()
