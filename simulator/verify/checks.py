"""Judging one response against the contract.

A response to a valid request must be either the documented success (status,
content type, the headers the contract names, the whole body against its
schema, envelope included) or one of the operation's documented errors
(recognised by :mod:`simulator.verify.shapes`). A response to a provoked
request must be the error the contract says that failure gets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import best_match

from simulator.contracts import Contract, Deployment, Operation
from simulator.verify.outgoing import Exchange, Received
from simulator.verify.shapes import ErrorShapes, json_path


@dataclass
class Problem:
    message: str
    json_path: str | None = None


@dataclass
class Verdict:
    ok: bool
    outcome: str  # "success", "error CODE", "undocumented answer", "no answer"
    problems: list[Problem]

    def summary(self) -> str:
        return "; ".join((f"{p.json_path}: " if p.json_path else "") + p.message for p in self.problems)


def success_problems(contract: Contract, op: Operation, received: Received) -> list[Problem]:
    """Why ``received`` is not the operation's documented success (empty: it is)."""
    expected = op.response.get("status", 200)
    if received.status != expected:
        return [Problem(f"HTTP status {received.status}; the documented success is {expected}", "HTTP status")]
    problems: list[Problem] = []
    wanted_type = op.response.get("content_type")
    got_type = (received.header("Content-Type") or "").split(";")[0].strip().lower()
    if wanted_type and got_type != wanted_type.split(";")[0].strip().lower():
        problems.append(Problem(f"Content-Type {got_type or '(none)'!r}; the contract says {wanted_type!r}",
                                "header Content-Type"))
    for name, schema in (op.response.get("headers") or {}).items():
        value = received.header(name)
        if value is None:
            problems.append(Problem(f"the contract names header {name}, the response has none", f"header {name}"))
            continue
        error = best_match(contract.validator(schema).iter_errors(value))
        if error is not None:
            problems.append(Problem(f"{value!r}: {error.message}", f"header {name}"))
    if op.response_validator is not None:
        try:
            body = received.json()
        except (ValueError, UnicodeDecodeError):
            problems.append(Problem("the body is not JSON", "$.body"))
            return problems
        error = best_match(op.response_validator.iter_errors(body))
        if error is not None:
            problems.append(Problem(_schema_message(error), json_path(error.absolute_path)))
    return problems


def judge_outcome(contract: Contract, op: Operation, dep: Deployment, exchange: Exchange,
                  shapes: ErrorShapes) -> Verdict:
    """A valid request's answer: the documented success or a documented error."""
    received = exchange.received
    if received is None:
        return Verdict(False, "no answer", [Problem(f"no answer: {exchange.transport_error}")])
    problems = success_problems(contract, op, received)
    if not problems:
        return Verdict(True, "success", [])
    codes = shapes.classify(op, dep, received)
    if codes:
        return Verdict(True, "error " + " | ".join(codes), [])
    if received.status == op.response.get("status", 200) and problems[0].json_path != "HTTP status":
        lead = problems
    else:
        lead = [Problem(f"HTTP {received.status}: neither the documented success nor a documented error of "
                        f"{op.id}")]
    return Verdict(False, "undocumented answer", lead + _closest_error(op, dep, received, shapes))


def judge_provoked(op: Operation, dep: Deployment, exchange: Exchange, shapes: ErrorShapes, code: str) -> Verdict:
    """A provoked request's answer: the documented error ``code``."""
    received = exchange.received
    if received is None:
        return Verdict(False, "no answer", [Problem(f"no answer: {exchange.transport_error}")])
    codes = shapes.classify(op, dep, received)
    if code in codes:
        return Verdict(True, f"error {code}", [])
    shape = shapes.shape(op, dep, code)
    expected = shape.as_text() if shape else f"HTTP {op.contract.errors[code].http_status}"
    problems = [Problem(f"expected documented error {code} ({expected}); got "
                        + (f"documented error {' | '.join(codes)}" if codes else f"HTTP {received.status}"))]
    if shape is not None:
        problems += [Problem(m) for m in shape.mismatches(received)]
    return Verdict(False, f"error {' | '.join(codes)}" if codes else "undocumented answer", problems)


def _closest_error(op: Operation, dep: Deployment, received: Received, shapes: ErrorShapes) -> list[Problem]:
    best: tuple[int, str, list[str]] | None = None
    for code in shapes.documented_codes(op):
        shape = shapes.shape(op, dep, code)
        if shape is None or shape.status != received.status:
            continue
        mismatches = shape.mismatches(received)
        if best is None or len(mismatches) < best[0]:
            best = (len(mismatches), code, mismatches)
    if best is None:
        return []
    return [Problem(f"closest documented error {best[1]} differs: {'; '.join(best[2])}")]


def _schema_message(error: Any) -> str:
    message = error.message
    return message if len(message) <= 300 else message[:297] + "..."


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
