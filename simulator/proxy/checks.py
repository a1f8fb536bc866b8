"""A proxied exchange against the contract: every way the request or the answer departs from it,
each with its JSON path, what the contract expects and what was sent.

The answer must be the operation's documented success (status, media type, named headers, body
schema) or one of its documented errors in the service's envelope (recognised as ``apisim verify``
recognises them, :class:`~simulator.verify.shapes.ErrorShapes`).
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema.exceptions import ValidationError

from simulator.contracts import Contract, Deployment, Operation
from simulator.core import SimRequest
from simulator.pipeline.validate import as_typed, json_path
from simulator.verify.checks import success_problems
from simulator.verify.outgoing import Received
from simulator.verify.shapes import ErrorShapes

MAX_PER_PART = 10  # violations listed per part: a body wrong everywhere need not fill the journal
Violation = dict[str, Any]


def request_violations(op: Operation, request: SimRequest, path_params: dict[str, str]) -> list[Violation]:
    """How the request departs from the operation's request schemas (empty: it does not)."""
    found: list[Violation] = []
    allowed = op.request.get("content_types")
    if allowed and request.content_type not in allowed:
        found.append(_violation("request", "$.headers.content-type", " or ".join(allowed), request.content_type))
    fmt = op.request.get("body_format", "json" if "body" in op.request else "none")
    body: Any = None
    if fmt == "form":
        body = dict(request.form)
    elif fmt in ("json", "any") and request.body.strip():
        try:
            body = request.json()
        except (ValueError, RecursionError):
            if fmt == "json":
                found.append(_violation("request", "$.body", "a JSON document", _shown(request.body[:60])))
            body = dict(request.form) if fmt == "any" else None
    parts = {"body": body, "query": request.query_dict, "headers": request.headers.lower_items(),
             "path_params": path_params, "params": None}
    for part, validator in op.validators.items():
        received = parts.get(part)
        if part in op.text_types and isinstance(received, dict):
            received = as_typed(received, op.text_types[part])
        for error in _errors(validator, received):
            found.append(_schema_violation("request", json_path(part, error.absolute_path), error))
    return found


def response_violations(contract: Contract, op: Operation, dep: Deployment, shapes: ErrorShapes,
                        received: Received) -> tuple[list[Violation], str | None]:
    """How the answer departs from the contract, and the documented error it is (if it is one)."""
    problems = success_problems(contract, op, received)
    if not problems:
        return [], None
    codes = shapes.classify(op, dep, received)
    if codes:
        return [], codes[0]
    success = op.response.get("status", 200)
    if received.status != success:
        statuses = sorted({success, *(contract.errors[c].http_status for c in shapes.documented_codes(op))})
        found = [_violation("response", "HTTP status", f"one of {', '.join(map(str, statuses))} (the documented "
                            f"success {success}, or a documented error's)", received.status)]
        found += _closest_error(op, dep, shapes, received)
        return found, None
    found = []
    for problem in problems:
        if problem.json_path and problem.json_path.startswith("$.body") and op.response_validator is not None:
            continue  # listed one by one below
        found.append(_violation("response", problem.json_path or "$", problem.message, None))
    if op.response_validator is not None:
        try:
            body = received.json()
        except (ValueError, UnicodeDecodeError):
            body = _NOT_JSON
        if body is _NOT_JSON:
            found.append(_violation("response", "$.body", "a JSON document", _shown(received.body[:60])))
        else:
            found += [_schema_violation("response", json_path("body", e.absolute_path), e)
                      for e in _errors(op.response_validator, body)]
    return found, None


_NOT_JSON: Any = object()


def _closest_error(op: Operation, dep: Deployment, shapes: ErrorShapes, received: Received) -> list[Violation]:
    best: tuple[int, str, list[str]] | None = None
    for code in shapes.documented_codes(op):
        shape = shapes.shape(op, dep, code)
        if shape is None or shape.status != received.status:
            continue
        mismatches = shape.mismatches(received)
        if best is None or len(mismatches) < best[0]:
            best = (len(mismatches), code, mismatches)
    if best is None:
        return []
    return [_violation("response", text.split(": expected ")[0], f"documented error {best[1]}: "
                       + text.split(": expected ", 1)[-1].split(", got ")[0], text.rpartition(", got ")[2])
            for text in best[2] if ": expected " in text]


def _errors(validator: Any, value: Any) -> list[ValidationError]:
    errors = []
    for error in validator.iter_errors(value):
        errors.append(error)
        if len(errors) >= MAX_PER_PART:
            break
    return errors


def _schema_violation(side: str, path: str, error: ValidationError) -> Violation:
    expected = f"{error.validator}: {json.dumps(error.validator_value, ensure_ascii=False, default=str)}"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return _violation(side, f"{path}.{missing}", "present (required)", None)
    if error.validator in ("$ref", "allOf", "anyOf", "oneOf"):
        expected = error.message
    return _violation(side, path, expected[:200], json.dumps(error.instance, ensure_ascii=False, default=str))


def _violation(side: str, path: str, expected: str, got: Any) -> Violation:
    return {"side": side, "path": path, "expected": expected, "got": _shown(got)}


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


__all__ = ["request_violations", "response_violations"]
