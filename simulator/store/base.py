from __future__ import annotations

import json
import re
from typing import Any, Protocol

import orjson

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_orjson_dumps = orjson.dumps
_ORJSON_AS_STDLIB = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_KEY = "\uffff"  # a noncharacter: no real key starts with it


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_bytes(value: Any) -> bytes:
    """``value`` as compact JSON in UTF-8, what :func:`json_text` gives, encoded.

    orjson writes the journal entry of a request in a tenth of the standard encoder's time; what
    it would write differently from the standard library (a lone surrogate, which it refuses; an
    integer past 64 bits; a key that is not a string; subclasses, dates and dataclasses, which the
    standard encoder refuses or writes otherwise) it refuses here, and the standard encoder does it.
    """
    try:
        return _orjson_dumps(value, option=_ORJSON_AS_STDLIB)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json_text(value).encode("utf-8")


def json_text(value: Any) -> str:
    """``value`` as compact JSON text that encodes as UTF-8: a lone surrogate (valid JSON, as
    ``"\\ud800"``) is written escaped, so SQLite and Redis take it and it reads back the same."""
    text = _compact(value)
    try:
        text.encode("utf-8")  # a copy at C speed: scanning with the pattern cost as much as encoding
    except UnicodeEncodeError:
        return _SURROGATE.sub(_escape, text)
    return text


def text_key(key: str) -> str:
    """A key SQLite can store: one holding a lone surrogate is kept as escaped JSON, marked."""
    return _ESCAPED_KEY + json.dumps(key) if _SURROGATE.search(key) else key


def key_text(stored: str) -> str:
    """The inverse of :func:`text_key`."""
    return json.loads(stored[1:]) if stored.startswith(_ESCAPED_KEY) else stored


class Store(Protocol):
    """The whole state interface. Every operation is atomic on its own.

    A store may also have ``begin_request() -> int`` (the request's :meth:`sequence` number) and
    ``end_request()``, called around each request, to keep what a request reads for as long as no
    write happened anywhere (the Redis store does: a round trip saved per read); a request must
    still see every write completed before it began. Stores without them still plug in."""

    def get(self, ns: str, key: str, default: Any = None) -> Any: ...
    def put(self, ns: str, key: str, value: Any) -> None: ...
    def delete(self, ns: str, key: str) -> bool: ...
    def items(self, ns: str) -> list[tuple[str, Any]]: ...
    def add_if_absent(self, ns: str, key: str, value: Any) -> bool: ...
    def incr(self, ns: str, key: str, amount: int = 1) -> int: ...
    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        """Add to the end of a list; its position (1, 2, ...). ``keep``: only the newest ``keep`` stay."""
        ...

    def values(self, ns: str) -> list[Any]: ...
    def sequence(self) -> int:
        """The next number of the store-wide request sequence (1, 2, ...); ``clear()`` restarts it.
        Every request takes one, so it is kept apart from the maps and as cheap as each store allows."""
        ...

    def delete_map(self, ns: str) -> None:
        """Forget every key of one map namespace in one step (its list, if any, stays): what expires a
        period at a time (:mod:`simulator.store.buckets`) goes this way, never key by key."""
        ...

    def clear(self, prefix: str | None = None) -> None: ...
    def namespaces(self, prefix: str = "") -> list[str]: ...  # non-empty ones (the admin API's state view)


class ServiceStore:
    """A store view whose namespaces are prefixed with one service's name."""

    def __init__(self, store: Store, service: str):
        self._store = store
        self._prefix = service + ":"

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        return self._store.get(self._prefix + ns, key, default)

    def put(self, ns: str, key: str, value: Any) -> None:
        self._store.put(self._prefix + ns, key, value)

    def delete(self, ns: str, key: str) -> bool:
        return self._store.delete(self._prefix + ns, key)

    def items(self, ns: str) -> list[tuple[str, Any]]:
        return self._store.items(self._prefix + ns)

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        return self._store.add_if_absent(self._prefix + ns, key, value)

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        return self._store.incr(self._prefix + ns, key, amount)

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        if keep is None:  # stores written before ``keep`` existed still plug in
            return self._store.append(self._prefix + ns, value)
        return self._store.append(self._prefix + ns, value, keep)

    def values(self, ns: str) -> list[Any]:
        return self._store.values(self._prefix + ns)

    def delete_map(self, ns: str) -> None:
        delete_map = getattr(self._store, "delete_map", None)
        if delete_map is None:  # stores written before ``delete_map`` existed still plug in
            for key, _ in self._store.items(self._prefix + ns):
                self._store.delete(self._prefix + ns, key)
        else:
            delete_map(self._prefix + ns)

    def clear(self) -> None:
        self._store.clear(self._prefix)
