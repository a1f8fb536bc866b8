"""The two answer shapes: the document's ``{Code, Message, RequestId, Data}`` and the POP gateway's error.

Service results (success and the document's codes) are HTTP 200 in the
document's envelope; the official SDK raises ``ServerException`` only for
non-2xx answers, which is what gateway failures (signature, parameters,
version, action) are, in ``{RequestId, HostId, Code, Message, Recommend}``.
Both go on the wire as JSON or XML, as the request's ``Format`` asks (the document: 默认为XML;
Tea-SDK (ACS3) requests carry no Format and read JSON): success bodies wrapped in
``<{Action}Response>``, gateway errors in ``<Error>``, as the POP gateway writes them. One request
id per request, in the body, so an SDK exception and the journal name the same request.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from xml.sax.saxutils import escape

from simulator.auth import aliyun_rpc
from simulator.contracts import ErrorEntry
from simulator.core import SimResponse
from simulator.pipeline.context import Context
from simulator.services.aliyun_saf import codes
from simulator.services.aliyun_saf.models import gateway
from simulator.services.aliyun_saf.params import is_acs3

SIGNATURE_MARKER = "server string to sign is:"


def request_id(ctx: Context) -> str:
    """An upper-case UUID like the document's; seeded by the request and its sequence number."""
    if "saf_request_id" not in ctx.extra:
        ctx.extra["saf_request_id"] = str(uuid.UUID(int=ctx.request_bits("request_id"), version=4)).upper()
    return ctx.extra["saf_request_id"]


def behaviour(ctx: Context) -> dict[str, Any]:
    return ctx.contract.raw.get("x-behaviour", {})


class SafEnvelope:
    def success(self, ctx: Context, body: Any) -> SimResponse:
        body = dict(body or {})
        body["RequestId"] = request_id(ctx)
        return render(ctx, 200, body, f"{behaviour(ctx).get('action', 'ExecuteRequest')}Response")

    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if ctx.operation is None:
            # No method matched: a protocol problem (Action, Version, Service, Format) is what the
            # gateway would have answered first, before ServiceParameters was ever looked at.
            problem = gateway.protocol_problem(ctx)
            if problem is not None:
                redirected = ctx.contract.errors[problem[0]]
                message = problem[1] or redirected.message
                if redirected.envelope == "gateway":
                    return GATEWAY.error(ctx, redirected, message, None)
                return self._error(ctx, redirected, message, None)
        return self._error(ctx, entry, message, data)

    def _error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        code, shown = codes.shown_code_and_message(ctx, entry, message, data)
        body: dict[str, Any] = {"Code": code, "Message": shown, "RequestId": request_id(ctx)}
        if isinstance(data, dict) and data.get("Data") is not None:
            body["Data"] = data["Data"]
        return render(ctx, entry.http_status, body, f"{behaviour(ctx).get('action', 'ExecuteRequest')}Response")


class GatewayEnvelope:
    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse:
        if entry.code == "SignatureDoesNotMatch" and message.endswith(SIGNATURE_MARKER):
            # Forced with X-Apisim-Code: still end with this request's real StringToSign, as the SDK expects.
            message += aliyun_rpc.string_to_sign(ctx.request.method, aliyun_rpc.request_params(ctx.request))
        rid = request_id(ctx)
        settings = behaviour(ctx)
        body = {
            "RequestId": rid,
            "HostId": settings.get("host_id", ctx.deployment.original_host),
            "Code": entry.code,
            "Message": message,
            "Recommend": settings.get("recommend_url", "").format(Code=entry.code, RequestId=rid),
        }
        return render(ctx, entry.http_status, body, "Error")

    def success(self, ctx: Context, body: Any) -> SimResponse:  # the gateway never answers a success itself
        return SafEnvelope().success(ctx, body)


GATEWAY = GatewayEnvelope()


# -- on the wire: JSON or XML ---------------------------------------------------------------------

XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>"
JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"


def wants_json(ctx: Context) -> bool:
    fmt = ctx.params.get("Format") if isinstance(ctx.params, dict) else None
    if not fmt:
        return is_acs3(ctx.request)
    return str(fmt).upper() == "JSON"


def render(ctx: Context, status: int, body: dict[str, Any], xml_root: str) -> SimResponse:
    if wants_json(ctx):
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return SimResponse(status, payload, [("Content-Type", JSON_TYPE)])
    return SimResponse(status, to_xml(xml_root, body).encode("utf-8"), [("Content-Type", XML_TYPE)])


def to_xml(root: str, body: dict[str, Any]) -> str:
    return XML_DECLARATION + _element(root, body)


def _element(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        return "".join(_element(name, item) for item in value)
    elif value is None:
        inner = ""
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{name}>{inner}</{name}>"
