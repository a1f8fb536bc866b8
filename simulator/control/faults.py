"""Faults at request time: does one apply, does its budget let it fire, how long a delay is; and
the registry (:class:`Faults`) tests and the admin API use. What a fault is, and how a definition
is checked, is :mod:`simulator.control.fault_definition`.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterator

from simulator.control.errors import FaultError
from simulator.control.fault_definition import COUNTS_NS, DEFAULT_HANG_MS, FAULTS_NS, MAX_DELAY_MS, SEQ_NS, normalise
from simulator.control.spec import parse_fault_spec
from simulator.core.view import holds
from simulator.pipeline.runtime import Runtime
from simulator.store import Store

if TYPE_CHECKING:
    from simulator.pipeline.context import Context


# --- deciding, per request ---------------------------------------------------------------------

def matches(fault: dict[str, Any], ctx: "Context") -> bool:
    """Does this request fall under the fault's match (``where`` reads ``ctx.view``, built once)?"""
    match = fault["match"]
    if match["service"] not in ("*", ctx.service):
        return False
    if match["operation"] not in ("*", ctx.operation.id):
        return False
    if match["deployment"] is not None and match["deployment"] != ctx.deployment.name:
        return False
    if match["where"]:
        view = ctx.view
        return all(holds(view, path, wanted) for path, wanted in match["where"].items())
    return True


def admits(fault: dict[str, Any], store: Store, now: datetime, default_seed: int) -> bool:
    """Spend the budget: True when this matching call fires the fault.

    Order matters for reproducibility: the window is checked first (a call outside it is not
    counted), then every call in it is counted (``seen``), then the probability draw, seeded by
    seed + fault id + that count, then the ``times`` allowance, taken atomically.
    """
    budget = fault["budget"]
    if budget["start"] and now < datetime.fromisoformat(budget["start"]):
        return False
    if budget["end"] and now >= datetime.fromisoformat(budget["end"]):
        return False
    seen = store.incr(COUNTS_NS, f"{fault['id']}:seen")
    if seen <= budget["after_calls"]:
        return False
    if budget["probability"] is not None and draw(fault, seen, default_seed, "fire") >= budget["probability"]:
        return False
    fired = store.incr(COUNTS_NS, f"{fault['id']}:fired")
    if budget["times"] is not None and fired > budget["times"]:
        store.incr(COUNTS_NS, f"{fault['id']}:fired", -1)
        return False
    return True


def draw(fault: dict[str, Any], call: int, default_seed: int, purpose: str) -> float:
    """A number in [0, 1) fixed by the seed, the fault id and the call number (never the global random)."""
    seed = fault["budget"]["seed"] if fault["budget"]["seed"] is not None else default_seed
    return random.Random(f"apisim-fault:{seed}:{fault['id']}:{call}:{purpose}").random()


def delay_ms(fault: dict[str, Any], call: int, default_seed: int) -> float:
    """The delay this call gets: fixed, or drawn (reproducibly) from the fault's distribution."""
    action = fault["action"]
    if "ms" in action:
        return float(action["ms"])
    seed = fault["budget"]["seed"] if fault["budget"]["seed"] is not None else default_seed
    rng = random.Random(f"apisim-delay:{seed}:{fault['id']}:{call}")
    if "min_ms" in action:
        value = rng.uniform(action["min_ms"], action["max_ms"])
    else:
        value = rng.gauss(action["mean_ms"], action["stddev_ms"])
    return min(max(value, 0.0), MAX_DELAY_MS)


def exhausted(fault: dict[str, Any], store: Store, now: datetime) -> bool:
    """Nothing more to fire: its ``times`` are spent or its window has closed."""
    budget = fault["budget"]
    if budget["end"] and now >= datetime.fromisoformat(budget["end"]):
        return True
    return budget["times"] is not None and int(store.get(COUNTS_NS, f"{fault['id']}:fired", 0)) >= budget["times"]


