"""An OpenAPI 3.0/3.1 document as an apisim contract (``apisim contract import openapi``).

What maps where:

- ``servers`` -> ``deployments`` (variables at their defaults); an operation's
  path is the server's base path plus the OpenAPI path, as clients send it.
- each path and method -> one operation (``operationId`` in snake_case, or
  one derived from method and path); path, query and header parameters ->
  ``request.path_params``/``query``/``headers`` (header names lower-case); the
  request body -> ``request.body`` with its media types and format.
- the first 2xx response -> ``response``; every other response -> codes in
  the error catalogue (``responses.py``); examples of both -> ``examples``.
- ``components/schemas`` -> ``$defs``; security -> auth bindings
  (``security.py``); a 400/422 response -> ``validation_errors``, 401/403 ->
  ``auth.errors``, 500 -> ``internal_error``, 429 -> ``throttling_error``.

Whatever could not be carried over is in :attr:`Imported.notes`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulator.authoring.naming import service_slug, slug, snake_id, unique
from simulator.authoring.openapi.load import Resolver, read_document
from simulator.authoring.openapi.responses import ErrorCatalogue, media_examples, pick_media, success_key
from simulator.authoring.openapi.schemas import SchemaConverter
from simulator.authoring.openapi.security import map_requirements

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_SKIPPED_HEADERS = {"accept", "content-type", "authorization"}  # OpenAPI ignores them as parameters
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_VALIDATION_KINDS = ("malformed_body", "empty_body", "missing", "type", "unexpected", "invalid")
_PARTS = {"path": "path_params", "query": "query", "header": "headers"}


@dataclass
class Imported:
    contract: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Markdown: what was imported, and every note a person should read before serving it."""
        c = self.contract
        lines = [f"# Import report: {c['service']}", "",
                 f"From `{c['source']}` ({c['x-imported-from']['format']}): {len(c['operations'])} operations, "
                 f"{len(c['errors'])} error codes, {len(c['deployments'])} deployment(s).", ""]
        lines += ["## Notes", ""] + ([f"- {note}" for note in self.notes] or ["- none"])
        return "\n".join(lines) + "\n"


def import_openapi(path: Path | str, *, service: str | None = None, port_block: int = 0) -> Imported:
    """Read an OpenAPI document and return the contract it describes (not yet written anywhere)."""
    document = read_document(path)
    return OpenApiImporter(document, Path(path).name, service=service, port_block=port_block).run()


