"""Contracts: the JSON files in ``contracts/``, loaded, checked and compiled once."""

from simulator.contracts.loader import contracts_dir, load_contract, load_contracts
from simulator.contracts.model import Contract, Deployment, ErrorEntry, Limits, Operation

__all__ = ["Contract", "Deployment", "ErrorEntry", "Limits", "Operation", "contracts_dir", "load_contract", "load_contracts"]
