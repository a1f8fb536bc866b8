"""A contract's deployment as an OpenAPI 3.1 document.

- Schemas are the contract's (JSON Schema 2020-12 is OpenAPI 3.1's dialect):
  ``$defs`` become ``components/schemas`` and references are rewritten.
- Paths are the full paths clients send; the one server is the deployment's
  apisim loopback URL (the document's original base URL is kept as
  ``x-original-base-url`` only: nothing should be pointed at it).
- Operations that share a method and path (CDC-Python's ``type``/``subtype``
  in the body, SAF's ``ServiceParameters.method``) become one OpenAPI
  operation whose request body is a ``oneOf`` of the operations' schemas with
  a ``discriminator`` on the property that tells them apart, placed on the
  object that holds it.
- Responses: the success with its schema and named headers, and every
  documented error grouped by HTTP status. Error bodies are described from
  the service's own envelope (answers of a reference simulator, as ``apisim
  verify`` learns them): what the contract fixes is ``const``, the rest typed.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from simulator.auth import discover_schemes
from simulator.config import DEFAULT_HOST, DEFAULT_PORT_BASE, SimulatorConfig
from simulator.contracts import Contract, Deployment, Operation
from simulator.openapi.schemas import describe_value, error_schema, pinned, rewrite_refs, unique
from simulator.openapi.security import security_scheme
from simulator.contracts.refs import deref
from simulator.verify.generate import RequestMaker
from simulator.verify.outgoing import FORM, body_format, encode
from simulator.verify.shapes import ErrorShapes
from simulator.verify.signers import SigningEnv, choose, client_params, strip_all

OPENAPI_VERSION = "3.1.0"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The export must not depend on the clock: requests whose error shapes are learnt are signed as of this instant.
_SIGNED_AT = datetime(2030, 1, 1, tzinfo=timezone.utc)
_SKIPPED_HEADER_PARAMS = {"accept", "content-type", "authorization"}  # OpenAPI ignores these as parameters


def local_origin(contract: Contract, dep: Deployment, host: str = DEFAULT_HOST, port_base: int = DEFAULT_PORT_BASE) -> str:
    return f"http://{host}:{contract.port_of(dep, port_base)}"


def openapi_document(contract: Contract, deployment: str | None = None, *, server_url: str | None = None,
                     contracts_dir: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of one deployment of ``contract``."""
    return _Exporter(contract, contract.deployment(deployment), server_url, contracts_dir).document()


