"""The three answer shapes of this document's hosts.

* ``gateway``: the Aliyun API gateway's own failures. The status says what
  went wrong, ``X-Ca-Error-Message`` says why (the document's OCR sample reads
  it), ``X-Ca-Request-Id`` names the request; the body is empty.
* ``market``: a market OCR result, the backend's flat JSON, passed through.
* ``dataplus``: the face service's flat JSON with ``errno``/``err_msg``/
  ``request_id``. The document's sample parses it with Python ``eval()``, so
  it must never hold the JSON literals ``true``, ``false`` or ``null``.
"""

from __future__ import annotations

import uuid
from typing import Any

from simulator.auth import dataplus
from simulator.contracts import ErrorEntry
from simulator.core import SimResponse
from simulator.core.clock import BEIJING
from simulator.core.http import header_value
from simulator.pipeline.context import Context

JSON_UTF8 = "application/json; charset=utf-8"


def gateway_request_id(ctx: Context) -> str:
    """``X-Ca-Request-Id``: an upper-case UUID, new for every request (replays included)."""
    return _uuid(ctx, "gateway").upper()


def market_request_id(ctx: Context) -> str:
    """The OCR backend's ``request_id``: its local (Beijing) time, then 32 hex digits."""
    stamp = ctx.clock().astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    return f"{stamp}_{_uuid(ctx, 'market').replace('-', '')}"


def dataplus_request_id(ctx: Context) -> str:
    return _uuid(ctx, "dataplus")


def _uuid(ctx: Context, purpose: str) -> str:
    # Each purpose draws its own value, cached so the header and body agree within one answer.
    cache = ctx.extra.setdefault("aliyun_market_ids", {})
    if purpose not in cache:
        cache[purpose] = str(uuid.UUID(int=ctx.request_bits(purpose), version=4))
    return cache[purpose]


def header_safe(text: str) -> str:
    """HTTP header values are Latin-1: anything else is shown escaped rather than lost; a line
    break is shown as ``#``, other control characters as spaces, and the text is cut at 1 KiB."""
    return header_value(text.replace("\n", "#"))


class GatewayEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:  # the gateway itself never succeeds
        return MarketEnvelope().success(ctx, body)

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if "%s" in message and entry.code == "Invalid Signature":
            # Forced with X-Apisim-Code: the catalogue's placeholder takes this request's real
            # StringToSign, as the natural refusal shows it (SDKs parse it out of the message).
            message = message.replace("%s", f"`{dataplus.server_string_to_sign(ctx.request)}`")
        return SimResponse(entry.http_status, b"", [
            ("Content-Type", JSON_UTF8),
            ("X-Ca-Request-Id", gateway_request_id(ctx)),
            ("X-Ca-Error-Message", header_safe(message)),
        ])


class MarketEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:
        body = {**body, "request_id": market_request_id(ctx)}
        response = SimResponse.json(ctx.operation.response.get("status", 200), body,
                                    [("X-Ca-Request-Id", gateway_request_id(ctx))])
        response.set_header("Content-Type", JSON_UTF8)
        return response

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        # Every market failure in the catalogue is the gateway's.
        return GatewayEnvelope().error(ctx, entry, message, data)


class DataplusEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:
        body = dict(body)
        body.pop("err_msg", None)  # the document's successful answers carry no err_msg
        body["errno"] = 0
        body["request_id"] = dataplus_request_id(ctx)
        return self._json(ctx, ctx.operation.response.get("status", 200), body)

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        shown = (entry.body or {}).get("err_msg", message) if isinstance(entry.body, dict) else message
        body = {"errno": int(entry.code), "err_msg": shown, "request_id": dataplus_request_id(ctx)}
        return self._json(ctx, entry.http_status, body)

    def _json(self, ctx: Context, status: int, body: dict[str, Any]) -> SimResponse:
        response = SimResponse.json(status, eval_safe(body), [("X-Ca-Request-Id", gateway_request_id(ctx))])
        response.set_header("Content-Type", JSON_UTF8)
        return response


def eval_safe(value: Any) -> Any:
    """``value`` without JSON ``true``/``false``/``null``: booleans become 1/0, ``None`` fields are dropped."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return {k: eval_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [0 if v is None else eval_safe(v) for v in value]
    return value