class OpenApiImporter:
    def __init__(self, document: dict[str, Any], source: str, *, service: str | None = None, port_block: int = 0):
        self.document = document
        self.source = source
        self.version = str(document["openapi"])
        self.notes: list[str] = []
        self.resolver = Resolver(document)
        self.converter = SchemaConverter(self.resolver, self.version)
        self.catalogue = ErrorCatalogue(self.resolver, self.converter, self.notes)
        info = document.get("info") or {}
        # apisim's own export names the service it came from: a round trip keeps the name
        self.service = service or service_slug(str(info.get("x-apisim-service") or info.get("title") or Path(source).stem))
        self.port_block = port_block
        self.deployments: dict[str, str] = {}  # base URL -> deployment name
        self.operations: dict[str, dict[str, Any]] = {}
        components = document.get("components") or {}
        self.security_schemes = {name: self.resolver.deref(s) for name, s in (components.get("securitySchemes") or {}).items()}
        self.bindings: list[dict[str, Any]] = []

    def run(self) -> Imported:
        defs = self.converter.convert_components()
        root_security = self.document.get("security")
        root = map_requirements(root_security or [], self.security_schemes, "security")
        self.notes += root.notes
        for path, item in (self.document.get("paths") or {}).items():
            item = self.resolver.deref(item) or {}
            if "trace" in item:
                self.notes.append(f"{path}: TRACE is not an apisim method; skipped")
            for method in METHODS:
                if method in item:
                    self._operation(str(path), item, method, self.resolver.deref(item[method]) or {}, root.binding)
        if not self.operations:
            raise ValueError(f"{self.source}: the document has no operations (its `paths` are empty)")
        if root.binding:
            self.bindings.append(root.binding)
        self._bind_error_codes()
        default_auth = root.binding if root.binding or root_security else self._common_auth()
        info = self.document.get("info") or {}
        contract: dict[str, Any] = {
            "service": self.service,
            "title": str(info.get("title") or self.service),
            "source": self.source,
            "description": str(info.get("description") or f"Imported from {self.source} (OpenAPI {self.version})."),
            "port_block": self.port_block,
            "defaults": {"auth": default_auth},
            "deployments": [{"name": name, "base_url": url} for url, name in self.deployments.items()],
        }
        if any(b["schemes"] == ["api-key"] for b in self.bindings):
            contract["credentials"] = [{"name": "demo", "api_key": demo_key(self.service)}]
        contract["validation_errors"] = self.validation_errors
        for key, statuses in (("internal_error", (500,)), ("throttling_error", (429,))):
            code = self.catalogue.first(*statuses)
            if code:
                contract[key] = code
        contract["errors"] = self.catalogue.entries
        contract["operations"] = self.operations
        contract["$defs"] = defs
        contract["x-imported-from"] = {"format": f"OpenAPI {self.version}", "file": self.source}
        return Imported(contract, self.notes + self.converter.notes)

    # -- one operation ---------------------------------------------------------------------

    def _operation(self, path: str, item: dict[str, Any], method: str, op: dict[str, Any],
                   root_binding: dict[str, Any] | None) -> None:
        base_id = snake_id(str(op.get("operationId") or ""), fallback="") or snake_id(f"{method} {path}", "root")
        params = self._parameters(item, op)
        renamed_path, renames = _safe_path(path)
        for old, new in renames.items():
            self.notes.append(f"{base_id}: path parameter {{{old}}} is {{{new}}} in the contract (apisim's path "
                              "parameters are identifiers)")
        request = self._request(params, op, base_id, renames)
        response, examples = self._response(op, base_id)
        errors: list[str] = []
        for key, raw in (op.get("responses") or {}).items():
            if str(key).startswith("2"):
                continue
            error = self.catalogue.add_response(str(key), raw, base_id)
            if error:
                errors += [c for c in error.codes if c not in errors]
                examples += error.examples
        if (request_example := self._request_example(params, op, renames)) is not None:
            examples.insert(0, request_example)
        groups: dict[str, list[str]] = {}
        for url, prefix in self._servers(item, op):
            groups.setdefault(prefix, []).append(self._deployment(url))
        for n, (base_path, deployments) in enumerate(groups.items()):
            op_id = unique(base_id if n == 0 else f"{base_id}_{n + 1}", self.operations)
            raw: dict[str, Any] = {
                "summary": str(op.get("summary") or op.get("operationId") or f"{method.upper()} {path}"),
                "section": f"paths.{path}.{method}",
                "method": method.upper(),
                "path": (base_path + renamed_path) or "/",
            }
            if op.get("description"):
                raw["description"] = str(op["description"])
            if len(self.deployments) > 1 or len(groups) > 1:
                raw["deployments"] = deployments
            raw["request"] = request
            raw["response"] = response
            raw["errors"] = errors
            if examples:
                raw["examples"] = examples
            raw["writes"] = method not in ("get", "head", "options")
            if "security" in op:
                mapping = map_requirements(op["security"] or [], self.security_schemes, op_id)
                self.notes += mapping.notes
                if mapping.binding != root_binding:
                    raw["auth"] = mapping.binding
                    if mapping.binding:
                        self.bindings.append(mapping.binding)
            if op.get("operationId"):
                raw["x-operation-id"] = str(op["operationId"])
            self.operations[op_id] = raw

    def _parameters(self, item: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = self.resolver.deref(raw) or {}
            if "name" in param and "in" in param:
                merged[(str(param["in"]), str(param["name"]))] = param
        return list(merged.values())

    def _request(self, params: list[dict[str, Any]], op: dict[str, Any], op_id: str,
                 renames: dict[str, str]) -> dict[str, Any]:
        parts: dict[str, dict[str, Any]] = {}
        for param in params:
            where, name = str(param["in"]), str(param["name"])
            if where == "cookie":
                self.notes.append(f"{op_id}: cookie parameter {name} is not validated (contracts have no cookie schema)")
                continue
            if where == "header" and name.lower() in _SKIPPED_HEADERS:
                continue
            name = name.lower() if where == "header" else renames.get(name, name) if where == "path" else name
            schema = self._param_schema(param, op_id)
            part = parts.setdefault(_PARTS[where], {"type": "object", "properties": {}})
            part["properties"][name] = schema
            if where == "path" or param.get("required"):
                part.setdefault("required", []).append(name)
        request: dict[str, Any] = dict(parts)
        body = self.resolver.deref(op.get("requestBody"))
        if isinstance(body, dict) and body.get("content"):
            media, content = pick_media(body["content"])
            base = (media or "").split(";")[0].strip().lower()
            if base == "application/x-www-form-urlencoded":
                request["body_format"] = "form"
            elif base.endswith("json"):
                request["body_format"] = "json"
            else:
                request["body_format"] = "any"
                self.notes.append(f"{op_id}: request body {media} is accepted as is (only JSON and forms are parsed)")
            request["content_types"] = list(body["content"])
            request["body"] = self.converter.convert(content.get("schema", {}))
            if not body.get("required"):
                self.notes.append(f"{op_id}: the request body is optional in the document; the contract's body "
                                  "schema applies when one is sent")
        else:
            request["body_format"] = "none"
        return request

    def _param_schema(self, param: dict[str, Any], op_id: str) -> dict[str, Any]:
        if "schema" in param:
            schema = self.converter.convert(param["schema"])
        else:
            _, content = pick_media(param.get("content"))
            schema = self.converter.convert(content.get("schema", {"type": "string"}))
        if not isinstance(schema, dict):
            return {"type": "string"}
        schema = dict(schema)
        if param.get("description") and "description" not in schema:
            schema["description"] = str(param["description"])
        if "example" in param and "examples" not in schema:
            schema["examples"] = [param["example"]]
        return schema

    def _response(self, op: dict[str, Any], op_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        responses = op.get("responses") or {}
        key = success_key(responses)
        if key is None:
            self.notes.append(f"{op_id}: no 2xx response is documented; the contract answers 200 without a schema")
            return {"status": 200}, []
        raw = self.resolver.deref(responses[key]) or {}
        status = 200 if key.upper() == "2XX" else int(key)
        response: dict[str, Any] = {"status": status}
        media, content = pick_media(raw.get("content"))
        if media:
            response["content_type"] = media
            response["body"] = self.converter.convert(content.get("schema", {}))
        headers = {}
        for name, header in (raw.get("headers") or {}).items():
            if name.lower() == "content-type":
                continue
            header = self.resolver.deref(header) or {}
            headers[name] = self.converter.convert(header.get("schema", {"type": "string"}))
        if headers:
            response["headers"] = headers
        examples = [{"name": f"{key} {name}", "response": {"status": status, "body": value}}
                    for name, value in media_examples(content, self.resolver, self.notes, f"{op_id} {key}")]
        return response, examples

    def _request_example(self, params: list[dict[str, Any]], op: dict[str, Any],
                         renames: dict[str, str]) -> dict[str, Any] | None:
        request: dict[str, Any] = {}
        for param in params:
            if "example" not in param or param.get("in") == "cookie":
                continue
            where, name = str(param["in"]), str(param["name"])
            if where == "header":
                if name.lower() in _SKIPPED_HEADERS:
                    continue
                name = name.lower()
            request.setdefault(_PARTS[where], {})[renames.get(name, name)] = param["example"]
        body = self.resolver.deref(op.get("requestBody"))
        if isinstance(body, dict):
            _, content = pick_media(body.get("content"))
            found = media_examples(content, self.resolver, self.notes, "request body")
            if found:
                request["body"] = found[0][1]
        return {"name": "request example", "request": request} if request else None

    # -- servers and deployments -----------------------------------------------------------

    def _servers(self, item: dict[str, Any], op: dict[str, Any]) -> list[tuple[str, str]]:
        """``(deployment base URL, prefix of the operation paths)`` of each server."""
        servers = op.get("servers") or item.get("servers") or self.document.get("servers") or [{"url": "/"}]
        out = []
        for server in servers:
            if not isinstance(server, dict):
                continue
            url = self._server_url(server)
            # apisim's own export: paths in full, served on loopback, the document's URL kept beside it
            original = server.get("x-original-base-url")
            out.append((str(original).rstrip("/"), urlsplit(url).path.rstrip("/")) if isinstance(original, str)
                       and re.match(r"^https?://", original) else (url, urlsplit(url).path.rstrip("/")))
        return out

    def _server_url(self, server: dict[str, Any]) -> str:
        url = str(server.get("url") or "/")
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str((variable or {}).get("default", name)))
        if not re.match(r"^https?://", url):
            fixed = "http://localhost" + ("" if url.startswith("/") else "/") + url
            note = f"server {url!r} has no scheme and host; its deployment's base_url is {fixed}"
            if note not in self.notes:
                self.notes.append(note)
            url = fixed
        return url.rstrip("/")

    def _deployment(self, url: str) -> str:
        if url not in self.deployments:
            servers = self.document.get("servers") or []
            described = next((s.get("x-apisim-deployment") or s.get("description") for s in servers
                              if isinstance(s, dict) and str(s.get("x-original-base-url") or s.get("url", "")).rstrip("/")
                              == url and (s.get("description") or s.get("x-apisim-deployment"))), None)
            name = slug(str(described or urlsplit(url).hostname or "default"), "default")
            self.deployments[url] = unique(name, set(self.deployments.values()), "-")
            if len(self.deployments) == 11:
                self.notes.append("more than 10 servers: deployment ports of this contract run into the next "
                                  "port block; pass --port-block with room, or drop servers")
        return self.deployments[url]

    def _common_auth(self) -> dict[str, Any] | None:
        """Without a document-wide ``security``, the binding most operations name becomes the default
        (apisim's own export names it on each operation): a round trip keeps the contract's shape."""
        bound = [op["auth"] for op in self.operations.values() if op.get("auth")]
        if not bound:
            return None
        common = max(bound, key=bound.count)
        for op in self.operations.values():
            if op.get("auth") == common:
                del op["auth"]
            else:
                op.setdefault("auth", None)  # open, as the document says, under a default that is not
        return common

    # -- codes apisim needs: validation and auth failures ----------------------------------

    def _bind_error_codes(self) -> None:
        invalid = self.catalogue.first(400, 422) or self.catalogue.synthesize(
            "400", 400, "a request breaks its schema (the document describes no 400 or 422 response)")
        self.validation_errors = {kind: invalid for kind in _VALIDATION_KINDS}
        self.validation_errors["content_type"] = self.catalogue.first(415) or invalid
        self.validation_errors["too_large"] = self.catalogue.first(413) or invalid
        if not self.bindings:
            return
        unauthorized = self.catalogue.first(401) or self.catalogue.synthesize(
            "401", 401, "no API key, or one no credential holds (the document describes no 401 response)")
        errors = {"missing": unauthorized, "malformed": unauthorized, "unknown_key": unauthorized}
        if (forbidden := self.catalogue.first(403)) is not None:
            errors["forbidden"] = forbidden
        for binding in self.bindings:
            binding["errors"] = errors
        for op in self.operations.values():
            if op.get("auth"):
                op["auth"]["errors"] = errors


def _safe_path(path: str) -> tuple[str, dict[str, str]]:
    """The path with parameter names apisim can match (``{pet-id}`` -> ``{pet_id}``) and the renames made."""
    renames: dict[str, str] = {}

    def fix(match: re.Match[str]) -> str:
        name = match.group(1)
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            return match.group(0)
        renames[name] = re.sub(r"\W", "_", name) if not name[:1].isdigit() else "p_" + re.sub(r"\W", "_", name)
        return "{" + renames[name] + "}"

    return _PATH_PARAM.sub(fix, path), renames


def demo_key(service: str) -> str:
    """The demo credential's key: stable for a service name, never a real secret."""
    return "apisim-demo-" + hashlib.sha256(service.encode("utf-8")).hexdigest()[:24]


__all__ = ["Imported", "OpenApiImporter", "demo_key", "import_openapi"]
