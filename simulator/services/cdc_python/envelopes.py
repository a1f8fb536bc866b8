"""CDC-Python's answer shapes (the request envelope is checked in :mod:`.params`, before matching).

Every answer is HTTP 200 with ``{id, status, message, data}``: ``id`` echoes
the request's, ``status`` is 0, a global status (< 0) or the operation's local
status (> 0), as the contract's ``x-status`` says. Recommend answers
NetEase-Yanxuan style (``code``) on top of that (see the contract's errata).
"""

from __future__ import annotations

from typing import Any

from simulator.contracts import ErrorEntry
from simulator.core import SimRequest, SimResponse
from simulator.pipeline.context import Context

SUCCESS_MESSAGE = "Successful"
NO_ID = -1  # answered when the request carried no usable id, as the document's examples do


def request_id(request: SimRequest) -> int:
    """The request's ``id`` to echo; -1 when there is none (or it is not an integer)."""
    try:
        body = request.json()
    except (ValueError, RecursionError):
        return NO_ID
    value = body.get("id") if isinstance(body, dict) else None
    if isinstance(value, bool):
        return NO_ID
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return NO_ID


def status_of(ctx: Context, entry: ErrorEntry) -> int:
    return int(ctx.contract.raw["errors"][entry.code]["x-status"])


class CdcEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:
        data = body.get("data", {}) if isinstance(body, dict) else {}
        return SimResponse.json(200, {"id": request_id(ctx.request), "status": 0,
                                      "message": SUCCESS_MESSAGE, "data": data})

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        return SimResponse.json(entry.http_status, {"id": request_id(ctx.request), "status": status_of(ctx, entry),
                                                    "message": message, "data": {}})


class YanxuanEnvelope:
    """Recommend: Yanxuan's ``code`` next to the common fields, so either reading of the document works."""

    def success(self, ctx: Context, body: Any) -> SimResponse:
        data = body.get("data", {}) if isinstance(body, dict) else {}
        return SimResponse.json(200, {"id": request_id(ctx.request), "status": 0, "message": SUCCESS_MESSAGE,
                                      "code": "200", "data": data})

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        status = status_of(ctx, entry)
        return SimResponse.json(entry.http_status, {"id": request_id(ctx.request), "status": status,
                                                    "code": status, "message": message, "data": {}})
