"""One request or response schema, built from a document's examples and its parameter tables.

Examples say where each field sits (``data.personinfo.name``) and what type
the service really sends; tables say what a field means, whether it is
required, its length and its documented type. A table row is placed where an
example shows a field of that name; when the two disagree on the type, the
example wins (it is what the service sends) and the disagreement is noted.
Paths are tuples of keys, ``"[]"`` standing for "each item of an array".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulator.authoring.draft.tables import FieldRow, json_type

Path = tuple[str, ...]
ITEMS = "[]"
_CONST = re.compile(r"(?:取值必须[是为]|取值为|固定为|必须为|值为|must be|always)\s*[“\"'`]?([A-Za-z_][\w.\-/+]*)", re.I)
_COMPATIBLE = {("number", "integer"), ("integer", "integer"), ("number", "number"), ("string", "string"),
               ("boolean", "boolean"), ("object", "object"), ("array", "array")}


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


@dataclass
class _Seen:
    table: dict[str, Any] | None = None
    table_line: int = 0
    kinds: set[str] = field(default_factory=set)
    values: list[Any] = field(default_factory=list)


@dataclass
class SchemaBuilder:
    what: str  # "request body of face_detect", for notes
    root: dict[str, Any] = field(default_factory=dict)
    seen: dict[Path, _Seen] = field(default_factory=dict)
    named: dict[str, Path] = field(default_factory=dict)  # object type names a table row gives -> where
    notes: list[tuple[int, str]] = field(default_factory=list)

    # -- navigation ---------------------------------------------------------------------------

    def node(self, path: Path) -> dict[str, Any]:
        current = self.root
        for part in path:
            if part == ITEMS:
                current.setdefault("type", "array")
                current = current.setdefault("items", {})
            else:
                current.setdefault("type", "object")
                current = current.setdefault("properties", {}).setdefault(part, {})
        return current

    def paths(self) -> list[Path]:
        return list(self.seen)

    def locate(self, name: str, hint: str | None = None) -> Path | None:
        """Where a field called ``name`` already sits (an example showed it): under ``hint`` if it can be,
        else the shallowest place."""
        found = [p for p in self.seen if p and p[-1] == name]
        if hint:
            under = [p for p in found if hint in p[:-1]]
            found = under or found
        return min(found, key=len) if found else None

    def has(self, path: Path) -> bool:
        return path in self.seen

    # -- evidence -----------------------------------------------------------------------------

    def add_example(self, value: Any, path: Path = ()) -> None:
        seen = self.seen.setdefault(path, _Seen()) if path else None
        if seen is not None:
            seen.kinds.add(json_kind(value))
            if not isinstance(value, (dict, list)) and len(seen.values) < 3 and value not in seen.values:
                seen.values.append(value)
        if isinstance(value, dict):
            self.node(path).setdefault("type", "object")
            for key, sub in value.items():
                self.add_example(sub, (*path, str(key)))
        elif isinstance(value, list):
            self.node(path).setdefault("type", "array")
            for item in value[:50]:
                self.add_example(item, (*path, ITEMS))

    def add_row(self, path: Path, row: FieldRow) -> None:
        """A table row at ``path``: its type, meaning, requirement, length, default and example."""
        node = self.node(path)
        seen = self.seen.setdefault(path, _Seen())
        schema, type_name = json_type(row.type_text)
        if schema is not None and seen.table is None:
            seen.table, seen.table_line = schema, row.line
            if type_name:
                self.named.setdefault(type_name, path)
        elif schema is None and row.type_text:
            self.notes.append((row.line, f"{self.what}: type {row.type_text!r} of {'.'.join(path)} is not understood"))
        if row.swapped:
            self.notes.append((row.line, f"{self.what}: the type and required columns of {row.name} are swapped in "
                                         "the document; read as swapped"))
        if row.description and "description" not in node:
            node["description"] = row.description
        const = _CONST.search(row.description or "")
        if const:
            node["const"] = const.group(1)
        node["x-doc-line"] = row.line
        if row.length.isdigit() and (schema or {}).get("type") == "string":
            node["maxLength"] = int(row.length)
        if row.default and row.default not in ("-", "√"):
            node["x-default"] = row.default
        if row.example and row.example not in ("-",):
            node.setdefault("examples", [row.example])
        if row.required and path:
            parent = self.node(path[:-1])
            if path[-1] != ITEMS and path[-1] not in parent.setdefault("required", []):
                parent["required"].append(path[-1])

    # -- the result ---------------------------------------------------------------------------

    def schema(self) -> dict[str, Any]:
        """The schema, every field typed: the table's type, or the example's where they disagree."""
        for path, seen in sorted(self.seen.items(), key=lambda item: len(item[0])):
            node = self.node(path)
            kinds = seen.kinds - {"null"}
            table_type = (seen.table or {}).get("type")
            if seen.table and (not kinds or all((table_type, k) in _COMPATIBLE for k in kinds)):
                for key, value in seen.table.items():
                    if key != "type":
                        node.setdefault(key, value)
                chosen: list[str] = [table_type]
            elif kinds:
                chosen = sorted(kinds)
                if seen.table:
                    self.notes.append((seen.table_line, f"{self.what}: the table types {'.'.join(path)} as "
                                                        f"{table_type}; the example sends {'/'.join(chosen)}, "
                                                        "which is used"))
            else:
                chosen = []
            if "null" in seen.kinds:
                chosen.append("null")
            if chosen:
                node["type"] = chosen[0] if len(chosen) == 1 else chosen
            if seen.values and "examples" not in node and "const" not in node and kinds <= {"string", "integer",
                                                                                               "number", "boolean"}:
                node["examples"] = list(seen.values)
            if "required" in node:
                node["required"] = [k for k in node["required"] if k in (node.get("properties") or {})]
        return self.root or {}


def merge_into(target: SchemaBuilder, source: SchemaBuilder, prefix: Path = ()) -> None:
    """Copy ``source``'s evidence under ``prefix`` of ``target`` (fields of a shared table or envelope)."""
    for path, seen in source.seen.items():
        mine = target.seen.setdefault((*prefix, *path), _Seen())
        mine.kinds |= seen.kinds
        mine.values = mine.values or list(seen.values)
        if seen.table and not mine.table:
            mine.table, mine.table_line = seen.table, seen.table_line
        node = source.node(path)
        dest = target.node((*prefix, *path))
        for key in ("description", "const", "x-doc-line", "maxLength", "x-default", "examples"):
            if key in node and key not in dest:
                dest[key] = node[key]
        if "required" in node:
            for name in node["required"]:
                if name not in dest.setdefault("required", []):
                    dest["required"].append(name)


__all__ = ["ITEMS", "Path", "SchemaBuilder", "json_kind", "merge_into"]
