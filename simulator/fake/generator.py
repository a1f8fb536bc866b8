"""Generate a value for a JSON Schema, deterministically for a given seed.

The same ``(seed, schema)`` always gives the same value: a request's seed is
derived from the simulator's seed and the request's own bytes (see
:func:`request_seed`), never from the clock.
"""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any, Callable, NamedTuple, Optional, Union

from faker import Faker

from simulator.contracts.refs import deref
from simulator.fake.providers import EntityScope, entity_provider, resolve, timestamp

_MAX_DEPTH = 12
_MAX_PLANS = 4096
_NO_DEFS: dict[str, Any] = {}  # one empty defs, so plans made without defs are found again
# The simulator clock, or a function that reads it (so a body that needs no date never reads it).
Now = Optional[Union[datetime, Callable[[], datetime]]]


def request_seed(base_seed: int, *parts: bytes | str) -> int:
    """A 64-bit seed from the simulator seed and the parts of a request that identify it."""
    if parts and type(parts[-1]) is bytes and len(parts[-1]) > _SEED_MEMO_MAX_BYTES:
        return _request_seed(base_seed, parts)
    return _request_seed_kept(base_seed, parts)


def _request_seed(base_seed: int, parts: tuple[bytes | str, ...]) -> int:
    # One hash over the joined parts: the same digest as feeding them one by one, in one call.
    data = b"\x00".join([str(base_seed).encode(), *(p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
                                                     for p in parts)])
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


# The same request sent again has the same seed: kept for requests up to 64 KB of body (the body's
# hash, taken for the lookup, stays on the bytes object and serves the body-parse memo too).
_SEED_MEMO_MAX_BYTES = 64 * 1024
_request_seed_kept = lru_cache(maxsize=1024)(_request_seed)


class FakeData:
    """Per-thread seeded Faker plus a schema walker.

    Faker instances are slow to build, so each thread builds one once and
    re-seeds it for every value.
    """

    def __init__(self, locale: str = "zh_CN"):
        self.locale = locale
        self._local = threading.local()
        self._plans: dict[tuple[int, int], _CompletionPlan] = {}  # keyed by the schema's and its defs' identity

    def faker(self, seed: int) -> Faker:
        fk = getattr(self._local, "faker", None)
        if fk is None:
            fk = self._local.faker = Faker(self.locale)
        fk.seed_instance(seed)
        return fk

    def generate(self, schema: Any, seed: int, defs: dict[str, Any] | None = None, *, now: Now = None) -> Any:
        """A value for ``schema``; ``now`` (the simulator clock, or a function reading it: read only when a
        value needs it) anchors dates, instants and card validity."""
        return _Walker(lambda: self.faker(seed), lambda: random.Random(seed), defs or {}, now).value(schema, 0)

    def complete(self, schema: Any, value: Any, seed: int, defs: dict[str, Any] | None = None, *,
                 now: Now = None) -> Any:
        """``value`` with every property the schema names but ``value`` lacks filled in with fake data.

        What is present wins, at every depth; only the missing parts are generated, so a handler that
        answers in full costs no faking at all.
        """
        # Seeding Faker and the RNG is most of the cost when nothing is missing, so it waits until
        # a value is actually made.
        walker = _Walker(lambda: self.faker(seed), lambda: random.Random(seed), defs or _NO_DEFS, now, self._plans)
        return walker.value(schema, 0) if value is None else walker.complete(schema, value, 0)


class _CompletionPlan(NamedTuple):
    """A schema's properties as completing a value walks them: (name, schema, required) in order.
    The schema and its defs are held so their identities, the plan's key, stay theirs."""

    schema: Any
    defs: Any
    properties: tuple[tuple[str, Any, bool], ...]


