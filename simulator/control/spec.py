"""The one-line fault form of ``apisim serve --fault`` and the config file's ``spec = "..."``.

    SERVICE:OPERATION:ACTION[,OPTION...]

    aliyun-saf:*:delay=200ms,p=0.1            200 ms on one call in ten (seeded)
    aliyun-saf:*:delay=100ms..500ms           uniform between 100 and 500 ms
    aliyun-saf:*:delay=200ms~50ms             normal, mean 200 ms, standard deviation 50 ms
    huawei-ocr:recognize_quota_invoice:code=APIGW.0308,times=2
    aicp:*:status=503,body=upstream down
    *:*:reset,p=0.05                          connection reset (also: disconnect, hang=10s)
    aliyun-market:*:truncate=50%,cut          half the body, connection dropped (truncate=100 keeps 100 bytes)
    cdc-python:*:malformed,after=3            (also: empty)

Options: ``times=N``, ``p=P`` (or ``probability=P``), ``after=N`` (let N calls through first),
``for=30s`` (a window of simulator time from now), ``seed=N``, ``processed`` (transport faults
after the operation ran), ``headers.NAME=VALUE`` / ``query.NAME=VALUE`` / ``body.PATH=VALUE`` /
``params.PATH=VALUE`` (only requests with that value).
"""

from __future__ import annotations

import re
from typing import Any

from simulator.control.errors import FaultError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_WHERE_PREFIXES = ("body.", "query.", "headers.", "params.")


def parse_duration_ms(text: str) -> float:
    """``200ms``, ``1.5s``, ``2m`` or a bare number of milliseconds."""
    found = _DURATION.match(text)
    if not found:
        raise FaultError(f"{text!r} is not a duration (e.g. 200ms, 1.5s, 2m)")
    value, unit = float(found.group(1)), found.group(2) or "ms"
    return value * {"ms": 1, "s": 1000, "m": 60_000}[unit]


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """The JSON fault (match, action, budget) a one-line spec stands for; raises :class:`FaultError`."""
    parts = spec.split(":", 2)
    if len(parts) != 3 or not parts[2]:
        raise FaultError(f"{spec!r}: expected SERVICE:OPERATION:ACTION[,OPTION...], "
                         f"e.g. 'aliyun-saf:*:delay=200ms,p=0.1'")
    service, operation, rest = (p.strip() for p in parts)
    items = [item.strip() for item in rest.split(",") if item.strip()]
    action = _action(items[0], spec)
    match: dict[str, Any] = {"service": service or "*", "operation": operation or "*"}
    budget: dict[str, Any] = {}
    where: dict[str, Any] = {}
    for item in items[1:]:
        key, _, value = item.partition("=")
        key = key.strip()
        value = value.strip()
        if key.startswith(_WHERE_PREFIXES):
            where[key] = value
        elif key in ("p", "probability"):
            budget["probability"] = _number(value, key, spec, float)
        elif key == "times":
            budget["times"] = _number(value, key, spec, int)
        elif key == "after":
            budget["after_calls"] = _number(value, key, spec, int)
        elif key == "seed":
            budget["seed"] = _number(value, key, spec, int)
        elif key == "for":
            budget["for_seconds"] = parse_duration_ms(value) / 1000
        elif key == "processed" and not value:
            action["processed"] = True
        elif key == "cut" and not value and action["type"] == "truncate":
            action["cut"] = True
        elif key == "body" and action["type"] == "status":
            action["body"] = value
        else:
            raise FaultError(f"{spec!r}: unknown option {item!r}")
    if where:
        match["where"] = where
    return {"match": match, "action": action, "budget": budget}


def _action(text: str, spec: str) -> dict[str, Any]:
    name, _, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if name == "delay":
        if ".." in value:
            low, high = value.split("..", 1)
            return {"type": "delay", "min_ms": parse_duration_ms(low), "max_ms": parse_duration_ms(high)}
        if "~" in value:
            mean, spread = value.split("~", 1)
            return {"type": "delay", "mean_ms": parse_duration_ms(mean), "stddev_ms": parse_duration_ms(spread)}
        return {"type": "delay", "ms": parse_duration_ms(value)}
    if name == "code":
        return {"type": "code", "code": value}
    if name == "status":
        return {"type": "status", "status": _number(value, name, spec, int), "body": ""}
    if name == "hang":
        return {"type": "hang", **({"max_ms": parse_duration_ms(value)} if value else {})}
    if name == "truncate":
        if value.endswith("%"):
            return {"type": "truncate", "fraction": _number(value[:-1], name, spec, float) / 100}
        return {"type": "truncate", **({"bytes": _number(value, name, spec, int)} if value else {})}
    if name in ("reset", "disconnect", "empty", "malformed") and not value:
        return {"type": name}
    raise FaultError(f"{spec!r}: unknown action {text!r}; use delay=, code=, status=, reset, disconnect, "
                     f"hang[=T], empty, truncate[=N|P%], malformed")


def _number(value: str, key: str, spec: str, kind: type) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise FaultError(f"{spec!r}: {key}={value!r} is not a{'n integer' if kind is int else ' number'}") from None
