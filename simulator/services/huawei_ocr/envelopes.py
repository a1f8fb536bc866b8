"""Huawei's two answer shapes.

Service errors are ``{"error_code", "error_msg"}`` and every answer carries
``X-Request-Id``: the official SDK reads the request id only from that header.
IAM's token API answers errors keystone-style, ``{"error": {...}}``.
"""

from __future__ import annotations

from typing import Any

from simulator.contracts import ErrorEntry
from simulator.core import SimResponse
from simulator.pipeline.context import Context

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


def request_id(ctx: Context) -> str:
    return "%032x" % ctx.request_bits("request_id")


class HuaweiEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:
        return SimResponse.json(ctx.operation.response["status"], body, [("X-Request-Id", request_id(ctx))])

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        body = {"error_code": entry.code, "error_msg": message}
        return SimResponse.json(entry.http_status, body, [("X-Request-Id", request_id(ctx))])


class IamEnvelope(HuaweiEnvelope):
    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if not entry.code.startswith("IAM."):  # gateway codes keep the gateway's shape
            return super().error(ctx, entry, message, data)
        body = {"error": {"code": entry.http_status, "title": _TITLES.get(entry.http_status, "Error"),
                          "message": message, "error_code": entry.code}}
        return SimResponse.json(entry.http_status, body, [("X-Request-Id", request_id(ctx))])
