"""The request journal: every exchange, recorded as JSON in the store (so every worker's is seen)."""

from __future__ import annotations

from typing import Any

from simulator.pipeline.exchange import Exchange
from simulator.store import Store

JOURNAL_NS = "apisim:journal"
# Each body is journaled up to this many bytes, so a load test of large bodies cannot fill memory
# or disk (the journal keeps ``journal_limit`` entries): at most about 80 MB in all.
BODY_CAP = 4096


def _snippet(data: bytes) -> str:
    text = data[:BODY_CAP].decode("utf-8", "replace")
    return text + ("…" if len(data) > BODY_CAP else "")


class Journal:
    """Entries are written to one list, or with a ``partition`` (each ``apisim serve`` worker has one)
    to a list of that partition's own, so workers never wait for each other's writes; reading
    merges every partition in sequence order."""

    def __init__(self, store: Store, limit: int | None = None, partition: str | None = None):
        self._store = store
        self._limit = limit  # only the newest ``limit`` entries are kept (a load test must not fill the disk)
        self.partition = partition

    @property
    def partition(self) -> str | None:
        return self._partition

    @partition.setter
    def partition(self, name: str | None) -> None:
        self._partition = name
        self._ns = JOURNAL_NS if name is None else f"{JOURNAL_NS}:{name}"

    def record(self, exchange: Exchange) -> dict[str, Any]:
        """The exchange as a journal entry, appended. ``failure`` names the stage that refused the
        request (match, forced, auth, validation, behaviour, fault, rate_limit) and ``detail`` says
        why: strict mode and coverage read them."""
        request, response = exchange.request, exchange.response
        assert response is not None
        entry = {
            "seq": exchange.seq,
            "service": exchange.service,
            "deployment": exchange.deployment.name if exchange.deployment is not None else None,
            "operation": exchange.operation.id if exchange.operation is not None else None,
            "method": request.method,
            "path": request.path,
            "query": request.raw_query,
            "host": request.host,
            "status": response.status,
            "code": exchange.code,
            "outcome": exchange.outcome,
            "forced": exchange.forced,
            "failure": exchange.stage,
            "detail": exchange.detail,
            "elapsed_ms": round(exchange.elapsed_ms, 3),
            "request_body": _snippet(request.body),
            "response_body": _snippet(response.body),
        }
        for name, data in (("request_body", request.body), ("response_body", response.body)):
            if len(data) > BODY_CAP:  # the cap is marked: "…" ends the text, and the size sent is kept
                entry[f"{name}_bytes"] = len(data)
        if request.body_refused is not None:  # past the service's limit: never read, never stored
            entry["request_body_bytes"] = request.body_refused
        if exchange.faults_fired:
            entry["faults"] = exchange.faults_fired  # the control plane's faults that fired
        if exchange.time:
            entry["time"] = exchange.time  # the simulator clock's
        if exchange.note:
            entry["note"] = exchange.note
        if exchange.upstream is not None:  # a checking proxy's exchange: where it went, what broke the contract
            entry["upstream"] = exchange.upstream
            entry["violations"] = exchange.violations or []
        self._append(entry)
        return entry

    def _append(self, entry: dict[str, Any]) -> None:
        if self._limit:
            self._store.append(self._ns, entry, keep=self._limit)
        else:
            self._store.append(self._ns, entry)

    def entries(self, service: str | None = None, operation: str | None = None) -> list[dict[str, Any]]:
        return [
            e for e in self._all_entries()
            if (service is None or e["service"] == service) and (operation is None or e["operation"] == operation)
        ]

    def _all_entries(self) -> list[dict[str, Any]]:
        partitions = self._store.namespaces(JOURNAL_NS + ":")
        if not partitions:
            return self._store.values(JOURNAL_NS)
        merged = [e for ns in (JOURNAL_NS, *partitions) for e in self._store.values(ns)]
        merged.sort(key=lambda e: e.get("seq") or 0)
        return merged[-self._limit:] if self._limit else merged

    def clear(self, service: str | None = None) -> int:
        """Forget every entry (of one service); how many went."""
        entries = self._all_entries()
        self._store.clear(JOURNAL_NS)
        kept = [e for e in entries if service is not None and e.get("service") != service]
        for entry in kept:  # the store has no "delete where": write the others back
            self._append(entry)
        return len(entries) - len(kept)


