"""Rate limits per credential, answered with each service's own throttling error.

A limit is JSON in the store::

    {"id": "r1", "service": "huawei-ocr", "credential": "*", "operation": "*",
     "limit": 5, "per_seconds": 1}

``credential`` is a key id as the request carries it (each auth scheme names it: AccessKeyId,
AppCode, AK, Dataplus ak id, IAM user, AICP appId, CDC username) or ``*`` for every credential,
each counted on its own.
Windows are fixed slices of the simulator clock (``per_seconds`` long), so a test with a fixed
clock sees every call in one window. The answer is the contract's ``throttling_error`` (on the
deployment, else the contract): Huawei APIG's APIGW.0308, SAF's 402, the Aliyun gateway's
"Throttled by APP Flow Control". A service whose document names no throttling error cannot be
given a limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.control.errors import FaultError
from simulator.pipeline.runtime import Runtime

if TYPE_CHECKING:
    from simulator.pipeline.context import Context

LIMITS_NS = "apisim:control:rate-limits"
WINDOWS_NS = "apisim:control:rate-windows"
SEQ_NS = "apisim:control:seq"
ANONYMOUS = "-"  # the credential of a request without one (an operation without auth)


class RateLimits:
    def __init__(self, runtime: Runtime):
        self._runtime = runtime
        self._store = runtime.store

    def add(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Add a limit (raises :class:`FaultError` naming what is wrong)."""
        limit = self._normalise(raw)
        order = self._store.incr(SEQ_NS, "rate-limits")
        limit.setdefault("id", f"r{order}")
        limit["order"] = order
        if not self._store.add_if_absent(LIMITS_NS, limit["id"], limit):
            raise FaultError(f"id: a rate limit {limit['id']!r} exists already")
        return limit

    def _normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise FaultError("a rate limit is an object: service, credential, operation, limit, per_seconds")
        unknown = set(raw) - {"id", "service", "credential", "operation", "limit", "per_seconds", "source"}
        if unknown:
            raise FaultError(f"rate limit: unknown keys {', '.join(sorted(unknown))}")
        service = raw.get("service")
        contracts = self._runtime.contracts
        if service not in contracts:
            raise FaultError(f"service: one of {', '.join(contracts)}")
        contract = contracts[service]
        if not any(d.throttling_error for d in contract.deployments):
            with_codes = [n for n, c in contracts.items() if any(d.throttling_error for d in c.deployments)]
            raise FaultError(f"{service}: its document names no throttling error, so it cannot be rate limited "
                             f"(services that can: {', '.join(with_codes)})")
        operation = raw.get("operation") or "*"
        if operation != "*" and operation not in contract.operations:
            raise FaultError(f"operation: {service} has no operation {operation!r}")
        limit, per = raw.get("limit"), raw.get("per_seconds", 1)
        if not isinstance(limit, int) or limit < 0:
            raise FaultError("limit: how many calls a window allows (0 or more)")
        if not isinstance(per, (int, float)) or per <= 0:
            raise FaultError("per_seconds: the window length in seconds of the simulator clock")
        out = {"service": service, "credential": str(raw.get("credential") or "*"), "operation": operation,
               "limit": limit, "per_seconds": per, "source": raw.get("source", "api")}
        if raw.get("id"):
            out["id"] = str(raw["id"])
        return out

    def list(self, service: str | None = None) -> list[dict[str, Any]]:
        found = [v for _, v in self._store.items(LIMITS_NS) if service is None or v["service"] == service]
        return sorted(found, key=lambda v: v["order"])

    def remove(self, limit_id: str) -> bool:
        return self._store.delete(LIMITS_NS, limit_id)

    def clear(self, service: str | None = None) -> int:
        gone = [v["id"] for v in self.list(service)]
        for limit_id in gone:
            self.remove(limit_id)
        return len(gone)

    def check(self, ctx: "Context") -> tuple[str, str] | None:
        """Count this call against each limit that covers it: (code, why) when one is exceeded."""
        credential = ctx.exchange.credential_id or ANONYMOUS  # named by the auth scheme that verified it
        now = ctx.clock().timestamp()
        for limit in self.list(ctx.service):
            if limit["operation"] not in ("*", ctx.operation.id) or limit["credential"] not in ("*", credential):
                continue
            window = int(now // limit["per_seconds"])
            calls = self._store.incr(WINDOWS_NS, f"{limit['id']}:{credential}:{window}")
            if calls == 1:  # a new window: the previous one will never be read again
                self._store.delete(WINDOWS_NS, f"{limit['id']}:{credential}:{window - 1}")
            if calls > limit["limit"]:
                code = ctx.deployment.throttling_error
                if code is None:
                    continue  # this deployment of the service has no throttling answer
                return code, (f"apisim rate limit {limit['id']}: call {calls} of credential {credential} within "
                              f"{limit['per_seconds']} s; {limit['limit']} allowed")
        return None
