"""Readable explanations of requests the simulator refused, for test failures.

Strict mode and the respx route turn journal entries into messages a client
developer can act on: which operation, which JSON path, and what the document
expects there (the contract's schema at that path, with its description).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from simulator.contracts import Contract, Operation
from simulator.core import SimRequest
from simulator.core.view import request_view
from simulator.simulator import Simulator
from simulator.pipeline.match import NoDeployment, NoOperation

# Journal ``failure`` stages that mean "the request broke the contract" (not a forced or behavioural error).
CONTRACT_FAILURES = ("validation", "auth", "match")

_PATH_AT_START = re.compile(r"^(\$\.[A-Za-z_]+(?:\.[^.\[\s:]+|\[\d+\])*): (.*)$", re.S)
_PATH_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_REQUIRED = re.compile(r"^'([^']+)' is a required property")
_DESCRIPTION_LIMIT = 160


def is_unmatched(entry: dict[str, Any]) -> bool:
    """The request reached no documented operation (unknown host, path, method or match values)."""
    return entry.get("operation") is None


def is_contract_violation(entry: dict[str, Any]) -> bool:
    return is_unmatched(entry) or entry.get("failure") in CONTRACT_FAILURES


def request_of(entry: dict[str, Any]) -> SimRequest:
    """A journal entry back as a request (the body may be truncated: enough to find an operation)."""
    host = entry.get("host") or ""
    port = None
    if ":" in host and host.rsplit(":", 1)[1].isdigit():
        port = int(host.rsplit(":", 1)[1])
    request = SimRequest.from_url(entry["method"], f"http://{host or 'unknown'}{entry['path']}"
                                  + (f"?{entry['query']}" if entry.get("query") else ""),
                                  headers={"Host": host}, body=(entry.get("request_body") or "").encode("utf-8"),
                                  local_port=port)
    return request


def closest_operation(sim: Simulator, request: SimRequest) -> str | None:
    """The documented operation nearest to a request no operation matched, as ``service.op: METHOD /path``."""
    try:
        dep = sim.router.deployment_for(request)
    except NoDeployment:
        return _closest_by_path(sim, request.path)
    service = sim.services[dep.service]
    params = {}
    if service.parse_params is not None:
        try:
            params = service.parse_params(request)
        except Exception:  # a broken body must not hide the hint
            params = {}
    try:
        op = sim.router.match(request, dep, lambda: request_view(request, params)).operation
    except NoOperation as exc:
        op = exc.closest
    return _op_label(op) if op is not None else None


def _closest_by_path(sim: Simulator, path: str) -> str | None:
    import difflib

    ops = {op.path: op for c in sim.contracts.values() for op in c.operations.values()}
    best = difflib.get_close_matches(path, list(ops), n=1, cutoff=0.0)
    return _op_label(ops[best[0]]) if best else None


def _op_label(op: Operation) -> str:
    return f"{op.contract.service}.{op.id}: {op.method} {op.path}"


def known_hosts(sim: Simulator) -> list[str]:
    return sorted({d.base_url for c in sim.contracts.values() for d in c.deployments})


# -- schemas ----------------------------------------------------------------------------------

def _child(contract: Contract, schema: Any, token: str | int) -> Any:
    schema = contract.deref(schema)
    if not isinstance(schema, dict):
        return None
    if isinstance(token, int):
        items = schema.get("items")
        if isinstance(items, dict):
            return items
        prefix = schema.get("prefixItems")
        return prefix[token] if isinstance(prefix, list) and token < len(prefix) else None
    props = schema.get("properties") or {}
    if token in props:
        return props[token]
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            found = _child(contract, sub, token)
            if found is not None:
                return found
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def schema_at(operation: Operation, path: str) -> Any:
    """The request schema at a JSON path like ``$.body.data.items[0]`` (``None`` when the contract has none)."""
    tokens: list[str | int] = [m.group(1) if m.group(1) is not None else int(m.group(2))
                               for m in _PATH_TOKEN.finditer(path[1:] if path.startswith("$") else path)]
    if not tokens:
        return None
    schema: Any = operation.request.get(str(tokens[0]))
    for token in tokens[1:]:
        if schema is None:
            return None
        schema = _child(operation.contract, schema, token)
    return operation.contract.deref(schema)


def describe_schema(operation: Operation, schema: Any) -> str:
    """One line: type, constraints and the document's description."""
    schema = operation.contract.deref(schema)
    if not isinstance(schema, dict):
        return "(no schema in the contract)"
    bits: list[str] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        bits.append(" or ".join(map(str, kinds)))
    if "const" in schema:
        bits.append(f"exactly {json.dumps(schema['const'], ensure_ascii=False)}")
    if "enum" in schema:
        bits.append("one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"]))
    for key, word in (("minLength", "at least {} characters"), ("maxLength", "at most {} characters"),
                      ("minimum", ">= {}"), ("maximum", "<= {}"), ("pattern", "matching {}"),
                      ("format", "format {}"), ("minItems", "at least {} items"), ("maxItems", "at most {} items")):
        if key in schema:
            bits.append(word.format(schema[key]))
    if schema.get("required"):
        bits.append("requires " + ", ".join(schema["required"]))
    if schema.get("additionalProperties") is False and schema.get("properties"):
        bits.append("only " + ", ".join(schema["properties"]))
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        shapes = [" + ".join(alt.get("required", [])) for alt in alternatives if isinstance(alt, dict)]
        if any(shapes):
            bits.append("exactly one of: " + " | ".join(s for s in shapes if s))
    text = ", ".join(bits) or "any value"
    description = schema.get("description")
    if description:
        short = description if len(description) <= _DESCRIPTION_LIMIT else description[:_DESCRIPTION_LIMIT - 1] + "…"
        text += f" ({short})"
    return text


