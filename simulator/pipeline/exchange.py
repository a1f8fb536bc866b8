"""One request's record as it goes through the pipeline: what it was for, who sent it, how it ended.

The stages fill it in as they learn (deployment, operation, identity); the stage that refuses the
request says so in the :class:`~simulator.core.ServiceError` it raises, and that lands in
``stage``. The journal records the finished exchange; hooks (coverage, a user's extension) get it
after; an in-process caller gets it back from ``Simulator.exchange``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.core import SimRequest, SimResponse

if TYPE_CHECKING:
    from simulator.contracts import Deployment, Operation

# The stages that refuse a request (``Exchange.stage``, the journal's ``failure``).
MATCH = "match"
FORCED = "forced"
AUTH = "auth"
VALIDATION = "validation"
BEHAVIOUR = "behaviour"
FAULT = "fault"
RATE_LIMIT = "rate_limit"
UPSTREAM = "upstream"  # a proxied service's upstream did not answer (simulator/proxy)
STAGES = (MATCH, FORCED, AUTH, VALIDATION, BEHAVIOUR, FAULT, RATE_LIMIT, UPSTREAM)


@dataclass(eq=False, slots=True)
class Exchange:
    seq: int
    request: SimRequest
    deployment: Deployment | None = None
    operation: Operation | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    credential_id: str | None = None  # the key id the auth scheme names the caller by (rate limits count per id)
    code: str | None = None  # the documented error answered, if any
    stage: str | None = None  # the stage that refused the request (one of STAGES), None when it was served
    forced: bool = False  # the code was asked for with X-Apisim-Code
    detail: str | None = None  # why, for the developer (X-Apisim-Detail)
    note: str | None = None  # why apisim itself could not serve it (no deployment)
    faults_fired: list[dict[str, Any]] = field(default_factory=list)  # control-plane faults that fired
    spoil: dict[str, Any] | None = None  # a body or transport fault the control plane applies after render
    response: SimResponse | None = None
    elapsed_ms: float = 0.0
    time: str | None = None  # the simulator clock's, when a deployment was found
    record: dict[str, Any] | None = None  # the journal's entry for it, once recorded
    upstream: str | None = None  # where a checking proxy forwarded it (simulator/proxy)
    violations: list[dict[str, Any]] | None = None  # how the proxied request or answer departs from the contract

    @property
    def service(self) -> str | None:
        return self.deployment.service if self.deployment is not None else None

    @property
    def outcome(self) -> str:
        # status 0: no HTTP answer at all (a connection fault)
        status = self.response.status if self.response is not None else 0
        return "success" if self.code is None and 0 < status < 400 else "error"
