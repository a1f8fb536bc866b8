"""The pipeline's extension points, declared (WireMock's listeners, Prism's phases).

Subclass :class:`Hooks` and override what you need; register it with
``Simulator.add_hooks(hooks)``. Hooks run in the order they were added:

* :meth:`Hooks.after_match`: the operation is known. Return a response to answer with it (the
  request is then recorded as refused at the ``fault`` stage), or raise a ``ServiceError`` (with
  its ``stage``) for a documented error; return None to go on.
* :meth:`Hooks.after_auth`: the caller is known (``ctx.identity``, ``ctx.exchange.credential_id``).
* :meth:`Hooks.after_render`: the answer is made; return it, or another one (a spoiled body, a
  ``TransportFault``).
* :meth:`Hooks.after_exchange`: the exchange is recorded in the journal; for observers (coverage).

The control plane (faults, rate limits) is one :class:`Hooks`; coverage is another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.core import SimResponse

if TYPE_CHECKING:
    from simulator.pipeline.context import Context
    from simulator.pipeline.exchange import Exchange


class Hooks:
    def after_match(self, ctx: Context) -> SimResponse | None:
        return None

    def after_auth(self, ctx: Context) -> None:
        return None

    def after_render(self, ctx: Context, response: SimResponse) -> SimResponse:
        return response

    def after_exchange(self, exchange: Exchange) -> None:
        return None


def overriding(hooks: tuple[Hooks, ...], name: str) -> tuple:
    """The bound ``name`` methods of the hooks that override it (the rest would do nothing)."""
    default = getattr(Hooks, name)
    return tuple(getattr(h, name) for h in hooks if getattr(type(h), name, default) is not default)
