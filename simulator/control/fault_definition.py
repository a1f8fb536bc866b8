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

from datetime import datetime, timedelta
from typing import Any

from simulator.control.errors import FaultError
from simulator.pipeline.runtime import Runtime

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


def normalise(raw: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
    """Check a fault definition against the contracts and fill in defaults (raises :class:`FaultError`)."""
    if not isinstance(raw, dict):
        raise FaultError("a fault is a JSON object with match, action and budget")
    unknown = set(raw) - {"id", "match", "action", "budget", "source", "description"}
    if unknown:
        raise FaultError(f"unknown fault keys: {', '.join(sorted(unknown))}; use match, action, budget")
    match = _normalise_match(raw.get("match") or {}, runtime)
    action = _normalise_action(raw.get("action"), match, runtime)
    budget = _normalise_budget(raw.get("budget") or {}, runtime)
    fault = {"match": match, "action": action, "budget": budget, "source": raw.get("source", "api")}
    if raw.get("id") is not None:
        if not isinstance(raw["id"], str) or not raw["id"].strip():
            raise FaultError("id: a non-empty string")
        fault["id"] = raw["id"]
    if raw.get("description"):
        fault["description"] = str(raw["description"])
    return fault


def _normalise_match(raw: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FaultError("match: an object with service, operation, deployment and where")
    unknown = set(raw) - {"service", "operation", "deployment", "where"}
    if unknown:
        raise FaultError(f"match: unknown keys {', '.join(sorted(unknown))}")
    service = raw.get("service") or "*"
    operation = raw.get("operation") or "*"
    deployment = raw.get("deployment")
    if service != "*" and service not in runtime.contracts:
        raise FaultError(f"match.service: no service {service!r}; known: {', '.join(runtime.contracts)}")
    if operation != "*":
        if service == "*":
            raise FaultError("match.operation needs match.service (operation ids belong to one service)")
        if operation not in runtime.contracts[service].operations:
            raise FaultError(f"match.operation: {service} has no operation {operation!r}; "
                             f"known: {', '.join(runtime.contracts[service].operations)}")
    if deployment is not None:
        if service == "*":
            raise FaultError("match.deployment needs match.service")
        try:
            runtime.contracts[service].deployment(deployment)
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


def _normalise_action(raw: Any, match: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or raw.get("type") not in ACTIONS:
        raise FaultError(f"action.type: one of {', '.join(ACTIONS)}")
    kind = raw["type"]
    if kind in DROPPING_ACTIONS and not runtime.config.dropped_connections:
        raise FaultError(f"action {kind}: this server (granian, without Linux's /proc/self/fd) cannot drop a "
                         "connection, it would answer 500 instead; run `apisim serve --server dev` (or use the pytest fixtures) for connection faults")
    action: dict[str, Any] = {"type": kind}
    if kind == "code":
        action["code"] = _checked_code(raw.get("code"), match, runtime)
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


def _checked_code(code: Any, match: dict[str, Any], runtime: Runtime) -> str:
    if match["service"] == "*":
        raise FaultError("action code: needs match.service (codes are each service's own)")
    contract = runtime.contracts[match["service"]]
    if match["operation"] != "*":
        valid = contract.operations[match["operation"]].documented_codes()
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


def _normalise_budget(raw: dict[str, Any], runtime: Runtime) -> dict[str, Any]:
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
        begin = parse_instant(budget["start"], "budget.start") if budget["start"] else runtime.now()
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
