"""``$ref`` in a contract: ``#/$defs/<name>`` of the contract's own ``$defs``, the one form apisim resolves.

The loader checks that every reference resolves, so the fake-data walker, the request explainer,
``apisim verify``, the OpenAPI export and the fast checker all follow them with this one rule.
"""

from __future__ import annotations

from typing import Any

DEFS_PREFIX = "#/$defs/"
_MAX_HOPS = 16


def ref_name(ref: Any, defs: dict[str, Any]) -> str | None:
    """The ``$defs`` name a reference points at, or None when it is not one of ``defs``."""
    if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
        name = ref[len(DEFS_PREFIX):]
        if name in defs:
            return name
    return None


def deref(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with its reference followed (again, while the target is one), sibling keywords kept
    over the target's."""
    hops = 0
    while isinstance(schema, dict) and "$ref" in schema and hops < _MAX_HOPS:
        name = ref_name(schema["$ref"], defs)
        if name is None:
            raise KeyError(f"$ref {schema['$ref']!r}: only #/$defs/<name> of the contract's own $defs resolves")
        target = defs[name]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **extra} if extra and isinstance(target, dict) else target
        hops += 1
    return schema
