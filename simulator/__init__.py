"""apisim: a contract-driven offline simulator of vendor HTTP APIs.

The package is laid out in layers (docs/ARCHITECTURE.md); from the bottom:

- ``simulator.core``: the transport-neutral request and response, errors, the request view.
- ``simulator.contracts`` / ``simulator.store`` / ``simulator.fake``: contracts loaded and
  compiled; where state lives; deterministic fake data from JSON Schema (Faker, zh_CN).
- ``simulator.auth`` / ``simulator.imaging`` / ``simulator.faces``: one module per vendor auth
  scheme (sign and verify); image decoding; the face model.
- ``simulator.pipeline``: match, authenticate, validate, behave, render; the runtime requests
  consult; the hooks; the service SDK.
- ``simulator.services``: one package per service: handlers, envelopes, models, codes.
- ``simulator.control`` / ``simulator.testing`` / ``simulator.verify`` / ``simulator.openapi`` /
  ``simulator.coverage``: faults and the admin API; the pytest plugin; ``apisim verify``; the
  OpenAPI export; contract coverage. :class:`Simulator` (``simulator.simulator``) wires it all.
- ``simulator.serving`` / ``simulator.cli``: serving it.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["Simulator", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazily, so importing any lower layer (simulator.core, ...) does not build the whole house.
    if name == "Simulator":
        from simulator.simulator import Simulator

        return Simulator
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
