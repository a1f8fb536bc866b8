"""One package per service, moto-style: ``handlers.py`` (behaviour per operation),
``envelopes.py`` (the service's response shapes), ``models.py`` (its state).

Each package exports ``SERVICE``, a :class:`ServiceDefinition`; packages are
discovered, so adding a service touches nothing outside its own folder and
its contract.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from simulator.core import SimRequest, SimResponse


@dataclass
class Reply:
    """What a handler returns when it needs more than a body: a status or headers."""

    body: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: SimResponse | None = None  # bypass the envelope entirely (e.g. serving a stored image)


class Envelope(Protocol):
    def success(self, ctx: Any, body: Any) -> SimResponse: ...
    def error(self, ctx: Any, entry: Any, message: str, data: Any) -> SimResponse: ...


@dataclass
class ServiceDefinition:
    name: str
    handlers: dict[str, Callable[[Any], Any]]
    envelopes: dict[str, Envelope]
    # The service's view of a request's parameters (e.g. SAF merges query and form
    # and decodes ServiceParameters); used by `match` and validated by `request.params`.
    parse_params: Callable[[SimRequest], dict[str, Any]] | None = None
    # Seed the service's state on start and after a reset (demo users, history...).
    seed_state: Callable[[Any], None] | None = None


def handlers_of(module: Any) -> dict[str, Callable[[Any], Any]]:
    """Every public function of a handlers module, keyed by name (= operation id)."""
    return {
        name: fn for name, fn in vars(module).items()
        if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == module.__name__
    }


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
