"""Requests built to get one documented error each: ``apisim verify``'s provocations.

From a valid request (the baseline): a malformed and an empty body, then per part (body,
parameters) a missing required field, a field of the wrong type and an unexpected field, at the
top and one level down, each with the code the contract's ``validation_errors`` names for the
kind of failure. Fields that route the request (``match`` keys) are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from simulator.contracts import Contract, Operation
from simulator.contracts.refs import deref
from simulator.pipeline.validate import failure_kind, validation_error
from simulator.verify.outgoing import Draft, body_format

UNEXPECTED_FIELD = "apisimUnexpectedField"
_WRONG_VALUES: tuple[tuple[str, Any], ...] = (
    ("string", "apisim-wrong-type"), ("integer", 12345), ("boolean", True), ("array", ["apisim"]),
    ("object", {"apisim": 1}),
)


@dataclass
class Provocation:
    """A request built to get one documented error."""

    name: str
    kind: str  # the validation or auth failure kind
    code: str  # the catalogue code the contract says it gets
    draft: Draft
    auth: str = "sign"  # "sign" (valid credentials), "none" (no credentials) or "tamper" (a broken signature)


def provocations(op: Operation, contract: Contract, baseline: Draft,
                 problems: Callable[[Draft], list[tuple[str, Any]]]) -> list[Provocation]:
    """One request per kind of schema failure ``baseline`` can be broken into, with the code the contract
    says it gets (``problems(draft)``: what the operation's schemas find wrong with a draft, by part)."""
    out: list[Provocation] = []
    fmt = body_format(op)
    if "body" in op.request and fmt in ("json", "any") and baseline.params is None:
        malformed = baseline.copy()
        malformed.raw_body = b'{"apisim": '
        out.append(Provocation("malformed JSON body", "malformed_body", _code(op, "malformed_body"), malformed))
        if fmt == "json":
            empty = baseline.copy()
            empty.raw_body = b""
            out.append(Provocation("empty body", "empty_body", _code(op, "empty_body"), empty))
    for part in ("body", "params"):
        if part not in op.validators:
            continue
        value = baseline.params if part == "params" else baseline.body
        if not isinstance(value, dict):
            continue
        out += _schema_breaks(op, contract, baseline, part, value, problems)
    return out


def _schema_breaks(op: Operation, contract: Contract, baseline: Draft, part: str, value: dict[str, Any],
                   problems: Callable[[Draft], list[tuple[str, Any]]]) -> list[Provocation]:
    schema = deref(op.request[part], contract.defs)
    match_paths = {tuple(key.split(".")[1:]) for key in op.match if key.split(".")[0] == part}
    seen: set[tuple[str, str, int]] = set()
    out: list[Provocation] = []
    for path, sub_schema, node in _objects(contract, schema, value, match_paths):
        for mutation in _mutations(contract, path, sub_schema, node, match_paths):
            label, change = mutation
            draft = baseline.copy()
            target = draft.params if part == "params" else draft.body
            change(_walk(target, path))
            errors = [e for p, e in problems(draft) if p == part]
            if not errors:
                continue  # still valid: this change breaks nothing the contract checks
            kind = failure_kind(errors[0])
            key = (label.split(" ")[0], kind, len(path))
            if key in seen:
                continue
            seen.add(key)
            where = "$." + ".".join([part, *map(str, path)])
            out.append(Provocation(f"{label} at {where}", kind, _code(op, kind), draft))
    return out


def _objects(contract: Contract, schema: Any, value: dict[str, Any], match_paths: set[tuple[str, ...]]) -> Iterable[tuple]:
    """The part's object and the objects one level inside it, with their schemas."""
    yield (), schema, value
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for name, sub in props.items():
        if isinstance(value.get(name), dict) and (name,) not in match_paths:
            yield (name,), deref(sub, contract.defs), value[name]


def _mutations(contract: Contract, path: tuple, schema: Any, node: dict[str, Any], match_paths: set) -> list[tuple[str, Any]]:
    schema = schema if isinstance(schema, dict) else {}
    # Match keys and their ancestors stay: without them the request would not reach this operation.
    protected = {m[len(path)] for m in match_paths if len(m) > len(path) and m[:len(path)] == path}
    out: list[tuple[str, Any]] = []
    required = [n for n in schema.get("required", []) if n in node and n not in protected]
    droppable = required or [n for n in node if n not in protected]
    if droppable:
        name = droppable[0]
        out.append((f"missing {name!r}", lambda obj, n=name: obj.pop(n, None)))
    for name, sub in (schema.get("properties") or {}).items():
        sub = deref(sub, contract.defs)
        if name in protected or not isinstance(sub, dict) or "type" not in sub:
            continue
        allowed = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
        wrong = next((v for t, v in _WRONG_VALUES if t not in allowed and not (t == "integer" and "number" in allowed)), None)
        if wrong is not None:
            out.append((f"wrong type for {name!r}", lambda obj, n=name, w=wrong: obj.__setitem__(n, w)))
            break
    if schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False:
        out.append(("unexpected field", lambda obj: obj.__setitem__(UNEXPECTED_FIELD, 1)))
    return out


def _code(op: Operation, kind: str) -> str:
    return validation_error(op, kind, "").code


def _walk(obj: Any, path: tuple) -> Any:
    for key in path:
        obj = obj[key]
    return obj
