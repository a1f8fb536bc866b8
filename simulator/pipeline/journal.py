"""The request journal: every request, the operation it matched, the outcome."""

from __future__ import annotations

import threading
from typing import Any

from simulator.core import SimRequest, SimResponse
from simulator.store import Store

JOURNAL_NS = "apisim:journal"
_SNIPPET = 4096


def _snippet(data: bytes) -> str:
    text = data[:_SNIPPET].decode("utf-8", "replace")
    return text + ("…" if len(data) > _SNIPPET else "")


class Journal:
    """Entries are written to one list, or with a ``partition`` (each ``apisim serve`` worker has one)
    to a list of that partition's own, so workers never wait for each other's writes; reading
    merges every partition in sequence order."""

    def __init__(self, store: Store, limit: int | None = None, partition: str | None = None):
        self._store = store
        self._limit = limit  # only the newest ``limit`` entries are kept (a load test must not fill the disk)
        self._local = threading.local()
        self.partition = partition

    @property
    def partition(self) -> str | None:
        return self._partition

    @partition.setter
    def partition(self, name: str | None) -> None:
        self._partition = name
        self._ns = JOURNAL_NS if name is None else f"{JOURNAL_NS}:{name}"

    def record(self, seq: int, request: SimRequest, response: SimResponse, *, service: str | None,
               deployment: str | None, operation: str | None, code: str | None, forced: bool,
               elapsed_ms: float, note: str | None = None, failure: str | None = None,
               detail: str | None = None, faults: list[dict[str, Any]] | None = None,
               time: str | None = None) -> dict[str, Any]:
        """``failure`` names the stage that refused the request (match, forced, auth, validation,
        behaviour) and ``detail`` says why: strict mode and coverage read them."""
        entry = {
            "seq": seq,
            "service": service,
            "deployment": deployment,
            "operation": operation,
            "method": request.method,
            "path": request.path,
            "query": request.raw_query,
            "host": request.host,
            "status": response.status,
            "code": code,
            # status 0: no HTTP answer at all (a connection fault)
            "outcome": "success" if code is None and 0 < response.status < 400 else "error",
            "forced": forced,
            "failure": failure,
            "detail": detail,
            "elapsed_ms": round(elapsed_ms, 3),
            "request_body": _snippet(request.body),
            "response_body": _snippet(response.body),
        }
        if faults:
            entry["faults"] = faults  # the control plane's faults that fired
        if time:
            entry["time"] = time  # the simulator clock's
        if note:
            entry["note"] = note
        self._local.last = entry
        self._append(entry)
        return entry

    def _append(self, entry: dict[str, Any]) -> None:
        if self._limit:
            self._store.append(self._ns, entry, keep=self._limit)
        else:
            self._store.append(self._ns, entry)

    def last_recorded(self) -> dict[str, Any] | None:
        """The entry this thread recorded last: an in-process caller's own request, without reading
        (and copying) the whole journal back from the store."""
        return getattr(self._local, "last", None)

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

    def append_entries(self, entries: list[dict[str, Any]]) -> None:
        """Write entries back (the control plane keeps some when it clears one service's)."""
        for entry in entries:
            self._append(entry)

    def clear(self) -> None:
        self._store.clear(JOURNAL_NS)


