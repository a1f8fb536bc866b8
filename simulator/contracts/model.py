"""Compiled, read-only views of a contract: built once at start-up, shared by every request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from simulator.contracts.fastcheck import SchemaValidator
from simulator.contracts.refs import deref

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class ErrorEntry:
    code: str
    http_status: int
    message: str
    when: str
    trigger: str = "natural"
    envelope: str | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


# apisim's own limits where a contract states none (docs/limits.md)
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_JSON_DEPTH = 100
DEFAULT_MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Limits:
    """What the service accepts (the contract's ``limits``), with apisim's defaults filled in."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    too_large: str | None = None  # catalogue code; None: a front web server's bare 413
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    image: dict[str, Any] = field(default_factory=lambda: {"max_pixels": DEFAULT_MAX_PIXELS})

    @classmethod
    def of(cls, raw: dict[str, Any]) -> "Limits":
        image = {k: v for k, v in raw.get("image", {}).items() if not k.startswith("x-")}
        image.setdefault("max_pixels", DEFAULT_MAX_PIXELS)
        return cls(max_body_bytes=raw.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES), too_large=raw.get("too_large"),
                   max_json_depth=raw.get("max_json_depth", DEFAULT_MAX_JSON_DEPTH), image=image)

    def image_checks(self, encoded: bool = True) -> dict[str, Any]:
        """Keyword arguments of ``decode_image`` (``encoded``) or ``inspect_image`` (bytes as they are)."""
        return self.image if encoded else {k: v for k, v in self.image.items() if k != "max_encoded_bytes"}


@dataclass(frozen=True)
class Deployment:
    service: str
    name: str
    base_url: str
    index: int
    auth: Any = None
    envelope: str | None = None
    not_found_error: str | None = None
    has_auth: bool = False
    has_envelope: bool = False
    throttling_error: str | None = None  # the deployment's own rate-limit code, else the contract's

    @property
    def original_host(self) -> str:
        return urlsplit(self.base_url).netloc.lower()

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path.rstrip("/")


class Operation:
    """One documented operation, with its validators compiled."""

    def __init__(self, contract: "Contract", op_id: str, raw: dict[str, Any]):
        self.contract = contract
        self.id = op_id
        self.raw = raw
        self.summary: str = raw["summary"]
        self.method: str = raw["method"]
        self.methods: tuple[str, ...] = (self.method, *raw.get("also_methods", ()))
        self.path: str = raw["path"]
        self.deployments: list[str] = raw.get("deployments") or [d.name for d in contract.deployments]
        self.match: dict[str, Any] = raw.get("match", {})
        self.writes: bool = raw.get("writes", False)
        self.request: dict[str, Any] = raw.get("request", {})
        self.response: dict[str, Any] = raw["response"]
        self.errors: list[str] = raw.get("errors", [])
        self.validation_errors: dict[str, str] = {**contract.validation_errors, **raw.get("validation_errors", {})}
        self.examples: list[dict[str, Any]] = raw.get("examples", [])
        self.path_regex, self.path_params = compile_path(self.path, raw.get("also_paths", ()))
        self.validators = {
            part: contract.validator(self.request[part])
            for part in ("path_params", "query", "headers", "body", "params")
            if part in self.request
        }
        self.response_validator = contract.validator(self.response["body"]) if "body" in self.response else None
        self.text_types = text_types(contract, self.request)
        # Literal paths beat templates, and more match keys beat fewer, when several operations fit.
        self.specificity = (len(self.match), -len(self.path_params), len(self.path))

    def binding(self, deployment: Deployment, key: str) -> Any:
        """Operation > deployment > contract defaults, for ``auth`` and ``envelope``."""
        if key in self.raw:
            return self.raw[key]
        if key == "auth" and deployment.has_auth:
            return deployment.auth
        if key == "envelope" and deployment.has_envelope:
            return deployment.envelope
        return self.contract.defaults.get(key)

    def documented_codes(self) -> list[str]:
        """Every code this operation can answer: its own, its auth's, the validation ones and the
        internal error, in contract order, once each. ``X-Apisim-Code`` accepts exactly these, and
        coverage counts against them."""
        codes = list(self.errors)
        for dep_name in self.deployments:
            auth = self.binding(self.contract.deployment(dep_name), "auth") or {}
            codes += list((auth.get("errors") or {}).values())
        codes += list(self.validation_errors.values())
        if self.contract.internal_error:
            codes.append(self.contract.internal_error)
        return list(dict.fromkeys(codes))

    def __repr__(self) -> str:
        return f"<Operation {self.contract.service}.{self.id} {self.method} {self.path}>"


_TEXT_PARTS = ("path_params", "query", "headers")
_SCALARS = ("integer", "number", "boolean")


