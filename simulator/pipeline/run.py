"""One request through the stages, recorded as an :class:`~simulator.pipeline.exchange.Exchange`.

match → (hooks: after match) → forced code → authenticate → (hooks: after auth) → validate →
behave → render → (hooks: after render) → journal → (hooks: after exchange). Flask
(``simulator.app``), granian (``simulator.serving``) and the in-process respx route all call
:meth:`Pipeline.exchange` (or :meth:`Pipeline.handle`, the response alone).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from types import ModuleType

from simulator.core import ServiceError, SimRequest, SimResponse
from simulator.fake import request_seed
from simulator.pipeline.authenticate import authenticate
from simulator.pipeline.behave import behave
from simulator.pipeline.context import Context
from simulator.pipeline.exchange import BEHAVIOUR, FAULT, FORCED, MATCH, Exchange
from simulator.pipeline.hooks import Hooks, overriding
from simulator.pipeline.journal import Journal
from simulator.pipeline.limits import body_size, too_large
from simulator.pipeline.match import NoDeployment, NoOperation, Router
from simulator.pipeline.render import render_error, render_success
from simulator.pipeline.runtime import Runtime
from simulator.pipeline.service import ServiceDefinition
from simulator.pipeline.validate import parse_body, validate_request

log = logging.getLogger("apisim")

VALIDATED_MEMO = 1024  # requests remembered as valid, per process (then forgotten all at once)


class ApisimRefusal(Exception):
    """A request apisim itself cannot serve (not a documented error): answered as plain JSON."""

    def __init__(self, response: SimResponse):
        super().__init__(response.status)
        self.response = response


class Pipeline:
    def __init__(self, runtime: Runtime, services: dict[str, ServiceDefinition], schemes: dict[str, ModuleType],
                 journal: Journal, hooks: tuple[Hooks, ...] = ()):
        self.runtime = runtime
        self.services = services
        self.schemes = schemes
        self.journal = journal
        self.router = Router(runtime.contracts, runtime.port_of)
        self.hooks: tuple[Hooks, ...] = ()
        self.set_hooks(hooks)
        self._validated: dict[tuple, bool] = {}  # requests that passed validation (see _validate)

    def set_hooks(self, hooks: tuple[Hooks, ...]) -> None:
        """Replace the hooks (in order); only the methods each overrides are called."""
        self.hooks = tuple(hooks)
        self._after_match = overriding(self.hooks, "after_match")
        self._after_auth = overriding(self.hooks, "after_auth")
        self._after_render = overriding(self.hooks, "after_render")
        self._after_exchange = overriding(self.hooks, "after_exchange")

    def rebuild_router(self) -> None:
        """The local ports moved (``config.port_base``): map them to deployments again."""
        self.router = Router(self.runtime.contracts, self.runtime.port_of)

    # -- one request -----------------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        return self.exchange(request).response  # type: ignore[return-value]

    def exchange(self, request: SimRequest) -> Exchange:
        started = time.perf_counter()
        seq = self.runtime.begin_request()
        try:
            return self._exchange(request, seq, started)
        finally:
            self.runtime.end_request()

    def _exchange(self, request: SimRequest, seq: int, started: float) -> Exchange:
        runtime = self.runtime
        exchange = Exchange(seq=seq, request=request)
        try:
            dep = self.router.deployment_for(request)
        except NoDeployment as exc:
            known = sorted(f"{d.service}/{d.name}: {d.original_host} (local port {runtime.port_of(d)})"
                           for d in runtime.deployments())
            exchange.note = str(exc)
            exchange.response = SimResponse.json(404, {"apisim_error": str(exc), "known_deployments": known})
            return self._finish(exchange, started)
        exchange.deployment = dep
        contract = runtime.contracts[dep.service]
        ctx = Context(runtime=runtime, request=request, contract=contract, deployment=dep,
                      store=runtime.service_store(dep.service), seq=exchange.seq, exchange=exchange,
                      seed=request_seed(runtime.config.seed, dep.service, request.method, request.path,
                                        request.raw_query, request.body))
        service = self.services[dep.service]
        rendered = False
        try:
            try:
                response = self._run(ctx, service)
                rendered = exchange.stage is None and exchange.upstream is None
            except ServiceError as err:
                exchange.code = err.code
                exchange.stage = err.stage or (MATCH if ctx.operation is None else BEHAVIOUR)
                exchange.forced = err.stage == FORCED
                exchange.detail = err.detail
                response = render_error(ctx, service.envelopes, err)
            except ApisimRefusal as refusal:
                response = refusal.response
        except Exception:  # a bug must still answer in the service's envelope, never as a bare 500
            log.exception("%s: unexpected failure handling %s %s", dep.service, request.method, request.path)
            exchange.code = contract.internal_error
            if exchange.code is None:
                response = SimResponse.json(500, {"apisim_error": "internal simulator error",
                                                  "traceback": traceback.format_exc(limit=5)})
            else:
                response = render_error(ctx, service.envelopes, ServiceError(exchange.code))
        if runtime.config.validate_responses and rendered:
            check_response(ctx, response)
        for after_render in self._after_render:  # body and connection faults
            response = after_render(ctx, response)
        exchange.response = response
        exchange.time = runtime.now().isoformat()
        return self._finish(exchange, started)

    def _finish(self, exchange: Exchange, started: float) -> Exchange:
        exchange.elapsed_ms = (time.perf_counter() - started) * 1000
        exchange.record = self.journal.record(exchange)
        for after_exchange in self._after_exchange:
            after_exchange(exchange)
        return exchange

    def _run(self, ctx: Context, service: ServiceDefinition) -> SimResponse:
        request = ctx.request
        limits = ctx.contract.limits
        request.max_json_depth = limits.max_json_depth
        if body_size(request) > limits.max_body_bytes:  # before any stage reads the body
            refused = too_large(ctx, limits)
            if isinstance(refused, SimResponse):
                raise ApisimRefusal(refused)
            raise refused
        if service.parse_params is not None:
            try:
                ctx.params = service.parse_params(request)
            except ServiceError:
                # Refused before an operation could be chosen: answer in the envelope the
                # operations at this path share (e.g. CDC's recommend URL answers Yanxuan-style).
                ctx.envelope_name = self.router.shared_envelope(request, ctx.deployment)
                raise
        try:
            match = self.router.match(request, ctx.deployment, lambda: ctx.view)
        except NoOperation as exc:
            code = ctx.deployment.not_found_error
            if code is None:
                raise ApisimRefusal(SimResponse.json(404, {
                    "apisim_error": exc.reason,
                    "closest_operation": exc.closest and f"{exc.closest.id}: {exc.closest.method} {exc.closest.path}",
                })) from None
            ctx.envelope_name = self.router.shared_envelope(request, ctx.deployment)  # as for a params refusal
            raise ServiceError(code, detail=exc.reason, stage=MATCH) from None
        ctx.operation = ctx.exchange.operation = match.operation
        ctx.path_params = match.path_params
        for after_match in self._after_match:  # a fault's answer: error code, raw status, broken connection
            answer = after_match(ctx)
            if answer is not None:
                if ctx.exchange.upstream is None:  # a proxy's answer is served, not refused
                    ctx.exchange.stage = ctx.exchange.stage or FAULT
                return answer
        force_code_if_asked(ctx)
        ctx.identity = ctx.exchange.identity = authenticate(ctx, self.schemes, ctx.credentials())
        for after_auth in self._after_auth:  # per-credential rate limits
            after_auth(ctx)
        ctx.body = parse_body(request, ctx.operation, ctx.contract)
        self._validate(ctx)
        return render_success(ctx, service.envelopes, behave(ctx, service))

    def _validate(self, ctx: Context) -> None:
        """The request against its operation's schemas, remembered for requests that passed.

        The schemas are pure functions of the request's bytes, so a request like one that passed
        (same operation, path, query and headers, and the body by the digest its seed already took)
        passes again: load tests send the same request thousands of times, and validating it cost
        about a tenth of the pipeline. A request that fails is validated every time (its error names
        the JSON path)."""
        request = ctx.request
        assert ctx.operation is not None
        headers = request.headers.lower_items()
        key = (ctx.operation, ctx.seed, request.method, request.path, request.raw_query, tuple(headers.items()))
        if key in self._validated:
            return
        validate_request(ctx.operation, ctx.contract, {
            "body": ctx.body, "query": request.query_dict, "headers": headers,
            "params": ctx.params, "path_params": ctx.path_params,
        })
        if len(self._validated) >= VALIDATED_MEMO:
            self._validated.clear()
        self._validated[key] = True


def force_code_if_asked(ctx: Context) -> None:
    """``X-Apisim-Code: <code>`` answers that documented error of the operation at once."""
    header = ctx.contract.forced_code_header
    wanted = ctx.request.headers.get(header)
    if wanted is None:
        return
    assert ctx.operation is not None
    valid = ctx.operation.documented_codes()
    if wanted not in valid:
        # The document's own number for a catalogue key qualified by operation ("100" for
        # recommend_item.100), when it names one code of this operation only.
        named = [code for code in valid if wanted in code.split(".")[1:]]
        wanted = named[0] if len(named) == 1 else wanted
    if wanted not in valid:
        raise ApisimRefusal(SimResponse.json(400, {
            "apisim_error": f"{header}: {wanted!r} is not a documented error of "
                            f"{ctx.service}.{ctx.operation.id}; use one of the valid codes",
            "valid_codes": valid,
        }))
    raise ServiceError(wanted, stage=FORCED)


def check_response(ctx: Context, response: SimResponse) -> None:
    """Debug aid (``validate_responses``): the simulator's own answer must satisfy its own schema."""
    assert ctx.operation is not None
    validator = ctx.operation.response_validator
    if validator is None:
        return
    try:
        body = json.loads(response.body)
    except ValueError:
        return
    errors = list(validator.iter_errors(body))
    if errors:
        raise AssertionError(f"{ctx.service}.{ctx.operation.id}: response breaks its schema: {errors[0].message}")
