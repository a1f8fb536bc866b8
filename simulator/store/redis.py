"""The Redis store: state shared by simulator hosts behind a load balancer.

``redis://host:port/db?prefix=apisim`` (the ``redis`` client package is an
optional dependency: ``pip install 'apisim[redis]'``). Every operation is one
command or one Lua script, and Redis runs each atomically, so uniqueness,
counters and list positions hold across processes and hosts.

Layout under the key prefix ``P``: a map namespace is a hash ``P:h:<ns>`` plus
a sorted set ``P:o:<ns>`` giving each key its first-insertion order (Redis
hashes do not keep one); a list namespace is ``P:l:<ns>`` with its count of
items ever appended in ``P:n:<ns>``. Values are JSON text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from simulator.store.base import json_text

DEFAULT_PREFIX = "apisim"

# KEYS: hash, order zset, order counter. ARGV: key, value. A key keeps its first position.
_PUT = """
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return 1
"""
_ADD_IF_ABSENT = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
  return 1
end
return 0
"""
_INCR = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
"""
_DELETE = """
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
"""
# Keys and values in insertion order, read in one atomic step.
_ITEMS = """
local keys = redis.call('ZRANGE', KEYS[2], 0, -1)
if #keys == 0 then return {} end
local values = redis.call('HMGET', KEYS[1], unpack(keys))
local out = {}
for i, key in ipairs(keys) do
  if values[i] then out[#out + 1] = key; out[#out + 1] = values[i] end
end
return out
"""
# KEYS: list, appended counter. ARGV: value, keep (0: keep everything).
_APPEND = """
redis.call('RPUSH', KEYS[1], ARGV[1])
local keep = tonumber(ARGV[2])
if keep > 0 then redis.call('LTRIM', KEYS[1], -keep, -1) end
return redis.call('INCR', KEYS[2])
"""


class RedisStore:
    def __init__(self, url: str):
        try:
            import redis
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installation
            raise ModuleNotFoundError("the Redis store needs the redis package: pip install 'apisim[redis]'") from exc
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.prefix = (query.pop("prefix", [DEFAULT_PREFIX])[0]).rstrip(":")
        rest = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
        self.url = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
        # The client's connection pool is thread-safe and re-opens its connections after a fork.
        # surrogatepass: a key holding a lone surrogate (valid JSON text) is stored and read back as sent
        self._redis = redis.Redis.from_url(self.url, decode_responses=True, encoding_errors="surrogatepass")
        self._dumps = json_text
        self._put = self._redis.register_script(_PUT)
        self._add_if_absent = self._redis.register_script(_ADD_IF_ABSENT)
        self._incr = self._redis.register_script(_INCR)
        self._delete = self._redis.register_script(_DELETE)
        self._items = self._redis.register_script(_ITEMS)
        self._append = self._redis.register_script(_APPEND)
        self._redis.ping()  # fail at start-up, not on the first request

    def _map(self, ns: str) -> list[str]:
        return [f"{self.prefix}:h:{ns}", f"{self.prefix}:o:{ns}", f"{self.prefix}:seq"]

    def close(self) -> None:
        self._redis.close()

    # -- maps ---------------------------------------------------------------------------------

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        raw = self._redis.hget(f"{self.prefix}:h:{ns}", key)
        return default if raw is None else json.loads(raw)

    def put(self, ns: str, key: str, value: Any) -> None:
        self._put(keys=self._map(ns), args=[key, self._dumps(value)])

    def delete(self, ns: str, key: str) -> bool:
        return bool(self._delete(keys=self._map(ns), args=[key]))

    def delete_map(self, ns: str) -> None:
        # UNLINK: Redis frees a large hash in the background instead of blocking every client.
        hash_key, order_key, _ = self._map(ns)
        self._redis.unlink(hash_key, order_key)

    def items(self, ns: str) -> list[tuple[str, Any]]:
        flat = self._items(keys=self._map(ns))
        return [(flat[i], json.loads(flat[i + 1])) for i in range(0, len(flat), 2)]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        return bool(self._add_if_absent(keys=self._map(ns), args=[key, self._dumps(value)]))

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        return int(self._incr(keys=self._map(ns), args=[key, int(amount)]))

    # -- lists --------------------------------------------------------------------------------

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        keys = [f"{self.prefix}:l:{ns}", f"{self.prefix}:n:{ns}"]
        return int(self._append(keys=keys, args=[self._dumps(value), int(keep or 0)]))

    def values(self, ns: str) -> list[Any]:
        return [json.loads(raw) for raw in self._redis.lrange(f"{self.prefix}:l:{ns}", 0, -1)]

    # -- everything ---------------------------------------------------------------------------

    def namespaces(self, prefix: str = "") -> list[str]:
        found: set[str] = set()
        for kind in ("h", "l"):
            head = f"{self.prefix}:{kind}:"
            for key in self._redis.scan_iter(match=head + _glob_escape(prefix) + "*", count=500):
                found.add(key[len(head):])
        return sorted(found)

    def sequence(self) -> int:
        return int(self._redis.incr(f"{self.prefix}:sequence"))  # clear() deletes it with the rest

    def clear(self, prefix: str | None = None) -> None:
        if prefix is None:
            patterns = [f"{_glob_escape(self.prefix)}:*"]
        else:
            patterns = [f"{_glob_escape(self.prefix)}:{kind}:{_glob_escape(prefix)}*" for kind in "holn"]
        for pattern in patterns:
            batch = list(self._redis.scan_iter(match=pattern, count=500))
            for start in range(0, len(batch), 500):
                self._redis.delete(*batch[start:start + 500])


def _glob_escape(text: str) -> str:
    """Namespaces may hold glob characters (``*?[]\\``); SCAN MATCH must see them literally."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
