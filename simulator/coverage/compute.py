"""Coverage of contracts by traffic: which documented operations were called, which outcomes answered.

An operation's documented outcomes are ``success`` and every error code the contract binds to it:
its own ``errors``, the codes its auth scheme answers on its deployments, the validation codes and
the service's internal error (exactly the codes ``X-Apisim-Code`` accepts for it). An outcome is
covered when a journal entry of that operation answered it, whether it happened naturally, was
forced by a header, a fixture or a fault. Outcomes count the way coverage.py counts lines: covered
over documented, success included.

Which figure is reported, and over which operations, is the report's measure (``scope``): the
share of the project's operations called, of their outcomes answered (the default), or of every
documented outcome. Each service and the report keep every number; a :class:`Tally` is the part of
them one measure is made of.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from typing import Any, Iterable

from simulator.contracts import Contract
from simulator.coverage.data import SUCCESS, Cell, CoverageData
from simulator.coverage.scope import DEFAULT_MEASURE, LIST_INI, MEASURES, check_measure, scope_phrase


@dataclass
class OperationCoverage:
    id: str
    method: str
    path: str
    summary: str
    outcomes: list[str]  # documented: success first, then the codes
    cells: dict[str, Cell] = field(default_factory=dict)  # every outcome seen, documented or not
    used: bool = False  # one of the project's operations: listed, or (with no list) called

    @property
    def calls(self) -> int:
        return sum(cell.count for cell in self.cells.values())

    @property
    def called(self) -> bool:
        return self.calls > 0

    @property
    def covered(self) -> list[str]:
        return [o for o in self.outcomes if o in self.cells]

    @property
    def missing(self) -> list[str]:
        return [o for o in self.outcomes if o not in self.cells]

    @property
    def codes(self) -> list[str]:
        return [o for o in self.outcomes if o != SUCCESS]

    @property
    def codes_covered(self) -> list[str]:
        return [o for o in self.covered if o != SUCCESS]

    @property
    def undocumented(self) -> list[str]:
        """Outcomes seen that the contract does not list for this operation (raw faults, refusals)."""
        return [o for o in self.cells if o not in self.outcomes]


@dataclass(frozen=True)
class Tally:
    """The counts a figure is made of, over some operations."""

    operations: int = 0
    called: int = 0
    errors: int = 0
    errors_covered: int = 0
    outcomes: int = 0
    outcomes_covered: int = 0

    @classmethod
    def of(cls, operations: Iterable[OperationCoverage]) -> "Tally":
        ops = list(operations)
        return cls(len(ops), sum(op.called for op in ops), sum(len(op.codes) for op in ops),
                   sum(len(op.codes_covered) for op in ops), sum(len(op.outcomes) for op in ops),
                   sum(len(op.covered) for op in ops))

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other))))

    def covered(self, measure: str) -> int:
        return self.called if measure == "operations" else self.outcomes_covered

    def total(self, measure: str) -> int:
        return self.operations if measure == "operations" else self.outcomes

    def percent(self, measure: str) -> float:
        return percent(self.covered(measure), self.total(measure))


@dataclass
class ServiceCoverage:
    service: str
    title: str
    operations: list[OperationCoverage]
    codes: list[str]  # the matrix columns after success: every code some operation documents
    unmatched: dict[str, Cell] = field(default_factory=dict)  # requests that matched no operation
    measure: str = DEFAULT_MEASURE

    def scope(self, measure: str | None = None) -> list[OperationCoverage]:
        """The operations a figure of ``measure`` (default: the report's) counts: every one for
        ``all``, the project's (``used``) for the others."""
        if (measure or self.measure) == "all":
            return list(self.operations)
        return [op for op in self.operations if op.used]

    def tally(self, measure: str | None = None) -> Tally:
        return Tally.of(self.scope(measure))

    @property
    def called_unused(self) -> list[OperationCoverage]:
        """Operations called that are not the project's (with a list: called, not listed)."""
        return [op for op in self.operations if op.called and not op.used]

    @property
    def operations_called(self) -> int:
        return sum(op.called for op in self.operations)

    @property
    def outcomes_total(self) -> int:
        return sum(len(op.outcomes) for op in self.operations)

    @property
    def outcomes_covered(self) -> int:
        return sum(len(op.covered) for op in self.operations)

    @property
    def errors_total(self) -> int:
        return sum(len(op.codes) for op in self.operations)

    @property
    def errors_covered(self) -> int:
        return sum(len(op.codes_covered) for op in self.operations)

    @property
    def calls(self) -> int:
        return sum(op.calls for op in self.operations) + sum(c.count for c in self.unmatched.values())

    @property
    def percent(self) -> float:
        """The figure of the report's measure for this service."""
        return self.tally().percent(self.measure)

    def operation(self, op_id: str) -> OperationCoverage:
        for op in self.operations:
            if op.id == op_id:
                return op
        raise KeyError(f"{self.service} has no operation {op_id!r}")

    def extra_columns(self) -> list[str]:
        """Outcomes seen that no operation documents (shown after the documented columns)."""
        seen = [o for op in self.operations for o in op.undocumented if o not in self.codes]
        return list(dict.fromkeys(seen))


@dataclass
class CoverageReport:
    services: list[ServiceCoverage]
    unrouted: int = 0
    measure: str = DEFAULT_MEASURE
    listed: bool = False  # the project's operations were listed (else: the ones called)
    list_name: str = LIST_INI  # where a list comes from, for messages

    def tally(self, measure: str | None = None) -> Tally:
        return sum((s.tally(measure or self.measure) for s in self.services), Tally())

    @property
    def scope_phrase(self) -> str:
        """What :attr:`percent` is a share of, after "N% " (``of the documented outcomes of ...``)."""
        return scope_phrase(self.measure, self.listed, self.list_name)

    def percents(self) -> dict[str, float]:
        """Every measure's figure, the chosen one included (the reports show all three)."""
        return {m: self.tally(m).percent(m) for m in MEASURES}

    def service(self, name: str) -> ServiceCoverage:
        for svc in self.services:
            if svc.service == name:
                return svc
        raise KeyError(f"no service {name!r} in this report")

    @property
    def outcomes_total(self) -> int:
        return sum(s.outcomes_total for s in self.services)

    @property
    def outcomes_covered(self) -> int:
        return sum(s.outcomes_covered for s in self.services)

    @property
    def percent(self) -> float:
        """The figure of the report's measure: the one ``--apisim-cov-fail-under`` gates on."""
        return self.tally().percent(self.measure)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``--apisim-cov-report=json:FILE``): numbers and what is missing, no bodies.

        ``percent`` is the measure's figure; ``percents`` has all three. ``operations``,
        ``outcomes`` and the like count every operation of the measured services; ``used_*`` only
        the project's (listed, or called)."""
        return {
            "format": "apisim-coverage-report",
            "version": 2,
            "measure": self.measure,
            "operations_in_use": "listed" if self.listed else "called",
            "definition": f"percent = the share {self.scope_phrase}; an operation's documented outcomes are "
                          "success and every error code its contract binds to it",
            "totals": {
                "services": len(self.services),
                **_counts(self.tally("all"), self.tally("outcomes")),
                "percent": round(self.percent, 2),
                "percents": {m: round(v, 2) for m, v in self.percents().items()},
                "unrouted_requests": self.unrouted,
            },
            "services": {s.service: _service_dict(s) for s in self.services},
        }


