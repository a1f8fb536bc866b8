"""Contracts: ``contracts/`` (one folder, or one JSON file, per contract), loaded, checked and compiled once."""

from simulator.contracts.loader import contract_paths, contracts_dir, load_contract, load_contracts, read_contract
from simulator.contracts.model import Contract, Deployment, ErrorEntry, Limits, Operation

__all__ = ["Contract", "Deployment", "ErrorEntry", "Limits", "Operation", "contract_paths", "contracts_dir",
           "load_contract", "load_contracts", "read_contract"]
