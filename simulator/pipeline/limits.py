"""The services' limits (each contract's ``limits``) before any stage reads the body.

A body past ``max_body_bytes`` is answered as the service answers it: its catalogue's
``too_large`` code in its envelope, or, where the contract names none, the bare 413 a front web
server sends. The transports ask :func:`body_limit` before reading a body and leave an oversized
one unread (``SimRequest.body_refused``), so it is neither held in memory nor stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.contracts import Contract, Limits
from simulator.core import ServiceError, SimRequest, SimResponse
from simulator.core.http import header_value
from simulator.pipeline.exchange import VALIDATION
from simulator.pipeline.match import NoDeployment, Router
from simulator.pipeline.render import DETAIL_HEADER

if TYPE_CHECKING:
    from simulator.pipeline.context import Context

# The admin API's bodies (state seeds, faults) are apisim's own: a generous cap all the same.
ADMIN_MAX_BODY_BYTES = 16 * 1024 * 1024

FRONT_SERVER_413 = (b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
                    b"<center><h1>413 Request Entity Too Large</h1></center>\r\n</body>\r\n</html>\r\n")


def body_limit(contracts: dict[str, Contract], router: Router, method: str, path: str, host: str,
               port: int | None) -> int:
    """The most body bytes a transport should read for this request: the limit of the deployment it
    will reach (the largest of all when none matches, and the admin API's own)."""
    if path == "/__apisim" or path.startswith("/__apisim/"):
        return ADMIN_MAX_BODY_BYTES
    try:
        dep = router.deployment_at(host, path, port)
    except NoDeployment:  # the pipeline answers 404 without reading anything
        return max(c.limits.max_body_bytes for c in contracts.values())
    return contracts[dep.service].limits.max_body_bytes


def body_size(request: SimRequest) -> int:
    return request.body_refused if request.body_refused is not None else len(request.body)


def too_large(ctx: "Context", limits: Limits) -> ServiceError | SimResponse:
    """What the service answers a body past its limit: a catalogue error to render, or a bare 413."""
    size = body_size(ctx.request)
    detail = f"the request body is {size} bytes or more; the limit is {limits.max_body_bytes}"
    if limits.too_large is not None:
        return ServiceError(limits.too_large, detail=detail, data={"validation_kind": "too_large"}, stage=VALIDATION)
    ctx.exchange.stage, ctx.exchange.detail = VALIDATION, detail
    return SimResponse(413, FRONT_SERVER_413, [("Content-Type", "text/html"), ("Connection", "close"),
                                               (DETAIL_HEADER, header_value(detail))])
