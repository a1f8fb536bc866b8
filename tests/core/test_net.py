"""One answer to "is this host loopback?" for everything apisim binds to or connects to itself
(``apisim serve --host``, the checking proxy's upstream, ``apisim verify``'s writes, ``apisim report
--from``), and a looser one for the hosts a request may name (the offline guard, the admin API)."""

from __future__ import annotations

import pytest

from simulator.core.net import is_loopback_address, is_loopback_host
from simulator.coverage.cli import fetch_journal
from simulator.proxy import check_network, parse_proxy
from simulator.startup import check_host


@pytest.mark.parametrize("host, address, named", [
    ("127.0.0.1", True, True), ("127.8.9.10", True, True), ("::1", True, True), ("[::1]", True, True),
    ("::ffff:127.0.0.1", True, True), ("localhost", True, True), ("LOCALHOST.", True, True),
    ("api.localhost", False, True),  # reserved for loopback, but only a resolver would say where it goes
    ("127.example.com", False, False), ("127.0.0.1.example.com", False, False),
    ("10.0.0.1", False, False), ("0.0.0.0", False, False), ("example.com", False, False), ("", False, False),
    (None, False, False),
])
def test_a_loopback_address_needs_no_resolver_and_a_loopback_host_may_be_a_localhost_name(host, address, named):
    assert is_loopback_address(host) is address
    assert is_loopback_host(host) is named


@pytest.mark.parametrize("host", ["127.example.com", "api.localhost"])
def test_a_name_that_only_looks_loopback_is_refused_where_apisim_binds_or_connects(host):
    with pytest.raises(ValueError, match="allow-network"):
        check_network([parse_proxy(f"pet-store=http://{host}:8080")], allow_network=False)
    with pytest.raises(ValueError, match="loopback only"):
        check_host(host, allow_remote=False, admin_token=None)
    with pytest.raises(ValueError, match="loopback simulators only"):
        fetch_journal(f"http://{host}:18100")  # refused before anything is sent
