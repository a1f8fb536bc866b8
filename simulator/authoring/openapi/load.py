"""Read an OpenAPI 3.0 or 3.1 document (JSON or YAML) and resolve its local ``$ref``s.

Only references inside the document (``#/...``) are followed: a reference to
another file means the document should be bundled first, and the error says so.
References may point at references (a parameter that is a ``$ref`` to another
parameter); cycles are reported instead of looping.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class ImportProblem(ValueError):
    """The document cannot be imported; the message says what to do about it."""


def read_document(path: Path | str) -> dict[str, Any]:
    """The parsed document, checked to be OpenAPI 3.0 or 3.1."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ImportProblem(f"cannot read {path}: {exc.strerror or exc}; check the path") from exc
    document = parse_text(text, path.name)
    check_version(document, path.name)
    return document


def parse_text(text: str, name: str = "document") -> Any:
    """JSON when it looks like JSON, YAML otherwise (PyYAML's safe loader: no tags, no code)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) or name.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportProblem(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from exc
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ImportProblem(f"{name}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc


def check_version(document: Any, name: str) -> str:
    if not isinstance(document, dict):
        raise ImportProblem(f"{name}: an OpenAPI document is a mapping at the top level")
    if "swagger" in document:
        raise ImportProblem(f"{name}: Swagger {document['swagger']} is not supported; convert it to OpenAPI 3 first "
                            "(e.g. `npx swagger2openapi`)")
    version = str(document.get("openapi", ""))
    if not (version.startswith("3.0") or version.startswith("3.1")):
        raise ImportProblem(f"{name}: `openapi: {version or '(missing)'}`: only OpenAPI 3.0 and 3.1 are supported")
    if not isinstance(document.get("paths") or {}, dict):
        raise ImportProblem(f"{name}: `paths` must be a mapping")
    return version


def pointer_parts(ref: str) -> list[str]:
    """``#/components/schemas/a~1b`` -> ``["components", "schemas", "a/b"]`` (RFC 6901 unescaping)."""
    if not ref.startswith("#"):
        raise ImportProblem(f"$ref {ref!r} points outside the document; bundle the document into one file first "
                            "(e.g. `npx @redocly/cli bundle`)")
    body = ref[1:].lstrip("/")
    return [part.replace("~1", "/").replace("~0", "~") for part in body.split("/")] if body else []


class Resolver:
    """Follows local references of one document."""

    def __init__(self, document: dict[str, Any]):
        self.document = document

    def lookup(self, ref: str) -> Any:
        node: Any = self.document
        for part in pointer_parts(ref):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise ImportProblem(f"$ref {ref!r} points at nothing in the document")
        return node

    def deref(self, node: Any) -> Any:
        """``node`` with references at its top followed (through chains of references); not recursive."""
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise ImportProblem(f"$ref cycle: {' -> '.join(seen + [ref])}")
            seen.append(ref)
            node = self.lookup(ref)
        return node


__all__ = ["ImportProblem", "Resolver", "check_version", "parse_text", "pointer_parts", "read_document"]
