"""Stage 1, match: which deployment, then which operation, a request is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from simulator.contracts import Contract, Deployment, Operation
from simulator.core import SimRequest
from simulator.core.view import holds


@dataclass
class Match:
    operation: Operation
    path_params: dict[str, str]


class NoDeployment(Exception):
    pass


class NoOperation(Exception):
    """No operation of the deployment fits; ``closest`` names the nearest one for the error message."""

    def __init__(self, reason: str, closest: Operation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.closest = closest


class Router:
    def __init__(self, contracts: dict[str, Contract], port_of: Callable[[Deployment], int]):
        self._by_host: dict[str, list[Deployment]] = {}
        self._by_port: dict[int, Deployment] = {}
        self._ops: dict[tuple[str, str], list[Operation]] = {}
        for contract in contracts.values():
            for dep in contract.deployments:
                self._by_host.setdefault(dep.original_host, []).append(dep)
                self._by_port[port_of(dep)] = dep
                ops = contract.operations_for(dep)
                self._ops[(dep.service, dep.name)] = sorted(ops, key=lambda o: o.specificity, reverse=True)

    def deployment_for(self, request: SimRequest) -> Deployment:
        return self.deployment_at(request.host, request.path, request.local_port)

    def deployment_at(self, host: str, path: str, local_port: int | None) -> Deployment:
        """The original Host wins (a request aimed at the vendor's host reaches it on any port); else the local port."""
        lowered = host.lower()
        candidates = self._by_host.get(lowered) or self._by_host.get(_strip_default_port(lowered))
        if candidates:
            if len(candidates) == 1:
                return candidates[0]
            for dep in candidates:  # same host, told apart by base path
                if dep.base_path and path.startswith(dep.base_path):
                    return dep
            return candidates[0]
        if local_port is not None and local_port in self._by_port:
            return self._by_port[local_port]
        raise NoDeployment(f"no deployment serves host {host!r}" + (f" on port {local_port}" if local_port else ""))

    def operations(self, dep: Deployment) -> list[Operation]:
        return self._ops[(dep.service, dep.name)]

    def match(self, request: SimRequest, dep: Deployment, view: Callable[[], dict[str, Any]]) -> Match:
        by_path: list[tuple[Operation, dict[str, str]]] = []
        for op in self.operations(dep):
            m = op.path_regex.match(request.path)
            if m:
                by_path.append((op, m.groupdict()))
        if not by_path:
            raise NoOperation(f"no operation at {request.method} {request.path}", closest=self._closest(request, dep))
        by_method = [(op, params) for op, params in by_path if request.method in op.methods]
        if not by_method:
            allowed = sorted({m for op, _ in by_path for m in op.methods})
            raise NoOperation(f"{request.method} is not allowed on {request.path} (allowed: {', '.join(allowed)})",
                              closest=by_path[0][0])
        if len(by_method) == 1 and not by_method[0][0].match:
            return Match(*by_method[0])
        request_view = view()
        for op, params in by_method:  # most specific first
            if all(holds(request_view, key, value) for key, value in op.match.items()):
                return Match(op, params)
        wanted = "; ".join(
            ", ".join(f"{k}={v!r}" for k, v in op.match.items()) for op, _ in by_method if op.match
        )
        raise NoOperation(f"{request.method} {request.path} serves several operations; none matches this request "
                          f"(expected one of: {wanted})", closest=by_method[0][0])

    def shared_envelope(self, request: SimRequest, dep: Deployment) -> str | None:
        """The envelope every operation at this path uses, if they agree (None otherwise)."""
        names = {op.binding(dep, "envelope") for op in self.operations(dep) if op.path_regex.match(request.path)}
        return names.pop() if len(names) == 1 else None

    def _closest(self, request: SimRequest, dep: Deployment) -> Operation | None:
        import difflib

        ops = self.operations(dep)
        names = {op.path: op for op in ops}
        best = difflib.get_close_matches(request.path, list(names), n=1, cutoff=0.0)
        return names[best[0]] if best else None


def _strip_default_port(host: str) -> str:
    for suffix in (":443", ":80"):
        if host.endswith(suffix):
            return host[: -len(suffix)]
    return host

