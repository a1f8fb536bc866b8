"""How much of a finished contract a draft got right (``apisim contract draft --compare``).

Only what the document states can be drafted from it, so the finished
contract's items count when the document states them: an operation when its
path (path parameters matching anything) and its ``match`` values appear in
the document; a field or a code when its name or code appears there as a word.
The rest (codes from a vendor's public error list, an IAM endpoint the
document only links to) is counted as *not in the document* and shown apart.

What "right" means:

- **operation**: same method, same path (path parameter names aside), and the
  same ``match`` values under the same keys (the location prefix aside:
  ``params.X`` = ``body.X``); one draft operation per finished one, preferring
  the same host and port.
- **field** (request or response, of a matched operation): same location
  (path, query, header, body; the finished contract's ``params`` view is
  query or body), same path of names (``data.list[].id``), and a type in
  common (``integer`` and ``number`` count as one; a JSON string with a
  ``contentSchema`` is its content's type; an untyped field in the finished
  contract takes any type). Header names are compared in lower case.
- **code**: a global code is right when the draft's catalogue has its value
  (``x-code``); an operation's own code (``<operation>.<code>``) when the
  matching draft operation lists that value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_PARAM = re.compile(r"\{[^{}]*\}")
_LOCATION = {"path_params": "path", "query": "query", "headers": "header", "body": "body", "params": "params"}


@dataclass
class Share:
    right: int = 0
    total: int = 0
    not_in_document: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 1.0

    def count(self, ok: bool, label: str) -> None:
        self.total += 1
        if ok:
            self.right += 1
        else:
            self.missed.append(label)


@dataclass
class Figures:
    document: str
    operations: Share = field(default_factory=Share)
    request_fields: Share = field(default_factory=Share)
    response_fields: Share = field(default_factory=Share)
    codes: Share = field(default_factory=Share)

    def shares(self) -> dict[str, Share]:
        return {"operations": self.operations, "request fields": self.request_fields,
                "response fields": self.response_fields, "error codes": self.codes}

    def table(self) -> str:
        rows = [f"{self.document}: the draft against the finished contract",
                f"  {'':16} {'right':>6} {'of':>6} {'share':>7}   not in the document"]
        for name, share in self.shares().items():
            rows.append(f"  {name:16} {share.right:6} {share.total:6} {share.ratio:7.1%}   {share.not_in_document}")
        return "\n".join(rows)


def measure_files(draft: Path | str, finished: Path | str, document: Path | str) -> Figures:
    from simulator.contracts.loader import read_contract  # a finished contract may be a folder

    return measure(read_contract(draft), read_contract(finished), Path(document).read_text("utf-8"), Path(document).name)


def measure(draft: dict[str, Any], finished: dict[str, Any], text: str, name: str = "document") -> Figures:
    text = re.sub(r"\\([{}_\[\]()#*.-])", r"\1", text)  # Markdown escapes: \{project\_id\} is {project_id}
    figures = Figures(name)
    pairs, absent = _match_operations(draft, finished, text, figures.operations)
    for op_id, op in finished["operations"].items():
        mine = pairs.get(op_id)
        theirs_req = _request_fields(op, finished)
        theirs_resp = _fields((op.get("response") or {}).get("body"), finished.get("$defs", {}))
        ours_req = _request_fields(mine, draft) if mine else {}
        ours_resp = _fields((mine.get("response") or {}).get("body"), draft.get("$defs", {})) if mine else {}
        if op_id in absent:  # an operation the document does not describe: nor does it its fields
            figures.request_fields.not_in_document += len(theirs_req)
            figures.response_fields.not_in_document += len(theirs_resp)
            continue
        for (where, path), types in theirs_req.items():
            if not _stated(_leaf(path), text, case=where != "header"):
                figures.request_fields.not_in_document += 1
                continue
            found = [ours_req.get((w, path), _NONE) for w in _equivalent(where)]
            ok = any(t is not _NONE and _compatible(types, t) for t in found)
            figures.request_fields.count(ok, f"{op_id}: {where} {'.'.join(path)}")
        for path, types in theirs_resp.items():
            if not _stated(_leaf(path), text):
                figures.response_fields.not_in_document += 1
                continue
            ok = path in ours_resp and _compatible(types, ours_resp[path])
            figures.response_fields.count(ok, f"{op_id}: {'.'.join(path)}")
    _codes(draft, finished, pairs, text, figures.codes)
    return figures


# -- operations -------------------------------------------------------------------------------

def _signature(op: dict[str, Any]) -> tuple:
    path = _PARAM.sub("{}", op["path"])
    match = tuple(sorted((k.split(".", 1)[1] if "." in k else k, str(v)) for k, v in (op.get("match") or {}).items()))
    return op["method"].upper(), path, match


def _netlocs(op: dict[str, Any], contract: dict[str, Any]) -> set[str]:
    names = op.get("deployments") or [d["name"] for d in contract["deployments"]]
    return {urlsplit(d["base_url"]).netloc.lower() for d in contract["deployments"] if d["name"] in names}


def _path_stated(path: str, text: str) -> bool:
    if path in text:
        return True
    pattern = re.escape(path)
    for match in re.finditer(re.escape(r"\{") + r"[^{}]*?" + re.escape(r"\}"), pattern):
        pattern = pattern.replace(match.group(0), r"[^/\s{}]+")
    return re.search(pattern, text) is not None


def _match_operations(draft: dict[str, Any], finished: dict[str, Any], text: str,
                      share: Share) -> tuple[dict[str, dict], set[str]]:
    """Finished operation -> the draft operation that is it; and the finished operations the document lacks."""
    available = dict(draft["operations"])
    pairs: dict[str, dict] = {}
    absent: set[str] = set()
    for op_id, op in finished["operations"].items():
        stated = _path_stated(op["path"], text) and all(_stated(str(v), text) for v in (op.get("match") or {}).values())
        if not stated:
            share.not_in_document += 1
            absent.add(op_id)
            continue
        candidates = [k for k, mine in available.items() if _signature(mine) == _signature(op)]
        hosts = _netlocs(op, finished)
        candidates.sort(key=lambda k: not (_netlocs(available[k], draft) & hosts))
        if candidates:
            pairs[op_id] = available.pop(candidates[0])
        share.count(bool(candidates), f"{op_id}: {op['method']} {op['path']} {op.get('match') or ''}".strip())
    return pairs, absent


# -- fields -----------------------------------------------------------------------------------

_NONE: Any = object()


def _request_fields(op: dict[str, Any], contract: dict[str, Any]) -> dict[tuple[str, tuple], Any]:
    out: dict[tuple[str, tuple], Any] = {}
    request = op.get("request") or {}
    defs = contract.get("$defs", {})
    parts = dict(request)
    if "x-fields" in op:  # the field schema a service checks itself, beside an "any JSON" body
        parts["body"] = {"allOf": [parts.get("body") or {}, op["x-fields"]]}
    for part, where in _LOCATION.items():
        for path, types in _fields(parts.get(part), defs).items():
            key = tuple(p.lower() for p in path) if where == "header" else path
            out[(where, key)] = types
    return out


def _fields(schema: Any, defs: dict[str, Any]) -> dict[tuple, Any]:
    out: dict[tuple, Any] = {}
    if isinstance(schema, dict):
        _walk(schema, (), defs, out, 0)
    out.pop((), None)
    return out


def _walk(schema: Any, path: tuple, defs: dict[str, Any], out: dict[tuple, Any], depth: int) -> None:
    if not isinstance(schema, dict) or depth > 12:
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        _walk(defs.get(ref.split("/", 2)[2], {}), path, defs, out, depth + 1)
    types = _types(schema)
    if types is not None:
        previous = out.get(path)
        out[path] = types if previous is None or previous is _NONE else previous | types
    else:
        out.setdefault(path, None)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            _walk(branch, path, defs, out, depth + 1)
    for name, sub in (schema.get("properties") or {}).items():
        _walk(sub, (*path, name), defs, out, depth + 1)
    if isinstance(schema.get("items"), dict):
        _walk(schema["items"], (*path, "[]"), defs, out, depth + 1)
    for item in schema.get("prefixItems") or []:
        _walk(item, (*path, "[]"), defs, out, depth + 1)
    if isinstance(schema.get("contentSchema"), dict):
        _walk(schema["contentSchema"], path, defs, out, depth + 1)


def _types(schema: dict[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        found = {kind}
    elif isinstance(kind, list):
        found = set(kind)
    elif "const" in schema:
        found = {_kind(schema["const"])}
    elif isinstance(schema.get("enum"), list):
        found = {_kind(v) for v in schema["enum"]}
    elif "properties" in schema:
        found = {"object"}
    elif "items" in schema or "prefixItems" in schema:
        found = {"array"}
    else:
        return None
    if "integer" in found:
        found.add("number")
    if "number" in found:
        found.add("integer")
    return found - {"null"} or found


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "string")


def _compatible(theirs: Any, ours: Any) -> bool:
    if theirs is None:
        return True
    return ours is not None and bool(theirs & ours)


def _equivalent(where: str) -> tuple[str, ...]:
    return ("query", "body") if where == "params" else (where,)


def _leaf(path: tuple) -> str:
    return next((p for p in reversed(path) if p != "[]"), "")


def _stated(word: str, text: str, case: bool = True) -> bool:
    if not word:
        return False
    if not re.fullmatch(r"[\w.\-]+", word):
        return word in text
    flags = 0 if case else re.IGNORECASE
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", text, flags) is not None


# -- codes ------------------------------------------------------------------------------------

def _codes(draft: dict[str, Any], finished: dict[str, Any], pairs: dict[str, dict], text: str, share: Share) -> None:
    values = {str(e.get("x-code", key)) for key, e in draft["errors"].items()}
    seen: set[tuple] = set()
    for key, entry in finished["errors"].items():
        scope = next((op for op in finished["operations"] if key.startswith(op + ".")), None)
        value = str(entry["x-status"]) if "x-status" in entry else key[len(scope) + 1:] if scope else key
        if (scope, value) in seen:
            continue
        seen.add((scope, value))
        if not _stated(value, text):
            share.not_in_document += 1
            continue
        if scope is None:
            ok = value in values
        else:
            mine = pairs.get(scope)
            listed = mine.get("errors", []) if mine else []
            ok = any(str(draft["errors"].get(k, {}).get("x-code", k)) == value for k in listed)
        share.count(ok, f"{scope + ': ' if scope else ''}{value}")


__all__ = ["Figures", "Share", "measure", "measure_files"]
