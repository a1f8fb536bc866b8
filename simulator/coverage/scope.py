"""What a coverage figure measures, and over which operations: the figure a project gates on.

Three measures (``--apisim-cov-measure`` / ini ``apisim_cov_measure``, ``apisim report --measure``):

- ``operations``: the share of the project's operations that were called;
- ``outcomes`` (the default): the share of the documented outcomes of the project's operations
  that were answered;
- ``all``: the share of every documented outcome of every measured service, the widest figure.

The project's operations are the ones it lists (ini ``apisim_cov_operations``, ``apisim report
--operations``), else the operations the traffic called. A listed operation that was never called
counts as uncovered: that is what the list is for. An entry is ``service:operation`` or
``service:*`` (every operation of the service), the service named as ``--apisim-cov-service``
names it; entries are separated by new lines, spaces or commas, so that ``-o
apisim_cov_operations="a:x b:*"`` works as well as a list in ``pyproject.toml``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

MEASURES = ("operations", "outcomes", "all")
DEFAULT_MEASURE = "outcomes"
EVERY_OPERATION = "*"
LIST_INI = "apisim_cov_operations"  # what the pytest plugin's messages name; apisim report names --operations

OperationSpec = tuple[str, str]  # (service, operation id or "*")


def check_measure(value: str, where: str) -> str:
    """``value`` if it is a measure, else a ``ValueError`` naming ``where`` it came from and the choices."""
    if value not in MEASURES:
        raise ValueError(f"{where}={value}: the measure is one of {', '.join(MEASURES)}")
    return value


def parse_operation_specs(values: Iterable[str], where: str = LIST_INI) -> list[OperationSpec]:
    """``["huawei-ocr:create_token, cdc-python:*"]`` → ``[("huawei-ocr", "create_token"), ("cdc-python", "*")]``."""
    specs: list[OperationSpec] = []
    for value in values:
        for item in re.split(r"[\s,]+", value.strip()):
            if not item:
                continue
            service, colon, operation = item.partition(":")
            if not (colon and service and operation) or ":" in operation:
                raise ValueError(f"{where}: {item!r} is not service:operation; write e.g. "
                                 "huawei-ocr:recognize_quota_invoice, or huawei-ocr:* for every operation of a service")
            specs.append((service, operation))
    return specs


def resolve_operations(specs: Iterable[OperationSpec], contracts: Mapping[str, Any],
                       where: str = LIST_INI) -> dict[str, list[str]]:
    """service → the listed operation ids, in the contract's order. Unknown names are refused, all at
    once, each with the names that would have been valid."""
    chosen: dict[str, set[str]] = {}
    problems: list[str] = []
    for service, operation in specs:
        contract = contracts.get(service)
        if contract is None:
            problems.append(f"no service {service!r} (known: {', '.join(sorted(contracts))})")
        elif operation != EVERY_OPERATION and operation not in contract.operations:
            problems.append(f"{service} has no operation {operation!r} (its operations: "
                            f"{', '.join(contract.operations)})")
        else:
            ids = contract.operations if operation == EVERY_OPERATION else [operation]
            chosen.setdefault(service, set()).update(ids)
    if problems:
        raise ValueError(f"{where}: " + "; ".join(problems))
    return {service: [op for op in contracts[service].operations if op in ids] for service, ids in chosen.items()}


def scope_phrase(measure: str, listed: bool, list_name: str = LIST_INI) -> str:
    """What a figure of ``measure`` is a share of, after "N% ": said in every report header and gate
    message, so a scoped figure is never read as a share of everything."""
    if measure == "all":
        return "of every documented outcome of the measured services"
    used = f"the operations listed in {list_name}" if listed else "the operations called"
    if measure == "outcomes":
        return f"of the documented outcomes of {used}"
    if listed:
        return f"of {used} called"
    return f"of the operations called (100% by definition: list the project's operations in {list_name})"
