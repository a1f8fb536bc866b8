"""The control plane as the pipeline sees it: one :class:`~simulator.pipeline.hooks.Hooks`.

The :class:`~simulator.simulator.Simulator` adds one :class:`Control` (``sim.control``) to its
pipeline's hooks:

* :meth:`Control.after_match`: faults. A delay sleeps and lets the request go on; a ``code``
  fault raises the documented error; a ``status`` fault or an unprocessed transport fault is
  returned as the answer; body faults are remembered (``exchange.spoil``) for after render.
* :meth:`Control.after_auth`: per-credential rate limits (the service's throttling error).
* :meth:`Control.after_render`: the remembered body or transport fault spoils the answer.

It takes what it consults from the :class:`~simulator.pipeline.runtime.Runtime`, never the
simulator; a reset is the simulator's, which asks the control plane to put its configuration
back (:meth:`Control.install_configured`). All control state is in the store (JSON), so several
workers share it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from simulator.control import faults as fault_rules
from simulator.control.errors import FaultError
from simulator.control.fault_definition import TRANSPORT_ACTIONS
from simulator.control.faults import Faults
from simulator.control.ratelimits import RateLimits
from simulator.control.scenarios import Scenarios
from simulator.control.state import load_state
from simulator.core import ServiceError, SimResponse
from simulator.core.transport import CUT, TransportFault
from simulator.pipeline.exchange import FAULT, RATE_LIMIT
from simulator.pipeline.hooks import Hooks
from simulator.pipeline.runtime import Runtime
from simulator.pipeline.service import ServiceDefinition

if TYPE_CHECKING:
    from simulator.pipeline.context import Context

FAULT_HEADER = "X-Apisim-Fault"  # names the fault that answered, for the developer reading the response
# What a proxy in front of a service sends when the service's answer breaks mid-way: a malformed
# body is the first half of the real one followed by this, still valid UTF-8 so the client's
# parser (not its decoder) is what fails.
MALFORMED_TAIL = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class Control(Hooks):
    def __init__(self, runtime: Runtime, services: dict[str, ServiceDefinition],
                 settings: dict[str, Any] | None = None, sleep: Callable[[float], None] = time.sleep):
        self.runtime = runtime
        self.faults = Faults(runtime)
        self.rate_limits = RateLimits(runtime)
        self.scenarios = Scenarios(runtime, services)
        self.settings: dict[str, Any] = dict(settings or {})
        self.admin_token: str | None = self.settings.get("admin_token")
        self._sleep = sleep

    # -- configuration (the --config file, --fault, and what a reset restores) ---------------

    def install_configured(self, service: str | None = None, *, with_state: bool = True) -> None:
        """Add the configured faults, rate limits, scenarios and state (of one service, or all).

        A configuration the contracts do not allow stops the start with the reason.
        """
        known: set[str] = set()

        def wanted(owner: Any) -> bool:
            # One file serves every set-up: entries for services not simulated here (--service) wait
            # for a run that serves them. A name no contract has is a typo, refused with the valid ones.
            if owner not in (None, "*") and owner not in self.runtime.contracts:
                known.update(known or self._known_services())
                if owner not in known:
                    raise FaultError(f"{owner!r} is no service; known: {', '.join(sorted(known))}")
                return False
            return service is None or owner == service

        try:
            for entry in self.settings.get("faults", []):
                if isinstance(entry, str):
                    if ":" not in entry or wanted(entry.split(":", 1)[0]):  # no colon: the parser says why
                        self.faults.inject(entry, source="config")
                elif wanted((entry.get("match") or {}).get("service")):
                    self.faults.add({**entry, "source": "config"})
            for entry in self.settings.get("rate_limits", []):
                if wanted(entry.get("service")):
                    self.rate_limits.add({**entry, "source": "config"})
            for entry in self.settings.get("scenarios", []):
                if wanted(entry.get("service")):
                    self.scenarios.add({**entry, "source": "config"})
            for name in self.settings.get("state") or {}:
                wanted(name)  # a service no contract has is refused here too
            if with_state:
                for name in self.runtime.contracts:
                    if service is None or name == service:
                        self.install_state(name)
        except FaultError as exc:
            raise ValueError(f"apisim control configuration: {exc}") from None

    def _known_services(self) -> set[str]:
        """Every service of the contracts folder, served here or not."""
        from simulator.contracts import load_contracts

        config = self.runtime.config
        return set(load_contracts(config.contracts_dir, with_shipped=config.with_shipped)) | set(self.runtime.contracts)

    def install_state(self, service: str) -> None:
        """Seed the state the configuration gives ``service`` (``[state.<service>]``), if any."""
        data = (self.settings.get("state") or {}).get(service)
        if data:
            load_state(self.runtime, service, data)

    def clear(self, service: str | None = None) -> None:
        """Remove every fault, rate limit and scenario (of one service), counters included."""
        self.faults.clear(service)
        self.rate_limits.clear(service)
        self.scenarios.clear(service)

    # -- the pipeline hooks -------------------------------------------------------------------

    def after_match(self, ctx: Context) -> SimResponse | None:
        """Faults that apply to this request, in the order they were added."""
        exchange = ctx.exchange
        store, seed = self.runtime.store, self.runtime.config.seed
        now = ctx.clock()
        for fault in self.faults.active():
            if not fault_rules.matches(fault, ctx):
                continue
            if not fault_rules.admits(fault, store, now, seed):
                continue
            action = fault["action"]
            fired = {"id": fault["id"], "action": action["type"]}
            exchange.faults_fired.append(fired)
            if action["type"] == "delay":
                seen = int(store.get(fault_rules.COUNTS_NS, f"{fault['id']}:seen", 0))
                fired["delay_ms"] = round(fault_rules.delay_ms(fault, seen, seed), 3)
                self._sleep(fired["delay_ms"] / 1000)
                continue
            if action["type"] == "code":
                raise ServiceError(action["code"], detail=f"apisim fault {fault['id']}",
                                   headers={FAULT_HEADER: fault["id"]}, stage=FAULT)
            if action["type"] == "status":
                return _raw_answer(fault)
            if action["type"] in TRANSPORT_ACTIONS and not action["processed"]:
                return _transport(fault)
            exchange.spoil = fault  # body faults, and transport faults after the work is done
            return None
        return None

    def after_auth(self, ctx: Context) -> None:
        """Per-credential rate limits: past the limit, the service's own throttling error."""
        exceeded = self.rate_limits.check(ctx)
        if exceeded is not None:
            code, why = exceeded
            raise ServiceError(code, detail=why, stage=RATE_LIMIT)

    def after_render(self, ctx: Context, response: SimResponse) -> SimResponse:
        fault = ctx.exchange.spoil
        if fault is None:
            return response
        action = fault["action"]
        if action["type"] in TRANSPORT_ACTIONS:
            return _transport(fault)
        body = response.body
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        headers.append((FAULT_HEADER, fault["id"]))
        if action["type"] == "empty":
            return SimResponse(response.status, b"", headers)
        if action["type"] == "malformed":
            return SimResponse(response.status, _utf8_prefix(body, len(body) // 2) + MALFORMED_TAIL, headers)
        keep = action["bytes"] if "bytes" in action else int(len(body) * action["fraction"])
        kept = body[:keep]
        if action["cut"] and len(kept) < len(body):
            return TransportFault(response.status, kept, headers, action=CUT, declared_length=len(body))
        return SimResponse(response.status, kept, headers)


def _raw_answer(fault: dict[str, Any]) -> SimResponse:
    action = fault["action"]
    body = action["body"]
    headers = [(FAULT_HEADER, fault["id"])]
    if isinstance(body, (dict, list)):
        response = SimResponse.json(action["status"], body, headers)
    else:
        response = SimResponse(action["status"], body.encode("utf-8"), [("Content-Type", "text/plain; charset=utf-8"),
                                                                       *headers])
    for name, value in action["headers"].items():
        response.set_header(name, value)
    return response


def _transport(fault: dict[str, Any]) -> TransportFault:
    action = fault["action"]
    return TransportFault(0, b"", [(FAULT_HEADER, fault["id"])], action=action["type"],
                          max_seconds=action.get("max_ms", 0) / 1000)


def _utf8_prefix(body: bytes, size: int) -> bytes:
    """The first ``size`` bytes, backed off to a character boundary (the garbage is in the structure)."""
    prefix = body[:size]
    while prefix:
        try:
            prefix.decode("utf-8")
            return prefix
        except UnicodeDecodeError:
            prefix = prefix[:-1]
    return prefix
