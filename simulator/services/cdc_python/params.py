"""CDC-Python's parameter view: the request envelope ``{id, type, subtype, data}``, checked before matching."""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError, SimRequest
from simulator.services.cdc_python.envelopes import NO_ID, request_id

ENVELOPE_KEYS = ("id", "type", "subtype", "data")


def parse_params(request: SimRequest) -> dict[str, Any]:
    """The request envelope must hold id, type, subtype and data of the right types.

    It runs before matching, because ``type``/``subtype`` choose the operation: a
    request without them could not be matched at all, yet the document answers -1.
    """
    try:
        body = request.json()
    except (ValueError, RecursionError):
        raise ServiceError("-1", detail="the body is not JSON; send {id, type, subtype, data}") from None
    if not isinstance(body, dict):
        raise ServiceError("-1", detail="the body is not a JSON object; send {id, type, subtype, data}")
    missing = [key for key in ENVELOPE_KEYS if key not in body]
    if missing:
        raise ServiceError("-1", detail=f"$.body: missing {', '.join(missing)}")
    if request_id(request) == NO_ID and body["id"] != NO_ID:
        raise ServiceError("-2", detail="$.body.id: must be an integer")
    for key in ("type", "subtype"):
        if not isinstance(body[key], str):
            raise ServiceError("-2", detail=f"$.body.{key}: must be a string")
    if not isinstance(body["data"], dict):
        raise ServiceError("-2", detail="$.body.data: must be an object")
    return {"type": body["type"], "subtype": body["subtype"]}
