"""The generic service's answers: the contract's own success body and media type, and each error's
body as the contract documents it.

An error's body is, first found: the catalogue's fixed ``body``; an example of that code in the
contract (an OpenAPI response example); its ``x-schema`` filled in, with the code in the schema's code
field (``code``, ``error_code``, ``errno``...) and the message in its message field; else
``{"code", "message"}``. Its fake parts are seeded by the service and code alone, so one error looks
the same on every request and every seed: what ``apisim verify`` and the OpenAPI export learn of it
holds for any answer.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.contracts import Contract, ErrorEntry
from simulator.contracts.fastcheck import SchemaValidator
from simulator.core import SimResponse
from simulator.fake import request_seed
from simulator.pipeline.context import Context
from simulator.services.generic.models import error_examples, fresh

CODE_FIELDS = ("code", "error_code", "errorCode", "errcode", "err_code", "errno", "Code", "ErrorCode", "status")
MESSAGE_FIELDS = ("message", "msg", "error_msg", "errmsg", "errorMessage", "error_message", "Message", "detail",
                  "title", "error_description")
JSON = "application/json"


def envelope_names(contract: Contract) -> set[str]:
    """Every envelope name the contract binds (the generic envelope answers for each)."""
    names = {contract.defaults.get("envelope"), *(d.envelope for d in contract.deployments),
             *(op.raw.get("envelope") for op in contract.operations.values()),
             *(e.envelope for e in contract.errors.values())}
    return {name for name in names if isinstance(name, str)}


class GenericEnvelope:
    def __init__(self, contract: Contract):
        self.contract = contract
        self.examples = error_examples(contract)
        self._validators: dict[str, SchemaValidator] = {}

    def success(self, ctx: Context, body: Any) -> SimResponse:
        assert ctx.operation is not None
        response = ctx.operation.response
        media = response.get("content_type", JSON)
        out = _encoded(response.get("status", 200), media, body)
        for name, schema in (response.get("headers") or {}).items():
            value = ctx.runtime.fake.generate(schema, ctx.seed, ctx.contract.defs)
            if value is not None:
                out.set_header(name, value if isinstance(value, str) else json.dumps(value))
        return out

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        raw = self.contract.raw["errors"].get(entry.code, {})
        media = raw.get("x-content-type", JSON)
        if entry.body is not None:
            body = fresh(entry.body)
        elif entry.code in self.examples:
            body = fresh(self.examples[entry.code])
        elif "x-schema" in raw:
            body = self._from_schema(ctx, entry, message, raw["x-schema"])
        else:
            body = {"code": entry.code, "message": message}
        return _encoded(entry.http_status, media, body)

    def _from_schema(self, ctx: Context, entry: ErrorEntry, message: str, schema: Any) -> Any:
        fake, defs = ctx.runtime.fake, self.contract.defs
        seed = request_seed(0, self.contract.service, entry.code)
        properties = _properties(self.contract, schema)
        known: dict[str, Any] = {}
        code_field = next((name for name in CODE_FIELDS if name in properties), None)
        if code_field is not None:
            known[code_field] = _typed(entry.code, entry.http_status, self.contract.deref(properties[code_field]))
        message_field = next((name for name in MESSAGE_FIELDS if name in properties), None)
        if message_field is not None:
            known[message_field] = message
        body = fake.complete(schema, known or None, seed, defs)
        if entry.code not in self._validators:
            self._validators[entry.code] = self.contract.validator(schema)
        if known and self._validators[entry.code].first_error(body) is not None:
            body = fake.generate(schema, seed, defs)  # the code or message does not fit the schema: its own values
        return body


def _properties(contract: Contract, schema: Any) -> dict[str, Any]:
    """An object schema's properties, through ``$ref`` and ``allOf``."""
    schema = contract.deref(schema)
    if not isinstance(schema, dict):
        return {}
    found = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        found.update({k: v for k, v in _properties(contract, part).items() if k not in found})
    return found


def _typed(code: str, status: int, schema: Any) -> Any:
    """The code as the code field's type wants it: text, or a number (the code's, else the status)."""
    kinds = schema.get("type") if isinstance(schema, dict) else None
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds or None in kinds:
        return code
    return int(code) if code.lstrip("-").isdigit() else status


def _encoded(status: int, media: str, body: Any) -> SimResponse:
    if media == JSON or media.endswith("+json"):
        out = SimResponse.json(status, body)
        if media != JSON:
            out.set_header("Content-Type", f"{media};charset=UTF-8")
        return out
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif body is None:
        data = b""
    else:  # structured data under a text media type (XML, plain text): its JSON text is the nearest
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return SimResponse(status, data, [("Content-Type", media)])


__all__ = ["GenericEnvelope", "envelope_names"]
