"""Responses: the success an operation answers, and its documented errors as catalogue codes.

An error response becomes one code per value of its body's code field (a
property named like ``code``/``error_code``/``errno`` whose schema lists an
``enum``, a ``const`` or ``examples``), or, without one, the HTTP status itself
(``"404"``). Each catalogue entry keeps the response's schema as ``x-schema``,
so a generic envelope can answer it in the document's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from simulator.authoring.openapi.load import Resolver
from simulator.authoring.openapi.schemas import SchemaConverter

CODE_FIELDS = ("code", "error_code", "errorcode", "err_code", "errcode", "errno", "error", "result_code",
               "resultcode", "status_code", "statuscode", "error_type", "type")
MESSAGE_FIELDS = ("message", "msg", "error_message", "errormessage", "error_msg", "errmsg", "detail", "description")
_STATUS = re.compile(r"^[1-5](?:[0-9]{2}|XX)$", re.IGNORECASE)


@dataclass
class ErrorResponse:
    status: int
    key: str  # the OpenAPI response key: "404", "4XX", "default"
    codes: list[str]
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)


def status_of(key: str) -> int | None:
    """``"404"`` -> 404, ``"4XX"`` -> 400, ``"default"`` -> 500; None for anything else."""
    if key == "default":
        return 500
    if not _STATUS.match(key):
        return None
    return int(key[0]) * 100 + (0 if key[1:].upper() == "XX" else int(key[1:]))


def success_key(responses: dict[str, Any]) -> str | None:
    keys = sorted(k for k in responses if str(k).startswith("2"))
    return keys[0] if keys else None


def pick_media(content: dict[str, Any] | None) -> tuple[str | None, dict[str, Any]]:
    """The JSON media type of a ``content`` map if there is one, else its first."""
    content = content or {}
    for media in content:
        base = media.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media, content[media] or {}
    for media in content:
        return media, content[media] or {}
    return None, {}


def media_examples(media: dict[str, Any], resolver: Resolver, notes: list[str], where: str) -> list[tuple[str, Any]]:
    """``(name, value)`` of a media type's ``example`` or ``examples``."""
    found: list[tuple[str, Any]] = []
    if "example" in media:
        found.append(("example", media["example"]))
    for name, example in (media.get("examples") or {}).items():
        example = resolver.deref(example)
        if isinstance(example, dict) and "value" in example:
            found.append((str(name), example["value"]))
        elif isinstance(example, dict) and "externalValue" in example:
            notes.append(f"{where}: example {name} is an external file ({example['externalValue']}); not imported")
    return found


