"""What a service holds (users, groups, faces, verifications...), as JSON out and in.

The shape is one object per namespace of the service's store: a keyed namespace is an object
of key to record, a list namespace (a log) is an array::

    {"verifications": {"ZSTP2026...": {...}}, "scenarios": {"330...": "Z1146"}}

Seeding writes records over what is there (``replace`` forgets the service's state first);
records are the service's own, so a seed is only as good as its agreement with the service's
models (dump one first to see the shapes).
"""

from __future__ import annotations

from typing import Any

from simulator.control.errors import FaultError
from simulator.pipeline.runtime import Runtime


def dump_state(runtime: Runtime, service: str) -> dict[str, Any]:
    prefix = f"{service}:"
    store = runtime.store
    out: dict[str, Any] = {}
    for ns in sorted(store.namespaces(prefix)):
        name = ns[len(prefix):]
        items = store.items(ns)
        values = store.values(ns)
        if items:
            out[name] = dict(items)
        if values:
            out[name if not items else f"{name}[]"] = values
    return dict(sorted(out.items()))


def load_state(runtime: Runtime, service: str, data: Any, replace: bool = False) -> dict[str, int]:
    """Write ``data`` into the service's store; how many records went into each namespace."""
    if service not in runtime.contracts:
        raise FaultError(f"no service {service!r}; known: {', '.join(runtime.contracts)}")
    if not isinstance(data, dict) or not all(isinstance(v, (dict, list)) for v in data.values()):
        raise FaultError("state: an object of namespace to {key: record} (or to [record, ...] for a log)")
    store = runtime.service_store(service)
    if replace:
        store.clear()
    written: dict[str, int] = {}
    for ns, records in data.items():
        if isinstance(records, dict):
            for key, record in records.items():
                store.put(ns, str(key), record)
        else:
            for record in records:
                store.append(ns.removesuffix("[]"), record)
        written[ns] = len(records)
    return written
