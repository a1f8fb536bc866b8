"""What each documented error looks like on the wire, and which one a response is.

A contract names each error's code, HTTP status and message; *where* a code
shows (``error_code``, ``status``, ``Code``, ``errno``, a header...) is the
service's envelope (``simulator/services/<pkg>/envelopes.py``). Rather than
restate every envelope here, the verifier asks a reference simulator, loaded
with the same contracts, to answer each documented error (``X-Apisim-Code``)
twice: with two seeds, two clocks and two different requests. What the two
answers share is what the contract fixes for that error:

- **exact** parts: the status, every non-text value (numbers, booleans,
  nulls, empty objects), any text equal to the code, and the headers the
  catalogue names. A response shows the error only if all of them match.
- **wording** parts: the other shared texts (messages). Services may word a
  documented error more specifically (a document's own phrasing, the field
  that was missing), so wording only narrows: when several errors fit a
  response exactly, those whose wording also matches win.

Request ids, timestamps and echoed request values differ between the two
answers and are not compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from simulator.config import SimulatorConfig
from simulator.contracts import Contract, Deployment, Operation
from simulator.core import SimRequest
from simulator.core.http import Headers
from simulator.verify.outgoing import Received

# Hop-by-hop and server-chosen headers, and the simulator's own debugging aid, say nothing about an error.
_IGNORED_HEADERS = {"content-length", "date", "server", "connection", "transfer-encoding", "keep-alive",
                    "x-apisim-detail"}
_CLOCKS = (datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
           datetime(2031, 6, 7, 8, 9, 10, 111000, tzinfo=timezone.utc))

Location = tuple  # ("status",), ("header", name) or ("body", *json path)


@dataclass
class ErrorShape:
    code: str
    status: int
    exact: dict[Location, Any] = field(default_factory=dict)
    wording: dict[Location, Any] = field(default_factory=dict)
    example: Received | None = None  # the first reference answer (the OpenAPI export describes it)

    def mismatches(self, received: Received) -> list[str]:
        """How ``received`` differs from this error in its exact parts (empty: it is this error)."""
        found = flatten(received)
        out = []
        if received.status != self.status:
            out.append(f"HTTP status: expected {self.status}, got {received.status}")
        for location, value in self.exact.items():
            got = found.get(location, _MISSING)
            if not same(got, value):
                shown = "nothing" if got is _MISSING else json.dumps(got, ensure_ascii=False)
                out.append(f"{describe(location)}: expected {json.dumps(value, ensure_ascii=False)}, got {shown}")
        return out

    def wording_matches(self, received: Received) -> bool:
        found = flatten(received)
        return all(same(found.get(loc, _MISSING), value) for loc, value in self.wording.items())

    def as_text(self) -> str:
        parts = [f"HTTP {self.status}"] + [f"{describe(k)} = {json.dumps(v, ensure_ascii=False)}"
                                           for k, v in self.exact.items()]
        return ", ".join(parts)


class ErrorShapes:
    """Error shapes of one contract's operations, learnt from two reference simulators (no sockets)."""

    def __init__(self, contract: Contract, contracts_dir: str | None, credentials: list[dict[str, Any]]):
        from simulator.simulator import Simulator

        self.contract = contract
        self.available = True
        self.problem: str | None = None
        try:
            self._refs = [
                Simulator(SimulatorConfig(seed=seed, services=[contract.service], contracts_dir=contracts_dir,
                                          credentials={contract.service: list(credentials)},
                                          clock=(lambda moment=moment: moment)),
                          contracts={contract.service: contract})
                for seed, moment in zip((0, 1), _CLOCKS)
            ]
        except Exception as exc:  # e.g. a contract the generic service refuses (no validation_errors)
            self.available = False
            self.problem = f"no reference simulator for {contract.service}: {exc}"
            self._refs = []
        self._shapes: dict[tuple[str, str, str], ErrorShape | None] = {}
        self._requests: dict[tuple[str, str], tuple[SimRequest, SimRequest]] = {}

    def documented_codes(self, op: Operation) -> list[str]:
        """Every code the operation may answer: its own, its auth's, the validation ones, the internal one."""
        if not self._refs:
            return list(op.errors)
        return op.documented_codes()

    def prepare(self, op: Operation, dep: Deployment, first: SimRequest, second: SimRequest) -> None:
        """The two (different) requests the reference answers each error of ``op`` for."""
        self._requests[(op.id, dep.name)] = (first, second)

    def shape(self, op: Operation, dep: Deployment, code: str) -> ErrorShape | None:
        key = (op.id, dep.name, code)
        if key not in self._shapes:
            self._shapes[key] = self._learn(op, dep, code)
        return self._shapes[key]

    def classify(self, op: Operation, dep: Deployment, received: Received,
                 codes: list[str] | None = None) -> list[str]:
        """The documented errors ``received`` is (several when the envelope cannot tell them apart)."""
        exact, worded = [], []
        for code in codes or self.documented_codes(op):
            shape = self.shape(op, dep, code)
            if shape is None:
                # No reference answer (the reference never matched this request): the status is all we know.
                if received.status == self.contract.errors[code].http_status:
                    exact.append(code)
                continue
            if not shape.mismatches(received):
                exact.append(code)
                if shape.wording_matches(received):
                    worded.append(code)
        return worded or exact

    def _learn(self, op: Operation, dep: Deployment, code: str) -> ErrorShape | None:
        requests = self._requests.get((op.id, dep.name))
        if not self._refs or requests is None:
            return None
        answers = []
        for ref, request in zip(self._refs, requests):
            # Aimed at the deployment's host, unless the request names its loopback port (deployments
            # sharing a host, for a path outside their base paths: AICP's /face/getimage)
            forced = _copy(request, host=request.host if request.local_port else dep.original_host)
            forced.headers[self.contract.forced_code_header] = code
            response = ref.handle(forced)
            entries = ref.journal.entries()
            last = entries[-1] if entries else {}
            ref.journal.clear()  # only the last entry is ever read: keep the reference's journal short
            if last.get("code") != code:
                return None  # the reference could not answer this error for this request (it never matched)
            answers.append(Received(response.status, list(response.headers), response.body))
        first, second = (flatten(a) for a in answers)
        entry = self.contract.errors[code]
        named = {name.lower() for name in entry.headers}
        shape = ErrorShape(code=code, status=answers[0].status, example=answers[0])
        for location, value in first.items():
            if location == ("status",) or not same(second.get(location, _MISSING), value):
                continue
            is_text = isinstance(value, str)
            if not is_text or value == code or (location[0] == "header" and location[1] in named):
                shape.exact[location] = value
            else:
                shape.wording[location] = value
        return shape