class ErrorCatalogue:
    """The contract's ``errors``, filled from every operation's error responses."""

    def __init__(self, resolver: Resolver, converter: SchemaConverter, notes: list[str]):
        self.resolver = resolver
        self.converter = converter
        self.notes = notes
        self.entries: dict[str, dict[str, Any]] = {}
        self.by_status: dict[int, list[str]] = {}

    def add_response(self, key: str, response: Any, op_id: str) -> ErrorResponse | None:
        status = status_of(str(key))
        if status is None:
            self.notes.append(f"{op_id}: response {key!r} is not an HTTP status; skipped")
            return None
        if key == "default":
            self.notes.append(f"{op_id}: the 'default' response is catalogued as HTTP 500 (code 'default')")
        response = self.resolver.deref(response) or {}
        media, content = pick_media(response.get("content"))
        schema = self.converter.convert(content["schema"]) if "schema" in content else None
        description = str(response.get("description") or "").strip() or _reason(status)
        values, message_hint = self._code_values(content.get("schema"))
        own = self._apisim_codes(content.get("schema"))
        if own:  # apisim's own export names each error's code
            values = own
        codes: list[str] = []
        result = ErrorResponse(status=status, key=str(key), codes=codes)
        for value in values or [str(key) if key == "default" else str(status)]:
            code = self._unique_code(value, status)
            codes.append(code)
            if code not in self.entries:
                entry: dict[str, Any] = {
                    "http_status": status,
                    "message": message_hint or description,
                    "when": f"the {key} response the document describes: {description}",
                }
                if schema is not None:
                    entry["x-schema"] = schema
                if media:
                    entry["x-content-type"] = media
                self.entries[code] = entry
                self.by_status.setdefault(status, []).append(code)
        for name, value in media_examples(content, self.resolver, self.notes, f"{op_id} {key}"):
            shown = _shown_code(value, codes)
            result.examples.append({"name": f"{key} {name}", "response": {"status": status, "body": value,
                                                                          "error": shown}})
        return result

    def first(self, *statuses: int) -> str | None:
        for status in statuses:
            if self.by_status.get(status):
                return self.by_status[status][0]
        return None

    def synthesize(self, code: str, status: int, when: str) -> str:
        """A code the document does not describe but apisim needs (an auth or validation failure)."""
        if code not in self.entries:
            self.entries[code] = {"http_status": status, "message": _reason(status), "when": when,
                                  "x-apisim-synthesized": True}
            self.by_status.setdefault(status, []).append(code)
            self.notes.append(f"error {code} (HTTP {status}) was added: {when}")
        return code

    def _unique_code(self, value: str, status: int) -> str:
        existing = self.entries.get(value)
        if existing is None or existing["http_status"] == status:
            return value
        return f"{value}.{status}"

    def _apisim_codes(self, schema: Any) -> list[str]:
        """The codes apisim's own export names (``x-apisim-code``) on a schema or its alternatives."""
        schema = self.resolver.deref(schema) if isinstance(schema, dict) else None
        if not isinstance(schema, dict):
            return []
        if isinstance(schema.get("x-apisim-code"), str):
            return [schema["x-apisim-code"]]
        branches = [self.resolver.deref(b) for key in ("anyOf", "oneOf") for b in schema.get(key) or []]
        return [b["x-apisim-code"] for b in branches if isinstance(b, dict) and isinstance(b.get("x-apisim-code"), str)]

    def _code_values(self, schema: Any) -> tuple[list[str], str | None]:
        """The values a code field lists, and the message when the schema fixes one."""
        properties = self._properties(schema)
        values: list[str] = []
        for name, subs in properties.items():
            if name.lower() in CODE_FIELDS:
                for sub in subs:
                    values += [str(v) for v in _listed_values(self.resolver.deref(sub)) if str(v) not in values]
                if values:
                    break
        message = None
        for name, subs in properties.items():
            if name.lower() in MESSAGE_FIELDS and len(values) <= 1:
                listed = [v for sub in subs for v in _listed_values(self.resolver.deref(sub))]
                if len(listed) == 1 and isinstance(listed[0], str):
                    message = listed[0]
        return values, message

    def _properties(self, schema: Any, depth: int = 0) -> dict[str, list[Any]]:
        """Every schema each property has in a (possibly referenced, possibly allOf-composed) object schema."""
        schema = self.resolver.deref(schema) if isinstance(schema, dict) else None
        if not isinstance(schema, dict) or depth > 8:
            return {}
        found: dict[str, list[Any]] = {}
        for name, sub in (schema.get("properties") or {}).items():
            if isinstance(sub, dict):
                found.setdefault(name, []).append(sub)
        for part in schema.get("allOf") or []:
            for name, subs in self._properties(part, depth + 1).items():
                found.setdefault(name, []).extend(subs)
        return found


def _listed_values(schema: dict[str, Any]) -> list[Any]:
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if v is not None]
    if isinstance(schema.get("examples"), list):
        return list(schema["examples"])
    if "example" in schema:
        return [schema["example"]]
    return []


def _shown_code(body: Any, codes: list[str]) -> str:
    """The code an error example shows: its code field's value when that is one of the response's codes."""
    if isinstance(body, dict):
        for name, value in body.items():
            if name.lower() in CODE_FIELDS and str(value) in codes:
                return str(value)
    return codes[0]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


__all__ = ["CODE_FIELDS", "ErrorCatalogue", "ErrorResponse", "media_examples", "pick_media", "status_of",
           "success_key"]
