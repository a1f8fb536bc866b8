"""One package per service, moto-style; see docs/ARCHITECTURE.md for the layout each follows.

Each package exports ``SERVICE``, a :class:`~simulator.pipeline.service.ServiceDefinition`;
packages are discovered, so adding a service touches nothing outside its own folder and its
contract. The service SDK (``ServiceDefinition``, ``Reply``, ``Envelope``, ``handlers_of``) lives in
:mod:`simulator.pipeline.service` and is re-exported here.
"""

from __future__ import annotations

import importlib
import pkgutil

from simulator.pipeline.service import Envelope, Reply, Scenario, ServiceDefinition, handlers_of

__all__ = ["Envelope", "Reply", "Scenario", "ServiceDefinition", "discover_services", "handlers_of"]


def discover_services() -> dict[str, ServiceDefinition]:
    found: dict[str, ServiceDefinition] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        definition = getattr(module, "SERVICE", None)
        if isinstance(definition, ServiceDefinition):
            found[definition.name] = definition
    return found