def _counts(every: Tally, used: Tally) -> dict[str, int]:
    return {"operations": every.operations, "operations_called": every.called,
            "outcomes": every.outcomes, "outcomes_covered": every.outcomes_covered,
            "errors": every.errors, "errors_covered": every.errors_covered,
            "used_operations": used.operations, "used_operations_called": used.called,
            "used_outcomes": used.outcomes, "used_outcomes_covered": used.outcomes_covered}


def _service_dict(svc: ServiceCoverage) -> dict[str, Any]:
    return {
        "title": svc.title,
        **_counts(svc.tally("all"), svc.tally("outcomes")),
        "percent": round(svc.percent, 2),
        "percents": {m: round(svc.tally(m).percent(m), 2) for m in MEASURES},
        "calls": svc.calls,
        "unmatched_requests": sum(c.count for c in svc.unmatched.values()),
        "by_operation": {
            op.id: {
                "method": op.method,
                "path": op.path,
                "used": op.used,
                "calls": op.calls,
                "outcomes": {o: {"count": c.count, "forced": c.forced, "documented": o in op.outcomes,
                                 "tests": c.tests}
                             for o, c in op.cells.items()},
                "missing": op.missing,
            }
            for op in svc.operations
        },
    }


def percent(covered: int, total: int) -> float:
    return 100.0 * covered / total if total else 100.0


def display_percent(value: float) -> str:
    """Like coverage.py: never shows 100% for an incomplete run, nor 0% for a run that covered something."""
    if 0 < value < 1:
        return "1%"
    if 99 < value < 100:
        return "99%"
    return f"{round(value)}%"


def compute(contracts: dict[str, Contract], data: CoverageData, services: Iterable[str] | None = None, *,
            measure: str = DEFAULT_MEASURE, listed: dict[str, list[str]] | None = None,
            list_name: str = LIST_INI) -> CoverageReport:
    """The coverage of ``services`` (default: every service the data has traffic for) by ``data``.

    ``listed`` (service → operation ids, see ``scope.resolve_operations``) names the project's
    operations, and adds their services to the measured ones; without it the project's operations
    are the ones called. ``measure`` picks the figure (``scope.MEASURES``)."""
    check_measure(measure, "measure")
    names = list(services) if services is not None else [s for s in data.services() if s in contracts]
    names += [name for name in (listed or {}) if name not in names]
    unknown = [n for n in names if n not in contracts]
    if unknown:
        raise KeyError(f"no contract for {', '.join(unknown)}; known: {', '.join(sorted(contracts))}")
    report = CoverageReport([_service_coverage(contracts[name], data) for name in names], unrouted=data.unrouted,
                            measure=measure, listed=listed is not None, list_name=list_name)
    for svc in report.services:
        svc.measure = measure
        for op in svc.operations:
            op.used = op.id in listed.get(svc.service, ()) if listed is not None else op.called
    return report


def _service_coverage(contract: Contract, data: CoverageData) -> ServiceCoverage:
    by_operation: dict[str | None, dict[str, Cell]] = {}
    for (service, op_id, outcome), cell in data.cells.items():
        if service == contract.service:
            # an operation the contract no longer has counts with the requests that matched none
            cells = by_operation.setdefault(op_id if op_id in contract.operations else None, {})
            cells.setdefault(outcome, Cell()).merge(cell)
    operations = [
        OperationCoverage(id=op.id, method=op.method, path=op.path, summary=op.summary,
                          outcomes=[SUCCESS, *op.documented_codes()], cells=by_operation.get(op.id, {}))
        for op in contract.operations.values()
    ]
    # Columns in the order of the error catalogue, which follows the document.
    used = {code for op in operations for code in op.codes}
    columns = [code for code in contract.errors if code in used]
    columns += sorted(used - set(columns))
    return ServiceCoverage(service=contract.service, title=contract.title, operations=operations, codes=columns,
                           unmatched=by_operation.get(None, {}))
