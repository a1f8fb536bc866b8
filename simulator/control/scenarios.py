"""Scenarios: named state machines for the multi-step flows the documents describe.

A scenario is a list of states for one key (an identity, a queue, ``*`` for every key); each
time the service consults it, the machine hands out the current state and moves one step on;
the last state then holds. So ``["pending", "pending", "Z1146"]`` on a SAF identity means: the
first two polls of its verification say "still running" (300), the third ends it with
NOT_SAME_PERSON. Handlers consult it with ``ctx.scenario(name, key)``.

Which scenarios exist, and which states each allows, each service declares
(``ServiceDefinition.scenarios``, states from its contract where the document lists them).
"""

from __future__ import annotations

from typing import Any

from simulator.control.errors import FaultError
from simulator.pipeline.runtime import Runtime
from simulator.pipeline.service import Scenario, ServiceDefinition

MACHINES_NS = "apisim:control:scenarios"
STEPS_NS = "apisim:control:scenario-steps"
ANY_KEY = "*"


def _machine_key(service: str, name: str, key: str) -> str:
    return f"{service}|{name}|{key}"


class Scenarios:
    def __init__(self, runtime: Runtime, services: dict[str, ServiceDefinition]):
        self._runtime = runtime
        self._store = runtime.store
        self._declared = {(name, s.name): s for name, service in services.items() for s in service.scenarios}

    def catalogue(self) -> list[dict[str, Any]]:
        """The scenarios of the services being simulated, with the states each allows."""
        return [{"service": service, "scenario": s.name, "summary": s.summary, "key": s.key,
                 "states": s.states(self._runtime.contracts[service])}
                for (service, _), s in self._declared.items()]

    def _spec(self, service: str, name: str) -> Scenario | None:
        return self._declared.get((service, name))

    def set(self, service: str, scenario: str, states: list[str] | str, key: str = ANY_KEY,
            source: str = "api") -> dict[str, Any]:
        """Start (or restart) a scenario for a key; raises :class:`FaultError` for unknown names or states."""
        spec = self._spec(service, scenario)
        if spec is None:
            known = ", ".join(f"{s['service']}/{s['scenario']}" for s in self.catalogue())
            raise FaultError(f"no scenario {service}/{scenario}; known: {known}")
        if isinstance(states, str):
            states = [states]
        valid = spec.states(self._runtime.contracts[service])
        if not isinstance(states, list) or not states or not all(isinstance(s, str) and s in valid for s in states):
            raise FaultError(f"states: a non-empty list of {', '.join(valid)}")
        machine = {"service": service, "scenario": scenario, "key": str(key or ANY_KEY), "states": states,
                   "source": source}
        name = _machine_key(service, scenario, machine["key"])
        self._store.put(MACHINES_NS, name, machine)
        self._store.delete(STEPS_NS, name)
        return self.get(service, scenario, machine["key"])

    def add(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The JSON form: ``{"service", "scenario", "key", "states"}`` (or ``"state"`` for one)."""
        if not isinstance(raw, dict):
            raise FaultError("a scenario is an object: service, scenario, key, states")
        unknown = set(raw) - {"service", "scenario", "key", "states", "state", "source"}
        if unknown:
            raise FaultError(f"scenario: unknown keys {', '.join(sorted(unknown))}")
        states = raw.get("states", raw.get("state"))
        return self.set(str(raw.get("service")), str(raw.get("scenario")), states, str(raw.get("key") or ANY_KEY),
                        raw.get("source", "api"))

    def get(self, service: str, scenario: str, key: str = ANY_KEY) -> dict[str, Any] | None:
        name = _machine_key(service, scenario, key)
        machine = self._store.get(MACHINES_NS, name)
        if machine is None:
            return None
        step = int(self._store.get(STEPS_NS, name, 0))
        return {**machine, "step": step, "state": machine["states"][min(step, len(machine["states"]) - 1)]}

    def list(self, service: str | None = None) -> list[dict[str, Any]]:
        found = [self.get(m["service"], m["scenario"], m["key"]) for _, m in self._store.items(MACHINES_NS)
                 if service is None or m["service"] == service]
        return sorted((m for m in found if m), key=lambda m: (m["service"], m["scenario"], m["key"]))

    def remove(self, service: str, scenario: str, key: str = ANY_KEY) -> bool:
        name = _machine_key(service, scenario, key)
        self._store.delete(STEPS_NS, name)
        return self._store.delete(MACHINES_NS, name)

    def clear(self, service: str | None = None) -> int:
        gone = self.list(service)
        for machine in gone:
            self.remove(machine["service"], machine["scenario"], machine["key"])
        return len(gone)

    def advance(self, service: str, scenario: str, key: str | None = None) -> str | None:
        """The state for this step of the flow (the key's own machine, else ``*``'s), moving it on; None if unset."""
        for candidate in ([str(key)] if key not in (None, ANY_KEY) else []) + [ANY_KEY]:
            name = _machine_key(service, scenario, candidate)
            machine = self._store.get(MACHINES_NS, name)
            if machine is None:
                continue
            step = self._store.incr(STEPS_NS, name) - 1  # atomic: two workers never get the same step
            return machine["states"][min(step, len(machine["states"]) - 1)]
        return None
