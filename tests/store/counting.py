"""A store that counts the calls made to it: tests prove a cost by counting store calls, never by timing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.store import MemoryStore


class CountingStore:
    """A memory store that counts the calls made to it, by operation and namespace."""

    def __init__(self) -> None:
        self.inner = MemoryStore()
        self.calls: Counter[tuple[str, str]] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[(name, str(args[0]) if args else "")] += 1
            return method(*args, **kwargs)
        return counted

    def operations(self) -> Counter[str]:
        """How many calls of each operation, whatever their namespaces."""
        return Counter(name for (name, _ns), times in self.calls.items() for _ in range(times))

    def scans(self) -> list[tuple[str, str]]:
        """The calls that read a whole namespace."""
        return [call for call in self.calls if call[0] in ("items", "values")]