class _Walker:
    """Walks a schema; Faker and the RNG are made (seeded) on first use.

    Every object gets its own :class:`EntityScope`, so entity fields of one object (a person's
    name, ID number and address) describe one person, and the next object another.
    """

    def __init__(self, make_faker: Callable[[], Faker], make_rng: Callable[[], random.Random], defs: dict[str, Any],
                 now: Any = None, plans: "dict[tuple[int, int], _CompletionPlan] | None" = None):
        self.plans = {} if plans is None else plans
        self._make_faker = make_faker
        self._make_rng = make_rng
        self.defs = defs
        self._now = now
        self.scopes = [self.new_scope()]
        self.expanding: list[str] = []  # the $refs being generated, outermost first (a schema may contain itself)

    @cached_property
    def now(self) -> datetime | None:
        return self._now() if callable(self._now) else self._now

    def new_scope(self) -> EntityScope:
        return EntityScope(lambda: self.rng.getrandbits(64), lambda: self.now)

    def scope(self) -> EntityScope:
        """The innermost object's entities (its scope is made when first needed)."""
        scope = self.scopes[-1]
        if scope is None:
            scope = self.scopes[-1] = self.new_scope()
        return scope

    @cached_property
    def fk(self) -> Faker:
        return self._make_faker()

    @cached_property
    def rng(self) -> random.Random:
        return self._make_rng()

    def deref(self, schema: Any) -> Any:
        if isinstance(schema, dict) and "$ref" in schema:  # most schemas hold none: no call for them
            return deref(schema, self.defs)
        return schema

    def value(self, schema: Any, depth: int) -> Any:
        if isinstance(schema, dict) and "$ref" in schema:
            self.expanding.append(schema["$ref"])
            try:
                return self._value(self.deref(schema), depth)
            finally:
                self.expanding.pop()
        return self._value(schema, depth)

    def loops(self, schema: Any) -> bool:
        """Is ``schema`` a reference to one being generated (a pet's optional parent, a pet)?"""
        return isinstance(schema, dict) and schema.get("$ref") in self.expanding

    def _value(self, schema: Any, depth: int) -> Any:
        if schema is True or not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return None
        rng = self.rng
        if "x-faker" in schema:
            entity_field = entity_provider(schema["x-faker"])
            if entity_field is not None:
                return entity_field(self.scope())
            return resolve(schema["x-faker"])(self.fk, rng, self.now)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return rng.choice(schema["enum"])
        if "examples" in schema and schema["examples"]:
            return rng.choice(schema["examples"])
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                part = self.deref(part)
                merged = merge_schemas(merged, part)
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return self.value(merge_schemas(merged, rest), depth + 1)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = schema[key]
                rest = {k: v for k, v in schema.items() if k != key}
                chosen = self.deref(options[0])
                return self.value(merge_schemas(rest, chosen) if isinstance(chosen, dict) else chosen, depth + 1)
        kind = pick_type(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, depth)
        if kind == "string":
            return self.string(schema)
        if kind == "integer":
            lo = int(schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1 if "exclusiveMinimum" in schema else 0))
            hi = int(schema.get("maximum", lo + 1000))
            return rng.randint(lo, max(lo, hi))
        if kind == "number":
            lo = float(schema.get("minimum", 0))
            hi = float(schema.get("maximum", lo + 100))
            return round(rng.uniform(lo, hi), 4)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        return None

    def complete(self, schema: Any, value: Any, depth: int) -> Any:
        """Fill in the properties ``value`` lacks; a value that is present, ``None`` included, stays."""
        if not isinstance(value, dict) or depth > _MAX_DEPTH:
            return value
        plan = self.plans.get((id(schema), id(self.defs)))
        if plan is None:
            plan = self._plan(schema)
        if not plan.properties:
            return value
        # The schema's (the document's) field order first, then anything else the handler added.
        self.scopes.append(None)  # made only if an entity field is generated below
        try:
            out = {}
            present = 0
            for name, sub, required in plan.properties:
                if name in value:
                    item = value[name]
                    out[name] = self.complete(sub, item, depth + 1) if isinstance(item, dict) else item
                    present += 1
                elif required or not self.loops(sub):
                    out[name] = self.value(sub, depth + 1)
        finally:
            self.scopes.pop()
        if present != len(value):
            out.update((key, item) for key, item in value.items() if key not in out)
        return out

    def _plan(self, schema: Any) -> "_CompletionPlan":
        """What completing a value of ``schema`` walks, worked out once per schema (contracts do not
        change while served): its properties through ``$ref``, ``allOf`` and the first branch, each
        with whether it is required."""
        resolved = self.deref(schema)
        properties: tuple[tuple[str, Any, bool], ...] = ()
        if isinstance(resolved, dict):
            required = set(resolved.get("required") or ())
            properties = tuple((name, sub, name in required)
                               for name, sub in _object_properties(resolved, self.deref).items())
        if len(self.plans) >= _MAX_PLANS:  # schemas made on the fly (a test's, say) must not pile up
            self.plans.clear()
        plan = self.plans[(id(schema), id(self.defs))] = _CompletionPlan(schema, self.defs, properties)
        return plan

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        self.scopes.append(self.new_scope())
        try:
            required = schema.get("required") or ()
            # an optional property that refers back to what is being made is left out: a finite answer
            return {name: self.value(sub, depth + 1) for name, sub in schema.get("properties", {}).items()
                    if name in required or not self.loops(sub)}
        finally:
            self.scopes.pop()

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        lo = schema.get("minItems", 1)
        hi = schema.get("maxItems", max(lo, 3))
        n = self.rng.randint(lo, max(lo, min(hi, lo + 3)))
        if "prefixItems" in schema:
            return [self.value(s, depth + 1) for s in schema["prefixItems"]]
        items = schema.get("items", {"type": "string"})
        if lo == 0 and self.loops(items):
            return []
        resolved = self.deref(items)
        if isinstance(resolved, dict) and entity_provider(resolved.get("x-faker", "")) is not None:
            n = lo or 1  # one entity has one name (a card lists its company once, not three times)
        return [self.value(items, depth + 1) for _ in range(n)]

    def string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        fk, rng = self.fk, self.rng
        if fmt == "date-time":
            return timestamp(rng, self.now).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return timestamp(rng, self.now).strftime("%Y-%m-%d")
        if fmt in ("uri", "url"):
            return fk.url()
        if fmt == "email":
            return fk.email()
        if fmt == "uuid":
            return str(fk.uuid4())
        lo = schema.get("minLength", 0)
        hi = schema.get("maxLength", max(lo, 12))
        text = fk.word()
        while len(text) < lo:
            text += fk.word()
        return text[:hi] if hi >= lo else text


def pick_type(schema: dict[str, Any]) -> str | None:
    """The type the generator makes for ``schema``: the first non-null one, or what its keywords imply."""
    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return non_null[0] if non_null else "null"
    if t is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
    return t


def _object_properties(schema: dict[str, Any], deref: Any) -> dict[str, Any]:
    """The properties an object schema names, through ``allOf`` and the first ``oneOf``/``anyOf`` branch."""
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties.update(_object_properties(deref(part), deref))
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            first = deref(schema[key][0])
            if isinstance(first, dict):
                properties = {**_object_properties(first, deref), **properties}
    return properties


def merge_schemas(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if k == "properties" and k in out:
            out[k] = {**out[k], **v}
        elif k == "required" and k in out:
            out[k] = list(dict.fromkeys([*out[k], *v]))
        else:
            out[k] = v
    return out
