"""The offline guard refuses non-loopback addresses before the socket layer beneath it is reached.

Every test here installs a guard over a *stub* layer: the stub records what
reached it and never touches the network, so these tests never depend on the
guard to stop real traffic. Addresses are documentation ones (RFC 5737/3849).
"""

from __future__ import annotations

import dataclasses
import socket
import sys

import pytest

from simulator.testing import NetworkBlocked, OfflineGuard, SocketLayer, is_loopback_host

OUTSIDE = ("203.0.113.7", 443)


class StubLayer:
    """Stands in for the real socket calls; a resolver that maps public-looking names to TEST-NET addresses."""

    def __init__(self):
        self.reached: list[tuple[str, object]] = []

    def layer(self) -> SocketLayer:
        def record(name):
            def call(*args, **kwargs):
                self.reached.append((name, args[1] if name in ("connect", "connect_ex") else args[0]))
                if name == "getaddrinfo":
                    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.7", args[1]))]
                return 0
            return call

        return SocketLayer(**{f.name: record(f.name) for f in dataclasses.fields(SocketLayer)})


@pytest.fixture
def stub():
    return StubLayer()


@pytest.fixture
def guarded(stub):
    with OfflineGuard(beneath=stub.layer()) as guard:
        yield guard


def test_connect_to_a_public_address_is_refused_before_the_layer_beneath(guarded, stub):
    with socket.socket() as sock, pytest.raises(NetworkBlocked, match=r"refused a connection to 203\.0\.113\.7:443"):
        sock.connect(OUTSIDE)
    assert stub.reached == []


def test_connect_ex_and_udp_sendto_are_refused_too(guarded, stub):
    with socket.socket() as tcp, pytest.raises(NetworkBlocked):
        tcp.connect_ex(OUTSIDE)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(NetworkBlocked, match="datagram"):
        udp.sendto(b"x", ("203.0.113.7", 53))
    assert stub.reached == []


def test_ipv6_outside_loopback_is_refused(guarded, stub):
    with socket.socket(socket.AF_INET6) as sock, pytest.raises(NetworkBlocked):
        sock.connect(("2001:db8::7", 443, 0, 0))
    assert stub.reached == []


def test_create_connection_refuses_a_hostname_without_resolving_it(guarded, stub):
    with pytest.raises(NetworkBlocked, match="ocr.cn-north-4.myhuaweicloud.com:443"):
        socket.create_connection(("ocr.cn-north-4.myhuaweicloud.com", 443))
    assert stub.reached == []


def test_dns_lookups_of_public_names_are_refused_numeric_ones_pass_to_the_resolver(guarded, stub):
    with pytest.raises(NetworkBlocked, match="DNS lookup of 'api.vendor.example'"):
        socket.getaddrinfo("api.vendor.example", 443)
    socket.getaddrinfo("203.0.113.7", 443)  # numeric: no query would leave; connect still checks it
    assert stub.reached == [("getaddrinfo", "203.0.113.7")]


def test_an_address_from_the_stubbed_resolver_is_still_refused_at_connect(guarded, stub):
    [(family, kind, proto, _, address)] = socket.getaddrinfo("198.51.100.9", 80)  # the stub answers TEST-NET-3
    with socket.socket(family, kind, proto) as sock, pytest.raises(NetworkBlocked):
        sock.connect(address)
    assert [name for name, _ in stub.reached] == ["getaddrinfo"]


@pytest.mark.parametrize("call, what", [
    (lambda: socket.gethostbyname("api.vendor.example"), "DNS lookup of 'api.vendor.example'"),
    (lambda: socket.gethostbyname_ex("api.vendor.example"), "DNS lookup of 'api.vendor.example'"),
    (lambda: socket.gethostbyaddr("203.0.113.7"), "reverse DNS lookup of '203.0.113.7'"),
    (lambda: socket.gethostbyaddr("api.vendor.example"), "reverse DNS lookup"),
    (lambda: socket.getnameinfo(("203.0.113.7", 53), 0), "reverse DNS lookup of '203.0.113.7'"),
    (lambda: socket.getaddrinfo("probe.localhost", 80), "DNS lookup of 'probe.localhost'"),
    (lambda: socket.create_connection(("probe.localhost", 80)), "probe.localhost:80"),
])
def test_every_resolver_function_refuses_names_that_would_send_a_dns_query(guarded, stub, call, what):
    """Review F8: gethostbyname and friends sent a real DNS query under the guard."""
    with pytest.raises(NetworkBlocked, match=what.replace(".", r"\.").replace("(", r"\(")):
        call()
    assert stub.reached == []


def test_resolver_functions_pass_localhost_and_loopback_addresses_to_the_layer_beneath(guarded, stub):
    socket.gethostbyname("localhost")
    socket.gethostbyname_ex("127.0.0.1")
    socket.gethostbyaddr("127.0.0.1")
    socket.getnameinfo(("::1", 80), 0)
    assert [name for name, _ in stub.reached] == ["gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"]