class _Exporter:
    def __init__(self, contract: Contract, dep: Deployment, server_url: str | None, contracts_dir: str | None):
        self.contract = contract
        self.dep = dep
        self.server_url = server_url or local_origin(contract, dep)
        self.schemes = discover_schemes()
        self.shapes = ErrorShapes(contract, contracts_dir, contract.credentials)
        self.env = SigningEnv(clock=lambda: _SIGNED_AT)
        self.components: dict[str, Any] = {name: rewrite_refs(schema) for name, schema in contract.defs.items()}
        self.used_schemes: dict[str, dict[str, Any] | None] = {}  # scheme -> the options of its first binding
        self._reference: Any = None  # a simulator answering what no catalogue entry shows (built when needed)

    def document(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        groups: dict[tuple[str, str], list[Operation]] = {}
        for op in self.contract.operations_for(self.dep):
            groups.setdefault((op.path, op.method), []).append(op)
        for (path, method), ops in groups.items():
            paths.setdefault(path, {})[method.lower()] = self.operation(ops)
        doc: dict[str, Any] = {
            "openapi": OPENAPI_VERSION,
            "jsonSchemaDialect": DIALECT,
            "info": {
                "title": f"{self.contract.title} ({self.dep.name})",
                "version": "apisim",
                "description": (f"{self.contract.service} deployment {self.dep.name}, from the apisim contract of "
                                f"{self.contract.source}. Served offline by apisim; the document's original base URL "
                                "is metadata only."),
                "x-apisim-service": self.contract.service,
            },
            "servers": [{"url": self.server_url, "description": "apisim on loopback",
                         "x-original-base-url": self.dep.base_url, "x-apisim-deployment": self.dep.name}],
            "paths": paths,
            "components": {"schemas": self.components},
        }
        if self.used_schemes:
            doc["components"]["securitySchemes"] = {
                name: security_scheme(name, self.schemes.get(name), self.used_schemes[name])
                for name in sorted(self.used_schemes)}
        return doc

    # -- one OpenAPI operation (one contract operation, or several multiplexed on one URL) ----

    def operation(self, ops: list[Operation]) -> dict[str, Any]:
        first = ops[0]
        out: dict[str, Any] = {
            "operationId": first.id if len(ops) == 1 else f"{first.method.lower()}_{_slug(first.path)}",
            "summary": first.summary if len(ops) == 1 else f"One of {len(ops)} operations, told apart by "
                                                            f"{', '.join(sorted({k for o in ops for k in o.match}))}",
        }
        if len(ops) > 1 or first.match:
            out["description"] = "\n".join(
                f"- `{op.id}` ({', '.join(f'{k} = {v!r}' for k, v in op.match.items())}): {op.summary}" for op in ops)
        elif first.raw.get("description"):
            out["description"] = first.raw["description"]
        out["x-apisim-operations"] = [op.id for op in ops]
        parameters = self.parameters(ops)
        if parameters:
            out["parameters"] = parameters
        body = self.request_body(ops)
        if body:
            out["requestBody"] = body
        out["responses"] = self.responses(ops)
        out["security"] = self.security(first)
        out["x-apisim-errors"] = self.error_catalogue(ops)
        return out

    def parameters(self, ops: list[Operation]) -> list[dict[str, Any]]:
        params: dict[tuple[str, str], dict[str, Any]] = {}
        first = ops[0]
        path_schema = deref(first.request.get("path_params") or {}, self.contract.defs)
        for name in first.path_params:
            schema = (path_schema.get("properties") or {}).get(name, {"type": "string"})
            params[("path", name)] = {"name": name, "in": "path", "required": True, "schema": rewrite_refs(schema)}
        for where, part in (("query", "query"), ("header", "headers")):
            for op in ops:
                schema = deref(op.request.get(part) or {}, self.contract.defs)
                required = set(schema.get("required") or [])
                for name, sub in (schema.get("properties") or {}).items():
                    if where == "header" and name.lower() in _SKIPPED_HEADER_PARAMS:
                        continue
                    params.setdefault((where, name), {"name": name, "in": where, "required": name in required,
                                                      "schema": rewrite_refs(sub)})
        return list(params.values())

    def request_body(self, ops: list[Operation]) -> dict[str, Any] | None:
        first = ops[0]
        if "params" in first.request:
            part, media = "params", FORM
        elif "body" in first.request and body_format(first) != "none":
            part = "body"
            media = FORM if body_format(first) == "form" else (first.request.get("content_types") or ["application/json"])[0]
        else:
            return None
        schema = self._body_schema(ops, part)
        content: dict[str, Any] = {"schema": schema}
        if media == FORM:
            objects = [name for name, sub in (deref(first.request[part], self.contract.defs).get("properties") or {}).items()
                       if deref(sub, self.contract.defs).get("type") == "object" or "$ref" in sub]
            if objects:  # objects inside a form travel as JSON text (SAF's ServiceParameters)
                content["encoding"] = {name: {"contentType": "application/json"} for name in objects}
        return {"required": body_format(first) == "json" or part == "params", "content": {media: content}}

    def _body_schema(self, ops: list[Operation], part: str) -> dict[str, Any]:
        if len(ops) == 1 and not ops[0].match:
            return rewrite_refs(ops[0].request[part])
        keys = [k for k in dict.fromkeys(k for op in ops for k in op.match) if k.split(".")[0] == part]
        varying = [k for k in keys if len({json.dumps(op.match.get(k)) for op in ops}) > 1] or keys
        discriminator = varying[-1].split(".")[1:] if varying else []
        branches = []
        for op in ops:
            name = f"{op.id}.{part}"
            self.components[name] = pinned(op.request.get(part, {}), {tuple(k.split(".")[1:]): v
                                                                       for k, v in op.match.items()
                                                                       if k.split(".")[0] == part})
            branches.append(name)
        top: dict[str, Any] = {"oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in branches]}
        if len(discriminator) == 1:
            top["discriminator"] = {"propertyName": discriminator[0], "mapping": {
                str(op.match[varying[-1]]): f"#/components/schemas/{n}" for op, n in zip(ops, branches)}}
        elif len(discriminator) == 2:
            # The discriminator lives one object down (SAF: ServiceParameters.method): describe that object
            # as a oneOf of the operations' versions of it, discriminated there.
            holder, prop = discriminator
            inner = []
            for op, name in zip(ops, branches):
                sub = (deref(op.request.get(part, {}), self.contract.defs).get("properties") or {}).get(holder, {})
                inner_name = f"{name}.{holder}"
                self.components[inner_name] = pinned(sub, {(prop,): op.match[varying[-1]]})
                inner.append((op, inner_name))
            top = {"type": "object", "properties": {holder: {
                "oneOf": [{"$ref": f"#/components/schemas/{n}"} for _, n in inner],
                "discriminator": {"propertyName": prop, "mapping": {
                    str(op.match[varying[-1]]): f"#/components/schemas/{n}" for op, n in inner}},
            }}, **top}
        return top

    def responses(self, ops: list[Operation]) -> dict[str, Any]:
        """Every answer, by status and then by media type: a status may carry a success of one type
        and errors of another (AICP's getimage: a JPEG, or a JSON error, both 200)."""
        by_status: dict[int, dict[str, Any]] = {}

        def at(status: int) -> dict[str, Any]:
            return by_status.setdefault(status, {"descriptions": [], "media": {}, "headers": {}})

        for op in ops:
            entry = at(op.response.get("status", 200))
            entry["descriptions"].append(f"{op.id}: success")
            media = op.response.get("content_type", "application/json").split(";")[0].strip()
            schemas = entry["media"].setdefault(media, [])
            if "body" in op.response:
                schemas.append(rewrite_refs(op.response["body"]))
            elif not media.endswith("json"):
                schemas.append({})
            for name, schema in (op.response.get("headers") or {}).items():
                entry["headers"][name] = {"schema": rewrite_refs(schema)}
        for op in ops:
            self._prepare_shapes(op)
            for code in self.shapes.documented_codes(op):
                shape = self.shapes.shape(op, self.dep, code)
                status = shape.status if shape else self.contract.errors[code].http_status
                entry = at(status)
                entry["descriptions"].append(f"{code}: {self.contract.errors[code].message}")
                if shape is not None:
                    schema, media = error_schema(shape)
                    if schema is not None:
                        entry["media"].setdefault(media, []).append(schema)
        for status, schema, media, description in self.unmatched_answers(ops):
            entry = at(status)
            entry["descriptions"].append(description)
            entry["media"].setdefault(media, []).append(schema)
        for status, schema, media in self.limit_answers():
            entry = at(status)
            entry["descriptions"].append("the request body is over the service's limit (docs/limits.md)")
            entry["media"].setdefault(media, []).append(schema)
        out: dict[str, Any] = {}
        for status in sorted(by_status):
            entry = by_status[status]
            response: dict[str, Any] = {"description": "\n".join(dict.fromkeys(entry["descriptions"]))}
            if entry["headers"]:
                response["headers"] = entry["headers"]
            content = {}
            for media, found in entry["media"].items():
                schemas = unique(found)
                if schemas:
                    content[media] = {"schema": schemas[0] if len(schemas) == 1 else {"anyOf": schemas}}
            if any(media.endswith("json") for media in content):  # the service's own answers
                for media in self.contract.raw.get("response_media_types", []):  # e.g. SAF's XML without Format
                    content.setdefault(media, {"schema": {}})
            if content:
                response["content"] = content
            out[str(status)] = response
        return out

    def unmatched_answers(self, ops: list[Operation]) -> list[tuple[int, dict[str, Any], str, str]]:
        """What a request at a multiplexed path answers when no operation there fits it (CDC's
        recommend URL, an unknown ``subtype``): the deployment's not-found error, as served."""
        code = self.dep.not_found_error
        body_keys = [k for op in ops for k in op.match if k.startswith("body.") and k.count(".") == 1]
        if code is None or not body_keys:
            return []
        op = ops[0]
        body = {k.split(".", 1)[1]: v for k, v in op.match.items() if k.startswith("body.")}
        body[body_keys[-1].split(".", 1)[1]] = "apisim-no-such-operation"
        sample = self._reference_answer(op, body)
        if sample is None:
            return []
        try:
            payload = json.loads(sample.body)
        except ValueError:
            return []
        media = (sample.header("Content-Type") or "application/json").split(";")[0].strip().lower()
        schema = describe_value(payload, (), {("status",): payload.get("status")} if isinstance(payload, dict) else {})
        schema["x-apisim-code"] = code
        return [(sample.status, schema, media, f"{code}: no operation at this path fits the request")]

    def _reference_answer(self, op: Operation, body: dict[str, Any]) -> Any:
        """The answer of a reference simulator to ``body`` at ``op``'s path (matching comes before
        authentication: no credentials needed)."""
        from simulator.core import SimRequest
        from simulator.simulator import Simulator

        if self._reference is None:
            self._reference = Simulator(SimulatorConfig(services=[self.contract.service], clock=lambda: _SIGNED_AT),
                                        contracts={self.contract.service: self.contract})
        url = f"http://{self.dep.original_host}{op.path}"
        body.setdefault("id", 1)
        body.setdefault("data", {})
        return self._reference.handle(SimRequest.from_url(op.method, url, {"Content-Type": "application/json"},
                                                          json.dumps(body).encode()))

    def limit_answers(self) -> list[tuple[int, dict[str, Any], str]]:
        """A body past the limit with no code of its own: the front server's bare 413 (HTML)."""
        if self.contract.limits.too_large is not None:
            return []
        return [(413, {"type": "string"}, "text/html")]

    def _prepare_shapes(self, op: Operation) -> None:
        binding = op.binding(self.dep, "auth") or None
        schemes = list(binding["schemes"]) if binding else []
        signing = choose(schemes, self.contract.credentials, self.env, binding.get("options")) if binding else None
        maker = RequestMaker(self.contract, op, signing.credential if signing else None)
        draft = maker.baseline() or maker.fake(11)

        shared_host = sum(d.original_host == self.dep.original_host for d in self.contract.deployments) > 1

        def prepared(d: Any) -> Any:
            d = d.copy()
            for name, value in client_params(schemes).items():
                (d.params if d.params is not None else d.query)[name] = value
            request = strip_all(encode(d, op, self.dep.original_host), schemes, (binding or {}).get("options"))
            if shared_host and not request.path.startswith(self.dep.base_path or "/"):
                # Deployments sharing a host are told apart by base path; a path outside all of them
                # (AICP's /face/getimage) reaches this deployment by its loopback port, as clients send it.
                request.host = DEFAULT_HOST
                request.local_port = int(local_origin(self.contract, self.dep).rpartition(":")[2])
            return signing.sign(request) if signing else request

        self.shapes.prepare(op, self.dep, prepared(draft), prepared(maker.variant(draft)))

    def security(self, op: Operation) -> list[dict[str, list]]:
        binding = op.binding(self.dep, "auth") or None
        if not binding:
            return []
        for name in binding["schemes"]:
            self.used_schemes.setdefault(name, binding.get("options"))
        return [{name: []} for name in binding["schemes"]]

    def error_catalogue(self, ops: list[Operation]) -> list[dict[str, Any]]:
        codes = dict.fromkeys(code for op in ops for code in self.shapes.documented_codes(op))
        return [{"code": code, "http_status": self.contract.errors[code].http_status,
                 "message": self.contract.errors[code].message, "when": self.contract.errors[code].when}
                for code in codes]


def _slug(path: str) -> str:
    return "_".join(part for part in "".join(c if c.isalnum() else " " for c in path).split()) or "root"


__all__ = ["openapi_document", "local_origin"]