def _operation(sim: Simulator, entry: dict[str, Any]) -> Operation | None:
    contract = sim.contracts.get(entry.get("service") or "")
    if contract is None or entry.get("operation") not in contract.operations:
        return None
    return contract.operations[entry["operation"]]


def _expected_for(operation: Operation, path: str, problem: str) -> str:
    missing = _REQUIRED.match(problem)
    if missing:
        child = _child(operation.contract, schema_at(operation, path), missing.group(1))
        return f"{path}.{missing.group(1)}: {describe_schema(operation, child)}"
    return f"{path}: {describe_schema(operation, schema_at(operation, path))}"


def explain(sim: Simulator, entry: dict[str, Any]) -> str:
    """Several indented lines explaining one refused request."""
    head = f"{entry['method']} {entry.get('host') or ''}{entry['path']}"
    if is_unmatched(entry):
        closest = closest_operation(sim, request_of(entry))
        lines = [f"{head}: no documented operation (HTTP {entry['status']}"
                 + (f", {entry['code']}" if entry.get("code") else "") + ")"]
        if entry.get("service") is None:
            lines.append("  no simulated deployment serves this host; known: " + ", ".join(known_hosts(sim)))
        if entry.get("detail") or entry.get("note"):
            lines.append(f"  why: {entry.get('detail') or entry.get('note')}")
        lines.append(f"  closest known operation: {closest or '(none)'}")
        return "\n".join(lines)
    operation = _operation(sim, entry)
    name = f"{entry['service']}.{entry['operation']}"
    lines = [f"{head}: {name} answered {entry.get('code')} (HTTP {entry['status']}), refused at {entry.get('failure')}"]
    detail = entry.get("detail") or ""
    found = _PATH_AT_START.match(detail)
    if found and operation is not None:
        path, problem = found.groups()
        lines.append(f"  JSON path: {path}")
        lines.append(f"  problem: {problem}")
        lines.append(f"  the document expects: {_expected_for(operation, path, problem)}")
    elif detail:
        lines.append(f"  problem: {detail}")
    if entry.get("failure") == "auth" and operation is not None:
        contract = operation.contract
        dep = contract.deployment(entry.get("deployment"))
        binding = operation.binding(dep, "auth") or {}
        lines.append(f"  the document expects: credentials for {' or '.join(binding.get('schemes', []))} "
                     f"(demo credentials: apisim.credentials({contract.service!r}))")
    return "\n".join(lines)


def contract_violations(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if is_contract_violation(e)]


def report(sim: Simulator, entries: list[dict[str, Any]], title: str) -> str:
    noun = "request" if len(entries) == 1 else "requests"
    return f"{title} ({len(entries)} {noun}):\n" + "\n".join(
        "  " + explain(sim, e).replace("\n", "\n  ") for e in entries)
