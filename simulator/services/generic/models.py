"""What the generic service knows of a contract, worked out once at start: the fields whose text is
JSON (``contentMediaType: application/json`` with a ``contentSchema``), each operation's success
example, and each error's example.

JSON Schema only annotates ``contentSchema``; a vendor that sends a JSON string inside a form field
(Aliyun's ``ServiceParameters``) checks its content all the same, so the generic service decodes
such a field, shows it decoded in the request's parameters (``params``, what ``match`` and fault
``where`` filters read) and checks it against its ``contentSchema``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable

from simulator.contracts import Contract, Operation
from simulator.contracts.fastcheck import SchemaValidator
from simulator.core import SimRequest
from simulator.core.http import loads as load_json
from simulator.pipeline.validate import describe, failure_kind, validation_error

JSON_MEDIA_TYPES = ("application/json",)
PARTS = ("body", "query")  # where a JSON-string field may sit (a form body, the query string)


@dataclass(frozen=True)
class EmbeddedJson:
    """A top-level field of ``part`` whose text is a JSON document described by ``validator``."""

    part: str
    name: str
    validator: SchemaValidator


def embedded_json(contract: Contract, operation: Operation) -> list[EmbeddedJson]:
    """The JSON-string fields of ``operation``'s request, each with its compiled content schema."""
    found = []
    for part in PARTS:
        schema = contract.deref(operation.request.get(part))
        if not isinstance(schema, dict):
            continue
        for name, field in (schema.get("properties") or {}).items():
            field = contract.deref(field)
            if isinstance(field, dict) and field.get("contentMediaType") in JSON_MEDIA_TYPES \
                    and isinstance(field.get("contentSchema"), (dict, bool)):
                found.append(EmbeddedJson(part, name, contract.validator(field["contentSchema"])))
    return found


def check_embedded(operation: Operation, fields: list[EmbeddedJson], parts: dict[str, Any]) -> dict[str, Any]:
    """The decoded content of each JSON-string field present in ``parts``; content that is not JSON or
    breaks its ``contentSchema`` is the operation's validation error, naming the JSON path."""
    decoded: dict[str, Any] = {}
    for field in fields:
        container = parts.get(field.part)
        if not isinstance(container, dict) or not isinstance(container.get(field.name), str):
            continue
        where = f"{field.part}.{field.name}"
        try:
            value = load_json(container[field.name])
        except (ValueError, RecursionError):
            raise validation_error(operation, "malformed_body", f"$.{where}: not a JSON document") from None
        error = field.validator.first_error(value)
        if error is not None:
            raise validation_error(operation, failure_kind(error), describe(where, error))
        decoded[field.name] = value
    return decoded


def params_parser(contract: Contract) -> Callable[[SimRequest], dict[str, Any]] | None:
    """The request's parameters as the service reads them (query, then form fields), JSON-string
    fields decoded; ``None`` (no parameter view at all) for a contract without such fields."""
    names = {field.name for op in contract.operations.values() for field in embedded_json(contract, op)}
    if not names:
        return None

    def parse_params(request: SimRequest) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_dict)
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(request.form)
        for name in names & set(params):
            try:
                params[name] = load_json(params[name])
            except (ValueError, RecursionError):
                pass  # left as text: validation names the field
        return params

    return parse_params


def success_example(contract: Contract, operation: Operation) -> Any:
    """The first example of a successful answer that satisfies the response schema, else ``None``."""
    for example in operation.examples:
        response = example.get("response") or {}
        if "body" not in response or response.get("error") or \
                response.get("status", operation.response.get("status", 200)) >= 400:
            continue
        body = response["body"]
        if operation.response_validator is None or operation.response_validator.first_error(body) is None:
            return body
    return None


def error_examples(contract: Contract) -> dict[str, Any]:
    """Each code's first documented example body (from any operation), when it fits the code's schema."""
    found: dict[str, Any] = {}
    for operation in contract.operations.values():
        for example in operation.examples:
            response = example.get("response") or {}
            code = response.get("error")
            if code in contract.errors and code not in found and "body" in response:
                found[code] = response["body"]
    return found


def fresh(value: Any) -> Any:
    """A copy a handler or envelope may change (examples are the contract's, shared by every request)."""
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


__all__ = ["EmbeddedJson", "check_embedded", "embedded_json", "error_examples", "fresh", "params_parser",
           "success_example"]
