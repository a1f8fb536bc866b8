"""The plugin's offline guard is scoped like pytest-socket: on in tests that use apisim (a fixture or
the marker), on for a whole run when asked, off for every other test in the venv.

The in-process sessions put a stub beneath the guard (``stub_network``): what reaches the stub
would have reached the network, and nothing here relies on the guard to stop real traffic. The one
subprocess run connects to an address of this machine's own interface, never to another host.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REACH_OUT = '''
import socket
import pytest

def reach_out():
    try:
        socket.create_connection(("api.vendor.example", 443))
    except ConnectionRefusedError:   # the stub network's answer: the call went through
        pass

def test_plain():
    reach_out()

@pytest.mark.apisim
def test_marked():
    reach_out()

def test_with_a_fixture(apisim_session):
    reach_out()

@pytest.fixture
def my_simulator(apisim_session):
    return apisim_session

def test_with_a_fixture_built_on_apisim_session(my_simulator):
    reach_out()

def test_plain_after_the_others():
    reach_out()
'''


@pytest.fixture
def stub_network(monkeypatch):
    """The socket layer beneath the inner session's guard: records, never connects."""
    reached: list[object] = []

    def create_connection(address, *args, **kwargs):
        reached.append(address)
        raise ConnectionRefusedError("stub network")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return reached


def test_by_default_only_tests_that_use_apisim_are_guarded(pytester, stub_network):
    pytester.makepyfile(test_user=REACH_OUT)
    recorder = pytester.inline_run("-p", "no:randomly")
    failed = {report.nodeid.split("::")[-1]: report.longreprtext for report in recorder.getfailures()}
    assert sorted(failed) == ["test_marked", "test_with_a_fixture", "test_with_a_fixture_built_on_apisim_session"]
    assert all("NetworkBlocked: apisim offline guard: refused a connection" in text for text in failed.values())
    assert stub_network == [("api.vendor.example", 443)] * 2  # test_plain and test_plain_after_the_others


def test_the_report_header_says_where_the_guard_is_on(pytester):
    pytester.makepyfile(test_user="def test_nothing(): pass")
    pytester.runpytest_inprocess().stdout.fnmatch_lines(["apisim: *offline guard on in tests that use apisim*"])


@pytest.mark.parametrize("how", [["--apisim-offline"], ["-o", "apisim_offline=true"]])
def test_apisim_offline_guards_every_test_of_the_run(pytester, stub_network, how):
    pytester.makepyfile(test_user=REACH_OUT)
    result = pytester.runpytest_inprocess(*how)
    result.assert_outcomes(failed=5)
    assert stub_network == []
    result.stdout.fnmatch_lines(["apisim: *offline guard on for the whole run*"])


def test_allow_network_wins_over_the_marker_and_the_fixtures(pytester, stub_network):
    pytester.makepyfile(test_user=REACH_OUT)
    result = pytester.runpytest_inprocess("--apisim-allow-network", "--apisim-offline")
    result.assert_outcomes(passed=5)
    assert len(stub_network) == 5


def test_the_guard_of_an_apisim_test_covers_its_fixtures_teardown_and_is_gone_after_it(pytester, stub_network):
    pytester.makepyfile(test_user='''
import socket
import pytest

@pytest.fixture
def reaches_out_at_teardown(apisim_session):
    yield
    socket.create_connection(("api.vendor.example", 443))

def test_uses_it(reaches_out_at_teardown):
    pass

def test_next():
    assert "OfflineGuard" not in socket.create_connection.__qualname__
''')
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*NetworkBlocked: apisim offline guard: refused a connection to api.vendor.example:443*"])
    assert stub_network == []


def _own_interface_address() -> str | None:
    """An IPv4 address of this machine that is not loopback, read from the kernel (no socket, no DNS)."""
    try:
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
    except OSError:
        return None
    for before, line in zip(lines, lines[1:]):
        if "/32 host LOCAL" in line:
            address = before.strip().split()[-1]
            if not address.startswith("127."):
                return address
    return None


def test_in_a_project_that_only_installs_apisim_a_socket_to_this_machine_opens_unless_the_test_uses_apisim(pytester):
    address = _own_interface_address()
    if address is None:
        pytest.skip("this machine has no IPv4 address outside loopback (or no /proc/net/fib_trie) to connect to")
    pytester.makepyfile(test_project=f'''
import socket
import pytest

@pytest.fixture
def listener():
    with socket.socket() as server:       # this machine's own interface: the packets never leave it
        server.bind(({address!r}, 0))
        server.listen(2)
        yield server.getsockname()

def test_without_apisim(listener):
    socket.create_connection(listener, timeout=10).close()

def test_with_apisim(listener, apisim_session):
    socket.create_connection(listener, timeout=10).close()
''')
    result = pytester.runpytest_subprocess("-p", "no:randomly")  # a fresh process: no guard of this suite in it
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([f"*NetworkBlocked: apisim offline guard: refused a connection to {address}:*"])
