"""The checking proxy (``apisim serve --proxy SERVICE=URL``): a service's traffic forwarded to an
upstream (a staging copy, or the vendor when the user allows the network), each request and answer
checked against the contract, every violation journalled with its JSON path and what the contract
expects, and with ``--record DIR`` the exchanges saved as examples. See docs/adding-an-api.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.proxy.hooks import CheckingProxy
from simulator.proxy.upstream import Upstream, check_network, parse_proxy

if TYPE_CHECKING:
    from simulator.config import SimulatorConfig
    from simulator.contracts import Contract


def proxy_upstreams(config: SimulatorConfig, contracts: dict[str, Contract]) -> dict[str, Upstream]:
    """The configured upstreams, checked: services that are served, and loopback unless allowed."""
    upstreams = {service: parse_proxy(f"{service}={url}") for service, url in config.proxies.items()}
    unknown = sorted(set(upstreams) - set(contracts))
    if unknown:
        raise ValueError(f"--proxy {', '.join(unknown)}: not a served service; served: {', '.join(sorted(contracts))}")
    check_network(list(upstreams.values()), config.allow_network)
    return upstreams


__all__ = ["CheckingProxy", "Upstream", "check_network", "parse_proxy", "proxy_upstreams"]
