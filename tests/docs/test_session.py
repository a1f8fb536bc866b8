"""A document's session: a port block that a parallel test takes first is swapped for another,
and the document runs again from its first snippet; a server failing for another reason fails."""

from __future__ import annotations

import socket

import pytest

from simulator.contracts import load_contracts
from simulator.server import free_port_base

from . import session as session_module
from .session import PORT_RETRIES, run_document
from .snippets import ROOT, Snippet, json_values

SAYS_ITS_PORT_BASE = 'echo "{\\"port_base\\": $APISIM_PORT_BASE}"'
ASKS_THE_SESSIONS_SERVER = "curl -s http://127.0.0.1:18120/__apisim/health"
SERVES_IN_FOREGROUND = "apisim serve --service cdc-python"
SERVES_IN_BACKGROUND = """apisim serve --service cdc-python --urls-json urls.json &
until [ -f urls.json ]; do sleep 0.2; done
curl -s http://127.0.0.1:18120/__apisim/health"""

# The three places a server starts: the session's own (a snippet that needs one), a snippet that is
# a foreground `apisim serve`, a snippet that starts `apisim serve &` and waits for it.
WAYS_A_SERVER_STARTS = {
    "the session's server": [SAYS_ITS_PORT_BASE, ASKS_THE_SESSIONS_SERVER],
    "a foreground apisim serve": [SAYS_ITS_PORT_BASE, SERVES_IN_FOREGROUND, ASKS_THE_SESSIONS_SERVER],
    "apisim serve &": [SAYS_ITS_PORT_BASE, SERVES_IN_BACKGROUND],
}


def document(*texts: str) -> list[Snippet]:
    return [Snippet(ROOT / "docs" / "example.md", 10 * line, "shell", text) for line, text in enumerate(texts, 1)]


def cdc_port(port_base: int) -> int:
    """The first port apisim serve binds for cdc-python (the snippets' 18120) at this port base."""
    return port_base + 10 * load_contracts(services=["cdc-python"])["cdc-python"].port_block


@pytest.fixture
def picks(monkeypatch):
    """The port bases the sessions get, in order; the bases handed out so far."""
    handed: list[int] = []

    def use(*bases: int) -> list[int]:
        queue = iter(bases)

        def pick() -> int:
            handed.append(next(queue))
            return handed[-1]

        monkeypatch.setattr(session_module, "free_port_base", pick)
        return handed

    return use


def free_port_bases(count: int) -> list[int]:
    """Free blocks, none twice (a block squatted for one attempt must not be the next attempt's)."""
    bases: list[int] = []
    while len(bases) < count:
        base = free_port_base()
        if base not in bases:
            bases.append(base)
    return bases


def squatting(port: int) -> socket.socket:
    """Another process's server on ``port`` (a parallel test's, in the race this stands for)."""
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", port))
    squatter.listen()
    return squatter


@pytest.mark.parametrize("texts", WAYS_A_SERVER_STARTS.values(), ids=WAYS_A_SERVER_STARTS.keys())
def test_a_port_taken_before_the_server_binds_runs_the_document_again_on_a_fresh_block(texts, picks, tmp_path):
    taken, spare = free_port_bases(2)
    handed = picks(taken, spare)
    with squatting(cdc_port(taken)):
        ran = run_document(document(*texts), tmp_path)
    assert handed == [taken, spare]
    assert [r.snippet.text for r in ran] == texts  # from the first snippet again, not from the refused one
    assert all(r.code == 0 for r in ran), [(r.out, r.err) for r in ran]
    assert json_values(ran[0].out) == [{"port_base": spare}]  # APISIM_PORT_BASE follows the new block
    assert {"status": "ok"} in json_values(ran[-1].out)  # 18120 adapted to the new block, and served there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attempt-1", "attempt-2"]  # nothing of the first reused


def test_a_server_failing_for_another_reason_fails_the_document_without_a_retry(picks, tmp_path):
    handed = picks(*free_port_bases(2))
    in_background = "apisim serve --service no-such-service &\nwait $!"
    with pytest.raises(AssertionError, match=r"(?s)docs/example.md:20: the server exited \(2\).*no-such-service"):
        run_document(document(in_background, "apisim serve --service no-such-service"), tmp_path)
    assert len(handed) == 1


def test_the_document_fails_naming_the_taken_ports_once_every_retry_found_its_block_taken(picks, tmp_path):
    bases = free_port_bases(1 + PORT_RETRIES)
    picks(*bases)
    squatters = [squatting(cdc_port(base)) for base in bases]
    try:
        with pytest.raises(AssertionError, match=f"every block tried.*{1 + PORT_RETRIES} blocks") as failed:
            run_document(document(ASKS_THE_SESSIONS_SERVER), tmp_path)
    finally:
        for squatter in squatters:
            squatter.close()
    for base in bases:
        assert f"refused port {cdc_port(base)} of port base {base}" in str(failed.value)
