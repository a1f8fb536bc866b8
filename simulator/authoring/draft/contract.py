"""Drafted operations and codes as a contract in apisim's format (it loads; a person finishes it)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from simulator.authoring.draft.catalogue import Catalogue
from simulator.authoring.draft.operation import PARTS, OperationDraft
from simulator.authoring.naming import slug, unique

_CREDENTIAL = re.compile(r"(token|authorization|appcode|api_?key|access_?key|signature|secret|sign$)", re.I)


def contract_of(ops: list[OperationDraft], catalogue: Catalogue, *, source: str, title: str, service: str,
                port_block: int, notes: list[tuple[int, str]]) -> dict[str, Any]:
    deployments: dict[str, str] = {}
    for op in ops:
        if op.origin not in deployments:
            host = urlsplit(op.url).netloc.replace(":", "-") or "default"
            deployments[op.origin] = unique(slug(host, "default"), set(deployments.values()), "-")
    errors = catalogue.entries
    for op in ops:
        for status, builder in op.failure_schemas.items():
            for key in op.errors:
                if errors[key]["http_status"] == status:
                    errors[key].setdefault("x-schema", _finish(builder.schema()))
    if not errors:
        errors["DRAFT_TODO"] = {"http_status": 500, "message": "TODO", "when": "the document lists no error codes; "
                                                                               "replace this entry"}
        notes.append((1, "the document lists no error codes: the catalogue holds a placeholder"))
    operations = {op.id: _operation(op, deployments, len(deployments) > 1) for op in ops}
    _auth_hints(ops, notes)
    notes.append((1, "validation_errors (which code a request breaking its schema gets) and auth are not drafted: "
                     "map them by hand (contracts/README.md)"))
    return {
        "service": service,
        "title": title,
        "source": source,
        "description": f"Drafted from {source} by apisim contract draft; see the draft report for what to finish.",
        "port_block": port_block,
        "deployments": [{"name": name, "base_url": origin} for origin, name in deployments.items()],
        "errors": errors,
        "operations": operations,
        "x-draft": {"source": source, "operations": len(ops)},
    }


def _operation(op: OperationDraft, deployments: dict[str, str], several: bool) -> dict[str, Any]:
    raw: dict[str, Any] = {"summary": op.summary, "section": op.section, "x-doc-lines": list(op.lines)}
    if several:
        raw["deployments"] = [deployments[op.origin]]
    raw["method"] = op.method
    raw["path"] = op.path
    if op.match:
        raw["match"] = dict(op.match)
    request: dict[str, Any] = {"body_format": op.body_format}
    for part in PARTS:
        builder = op.request[part]
        if builder.seen:
            request[part] = _finish(builder.schema())
    raw["request"] = request
    response: dict[str, Any] = {"status": op.status, "content_type": "application/json"}
    if op.response.seen:
        response["body"] = _finish(op.response.schema())
    raw["response"] = response
    raw["errors"] = list(dict.fromkeys(op.errors))
    if op.examples:
        raw["examples"] = op.examples
    if op.from_code:
        raw["x-from-sample-code"] = True
    return raw


def _finish(schema: Any) -> Any:
    """A string field the document describes members of (a JSON string such as SAF's ServiceParameters)
    becomes a string whose content is that object; empty ``required`` lists go."""
    if isinstance(schema, dict):
        out = {k: _finish(v) if k in ("items", "contentSchema") else
               ({name: _finish(sub) for name, sub in v.items()} if k == "properties" else v)
               for k, v in schema.items()}
        if out.get("type") == "string" and "properties" in out:
            inner = {"type": "object", "properties": out.pop("properties")}
            if out.get("required"):
                inner["required"] = out.pop("required")
            out["contentMediaType"] = "application/json"
            out["contentSchema"] = inner
        if "required" in out and not out["required"]:
            del out["required"]
        return out
    return schema


def _auth_hints(ops: list[OperationDraft], notes: list[tuple[int, str]]) -> None:
    found: dict[str, dict[str, int]] = {}
    for op in ops:
        for part in ("headers", "query", "body"):
            for path in op.request[part].seen:
                if len(path) == 1 and _CREDENTIAL.search(path[0]):
                    line = op.request[part].node(path).get("x-doc-line", op.lines[0])
                    found.setdefault(part, {}).setdefault(path[0], line)
    for part, names in found.items():
        looks = "looks like a credential" if len(names) == 1 else "look like credentials"
        notes.append((min(names.values()), f"{', '.join(names)} ({part}) {looks}: bind an auth scheme "
                                           "(simulator/auth) by hand"))


__all__ = ["contract_of"]
