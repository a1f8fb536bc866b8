"""The control plane as the pipeline sees it: three hooks and a reset.

``Simulator`` owns one :class:`Control` (``sim.control``) and calls it at three points:

* :meth:`Control.after_match`: faults. A delay sleeps and lets the request go on; a ``code``
  fault raises the documented error; a ``status`` fault or an unprocessed transport fault is
  returned as the answer; body faults are remembered for after render.
* :meth:`Control.after_auth`: per-credential rate limits (the service's throttling error).
* :meth:`Control.after_render`: the remembered body or transport fault spoils the answer.

All control state is in the store (JSON), so several workers share it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from simulator.control import faults as fault_rules
from simulator.control.faults import BODY_ACTIONS, TRANSPORT_ACTIONS, FaultError, Faults
from simulator.control.ratelimits import RateLimits
from simulator.control.scenarios import Scenarios
from simulator.control.state import load_state
from simulator.control.transport import CUT, TransportFault
from simulator.core import ServiceError, SimResponse

if TYPE_CHECKING:
    from simulator.pipeline.context import Context
    from simulator.pipeline.simulator import Simulator

FAULT_HEADER = "X-Apisim-Fault"  # names the fault that answered, for the developer reading the response
# What a proxy in front of a service sends when the service's answer breaks mid-way: a malformed
# body is the first half of the real one followed by this, still valid UTF-8 so the client's
# parser (not its decoder) is what fails.
MALFORMED_TAIL = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class Control:
    def __init__(self, sim: "Simulator", sleep: Callable[[float], None] = time.sleep):
        self.sim = sim
        self.faults = Faults(sim)
        self.rate_limits = RateLimits(sim)
        self.scenarios = Scenarios(sim)
        self.settings: dict[str, Any] = dict(getattr(sim.config, "control", None) or {})
        self.admin_token: str | None = self.settings.get("admin_token")
        self._sleep = sleep

    # -- configuration (the --config file, --fault, and what a reset restores) ---------------

    def install_configured(self, service: str | None = None, *, with_state: bool = True) -> None:
        """Add the configured faults, rate limits, scenarios and state (of one service, or all).

        A configuration the contracts do not allow stops the start with the reason.
        """
        def wanted(owner: Any) -> bool:
            # One file serves every set-up: entries for services not simulated here (--service) are skipped.
            if owner not in (None, "*") and owner not in self.sim.contracts:
                return False
            return service is None or owner == service

        try:
            for entry in self.settings.get("faults", []):
                if isinstance(entry, str):
                    if wanted(entry.split(":", 1)[0]):
                        self.faults.inject(entry, source="config")
                elif wanted((entry.get("match") or {}).get("service")):
                    self.faults.add({**entry, "source": "config"})
            for entry in self.settings.get("rate_limits", []):
                if wanted(entry.get("service")):
                    self.rate_limits.add({**entry, "source": "config"})
            for entry in self.settings.get("scenarios", []):
                if wanted(entry.get("service")):
                    self.scenarios.add({**entry, "source": "config"})
            if with_state:
                for name, data in (self.settings.get("state") or {}).items():
                    if wanted(name):
                        load_state(self.sim, name, data)
        except FaultError as exc:
            raise ValueError(f"apisim control configuration: {exc}") from None

    def after_reset(self, service: str | None) -> None:
        """``Simulator.reset`` forgot everything (all services) or one service's state: restore the configured."""
        if service is None:
            self.install_configured()
        elif (self.settings.get("state") or {}).get(service):
            load_state(self.sim, service, self.settings["state"][service])

    def reset(self, service: str | None = None, parts: tuple[str, ...] = ("state", "faults", "journal")) -> None:
        """What ``POST /__apisim/reset`` does: back to how the simulator started, in the parts asked.

        ``faults`` covers faults, rate limits and scenarios (and their counters).
        """
        if service is None and set(parts) >= {"state", "faults", "journal"}:
            self.sim.reset()  # clears the whole store, then re-seeds and re-installs the configuration
            return
        if "faults" in parts:
            self.faults.clear(service)
            self.rate_limits.clear(service)
            self.scenarios.clear(service)
            self.install_configured(service, with_state=False)
        if "state" in parts:
            for name in [service] if service else list(self.sim.contracts):
                self.sim.reset(name)
        if "journal" in parts:
            self.clear_journal(service)

    def clear_journal(self, service: str | None = None) -> int:
        """Forget the journal (of one service); how many entries went."""
        entries = self.sim.journal.entries()
        self.sim.journal.clear()
        kept = [e for e in entries if service is not None and e.get("service") != service]
        self.sim.journal.append_entries(kept)  # the store has no "delete where": write the others back
        return len(entries) - len(kept)

    # -- the pipeline hooks -------------------------------------------------------------------

    def after_match(self, ctx: "Context") -> SimResponse | None:
        """Faults that apply to this request, in the order they were added."""
        view_cache: dict[str, Any] = {}

        def view() -> dict[str, Any]:
            if not view_cache:
                view_cache.update(_request_view(ctx))
            return view_cache

        now = ctx.clock()
        for fault in self.faults.active():
            if not fault_rules.matches(fault, ctx, view):
                continue
            if not fault_rules.admits(fault, self.sim.store, now, self.sim.config.seed):
                continue
            action = fault["action"]
            fired = {"id": fault["id"], "action": action["type"]}
            ctx.extra.setdefault("faults", []).append(fired)
            if action["type"] == "delay":
                seen = int(self.sim.store.get(fault_rules.COUNTS_NS, f"{fault['id']}:seen", 0))
                fired["delay_ms"] = round(fault_rules.delay_ms(fault, seen, self.sim.config.seed), 3)
                self._sleep(fired["delay_ms"] / 1000)
                continue
            if action["type"] == "code":
                ctx.extra["control_stage"] = "fault"
                raise ServiceError(action["code"], detail=f"apisim fault {fault['id']}",
                                   headers={FAULT_HEADER: fault["id"]})
            if action["type"] == "status":
                ctx.extra["failure"] = "fault"
                return _raw_answer(fault)
            if action["type"] in TRANSPORT_ACTIONS and not action["processed"]:
                ctx.extra["failure"] = "fault"
                return _transport(fault)
            ctx.extra["spoil"] = fault  # body faults, and transport faults after the work is done
            return None
        return None

    def after_auth(self, ctx: "Context") -> None:
        """Per-credential rate limits: past the limit, the service's own throttling error."""
        exceeded = self.rate_limits.check(ctx)
        if exceeded is not None:
            code, why = exceeded
            ctx.extra["control_stage"] = "rate_limit"
            raise ServiceError(code, detail=why)

    def after_render(self, ctx: "Context", response: SimResponse) -> SimResponse:
        fault = ctx.extra.get("spoil")
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

    # -- scenarios, as services consult them --------------------------------------------------

    def scenario(self, ctx: "Context", name: str, key: str | None = None) -> str | None:
        """The state of scenario ``name`` for ``key`` at this step (moving it on), or None when none is set.

        For services: ``outcome = ctx.sim.control.scenario(ctx, "verification", cert_number)``.
        """
        return self.scenarios.consult(ctx, name, key)


def _request_view(ctx: "Context") -> dict[str, Any]:
    request = ctx.request
    try:
        body = request.json()
    except ValueError:
        body = dict(request.form)
    return {"body": body, "query": request.query_dict, "params": ctx.params, "headers": request.headers.lower_items()}


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