def text_types(contract: "Contract", request: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Path, query and header parameters arrive as text; those the schema types as a number or a
    boolean (as OpenAPI's do), by part and name, so validation reads ``"5"`` as the 5 it stands for."""
    found: dict[str, dict[str, str]] = {}
    for part in _TEXT_PARTS:
        schema = contract.deref(request.get(part))
        for name, field in ((schema or {}).get("properties") or {}).items() if isinstance(schema, dict) else ():
            field = contract.deref(field)
            kinds = field.get("type") if isinstance(field, dict) else None
            kinds = kinds if isinstance(kinds, list) else [kinds]
            kind = next((k for k in kinds if k in _SCALARS), None)
            if kind is not None and "string" not in kinds:
                found.setdefault(part, {})[name.lower() if part == "headers" else name] = kind
    return found


def compile_path(template: str, also: Any = ()) -> tuple[re.Pattern[str], list[str]]:
    """The regular expression of a path template; ``also``: literal spellings served as well."""
    regex, names = _compile_one(template)
    if not also:
        return regex, names
    others = [_compile_one(path)[0].pattern for path in also]
    return re.compile("|".join(f"(?:{p})" for p in [regex.pattern, *others])), names


def _compile_one(template: str) -> tuple[re.Pattern[str], list[str]]:
    names = _PARAM.findall(template)
    pattern = ""
    pos = 0
    for m in _PARAM.finditer(template):
        pattern += re.escape(template[pos:m.start()]) + f"(?P<{m.group(1)}>[^/]+)"
        pos = m.end()
    pattern += re.escape(template[pos:])
    # Trailing slashes are forgiven both ways, as most gateways do.
    pattern = pattern.rstrip("/") + "/?"
    return re.compile(pattern + r"\Z"), names


class Contract:
    def __init__(self, raw: dict[str, Any], file: str, format_checker: Any):
        self.raw = raw
        self.file = file
        self.service: str = raw["service"]
        self.title: str = raw["title"]
        self.source: str = raw["source"]
        self.port_block: int = raw.get("port_block", 0)
        self.defaults: dict[str, Any] = raw.get("defaults", {})
        self.defs: dict[str, Any] = raw.get("$defs", {})
        self.credentials: list[dict[str, Any]] = raw.get("credentials", [])
        self.validation_errors: dict[str, str] = raw.get("validation_errors", {})
        self.internal_error: str | None = raw.get("internal_error")
        self.forced_code_header: str = raw.get("forced_code_header", "X-Apisim-Code")
        self.throttling_error: str | None = raw.get("throttling_error")
        self.limits = Limits.of(raw.get("limits", {}))
        self._format_checker = format_checker
        self.deployments = [
            Deployment(
                service=self.service, name=d["name"], base_url=d["base_url"], index=i,
                auth=d.get("auth"), envelope=d.get("envelope"), not_found_error=d.get("not_found_error"),
                has_auth="auth" in d, has_envelope="envelope" in d,
                throttling_error=d.get("throttling_error") or self.throttling_error,
            )
            for i, d in enumerate(raw["deployments"])
        ]
        self.errors = {
            code: ErrorEntry(code=code, http_status=e["http_status"], message=e["message"], when=e["when"],
                             trigger=e.get("trigger", "natural"), envelope=e.get("envelope"),
                             body=e.get("body"), headers=e.get("headers", {}))
            for code, e in raw["errors"].items()
        }
        self.operations = {op_id: Operation(self, op_id, op) for op_id, op in raw["operations"].items()}

    def validator(self, schema: Any) -> SchemaValidator:
        root = {"$defs": self.defs, **schema} if isinstance(schema, dict) else schema
        return SchemaValidator(Draft202012Validator(root, format_checker=self._format_checker), schema,
                               self.defs, self._format_checker)

    def port_of(self, deployment: Deployment, port_base: int) -> int:
        """The local port a deployment listens on: ``port_base + 10 * port_block + its index``, so
        ports stay where they are as services are added."""
        return port_base + 10 * self.port_block + deployment.index

    def deref(self, schema: Any) -> Any:
        """``schema`` with its ``$ref`` into this contract's ``$defs`` followed (see :func:`deref`)."""
        return deref(schema, self.defs)

    def deployment(self, name: str | None = None) -> Deployment:
        if name is None:
            return self.deployments[0]
        for d in self.deployments:
            if d.name == name:
                return d
        known = ", ".join(d.name for d in self.deployments)
        raise KeyError(f"{self.service} has no deployment {name!r}; known: {known}")

    def operations_for(self, deployment: Deployment) -> list[Operation]:
        return [op for op in self.operations.values() if deployment.name in op.deployments]

    def __repr__(self) -> str:
        return f"<Contract {self.service} ({len(self.operations)} operations)>"
