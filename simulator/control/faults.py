"""Faults: what should go wrong, for which requests, and how often.

A fault is plain JSON (so it lives in the store and every worker sees it)::

    {"id": "f1",
     "match":  {"service": "aliyun-saf", "operation": "*", "deployment": null,
                "where": {"headers.x-case": "slow", "body.face_num": [1, 2]}},
     "action": {"type": "delay", "ms": 200},
     "budget": {"times": 3, "probability": 0.5, "after_calls": 0,
                "start": null, "end": null, "seed": null}}

Actions (``action.type``): ``code`` (a documented error code of the service), ``status`` (a raw
HTTP status, body and headers), ``delay`` (fixed ``ms``, or ``min_ms``..``max_ms`` uniform, or
``mean_ms``/``stddev_ms`` normal), ``empty`` (the answer's status with no body), ``truncate``
(``bytes`` or ``fraction`` of the body; ``cut: true`` announces the full length and drops the
connection), ``malformed`` (a body that no longer parses), ``reset`` (TCP RST), ``disconnect``
(closed without a byte) and ``hang`` (no answer until the client gives up, at most ``max_ms``).
Transport actions take ``processed: true`` to run the operation first (the work is done, the
answer is lost).

Budgets: ``times`` (fire on the next N matching calls, then stop), ``probability`` (each matching
call fires with p, decided by ``seed`` + fault id + call number: reproducible, never the global
random), ``after_calls`` (let the first N matching calls through), ``start``/``end`` (ISO
instants of the simulator clock; ``for_seconds`` on creation sets ``end`` from now).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterator

from simulator.store import Store

if TYPE_CHECKING:
    from simulator.pipeline.context import Context
    from simulator.pipeline.simulator import Simulator

FAULTS_NS = "apisim:control:faults"
COUNTS_NS = "apisim:control:fault-counts"
SEQ_NS = "apisim:control:seq"
MAX_DELAY_MS = 120_000  # a delay is a test tool, not a way to wedge a worker forever
DEFAULT_HANG_MS = 30_000
MAX_HANG_MS = 300_000

ANSWER_ACTIONS = ("code", "status")  # answer instead of the operation
BODY_ACTIONS = ("empty", "truncate", "malformed")  # the operation runs; its answer is spoiled
TRANSPORT_ACTIONS = ("reset", "disconnect", "hang")  # the connection itself misbehaves
ACTIONS = ("delay", *ANSWER_ACTIONS, *BODY_ACTIONS, *TRANSPORT_ACTIONS)
DROPPING_ACTIONS = ("reset", "disconnect")  # need a server that can break the connection itself
_BUDGET_KEYS = ("times", "probability", "after_calls", "start", "end", "for_seconds", "seed")


class FaultError(ValueError):
    """A fault definition the simulator cannot honour; the message says what to change."""


def normalise(raw: dict[str, Any], sim: "Simulator") -> dict[str, Any]:
    """Check a fault definition against the contracts and fill in defaults (raises :class:`FaultError`)."""
    if not isinstance(raw, dict):
        raise FaultError("a fault is a JSON object with match, action and budget")
    unknown = set(raw) - {"id", "match", "action", "budget", "source", "description"}
    if unknown:
        raise FaultError(f"unknown fault keys: {', '.join(sorted(unknown))}; use match, action, budget")
    match = _normalise_match(raw.get("match") or {}, sim)
    action = _normalise_action(raw.get("action"), match, sim)
    budget = _normalise_budget(raw.get("budget") or {}, sim)
    fault = {"match": match, "action": action, "budget": budget, "source": raw.get("source", "api")}
    if raw.get("id") is not None:
        if not isinstance(raw["id"], str) or not raw["id"].strip():
            raise FaultError("id: a non-empty string")
        fault["id"] = raw["id"]
    if raw.get("description"):
        fault["description"] = str(raw["description"])
    return fault


def _normalise_match(raw: dict[str, Any], sim: "Simulator") -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FaultError("match: an object with service, operation, deployment and where")
    unknown = set(raw) - {"service", "operation", "deployment", "where"}
    if unknown:
        raise FaultError(f"match: unknown keys {', '.join(sorted(unknown))}")
    service = raw.get("service") or "*"
    operation = raw.get("operation") or "*"
    deployment = raw.get("deployment")
    if service != "*" and service not in sim.contracts:
        raise FaultError(f"match.service: no service {service!r}; known: {', '.join(sim.contracts)}")
    if operation != "*":
        if service == "*":
            raise FaultError("match.operation needs match.service (operation ids belong to one service)")
        if operation not in sim.contracts[service].operations:
            raise FaultError(f"match.operation: {service} has no operation {operation!r}; "
                             f"known: {', '.join(sim.contracts[service].operations)}")
    if deployment is not None:
        if service == "*":
            raise FaultError("match.deployment needs match.service")
        try:
            sim.contracts[service].deployment(deployment)
        except KeyError as exc:
            raise FaultError(f"match.deployment: {exc.args[0]}") from None
    where = raw.get("where") or {}
    if not isinstance(where, dict) or not all(
            isinstance(k, str) and k.split(".", 1)[0] in ("body", "query", "params", "headers") for k in where):
        raise FaultError("match.where: dotted paths starting with body., query., params. or headers. "
                         "mapped to the value wanted (a list means any of them)")
    # Header names arrive lower-cased in the view, so the predicate is lower-cased once here.
    where = {(k.lower() if k.startswith("headers.") else k): v for k, v in where.items()}
    return {"service": service, "operation": operation, "deployment": deployment, "where": where}


def _normalise_action(raw: Any, match: dict[str, Any], sim: "Simulator") -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or raw.get("type") not in ACTIONS:
        raise FaultError(f"action.type: one of {', '.join(ACTIONS)}")
    kind = raw["type"]
    if kind in DROPPING_ACTIONS and not sim.config.dropped_connections:
        raise FaultError(f"action {kind}: this server (granian) cannot drop a connection, it would answer 500 "
                         "instead; run `apisim serve --server dev` (or use the pytest fixtures) for connection faults")
    action: dict[str, Any] = {"type": kind}
    if kind == "code":
        action["code"] = _checked_code(raw.get("code"), match, sim)
    elif kind == "status":
        status = raw.get("status")
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise FaultError("action.status: an HTTP status between 100 and 599")
        body = raw.get("body", "")
        if not isinstance(body, (str, dict, list)):
            raise FaultError("action.body: a string, or JSON (sent as application/json)")
        headers = raw.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise FaultError("action.headers: an object of header name to string value")
        action.update(status=status, body=body, headers=headers)
    elif kind == "delay":
        action.update(_checked_delay(raw))
    elif kind == "truncate":
        if "bytes" in raw:
            if not isinstance(raw["bytes"], int) or raw["bytes"] < 0:
                raise FaultError("action.bytes: how many bytes of the body to keep (0 or more)")
            action["bytes"] = raw["bytes"]
        else:
            fraction = raw.get("fraction", 0.5)
            if not isinstance(fraction, (int, float)) or not 0 <= fraction < 1:
                raise FaultError("action.fraction: the share of the body to keep, from 0 up to (not including) 1")
            action["fraction"] = float(fraction)
        action["cut"] = bool(raw.get("cut", False))
    elif kind == "hang":
        max_ms = raw.get("max_ms", DEFAULT_HANG_MS)
        if not isinstance(max_ms, (int, float)) or not 0 < max_ms <= MAX_HANG_MS:
            raise FaultError(f"action.max_ms: how long to hang at most, up to {MAX_HANG_MS} ms")
        action["max_ms"] = max_ms
    if kind in TRANSPORT_ACTIONS:
        action["processed"] = bool(raw.get("processed", False))
    return action


def _checked_code(code: Any, match: dict[str, Any], sim: "Simulator") -> str:
    if match["service"] == "*":
        raise FaultError("action code: needs match.service (codes are each service's own)")
    contract = sim.contracts[match["service"]]
    if match["operation"] != "*":
        valid = sim.forceable_codes(contract, match["operation"])
        where = f"{contract.service}.{match['operation']}"
    else:
        valid = list(contract.errors)
        where = contract.service
    if code is None or str(code) not in valid:
        raise FaultError(f"action.code: {code!r} is not a documented error of {where}; valid: {', '.join(valid)}")
    return str(code)


def _checked_delay(raw: dict[str, Any]) -> dict[str, Any]:
    def number(key: str) -> float:
        value = raw[key]
        if not isinstance(value, (int, float)) or not 0 <= value <= MAX_DELAY_MS:
            raise FaultError(f"action.{key}: milliseconds between 0 and {MAX_DELAY_MS}")
        return value

    if "ms" in raw:
        return {"ms": number("ms")}
    if "min_ms" in raw and "max_ms" in raw:
        low, high = number("min_ms"), number("max_ms")
        if low > high:
            raise FaultError("action: min_ms is above max_ms")
        return {"min_ms": low, "max_ms": high}
    if "mean_ms" in raw:
        return {"mean_ms": number("mean_ms"), "stddev_ms": number("stddev_ms") if "stddev_ms" in raw else 0}
    raise FaultError("action delay: give ms (fixed), min_ms and max_ms (uniform) or mean_ms and stddev_ms (normal)")


def _normalise_budget(raw: dict[str, Any], sim: "Simulator") -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FaultError("budget: an object (times, probability, after_calls, start, end, for_seconds, seed)")
    unknown = set(raw) - set(_BUDGET_KEYS)
    if unknown:
        raise FaultError(f"budget: unknown keys {', '.join(sorted(unknown))}; use {', '.join(_BUDGET_KEYS)}")
    budget: dict[str, Any] = {"times": None, "probability": None, "after_calls": 0, "start": None, "end": None,
                              "seed": None}
    if raw.get("times") is not None:
        if not isinstance(raw["times"], int) or raw["times"] < 1:
            raise FaultError("budget.times: how many calls fire (1 or more)")
        budget["times"] = raw["times"]
    if raw.get("probability") is not None:
        p = raw["probability"]
        if not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise FaultError("budget.probability: between 0 and 1")
        budget["probability"] = float(p)
    if raw.get("after_calls"):
        if not isinstance(raw["after_calls"], int) or raw["after_calls"] < 0:
            raise FaultError("budget.after_calls: how many matching calls pass before the fault starts")
        budget["after_calls"] = raw["after_calls"]
    for key in ("start", "end"):
        if raw.get(key) is not None:
            budget[key] = parse_instant(raw[key], f"budget.{key}").isoformat()
    if raw.get("for_seconds") is not None:
        seconds = raw["for_seconds"]
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            raise FaultError("budget.for_seconds: a positive number of seconds of the simulator clock")
        begin = parse_instant(budget["start"], "budget.start") if budget["start"] else sim.now()
        budget["end"] = (begin + timedelta(seconds=seconds)).isoformat()
    if raw.get("seed") is not None:
        if not isinstance(raw["seed"], int):
            raise FaultError("budget.seed: an integer")
        budget["seed"] = raw["seed"]
    return budget


def parse_instant(value: Any, where: str) -> datetime:
    """An ISO 8601 instant with a time zone (``Z`` accepted), or a FaultError naming ``where``."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FaultError(f"{where}: an ISO 8601 instant, e.g. 2026-03-01T08:00:00+00:00") from None
    if moment.tzinfo is None:
        raise FaultError(f"{where}: give a time zone (e.g. +00:00)")
    return moment


