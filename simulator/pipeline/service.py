"""The service SDK: what a service package builds on (``simulator/services/<pkg>/__init__.py``).

Each package exports ``SERVICE = ServiceDefinition(...)``: its handlers (one function per
operation id), its envelopes (the service's response shapes), optionally its parameter view,
its demo-state seeder and the scenarios its handlers consult.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Protocol

from simulator.core import SimRequest, SimResponse
from simulator.pipeline.context import Context

if TYPE_CHECKING:
    from simulator.contracts import Contract, ErrorEntry
    from simulator.pipeline.runtime import Runtime
    from simulator.store import ServiceStore

__all__ = ["Context", "Envelope", "Handler", "Reply", "Scenario", "ServiceDefinition", "handlers_of"]


@dataclass
class Reply:
    """What a handler returns when it needs more than a body: a status or headers."""

    body: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: SimResponse | None = None  # bypass the envelope entirely (e.g. serving a stored image)


class Envelope(Protocol):
    def success(self, ctx: Context, body: Any) -> SimResponse: ...
    def error(self, ctx: Context, entry: ErrorEntry, message: str, data: Any) -> SimResponse: ...


Handler = Callable[[Context], Any]


@dataclass(frozen=True)
class Scenario:
    """A named state machine the service's handlers consult (``ctx.scenario(name, key)``), set
    through the control plane: which states it allows and what its key is."""

    name: str
    summary: str
    key: str  # what the key is, in words
    states: Callable[[Contract], list[str]]


@dataclass
class ServiceDefinition:
    name: str
    handlers: dict[str, Handler]
    envelopes: dict[str, Envelope]
    # The service's view of a request's parameters (e.g. SAF merges query and form
    # and decodes ServiceParameters); used by `match` and validated by `request.params`.
    parse_params: Callable[[SimRequest], dict[str, Any]] | None = None
    # Seed the service's state on start and after a reset (demo users, history...).
    seed_state: Callable[[ServiceStore, Runtime], None] | None = None
    scenarios: tuple[Scenario, ...] = ()


def handlers_of(module: ModuleType) -> dict[str, Handler]:
    """Every public function of a handlers module, keyed by name (= operation id)."""
    return {
        name: fn for name, fn in vars(module).items()
        if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == module.__name__
    }
