"""Writing an authored contract: its file, its report, a port block of its own, and proof that it loads.

The report is Markdown on purpose: ``--contracts-dir`` loads every ``*.json``
in the folder as a contract, so nothing else in it may be JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.contracts.loader import contract_paths, contracts_dir, load_contract, read_contract
from simulator.core.errors import ContractError

MAX_PORT_BLOCK = 99


class OutputProblem(ValueError):
    """The contract cannot be written where asked; the message says what to do."""


@dataclass
class Written:
    contract: Path
    report: Path


def contract_files(directory: Path) -> list[Path]:
    """The contracts in ``directory``: single files and folders (``simulator.contracts.contract_paths``)."""
    return contract_paths(directory) if directory.is_dir() else []


def _service_and_block(path: Path) -> tuple[str | None, int | None]:
    try:
        raw = read_contract(path)
    except (OSError, ValueError, ContractError):
        return None, None
    if not isinstance(raw, dict):
        return None, None
    block = raw.get("port_block", 0)
    return raw.get("service"), block if isinstance(block, int) else None


def free_port_block(directory: Path, service: str) -> int:
    """The lowest port block no shipped contract and no other contract in ``directory`` uses."""
    used = set()
    for path in [*contract_files(contracts_dir()), *contract_files(directory)]:
        other, block = _service_and_block(path)
        if other != service and block is not None:
            used.add(block)
    for block in range(MAX_PORT_BLOCK + 1):
        if block not in used:
            return block
    raise OutputProblem("every port block (0-99) is taken; pass --port-block N to share one")


def write_contract(contract: dict[str, Any], directory: Path | str, report: str, kind: str, *,
                   force: bool = False) -> Written:
    """Write ``<service>.json`` and ``<service>.<kind>-report.md`` into ``directory``, then load the contract.

    A contract that the loader refuses is a bug of the author tool, not of the
    user's document: the error says so.
    """
    directory = Path(directory)
    service = contract["service"]
    target = directory / f"{service}.json"
    for path in contract_files(directory):
        other, _ = _service_and_block(path)
        if other == service and path.resolve() != target.resolve():
            raise OutputProblem(f"{path} already defines service {service!r}; pass --service NAME for another name")
    if target.exists() and not force:
        raise OutputProblem(f"{target} exists; pass --force to replace it, or -o another folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(contract, ensure_ascii=False, indent=2) + "\n", "utf-8")
        report_path = directory / f"{service}.{kind}-report.md"
        report_path.write_text(report, "utf-8")
    except OSError as exc:
        raise OutputProblem(f"cannot write into {directory}: {exc.strerror or exc}") from exc
    load_contract(target)  # raises ContractError naming the JSON path
    return Written(contract=target, report=report_path)


__all__ = ["OutputProblem", "Written", "contract_files", "free_port_block", "write_contract"]
