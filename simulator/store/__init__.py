"""Where state lives: one small interface, so memory, SQLite and Redis stores are interchangeable.

Every value is JSON-serialisable, so a record written by one worker can be
read by another. Namespaces keep services apart (``ServiceStore`` prefixes
them with the service name).

| URL | store | for |
|---|---|---|
| ``memory://`` (or none) | :class:`MemoryStore` | one process: the pytest fixtures, ``apisim serve --workers 1`` |
| ``sqlite:///path/state.db`` | :class:`~simulator.store.sqlite.SQLiteStore` | several worker processes on one host |
| ``redis://host:port/db?prefix=P`` | :class:`~simulator.store.redis.RedisStore` | several simulator hosts behind a load balancer |
"""

from simulator.store.base import ServiceStore, Store
from simulator.store.memory import MemoryStore

__all__ = ["MemoryStore", "ServiceStore", "Store", "open_store"]

STORE_SCHEMES = ("memory", "sqlite", "redis", "rediss")


def open_store(url: str | None) -> Store:
    """The store a URL names; SQLite and Redis are imported only when asked for."""
    if not url or url.startswith("memory:"):
        return MemoryStore()
    if url.startswith("sqlite:"):
        from simulator.store.sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url))
    if url.startswith(("redis:", "rediss:")):
        from simulator.store.redis import RedisStore

        return RedisStore(url)
    raise ValueError(f"unknown store {url!r}: use memory://, sqlite:///path/to/state.db or redis://host:port/db")


def sqlite_path(url: str) -> str:
    """``sqlite:///abs/path.db`` → ``/abs/path.db``; ``sqlite://rel/path.db`` → ``rel/path.db``."""
    path = url[len("sqlite:"):]
    if path.startswith("///"):
        return path[2:]
    if path.startswith("//"):
        path = path[2:]
    if not path:
        raise ValueError(f"{url!r} names no database file: use sqlite:///path/to/state.db")
    return path
