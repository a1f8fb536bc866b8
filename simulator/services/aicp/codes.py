"""Small helpers shared by the handlers: success bodies and the catalogue's message templates."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError
from simulator.pipeline.context import Context


def ok(data: Any, message: str | None = None) -> dict[str, Any]:
    """A flag-envelope success: ``data`` (and ``message`` where the document shows a specific one).

    Only ``data``/``message`` are set here; flag and resultCode come from the response schema.
    """
    body: dict[str, Any] = {"data": data}
    if message is not None:
        body["message"] = message
    return body


def fail(ctx: Context, code: str, detail: str | None = None, **values: Any) -> ServiceError:
    """The catalogue entry ``code``, its ``x-message-template`` filled with ``values`` when it has one."""
    template = ctx.contract.raw["errors"][code].get("x-message-template")
    message = template.format(**values) if template and values else None
    return ServiceError(code, message, detail=detail)


def text(value: Any) -> str:
    """A request field as the Java controller sees it once bound to a String."""
    return "" if value is None else str(value)
