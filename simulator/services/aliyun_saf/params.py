"""The service's view of a request's parameters.

The official SDK puts the common parameters in the query string and may put
others in a form body; both are signed together, so both are merged here (the
body wins a name both carry). An ACS3-HMAC-SHA256 request carries Action and
Version as ``x-acs-*`` headers instead. ``ServiceParameters`` arrives as a
JSON string and is decoded, so operations match on its ``method`` and its
fields are validated by the contract; a string that is not a JSON object is
left as it came, and the schema reports it as the service's own 400.
"""

from __future__ import annotations

from typing import Any

from simulator.auth.aliyun_rpc import request_params
from simulator.core import SimRequest
from simulator.core.http import loads as load_json

ACS3_HEADER_PARAMS = {"x-acs-action": "Action", "x-acs-version": "Version"}


def parse_params(request: SimRequest) -> dict[str, Any]:
    params: dict[str, Any] = request_params(request)
    headers = request.headers.lower_items()
    for header, name in ACS3_HEADER_PARAMS.items():
        if header in headers and name not in params:
            params[name] = headers[header]
    raw = params.get("ServiceParameters")
    if isinstance(raw, str):
        try:
            decoded = load_json(raw, request.max_json_depth)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            params["ServiceParameters"] = decoded
    return params


def is_acs3(request: SimRequest) -> bool:
    return (request.headers.get("Authorization") or "").startswith("ACS3-")