class Faults:
    """The fault registry, on the store: add, list, remove; what the admin API and the pytest plugin use.

    Every ``add*`` method returns the stored fault (with its ``id``)::

        faults = simulator.control.faults
        faults.error("huawei-ocr", "recognize_quota_invoice", "APIGW.0308", times=2)
        faults.delay("aliyun-saf", ms=200, probability=0.1)
        faults.reset_connection("aicp", "micro_face_search")
        faults.inject("aliyun-saf:*:delay=200ms,p=0.1")
    """

    def __init__(self, runtime: Runtime):
        self._runtime = runtime
        self._store: Store = runtime.store

    # -- the general form -------------------------------------------------------------------

    def add(self, fault: dict[str, Any]) -> dict[str, Any]:
        """Add a fault given as JSON (see :mod:`simulator.control.fault_definition`); raises :class:`FaultError`."""
        normal = normalise(fault, self._runtime)
        order = self._store.incr(SEQ_NS, "faults")
        normal.setdefault("id", f"f{order}")
        normal["order"] = order
        if not self._store.add_if_absent(FAULTS_NS, normal["id"], normal):
            raise FaultError(f"id: a fault {normal['id']!r} exists already; remove it first")
        return self.get(normal["id"])

    def inject(self, spec: str, source: str = "api") -> dict[str, Any]:
        """Add a fault from its one-line form, as ``apisim serve --fault`` takes it."""
        return self.add({**parse_fault_spec(spec), "source": source})

    # -- one helper per action --------------------------------------------------------------

    def error(self, service: str, operation: str = "*", code: str = "", **budget: Any) -> dict[str, Any]:
        """Answer a documented error code of the service."""
        return self._add(service, operation, {"type": "code", "code": code}, budget)

    def status(self, service: str, operation: str = "*", status: int = 503, body: Any = "",
               headers: dict[str, str] | None = None, **budget: Any) -> dict[str, Any]:
        """Answer a raw HTTP status and body (what a proxy in front of the service might send)."""
        return self._add(service, operation, {"type": "status", "status": status, "body": body,
                                              "headers": headers or {}}, budget)

    def delay(self, service: str, operation: str = "*", ms: float | None = None, *, min_ms: float | None = None,
              max_ms: float | None = None, mean_ms: float | None = None, stddev_ms: float | None = None,
              **budget: Any) -> dict[str, Any]:
        """Slow answers: fixed ``ms``, uniform ``min_ms``..``max_ms`` or normal ``mean_ms``/``stddev_ms``."""
        given = {"ms": ms, "min_ms": min_ms, "max_ms": max_ms, "mean_ms": mean_ms, "stddev_ms": stddev_ms}
        return self._add(service, operation, {"type": "delay", **{k: v for k, v in given.items() if v is not None}},
                         budget)

    def reset_connection(self, service: str, operation: str = "*", *, processed: bool = False,
                         **budget: Any) -> dict[str, Any]:
        return self._add(service, operation, {"type": "reset", "processed": processed}, budget)

    def disconnect(self, service: str, operation: str = "*", *, processed: bool = False,
                   **budget: Any) -> dict[str, Any]:
        return self._add(service, operation, {"type": "disconnect", "processed": processed}, budget)

    def hang(self, service: str, operation: str = "*", *, max_ms: float = DEFAULT_HANG_MS, processed: bool = False,
             **budget: Any) -> dict[str, Any]:
        return self._add(service, operation, {"type": "hang", "max_ms": max_ms, "processed": processed}, budget)

    def empty(self, service: str, operation: str = "*", **budget: Any) -> dict[str, Any]:
        return self._add(service, operation, {"type": "empty"}, budget)

    def truncate(self, service: str, operation: str = "*", *, fraction: float = 0.5, bytes: int | None = None,
                 cut: bool = False, **budget: Any) -> dict[str, Any]:
        action: dict[str, Any] = {"type": "truncate", "cut": cut}
        action.update({"bytes": bytes} if bytes is not None else {"fraction": fraction})
        return self._add(service, operation, action, budget)

    def malformed(self, service: str, operation: str = "*", **budget: Any) -> dict[str, Any]:
        return self._add(service, operation, {"type": "malformed"}, budget)

    def _add(self, service: str, operation: str, action: dict[str, Any], budget: dict[str, Any]) -> dict[str, Any]:
        match: dict[str, Any] = {"service": service, "operation": operation}
        for key in ("where", "deployment"):
            if key in budget:
                match[key] = budget.pop(key)
        fault: dict[str, Any] = {"match": match, "action": action, "budget": budget}
        for key in ("id", "description"):
            if key in budget:
                fault[key] = budget.pop(key)
        return self.add(fault)

    # -- reading and removing ---------------------------------------------------------------

    def get(self, fault_id: str) -> dict[str, Any] | None:
        fault = self._store.get(FAULTS_NS, fault_id)
        if fault is None:
            return None
        return {**fault, "calls": {
            "seen": int(self._store.get(COUNTS_NS, f"{fault_id}:seen", 0)),
            "fired": int(self._store.get(COUNTS_NS, f"{fault_id}:fired", 0)),
        }, "spent": exhausted(fault, self._store, self._runtime.now())}

    def list(self, service: str | None = None) -> list[dict[str, Any]]:
        """Every fault in the order they were added (the order they are tried in)."""
        found = [self.get(key) for key, _ in self._store.items(FAULTS_NS)]
        found = [f for f in found if f is not None and (service is None or f["match"]["service"] in (service, "*"))]
        return sorted(found, key=lambda f: f["order"])

    def active(self) -> Iterator[dict[str, Any]]:
        return iter(sorted((f for _, f in self._store.items(FAULTS_NS)), key=lambda f: f["order"]))

    def remove(self, fault_id: str) -> bool:
        removed = self._store.delete(FAULTS_NS, fault_id)
        self._store.delete(COUNTS_NS, f"{fault_id}:seen")
        self._store.delete(COUNTS_NS, f"{fault_id}:fired")
        return removed

    def clear(self, service: str | None = None) -> int:
        """Remove every fault (of one service: those matching only that service); how many went."""
        gone = [f["id"] for f in self.list() if service is None or f["match"]["service"] == service]
        for fault_id in gone:
            self.remove(fault_id)
        return len(gone)