# --- deciding, per request ---------------------------------------------------------------------

def matches(fault: dict[str, Any], ctx: "Context", view: Any) -> bool:
    """Does this request fall under the fault's match? ``view()`` builds the request view lazily."""
    match = fault["match"]
    if match["service"] not in ("*", ctx.service):
        return False
    if match["operation"] not in ("*", ctx.operation.id):
        return False
    if match["deployment"] is not None and match["deployment"] != ctx.deployment.name:
        return False
    if match["where"]:
        data = view()
        for path, wanted in match["where"].items():
            found = _dig(data, path)
            options = wanted if isinstance(wanted, list) else [wanted]
            if not any(_same(found, option) for option in options):
                return False
    return True


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _ABSENT
    return data


def _same(found: Any, wanted: Any) -> bool:
    if found is _ABSENT:
        return False
    # Query strings and headers are text: "2" in a query matches 2 in the predicate.
    return found == wanted or (isinstance(found, str) and not isinstance(wanted, str) and found == str(wanted))


_ABSENT = object()


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

    def __init__(self, sim: "Simulator"):
        self._sim = sim
        self._store: Store = sim.store

    # -- the general form -------------------------------------------------------------------

    def add(self, fault: dict[str, Any]) -> dict[str, Any]:
        """Add a fault given as JSON (see the module docstring); raises :class:`FaultError`."""
        normal = normalise(fault, self._sim)
        order = self._store.incr(SEQ_NS, "faults")
        normal.setdefault("id", f"f{order}")
        normal["order"] = order
        if not self._store.add_if_absent(FAULTS_NS, normal["id"], normal):
            raise FaultError(f"id: a fault {normal['id']!r} exists already; remove it first")
        return self.get(normal["id"])

    def inject(self, spec: str, source: str = "api") -> dict[str, Any]:
        """Add a fault from its one-line form, as ``apisim serve --fault`` takes it."""
        from simulator.control.spec import parse_fault_spec

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
        }, "spent": exhausted(fault, self._store, self._sim.now())}

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
