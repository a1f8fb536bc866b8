"""Authoring contracts: import one from an OpenAPI document, or draft one from a vendor's own document.

- :func:`import_openapi` (``apisim contract import openapi``): OpenAPI 3.0/3.1 to a contract.
- :func:`draft_contract` (``apisim contract draft``): a vendor document (Markdown or text,
  with parameter tables, error-code tables and JSON examples) to a draft contract and a
  report of what a person must finish.
- :func:`write_contract`: write either into a folder ``apisim serve --contracts-dir`` serves.
"""

from simulator.authoring.openapi import Imported, ImportProblem, import_openapi
from simulator.authoring.output import OutputProblem, Written, free_port_block, write_contract

__all__ = ["ImportProblem", "Imported", "OutputProblem", "Written", "free_port_block", "import_openapi",
           "write_contract"]
