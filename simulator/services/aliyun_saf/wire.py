"""How an answer goes on the wire: JSON or XML, as the request's ``Format`` asks.

Aliyun RPC answers in XML unless ``Format=JSON`` (the document: 默认为XML).
Tea-SDK (ACS3) requests carry no Format and read JSON, so they get JSON.
Success bodies are wrapped in ``<{Action}Response>``, gateway errors in
``<Error>``, as the POP gateway writes them.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from simulator.core import SimResponse
from simulator.pipeline.context import Context
from simulator.services.aliyun_saf.params import is_acs3

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
