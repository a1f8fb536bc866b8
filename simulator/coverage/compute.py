"""Coverage of contracts by traffic: which documented operations were called, which outcomes answered.

An operation's documented outcomes are ``success`` and every error code the contract binds to it:
its own ``errors``, the codes its auth scheme answers on its deployments, the validation codes and
the service's internal error (exactly the codes ``X-Apisim-Code`` accepts for it). An outcome is
covered when a journal entry of that operation answered it, whether it happened naturally, was
forced by a header, a fixture or a fault. The cover percentage is covered outcomes over documented
outcomes, success included, the way coverage.py counts lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from simulator.contracts import Contract
from simulator.coverage.data import SUCCESS, Cell, CoverageData


@dataclass
class OperationCoverage:
    id: str
    method: str
    path: str
    summary: str
    outcomes: list[str]  # documented: success first, then the codes
    cells: dict[str, Cell] = field(default_factory=dict)  # every outcome seen, documented or not

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


@dataclass
class ServiceCoverage:
    service: str
    title: str
    operations: list[OperationCoverage]
    codes: list[str]  # the matrix columns after success: every code some operation documents
    unmatched: dict[str, Cell] = field(default_factory=dict)  # requests that matched no operation

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
        return percent(self.outcomes_covered, self.outcomes_total)

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
        return percent(self.outcomes_covered, self.outcomes_total)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``--apisim-cov-report=json:FILE``): numbers and what is missing, no bodies."""
        return {
            "format": "apisim-coverage-report",
            "version": 1,
            "definition": "percent = documented outcomes answered / documented outcomes; an operation's "
                          "outcomes are success and every error code its contract binds to it",
            "totals": {
                "services": len(self.services),
                "operations": sum(len(s.operations) for s in self.services),
                "operations_called": sum(s.operations_called for s in self.services),
                "outcomes": self.outcomes_total,
                "outcomes_covered": self.outcomes_covered,
                "errors": sum(s.errors_total for s in self.services),
                "errors_covered": sum(s.errors_covered for s in self.services),
                "percent": round(self.percent, 2),
                "unrouted_requests": self.unrouted,
            },
            "services": {s.service: _service_dict(s) for s in self.services},
        }


def _service_dict(svc: ServiceCoverage) -> dict[str, Any]:
    return {
        "title": svc.title,
        "operations": len(svc.operations),
        "operations_called": svc.operations_called,
        "outcomes": svc.outcomes_total,
        "outcomes_covered": svc.outcomes_covered,
        "errors": svc.errors_total,
        "errors_covered": svc.errors_covered,
        "percent": round(svc.percent, 2),
        "calls": svc.calls,
        "unmatched_requests": sum(c.count for c in svc.unmatched.values()),
        "by_operation": {
            op.id: {
                "method": op.method,
                "path": op.path,
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


def compute(contracts: dict[str, Contract], data: CoverageData, services: Iterable[str] | None = None) -> CoverageReport:
    """The coverage of ``services`` (default: every service the data has traffic for) by ``data``."""
    names = list(services) if services is not None else [s for s in data.services() if s in contracts]
    unknown = [n for n in names if n not in contracts]
    if unknown:
        raise KeyError(f"no contract for {', '.join(unknown)}; known: {', '.join(sorted(contracts))}")
    return CoverageReport([_service_coverage(contracts[name], data) for name in names], unrouted=data.unrouted)


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
