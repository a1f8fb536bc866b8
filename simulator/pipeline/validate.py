"""Stage 3, validate: the request against the operation's schemas.

A failure becomes the service's own documented error (the contract's
``validation_errors`` says which code for which kind of failure), with a
message naming the JSON path, never a generic 422.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema.exceptions import ValidationError

from simulator.core import ServiceError, SimRequest
from simulator.contracts import Contract, Operation
from simulator.pipeline.exchange import VALIDATION

_KIND_BY_KEYWORD = {
    "required": "missing",
    "type": "type",
    "additionalProperties": "unexpected",
    "unevaluatedProperties": "unexpected",
}


def parse_body(request: SimRequest, operation: Operation, contract: Contract) -> Any:
    """The body as the operation expects it; a body that cannot be parsed is the service's own error."""
    spec = operation.request
    fmt = spec.get("body_format", "json" if "body" in spec else "none")
    limit = spec.get("max_body_bytes")
    if limit is not None and len(request.body) > limit:
        raise validation_error(operation, "too_large", f"the request body is {len(request.body)} bytes; the limit is {limit}")
    allowed = spec.get("content_types")
    if allowed and request.content_type not in allowed:
        raise validation_error(operation, "content_type",
                               f"Content-Type {request.content_type or '(none)'!r} is not accepted; use {' or '.join(allowed)}")
    if fmt == "none":
        return None
    if fmt == "form":
        return dict(request.form)
    if fmt == "any":
        try:
            return request.json()
        except ValueError:
            return dict(request.form) or None
    if not request.body.strip():
        if "body" in spec:
            raise validation_error(operation, "empty_body", "the request body is empty; a JSON object is expected")
        return None
    try:
        return request.json()
    except (ValueError, RecursionError) as exc:
        raise validation_error(operation, "malformed_body", f"the request body is not valid JSON: {exc}") from None


def validate_request(operation: Operation, contract: Contract, parts: dict[str, Any]) -> None:
    """``parts`` maps ``body``/``query``/``headers``/``params``/``path_params`` to what was received."""
    for part, validator in operation.validators.items():
        received = parts.get(part)
        if part in operation.text_types and isinstance(received, dict):
            received = as_typed(received, operation.text_types[part])
        try:
            error = validator.first_error(received)
        except RecursionError:
            raise validation_error(operation, "invalid", f"{part}: nested too deeply") from None
        if error is not None:
            raise validation_error(operation, failure_kind(error), describe(part, error))


def as_typed(received: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """Text parameters read as the number or boolean the schema says they are; text that is not one
    stays text, so validation names it."""
    out = dict(received)
    for name, kind in types.items():
        text = out.get(name)
        if isinstance(text, str):
            out[name] = _typed_text(text, kind)
    return out


def _typed_text(text: str, kind: str) -> Any:
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    try:
        number = float(text) if kind == "number" or "." in text or "e" in text.lower() else int(text)
    except ValueError:
        return text
    if isinstance(number, float) and kind == "integer" and number.is_integer():
        return int(number)
    return number if number == number and abs(number) != float("inf") else text


_FALLBACK = {"empty_body": "malformed_body"}


def failure_kind(error: ValidationError) -> str:
    """The kind of a schema failure (the contracts' convention, contracts/README.md "validation_errors"):
    the JSON Schema keyword that failed decides it; any other keyword is ``invalid``."""
    return _KIND_BY_KEYWORD.get(str(error.validator), "invalid")


def describe(part: str, error: ValidationError) -> str:
    path = json_path(part, error.absolute_path)
    if error.validator == "required":
        return f"{path}: {error.message}"
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        return f"{path}: {error.message}"
    shown = json.dumps(error.instance, ensure_ascii=False, default=str)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{path}: {shown} {error.message.split(' is ', 1)[-1] if ' is ' in error.message else error.message}"


def json_path(part: str, parts: Any) -> str:
    path = f"$.{part}"
    for p in parts:
        path += f"[{p}]" if isinstance(p, int) else f".{p}"
    return path


def validation_error(operation: Operation, kind: str, message: str) -> ServiceError:
    codes = operation.validation_errors
    # Some gateways name an empty body apart (Aliyun's "Empty Request Body"); others call it malformed.
    code = codes.get(kind) or codes.get(_FALLBACK.get(kind, "invalid")) or codes.get("invalid")
    if code is None:
        raise LookupError(f"{operation.contract.service}.{operation.id}: no validation_errors.invalid code")
    return ServiceError(code, detail=message, data={"validation_kind": kind}, stage=VALIDATION)
