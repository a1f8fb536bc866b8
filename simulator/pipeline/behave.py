"""Stage 4, behave: the operation's handler, a function of (request, state, face model).

An operation without a handler is answered from its response schema alone.
"""

from __future__ import annotations

from typing import Any

from simulator.pipeline.context import Context
from simulator.pipeline.service import ServiceDefinition


def behave(ctx: Context, service: ServiceDefinition) -> Any:
    handler = service.handlers.get(ctx.operation.id)
    return handler(ctx) if handler is not None else None