def test_udp_sendmsg_to_a_public_address_is_refused(guarded, stub):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(NetworkBlocked, match=r"datagram to 203\.0\.113\.7:53"):
            udp.sendmsg([b"x"], [], 0, ("203.0.113.7", 53))
        udp.sendmsg([b"x"], [], 0, ("127.0.0.1", 9))
    assert [name for name, _ in stub.reached] == ["sendmsg"]


@pytest.mark.parametrize("event, args", [
    ("socket.connect", ("udp", ("203.0.113.7", 443))),
    ("socket.sendto", ("udp", ("203.0.113.7", 53))),
    ("socket.sendmsg", ("udp", ("2001:db8::7", 53, 0, 0))),
    ("socket.getaddrinfo", ("api.vendor.example", 443, 0, 0, 0)),
    ("socket.gethostbyname", ("api.vendor.example",)),
    ("socket.gethostbyaddr", ("203.0.113.7",)),
    ("socket.getnameinfo", (("203.0.113.7", 53),)),
])
def test_the_audit_hook_refuses_what_socket_itself_is_about_to_do(guarded, event, args):
    """``_socket`` raises these audit events before its system call: code that goes around the socket
    module (``_socket.socket().connect``, ``socket.socket.__base__.sendto``) meets the guard there.
    Raising the event here stands in for ``_socket``, so nothing is sent either way."""
    with socket.socket(socket.AF_INET6 if "2001" in str(args) else socket.AF_INET, socket.SOCK_DGRAM) as udp:
        args = tuple(udp if a == "udp" else a for a in args)
        with pytest.raises(NetworkBlocked):
            sys.audit(event, *args)
        sys.audit("socket.connect", udp, ("127.0.0.1", 9))  # loopback passes


def test_the_audit_hook_stops_a_raw_socket_for_real_with_a_call_that_sends_nothing(guarded):
    """A UDP connect only records the peer (no packet), so this real call is safe even unguarded."""
    import _socket

    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        with pytest.raises(NetworkBlocked):
            raw.connect(("203.0.113.7", 9))
        with pytest.raises(NetworkBlocked):
            raw.connect_ex(("203.0.113.7", 9))
    finally:
        raw.close()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(NetworkBlocked):
            socket.socket.__base__.connect(udp, ("203.0.113.7", 9))
        with pytest.raises(NetworkBlocked):
            socket.socket.__base__.connect_ex(udp, ("203.0.113.7", 9))
        socket.socket.__base__.connect(udp, ("127.0.0.1", 9))


def test_uninstalling_hands_the_audit_hook_back_to_the_guard_installed_before():
    from simulator.testing import guard as module

    before = list(module._installed)
    guard = OfflineGuard(beneath=StubLayer().layer()).install()
    assert module._installed[-1] is guard
    guard.uninstall()
    assert module._installed == before


@pytest.mark.parametrize("address", [("127.0.0.1", 8080), ("127.8.9.10", 1), ("localhost", 80)])
def test_loopback_reaches_the_layer_beneath(guarded, stub, address):
    with socket.socket() as sock:
        sock.connect(address)
    socket.create_connection(address)
    assert stub.reached == [("connect", address), ("create_connection", address)]


def test_unix_sockets_are_local_and_pass(guarded, stub):
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect("/tmp/apisim-test.sock")
    assert stub.reached == [("connect", "/tmp/apisim-test.sock")]


def test_every_refusal_is_recorded_for_the_plugin(guarded):
    with pytest.raises(NetworkBlocked):
        socket.create_connection(OUTSIDE)
    assert len(guarded.refusals) == 1 and "203.0.113.7" in guarded.refusals[0]


def test_uninstall_puts_back_what_was_installed():
    before = (socket.socket.__dict__.get("connect"), socket.create_connection, socket.getaddrinfo)
    guard = OfflineGuard(beneath=StubLayer().layer()).install()
    assert socket.socket.connect is not before[0] and socket.create_connection is not before[1]
    guard.uninstall()
    assert (socket.socket.__dict__.get("connect"), socket.create_connection, socket.getaddrinfo) == before


def test_the_plugin_guards_the_whole_test_session(pytestconfig):
    if pytestconfig.getoption("apisim_allow_network"):
        pytest.skip("this run was started with --apisim-allow-network: no session guard to check")
    # The plugin installed its guard at start-up: the socket calls are wrapped right now.
    assert "connect" in socket.socket.__dict__
    assert socket.create_connection.__qualname__.startswith("OfflineGuard.install")


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True), ("localhost", True),
    ("api.localhost", True), ("203.0.113.7", False), ("0.0.0.0", False), ("2001:db8::1", False),
    ("localhost.vendor.example", False), (None, False),
])
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback_host(host) is loopback
