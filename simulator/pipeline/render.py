"""Stage 5, render: the outcome in the service's own envelope.

Success bodies are what the handler returned, with every field the operation's
response schema names but the handler left out filled in with fake data: handlers
only set what they know and every documented field is still present.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.contracts import ErrorEntry
from simulator.core import ServiceError, SimResponse
from simulator.core.http import header_value
from simulator.pipeline.context import Context
from simulator.pipeline.service import Envelope, Reply

DETAIL_HEADER = "X-Apisim-Detail"  # why a request failed, for the developer; the body keeps the vendor wording


def envelope_for(ctx: Context, envelopes: dict[str, Envelope], name: str | None = None) -> Envelope:
    name = name or ctx.envelope_name
    if name is None and ctx.operation is not None:
        name = ctx.operation.binding(ctx.deployment, "envelope")
    if name is None:
        name = ctx.deployment.envelope or ctx.contract.defaults.get("envelope")
    if name not in envelopes:
        raise LookupError(f"{ctx.service}: no envelope {name!r}; the service defines {', '.join(envelopes)}")
    return envelopes[name]


def render_success(ctx: Context, envelopes: dict[str, Envelope], outcome: Any) -> SimResponse:
    reply = outcome if isinstance(outcome, Reply) else Reply(body=outcome)
    if reply.raw is not None:
        return reply.raw
    schema = ctx.operation.response.get("body")
    body = reply.body
    if schema is not None and (body is None or isinstance(body, dict)):
        # Dates, instants and card validity fall around the simulator clock, read only if a value needs it.
        body = ctx.runtime.fake.complete(schema, body, ctx.seed, ctx.contract.defs, now=ctx.clock)
    response = envelope_for(ctx, envelopes).success(ctx, body)
    response.status = reply.status or response.status or ctx.operation.response.get("status", 200)
    for name, value in reply.headers.items():
        response.set_header(name, value)
    return response


def render_error(ctx: Context, envelopes: dict[str, Envelope], error: ServiceError) -> SimResponse:
    entry: ErrorEntry = ctx.contract.errors[error.code]
    message = error.message or entry.message
    response = envelope_for(ctx, envelopes, entry.envelope).error(ctx, entry, message, error.data)
    for name, value in {**entry.headers, **error.headers}.items():
        response.set_header(name, value)
    if error.detail:  # often quotes the request (a key name, a path): escaped, and cut at 1 KiB
        response.set_header(DETAIL_HEADER, header_value(json.dumps(error.detail, ensure_ascii=True)[1:-1]))
    return response
