"""``apisim serve --proxy SERVICE=URL``: traffic forwarded to a loopback upstream, every request and
answer checked against the contract, each violation journalled with the operation, its JSON path and
what the contract expects; ``--record DIR`` keeps the exchanges as examples."""

from __future__ import annotations

import json
import socket

import pytest

from simulator import Simulator
from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.contracts import load_contract
from simulator.core import SimRequest
from simulator.proxy import ProxyExtension

BASE = "https://api.pets.example/v1"


def _proxy(pets_dir, upstream: str, record_dir: str | None = None) -> Simulator:
    extension = ProxyExtension.of([f"pet-store={upstream}"], record_dir=record_dir)
    return Simulator(SimulatorConfig(contracts_dir=str(pets_dir), extensions=[extension]))


def _send(sim: Simulator, method: str, path: str, body: bytes = b""):
    headers = {"X-API-Key": "any key: the upstream judges it"}
    if body:
        headers["Content-Type"] = "application/json"
    return sim.exchange(SimRequest.from_url(method, BASE + path, headers, body))


def test_an_answer_off_contract_is_journalled_with_the_operation_the_json_path_and_what_the_contract_expects(
        pets_dir, upstream):
    sim = _proxy(pets_dir, upstream)
    exchange = _send(sim, "GET", "/pets/7")
    assert exchange.response.status == 200
    assert json.loads(exchange.response.body) == {"id": "seven", "name": "Rex"}  # the upstream's answer, as it came
    entry = sim.journal.entries()[-1]
    assert (entry["operation"], entry["upstream"], entry["failure"]) == ("get_pet", upstream, None)
    assert entry["violations"] == [{"side": "response", "path": "$.body.id", "expected": 'type: "integer"',
                                    "got": '"seven"'}]


def test_answers_on_contract_leave_no_violation_and_documented_errors_are_named(pets_dir, upstream):
    sim = _proxy(pets_dir, upstream)
    assert _send(sim, "GET", "/pets").violations == []
    assert _send(sim, "POST", "/pets", b'{"name": "Rex"}').violations == []
    gone = _send(sim, "GET", "/pets/8")
    assert (gone.response.status, gone.code, gone.violations) == (404, "PET_GONE", [])
    assert sim.journal.entries()[-1]["code"] == "PET_GONE"


def test_a_request_off_contract_is_forwarded_and_journalled(pets_dir, upstream):
    sim = _proxy(pets_dir, upstream)
    exchange = _send(sim, "POST", "/pets", b'{"tag": "dog", "name": 7}')
    assert exchange.response.status == 201  # the upstream decides; the proxy only checks
    by_side = {(v["side"], v["path"]): v for v in exchange.violations}
    assert by_side["request", "$.body.name"] == {"side": "request", "path": "$.body.name",
                                                 "expected": 'type: "string"', "got": "7"}
    assert ("response", "$.body.name") in by_side  # the upstream echoed the bad name


def test_an_undocumented_status_names_the_documented_ones(pets_dir, upstream):
    exchange = _send(_proxy(pets_dir, upstream), "GET", "/pets/9")
    assert exchange.violations[0]["path"] == "HTTP status"
    assert exchange.violations[0]["got"] == "418"
    assert "200" in exchange.violations[0]["expected"] and "404" in exchange.violations[0]["expected"]


def test_an_upstream_that_does_not_answer_gets_a_gateway_error_not_a_traceback(pets_dir):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    exchange = _send(_proxy(pets_dir, closed), "GET", "/pets")
    assert exchange.response.status == 502
    assert exchange.stage == "upstream"
    body = json.loads(exchange.response.body)
    assert "did not answer" in body["apisim_error"] and "traceback" not in body


def test_record_keeps_the_exchanges_as_examples_the_contract_can_adopt(pets_dir, upstream, tmp_path):
    sim = _proxy(pets_dir, upstream, record_dir=str(tmp_path / "recorded"))
    _send(sim, "POST", "/pets", b'{"name": "Rex"}')
    _send(sim, "GET", "/pets/8")
    recorded = json.loads((tmp_path / "recorded" / "pet-store" / "create_pet.json").read_text("utf-8"))
    assert recorded == [{"name": "recorded POST /v1/pets", "request": {"body": {"name": "Rex"}},
                         "response": {"status": 201, "body": {"id": 1, "name": "Rex"}}}]
    gone = json.loads((tmp_path / "recorded" / "pet-store" / "get_pet.json").read_text("utf-8"))
    assert gone[0]["response"]["error"] == "PET_GONE"
    raw = json.loads((pets_dir / "pet-store.json").read_text("utf-8"))
    raw["operations"]["create_pet"]["examples"] = recorded  # adopted as they are
    raw["operations"]["get_pet"]["examples"] = gone
    adopted = tmp_path / "adopted.json"
    adopted.write_text(json.dumps(raw), "utf-8")
    assert load_contract(adopted).operations["create_pet"].examples == recorded


@pytest.fixture
def no_network(monkeypatch):
    """The layer beneath: any connection or lookup attempt is recorded and refused, never made."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_an_upstream_off_loopback_is_refused_without_allow_network_and_nothing_is_sent(pets_dir, no_network, capsys):
    status = main(["serve", "--contracts-dir", str(pets_dir), "--server", "dev",
                   "--proxy", "pet-store=https://api.pets.example"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "not on loopback" in err and "--allow-network" in err
    with pytest.raises(ValueError, match="--allow-network"):
        _proxy(pets_dir, "https://api.pets.example")
    assert no_network == []


@pytest.mark.parametrize("spec, message", [
    ("pet-store", "expected SERVICE=URL"),
    ("pet-store=ftp://127.0.0.1", "expected SERVICE=URL"),
    ("pet-store=http://127.0.0.1:9 --record", "give --proxy"),
    ("no-such-service=http://127.0.0.1:9", "not a served service"),
])
def test_a_bad_proxy_option_is_a_one_line_usage_error(pets_dir, spec, message, capsys, tmp_path):
    options = ["--proxy", spec] if " " not in spec else ["--record", str(tmp_path)]
    assert main(["serve", "--contracts-dir", str(pets_dir), "--server", "dev", *options]) == 2
    assert message in capsys.readouterr().err


def test_the_upstream_timeout_is_an_option_and_a_silent_upstream_gets_the_gateway_error_after_it(pets_dir):
    from simulator.cli import build_parser, proxy_extensions

    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        args = build_parser().parse_args(["serve", "--proxy", f"pet-store={url}", "--proxy-timeout", "0.2"])
        (extension,) = proxy_extensions(args)
        assert extension.timeout == 0.2
        sim = Simulator(SimulatorConfig(contracts_dir=str(pets_dir), extensions=[extension]))
        exchange = _send(sim, "GET", "/pets")
    assert exchange.response.status == 502 and exchange.stage == "upstream"
    assert "timed out" in json.loads(exchange.response.body)["apisim_error"]


@pytest.mark.parametrize("seconds", ["0", "-1", "301", "nan", "soon"])
def test_a_proxy_timeout_out_of_bounds_is_refused(pets_dir, seconds, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--contracts-dir", str(pets_dir), "--server", "dev", "--proxy", "pet-store=http://127.0.0.1:9",
              "--proxy-timeout", seconds])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--proxy-timeout" in err and "seconds, from 0.1 to 300" in err


def test_a_proxy_timeout_without_a_proxy_is_a_usage_error(pets_dir, capsys):
    assert main(["serve", "--contracts-dir", str(pets_dir), "--server", "dev", "--proxy-timeout", "5"]) == 2
    assert "give --proxy" in capsys.readouterr().err
