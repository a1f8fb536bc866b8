"""The checking proxy (``apisim serve --proxy SERVICE=URL``): a service's traffic forwarded to an
upstream (a staging copy, or the vendor when the user allows the network), each request and answer
checked against the contract, every violation journalled with its JSON path and what the contract
expects, and with ``--record DIR`` the exchanges saved as examples. See docs/adding-an-api.md.

It is a simulator extension (``SimulatorConfig.extensions``)::

    config = SimulatorConfig(contracts_dir="imported",
                             extensions=[ProxyExtension.of(["pet-store=http://127.0.0.1:8080"])])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.proxy.hooks import CheckingProxy
from simulator.proxy.upstream import Upstream, check_network, parse_proxy


@dataclass(frozen=True)
class ProxyExtension:
    """The upstreams (checked for shape and loopback when made), installed as a :class:`CheckingProxy`
    on the simulator that calls it."""

    upstreams: tuple[Upstream, ...]
    record_dir: str | None = None
    timeout: float = 30.0

    @classmethod
    def of(cls, specs: list[str], *, allow_network: bool = False, record_dir: str | None = None,
           timeout: float = 30.0) -> "ProxyExtension":
        """From ``SERVICE=URL`` specs; an upstream off loopback without ``allow_network`` is a ``ValueError``."""
        upstreams = tuple(parse_proxy(spec) for spec in specs)
        check_network(list(upstreams), allow_network)
        return cls(upstreams, record_dir, timeout)

    def __call__(self, simulator: Any) -> CheckingProxy:
        unknown = sorted({u.service for u in self.upstreams} - set(simulator.contracts))
        if unknown:
            raise ValueError(f"--proxy {', '.join(unknown)}: not a served service; served: "
                             f"{', '.join(sorted(simulator.contracts))}")
        return CheckingProxy({u.service: u for u in self.upstreams}, self.record_dir, self.timeout)


__all__ = ["CheckingProxy", "ProxyExtension", "Upstream", "check_network", "parse_proxy"]
