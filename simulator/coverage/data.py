"""What coverage is computed from: journal entries folded into cells.

A cell is one (service, operation, outcome). The outcome of a journal entry is ``success``, the
documented error code it answered, or, for the few answers that are neither (a raw-status fault,
apisim refusing an unknown ``X-Apisim-Code``, a dropped connection), ``HTTP <status>`` or
``no answer``. Cells keep a count and a few sample entries (the report links to them), so a long
test session holds a bounded amount of memory however many requests it makes, and data from
several processes (pytest-xdist workers) merges by adding counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

SUCCESS = "success"
NO_ANSWER = "no answer"
MAX_SAMPLES = 10  # entries kept per cell for the report's links
MAX_TESTS = 50  # test ids kept per cell
DATA_FORMAT = "apisim-coverage-data"


def outcome_of(entry: dict[str, Any]) -> str:
    """``success``, the error code answered, or ``HTTP <status>`` / ``no answer`` for anything else."""
    if entry.get("code") is not None:
        return str(entry["code"])
    if entry.get("outcome") == SUCCESS:
        return SUCCESS
    status = entry.get("status") or 0
    return f"HTTP {status}" if status else NO_ANSWER


@dataclass
class Cell:
    count: int = 0
    forced: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)

    def add(self, entry: dict[str, Any], test: str | None) -> None:
        self.count += 1
        self.forced += bool(entry.get("forced"))
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(dict(entry, test=test) if test else dict(entry))
        if test and test not in self.tests and len(self.tests) < MAX_TESTS:
            self.tests.append(test)

    def merge(self, other: "Cell") -> None:
        self.count += other.count
        self.forced += other.forced
        self.samples.extend(other.samples[: max(0, MAX_SAMPLES - len(self.samples))])
        for test in other.tests:
            if test not in self.tests and len(self.tests) < MAX_TESTS:
                self.tests.append(test)


# (service, operation, outcome); operation None: the request reached the service but matched no operation
CellKey = tuple[str, "str | None", str]


class CoverageData:
    """Counts (and samples) per cell, from journal entries; mergeable and saved as JSON."""

    def __init__(self) -> None:
        self.cells: dict[CellKey, Cell] = {}
        self.unrouted = 0  # requests that reached no service at all (unknown host or port)

    def add(self, entry: dict[str, Any], test: str | None = None) -> None:
        service = entry.get("service")
        if service is None:
            self.unrouted += 1
            return
        key = (service, entry.get("operation"), outcome_of(entry))
        self.cells.setdefault(key, Cell()).add(entry, test)

    def add_all(self, entries: Iterable[dict[str, Any]], test: str | None = None) -> "CoverageData":
        for entry in entries:
            self.add(entry, test)
        return self

    def merge(self, other: "CoverageData") -> "CoverageData":
        for key, cell in other.cells.items():
            self.cells.setdefault(key, Cell()).merge(cell)
        self.unrouted += other.unrouted
        return self

    def cell(self, service: str, operation: str | None, outcome: str) -> Cell | None:
        return self.cells.get((service, operation, outcome))

    def services(self) -> list[str]:
        return sorted({service for service, _, _ in self.cells})

    def __len__(self) -> int:
        return sum(cell.count for cell in self.cells.values())

    # -- JSON -----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": DATA_FORMAT,
            "version": 1,
            "unrouted": self.unrouted,
            "cells": [
                {"service": s, "operation": o, "outcome": out, "count": c.count, "forced": c.forced,
                 "tests": c.tests, "samples": c.samples}
                for (s, o, out), c in sorted(self.cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "CoverageData":
        if raw.get("format") != DATA_FORMAT:
            raise ValueError(f"not apisim coverage data (format {raw.get('format')!r})")
        data = cls()
        data.unrouted = int(raw.get("unrouted", 0))
        for item in raw["cells"]:
            cell = Cell(count=int(item["count"]), forced=int(item.get("forced", 0)),
                        samples=list(item.get("samples", [])), tests=list(item.get("tests", [])))
            data.cells.setdefault((item["service"], item["operation"], item["outcome"]), Cell()).merge(cell)
        return data

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "CoverageData":
        return cls.from_json(json.loads(Path(path).read_text("utf-8")))


def read_journal(text: str) -> CoverageData:
    """Coverage data from a saved journal: the admin API's ``{"requests": [...]}``, a JSON list of
    entries, JSON lines, or coverage data saved by apisim itself."""
    stripped = text.strip()
    if not stripped:
        return CoverageData()
    try:
        raw: Any = json.loads(stripped)
    except ValueError:
        try:
            raw = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except ValueError as exc:
            raise ValueError(f"neither JSON nor JSON lines: {exc}") from None
    if isinstance(raw, dict) and raw.get("format") == DATA_FORMAT:
        return CoverageData.from_json(raw)
    if isinstance(raw, dict) and isinstance(raw.get("requests"), list):
        raw = raw["requests"]
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise ValueError("expected journal entries: {\"requests\": [...]} as GET /__apisim/requests answers, "
                         "a JSON list of entries, or JSON lines")
    return CoverageData().add_all(raw)
