"""The Redis store: state shared by simulator hosts behind a load balancer.

``redis://host:port/db?prefix=apisim`` (the ``redis`` client package is an
optional dependency: ``pip install 'apisim[redis]'``). Every operation is one
command or one Lua script, and Redis runs each atomically, so uniqueness,
counters and list positions hold across processes and hosts.

Layout under the key prefix ``P``: a map namespace is a hash ``P:h:<ns>`` plus
a sorted set ``P:o:<ns>`` giving each key its first-insertion order (Redis
hashes do not keep one); a list namespace is ``P:l:<ns>`` with its count of
items ever appended in ``P:n:<ns>``. Values are JSON text.

Reads made while a request is under way are kept per thread while ``P:gen``, the write generation,
stands: every map write moves it on inside its own script, so atomically with the write. A request
takes its sequence number and the generation in one script (:meth:`RedisStore.begin_request`); if
no map write happened anywhere since the thread last looked, what it read then is what Redis holds
now, and the token epoch, clock offset, faults and rate limits cost no round trip. A request
therefore sees every write completed before it began, and its own; one that another host completes
while it runs may be seen or not, as before. Outside a request every read goes to Redis.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from simulator.store.base import json_text

DEFAULT_PREFIX = "apisim"

# Moves the write generation on (the last KEY of every script that writes a map). A missing one
# (a FLUSHDB under a running simulator) starts again from the server's clock in microseconds, never
# from 0: a process that last looked at generation n must not take a new count's n for its own.
_BUMP = """
local function bump(key)
  if redis.call('EXISTS', key) == 0 then
    local now = redis.call('TIME')
    redis.call('SET', key, now[1] .. string.format('%06d', tonumber(now[2])))
  end
  redis.call('INCR', key)
end
"""

# KEYS: hash, order zset, order counter, generation. ARGV: key, value. A key keeps its first position.
_PUT = _BUMP + """
bump(KEYS[4])
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return 1
"""
_ADD_IF_ABSENT = _BUMP + """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
  bump(KEYS[4])
  return 1
end
return 0
"""
_INCR = _BUMP + """
bump(KEYS[4])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
"""
_DELETE = _BUMP + """
redis.call('ZREM', KEYS[2], ARGV[1])
local deleted = redis.call('HDEL', KEYS[1], ARGV[1])
if deleted == 1 then bump(KEYS[4]) end
return deleted
"""
# UNLINK: Redis frees a large hash in the background instead of blocking every client.
_DELETE_MAP = _BUMP + """
if redis.call('UNLINK', KEYS[1], KEYS[2]) > 0 then bump(KEYS[4]) end
return 1
"""
# KEYS: generation. A clear() moves it on once it has deleted everything, in batches.
_MOVE_ON = _BUMP + """
bump(KEYS[1])
return 1
"""
# KEYS: request sequence, generation. The request's number, and the generation its reads start from.
_BEGIN_REQUEST = """
return {redis.call('INCR', KEYS[1]), redis.call('GET', KEYS[2]) or ''}
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
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local keep = tonumber(ARGV[2])
if keep > 0 and length > keep then redis.call('LTRIM', KEYS[1], -keep, -1) end
return redis.call('INCR', KEYS[2])
"""


class _ThreadReads(threading.local):
    """One thread's reads: kept under the generation they were read at, used within requests only."""

    def __init__(self) -> None:
        self.requests = 0  # requests under way in this thread (one within another: the in-process route)
        self.generation: str | None = None
        self.reads: dict[tuple[str, ...], Any] = {}


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
        self._delete_map = self._redis.register_script(_DELETE_MAP)
        self._move_on = self._redis.register_script(_MOVE_ON)
        self._begin_request = self._redis.register_script(_BEGIN_REQUEST)
        self._thread = _ThreadReads()
        self._items = self._redis.register_script(_ITEMS)
        self._append = self._redis.register_script(_APPEND)
        self._redis.ping()  # fail at start-up, not on the first request

    def _map(self, ns: str) -> list[str]:
        return [f"{self.prefix}:h:{ns}", f"{self.prefix}:o:{ns}", f"{self.prefix}:seq", self._generation_key]

    @property
    def _generation_key(self) -> str:
        return f"{self.prefix}:gen"

    def close(self) -> None:
        self._redis.close()

    # -- requests -----------------------------------------------------------------------------

    def begin_request(self) -> int:
        """A request starts: its sequence number. Until :meth:`end_request` this thread's map reads
        come from what it read before, for as long as no map write happened anywhere since."""
        sequence, generation = self._begin_request(keys=[f"{self.prefix}:sequence", self._generation_key])
        thread = self._thread
        if generation != thread.generation:
            thread.generation, thread.reads = generation, {}
        thread.requests += 1
        return int(sequence)

    def end_request(self) -> None:
        thread = self._thread
        thread.requests = max(0, thread.requests - 1)

    def _kept_reads(self) -> dict[tuple[str, ...], Any] | None:
        thread = self._thread
        return thread.reads if thread.requests else None

    def _wrote(self) -> None:
        """This thread wrote: what it read may be older than its write (the next request's check
        would find the generation moved anyway)."""
        self._thread.reads = {}

    # -- maps ---------------------------------------------------------------------------------

    def get(self, ns: str, key: str, default: Any = None) -> Any:
        reads = self._kept_reads()
        cache_key = ("get", ns, key)
        if reads is not None and cache_key in reads:
            raw = reads[cache_key]
        else:
            raw = self._redis.hget(f"{self.prefix}:h:{ns}", key)
            if reads is not None:
                reads[cache_key] = raw
        return default if raw is None else json.loads(raw)  # decoded anew: callers get their own copy

    def put(self, ns: str, key: str, value: Any) -> None:
        self._wrote()
        self._put(keys=self._map(ns), args=[key, self._dumps(value)])

    def delete(self, ns: str, key: str) -> bool:
        self._wrote()
        return bool(self._delete(keys=self._map(ns), args=[key]))

    def delete_map(self, ns: str) -> None:
        self._wrote()
        self._delete_map(keys=self._map(ns))

    def items(self, ns: str) -> list[tuple[str, Any]]:
        reads = self._kept_reads()
        cache_key = ("items", ns)
        flat = None if reads is None else reads.get(cache_key)
        if flat is None:
            flat = self._items(keys=self._map(ns))
            if reads is not None:
                reads[cache_key] = flat
        return [(flat[i], json.loads(flat[i + 1])) for i in range(0, len(flat), 2)]

    def add_if_absent(self, ns: str, key: str, value: Any) -> bool:
        self._wrote()
        return bool(self._add_if_absent(keys=self._map(ns), args=[key, self._dumps(value)]))

    def incr(self, ns: str, key: str, amount: int = 1) -> int:
        self._wrote()
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
        self._wrote()
        if prefix is None:
            patterns = [f"{_glob_escape(self.prefix)}:*"]
        else:
            patterns = [f"{_glob_escape(self.prefix)}:{kind}:{_glob_escape(prefix)}*" for kind in "holn"]
        for pattern in patterns:
            # The generation stays: counted from 0 again, it could come back to a number some process
            # still keeps its reads under.
            batch = [key for key in self._redis.scan_iter(match=pattern, count=500) if key != self._generation_key]
            for start in range(0, len(batch), 500):
                self._redis.delete(*batch[start:start + 500])
        self._move_on(keys=[self._generation_key])  # after the last batch: nothing read during the clear stays


def _glob_escape(text: str) -> str:
    """Namespaces may hold glob characters (``*?[]\\``); SCAN MATCH must see them literally."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
