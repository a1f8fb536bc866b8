"""Where state lives: one small interface, so memory, SQLite and Redis stores are interchangeable.

Every value is JSON-serialisable, so a record written by one worker can be
read by another. Namespaces keep services apart (``ServiceStore`` prefixes
them with the service name).
"""

from simulator.store.base import ServiceStore, Store
from simulator.store.memory import MemoryStore

__all__ = ["MemoryStore", "ServiceStore", "Store", "open_store"]


def open_store(url: str | None) -> Store:
    """``memory://`` (default) is the only built-in store so far."""
    if not url or url.startswith("memory:"):
        return MemoryStore()
    raise ValueError(f"unknown store {url!r}: use memory://")