_MISSING: Any = object()


def flatten(received: Received) -> dict[Location, Any]:
    """Status, headers (lower-case names; Content-Type as its media type) and every JSON leaf of the body."""
    out: dict[Location, Any] = {("status",): received.status}
    for name, value in received.headers:
        name = name.lower()
        if name in _IGNORED_HEADERS:
            continue
        if name == "content-type":
            value = value.split(";")[0].strip().lower()
        out[("header", name)] = value
    try:
        body = received.json()
    except (ValueError, UnicodeDecodeError):
        return out
    _leaves(body, ("body",), out)
    return out


def _leaves(value: Any, path: tuple, out: dict[Location, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, sub in value.items():
            _leaves(sub, (*path, key), out)
    elif isinstance(value, list) and value:
        for index, sub in enumerate(value):
            _leaves(sub, (*path, index), out)
    else:
        out[path] = value


def same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a is not _MISSING and b is not _MISSING and a == b


def describe(location: Location) -> str:
    if location[0] == "status":
        return "HTTP status"
    if location[0] == "header":
        return f"header {location[1]}"
    return json_path(location[1:])


def json_path(parts: Any, root: str = "$.body") -> str:
    path = root
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _copy(request: SimRequest, host: str) -> SimRequest:
    return SimRequest(method=request.method, path=request.path, query=list(request.query),
                      headers=Headers(request.headers.items()), body=request.body, host=host,
                      local_port=request.local_port, raw_query=request.raw_query)


__all__ = ["ErrorShape", "ErrorShapes", "flatten", "json_path", "same"]
