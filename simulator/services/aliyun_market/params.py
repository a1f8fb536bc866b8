"""The Aliyun API gateway's first look at a request, before it routes it to an API.

The market and Dataplus APIs take no parameters outside their JSON bodies, so the parameter view
is empty; what this step does is refuse the requests the gateway refuses before it looks for an
API: a method that is no HTTP method (``Invalid HttpMethod``: ``curl -X FOO``) and a multipart
upload (``Unsupported Multipart``: it takes no files).
"""

from __future__ import annotations

from typing import Any

from simulator.core import ServiceError, SimRequest

HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")


def parse_params(request: SimRequest) -> dict[str, Any]:
    if request.method not in HTTP_METHODS:
        raise ServiceError("Invalid HttpMethod", detail=f"{request.method!r} is no HTTP method")
    if request.content_type.startswith("multipart/"):
        raise ServiceError("Unsupported Multipart", detail=f"Content-Type {request.content_type}: no file uploads")
    return {}
