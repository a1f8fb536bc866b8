"""The checking proxy as a pipeline hook: a proxied service's matched request goes to its upstream,
and the upstream's answer comes back, checked against the contract and journalled with every
violation. Faults, the journal and coverage apply to proxied traffic as to simulated traffic."""

from __future__ import annotations

import threading

from simulator.contracts import Contract
from simulator.core import ServiceError, SimResponse
from simulator.pipeline.context import Context
from simulator.pipeline.exchange import UPSTREAM
from simulator.pipeline.hooks import Hooks
from simulator.proxy.checks import request_violations, response_violations
from simulator.proxy.recorder import Recorder
from simulator.proxy.upstream import Upstream, UpstreamFailure, forward
from simulator.verify.outgoing import Received
from simulator.verify.shapes import ErrorShapes

GATEWAY_STATUSES = (502, 504, 503)  # the service's own answer when its upstream fails, best first


class CheckingProxy(Hooks):
    def __init__(self, upstreams: dict[str, Upstream], record_dir: str | None = None, timeout: float = 30.0):
        self.upstreams = upstreams
        self.recorder = Recorder(record_dir) if record_dir else None
        self.timeout = timeout
        self._shapes: dict[str, ErrorShapes] = {}
        self._prepared: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()  # the reference simulators that learn error shapes serve one at a time

    def after_match(self, ctx: Context) -> SimResponse | None:
        upstream = self.upstreams.get(ctx.service)
        if upstream is None:
            return None
        op, request = ctx.operation, ctx.request
        assert op is not None
        violations = request_violations(op, request, ctx.path_params)
        ctx.exchange.upstream = upstream.url
        ctx.exchange.violations = violations
        try:
            status, headers, body = forward(upstream, request, self.timeout, ctx.contract.limits.max_body_bytes,
                                            ctx.deployment.base_path)
        except UpstreamFailure as failure:
            return self._gateway_error(ctx, str(failure))
        received = Received(status, headers, body)
        with self._lock:
            shapes = self._shapes_of(ctx.contract)
            key = (ctx.service, op.id, ctx.deployment.name)
            if key not in self._prepared:
                self._prepared.add(key)
                shapes.prepare(op, ctx.deployment, request, request)
            found, code = response_violations(ctx.contract, op, ctx.deployment, shapes, received)
        violations += found
        ctx.exchange.code = code
        if self.recorder is not None:
            self.recorder.record(ctx.service, op.id, request, status, body, code, violations)
        return SimResponse(status, body, headers)

    def _shapes_of(self, contract: Contract) -> ErrorShapes:
        if contract.service not in self._shapes:
            self._shapes[contract.service] = ErrorShapes(contract, None, contract.credentials)
        return self._shapes[contract.service]

    def _gateway_error(self, ctx: Context, reason: str) -> SimResponse:
        """The service's own gateway-style error (a documented 502/504/503, else its internal error);
        a contract that documents none gets apisim's plain 502, never a traceback."""
        errors = ctx.contract.errors
        code = next((c for status in GATEWAY_STATUSES for c, e in errors.items() if e.http_status == status), None)
        code = code or ctx.contract.internal_error
        ctx.exchange.upstream = None  # refused here: the pipeline records the stage
        if code is not None:
            raise ServiceError(code, detail=f"upstream: {reason}", stage=UPSTREAM)
        ctx.exchange.stage = UPSTREAM
        ctx.exchange.detail = f"upstream: {reason}"
        return SimResponse.json(502, {"apisim_error": f"the upstream of {ctx.service} did not answer: {reason}"})


__all__ = ["CheckingProxy"]
