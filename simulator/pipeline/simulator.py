"""The pipeline as one object: match → authenticate → validate → behave → render.

Everything a request needs is prepared here once (contracts loaded and
compiled, routes built, schemes and services discovered); ``handle`` only does
per-request work. Flask (``simulator.app``) and the in-process respx route
both call :meth:`Simulator.handle`.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import datetime
from typing import Any

from simulator.auth import discover_schemes
from simulator.config import SimulatorConfig
from simulator.contracts import Contract, Deployment, load_contracts
from simulator.control import Control
from simulator.control.clock import ClockOffset, shifted
from simulator.core import ServiceError, SimRequest, SimResponse
from simulator.fake import FakeData, request_seed
from simulator.pipeline.authenticate import authenticate
from simulator.pipeline.behave import behave
from simulator.pipeline.context import Context
from simulator.pipeline.journal import Journal
from simulator.pipeline.match import NoDeployment, NoOperation, Router
from simulator.pipeline.render import render_error, render_success
from simulator.pipeline.validate import parse_body, validate_request
from simulator.services import ServiceDefinition, discover_services
from simulator.store import ServiceStore, open_store

log = logging.getLogger("apisim")
SEEDED_NS = "apisim:seeded"  # services whose demo state a shared store already holds


class Simulator:
    def __init__(self, config: SimulatorConfig | None = None, contracts: dict[str, Contract] | None = None):
        self.config = config or SimulatorConfig()
        self.contracts = contracts or load_contracts(self.config.contracts_dir, self.config.services)
        all_services = discover_services()
        self.services: dict[str, ServiceDefinition] = {}
        for name in self.contracts:
            if name not in all_services:
                raise LookupError(f"contract {name!r} has no service package in simulator/services")
            self.services[name] = all_services[name]
            unknown = set(all_services[name].handlers) - set(self.contracts[name].operations)
            if unknown:
                raise LookupError(f"{name}: handlers for undocumented operations: {', '.join(sorted(unknown))}")
        self.schemes = discover_schemes()
        self.store = open_store(self.config.store_url)
        self.journal = Journal(self.store, limit=self.config.journal_limit)
        self.clock_offset = ClockOffset(self.store)
        self._request_state = threading.local()
        self.control = Control(self)  # faults, rate limits, scenarios, admin API (simulator/control)
        self.fake = FakeData()
        self.router = Router(self.contracts, self.port_of)
        self._faces: Any = None
        self._images: Any = None
        for name in self.contracts:  # a shared store (SQLite, Redis) is seeded once, by whoever opens it first
            if self.store.add_if_absent(SEEDED_NS, name, True):
                self._seed_state(name)
        self.control.install_configured()

    # -- wiring -----------------------------------------------------------------------------

    def port_of(self, dep: Deployment) -> int:
        return self.config.port_base + 10 * self.contracts[dep.service].port_block + dep.index

    def local_url(self, dep: Deployment) -> str:
        return f"http://{self.config.host}:{self.port_of(dep)}{dep.base_path}"

    def credentials(self, service: str) -> list[dict[str, Any]]:
        return [*self.config.credentials.get(service, []), *self.contracts[service].credentials]

    def service_store(self, service: str) -> ServiceStore:
        return ServiceStore(self.store, service)

    @property
    def faces(self) -> Any:
        if self._faces is None:
            from simulator.faces.model import FaceModel

            self._faces = FaceModel()  # stateless: what a face image holds depends on the image alone
        return self._faces

    @property
    def images(self) -> Any:
        if self._images is None:
            from simulator.imaging.decode import FixtureUrls

            self._images = FixtureUrls.default()
        return self._images

    def reset(self, service: str | None = None) -> None:
        """Forget state (and the journal when resetting everything), then re-seed demo state."""
        names = [service] if service else list(self.contracts)
        if service is None:
            self.store.clear()
        else:
            self.service_store(service).clear()
        for name in names:
            self._seed_state(name)
        self.control.after_reset(service)

    def reseed(self, seed: int) -> None:
        """Change the seed of all fake data (the pytest marker's ``seed=``), then reset everything."""
        self.config.seed = seed
        self._faces = None
        self.reset()

    def _seed_state(self, name: str) -> None:
        self.store.put(SEEDED_NS, name, True)
        seeder = self.services[name].seed_state
        if seeder is not None:
            seeder(self.service_store(name), self)

    # -- the clock ----------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulator clock: the configured clock, moved by the offset the admin API keeps.

        A request reads the offset once, when it starts, and keeps it to the end."""
        offset = getattr(self._request_state, "clock_offset", None)
        if offset is None:
            offset = self.clock_offset.seconds()
        return shifted(self.config.clock(), offset)

    def advance_clock(self, seconds: float) -> datetime:
        """Move the clock of this simulator, and of every worker sharing its store; the new time."""
        self.clock_offset.advance(seconds)
        return self.now()

    # -- the pipeline -----------------------------------------------------------------------

    def handle(self, request: SimRequest) -> SimResponse:
        state = self._request_state
        state.clock_offset = self.clock_offset.seconds()
        try:
            return self._handle(request)
        finally:
            state.clock_offset = None

    def _handle(self, request: SimRequest) -> SimResponse:
        started = time.perf_counter()
        seq = self.store.sequence()
        try:
            dep = self.router.deployment_for(request)
        except NoDeployment as exc:
            known = sorted(f"{d.service}/{d.name}: {d.original_host} (local port {self.port_of(d)})"
                           for c in self.contracts.values() for d in c.deployments)
            response = SimResponse.json(404, {"apisim_error": str(exc), "known_deployments": known})
            self.journal.record(seq, request, response, service=None, deployment=None, operation=None,
                                code=None, forced=False, elapsed_ms=_ms(started), note=str(exc))
            return response
        contract = self.contracts[dep.service]
        ctx = Context(sim=self, request=request, contract=contract, deployment=dep,
                      store=self.service_store(dep.service), seq=seq,
                      seed=request_seed(self.config.seed, dep.service, request.method, request.path,
                                        request.raw_query, request.body))
        code: str | None = None
        service = self.services[dep.service]
        try:
            try:
                response = self._run(ctx, service)
            except ServiceError as err:
                code = err.code
                ctx.extra["failure"] = _failure_stage(ctx, err)
                ctx.extra["detail"] = err.detail
                response = render_error(ctx, service.envelopes, err)
            except _ApisimRefusal as refusal:
                response = refusal.response
        except Exception:  # a bug must still answer in the service's envelope, never as a bare 500
            log.exception("%s: unexpected failure handling %s %s", dep.service, request.method, request.path)
            code = contract.internal_error
            if code is None:
                response = SimResponse.json(500, {"apisim_error": "internal simulator error",
                                                  "traceback": traceback.format_exc(limit=5)})
            else:
                response = render_error(ctx, service.envelopes, ServiceError(code))
        if self.config.validate_responses and ctx.extra.get("succeeded"):
            _check_response(ctx, response)
        response = self.control.after_render(ctx, response)  # body and connection faults
        self.journal.record(seq, request, response, service=dep.service, deployment=dep.name,
                            operation=ctx.operation.id if ctx.operation else None, code=code,
                            forced=ctx.extra.get("forced", False), elapsed_ms=_ms(started),
                            failure=ctx.extra.get("failure"), detail=ctx.extra.get("detail"),
                            faults=ctx.extra.get("faults"), time=self.now().isoformat())
        return response

    def _run(self, ctx: Context, service: ServiceDefinition) -> SimResponse:
        request = ctx.request
        if service.parse_params is not None:
            try:
                ctx.params = service.parse_params(request)
            except ServiceError:
                # Refused before an operation could be chosen: answer in the envelope the
                # operations at this path share (e.g. CDC's recommend URL answers Yanxuan-style).
                ctx.envelope_name = self.router.shared_envelope(request, ctx.deployment)
                raise

        def view() -> dict[str, Any]:
            try:
                body = request.json()
            except ValueError:
                body = dict(request.form)
            return {"body": body, "query": request.query_dict, "params": ctx.params,
                    "headers": request.headers.lower_items()}

        try:
            match = self.router.match(request, ctx.deployment, view)
        except NoOperation as exc:
            code = ctx.deployment.not_found_error
            if code is None:
                raise _ApisimRefusal(SimResponse.json(404, {
                    "apisim_error": exc.reason,
                    "closest_operation": exc.closest and f"{exc.closest.id}: {exc.closest.method} {exc.closest.path}",
                })) from None
            raise ServiceError(code, detail=exc.reason) from None
        ctx.operation = match.operation
        ctx.path_params = match.path_params
        faulted = self.control.after_match(ctx)  # a fault's answer: error code, raw status, broken connection
        if faulted is not None:
            return faulted
        self._force_code_if_asked(ctx)
        ctx.identity = authenticate(ctx, self.schemes, self.credentials(ctx.service))
        self.control.after_auth(ctx)  # per-credential rate limits
        ctx.body = parse_body(request, ctx.operation, ctx.contract)
        validate_request(ctx.operation, ctx.contract, {
            "body": ctx.body, "query": request.query_dict, "headers": request.headers.lower_items(),
            "params": ctx.params, "path_params": ctx.path_params,
        })
        response = render_success(ctx, service.envelopes, behave(ctx, service))
        ctx.extra["succeeded"] = True  # only a rendered success is checked against the success schema
        return response

    def _force_code_if_asked(self, ctx: Context) -> None:
        header = ctx.contract.forced_code_header
        wanted = ctx.request.headers.get(header)
        if wanted is None:
            return
        valid = self.forceable_codes(ctx.contract, ctx.operation.id)
        if wanted not in valid:
            raise _ApisimRefusal(SimResponse.json(400, {
                "apisim_error": f"{header}: {wanted!r} is not a documented error of "
                                f"{ctx.service}.{ctx.operation.id}; use one of the valid codes",
                "valid_codes": valid,
            }))
        ctx.extra["forced"] = True
        raise ServiceError(wanted)

    def forceable_codes(self, contract: Contract, op_id: str) -> list[str]:
        """Codes ``X-Apisim-Code`` may force on an operation: its own, its auth's and the validation ones."""
        return contract.operations[op_id].documented_codes()


class _ApisimRefusal(Exception):
    """A request apisim itself cannot serve (not a documented error): answered as plain JSON."""

    def __init__(self, response: SimResponse):
        super().__init__(response.status)
        self.response = response


def _failure_stage(ctx: Context, err: ServiceError) -> str:
    """Which stage refused the request: match, forced, auth, validation, behaviour, fault or rate_limit."""
    if ctx.extra.get("control_stage"):
        return ctx.extra["control_stage"]
    if ctx.extra.get("forced"):
        return "forced"
    if ctx.operation is None:
        return "match"
    data = err.data if isinstance(err.data, dict) else {}
    if "auth_kind" in data:
        return "auth"
    if "validation_kind" in data:
        return "validation"
    return "behaviour"


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _check_response(ctx: Context, response: SimResponse) -> None:
    """Debug aid: the simulator's own answer must satisfy its own schema."""
    import json

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
