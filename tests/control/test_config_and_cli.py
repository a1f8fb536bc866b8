"""The --config file, --fault and --admin-token of ``apisim serve``, and the one-line fault form."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import build_parser
from simulator.config import SimulatorConfig
from simulator.control import FaultError, parse_fault_spec
from simulator.control.config_file import apply_serve_options, load_config_file
from simulator.control.spec import parse_duration_ms
from simulator import Simulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "apisim.toml"


def serve_config(*argv: str) -> SimulatorConfig:
    """The configuration ``apisim serve ARGV`` would run with (nothing is started)."""
    args = build_parser().parse_args(["serve", *argv])
    config = SimulatorConfig(seed=args.seed or 0, services=args.services)
    return apply_serve_options(config, args)


def test_the_example_file_starts_a_simulator_with_everything_it_holds(all_contracts):
    config = serve_config("--config", str(EXAMPLE), "--fault", "huawei-ocr:*:empty,times=1", "--admin-token", "tok")
    sim = Simulator(config, contracts=all_contracts)
    assert sim.config.seed == 7
    assert sim.control.admin_token == "tok"
    assert {"AccessKeyId": "CiAccessKeyID", "AccessKeySecret": "CiAccessKeySecret"} in sim.credentials("aliyun-saf")
    faults = sim.control.faults.list()
    assert [f["action"]["type"] for f in faults] == ["delay", "code", "reset", "empty"]
    assert all(f["source"] == "config" for f in faults)
    assert [(r["service"], r["limit"]) for r in sim.control.rate_limits.list()] == [("huawei-ocr", 10), ("aliyun-saf", 2)]
    assert {(m["service"], m["scenario"]) for m in sim.control.scenarios.list()} == {("aliyun-saf", "verification"),
                                                                                     ("aicp", "engine")}
    assert sim.service_store("aliyun-saf").get("persons", "110101199003078515") == "alice"


def test_the_command_line_seed_wins_over_the_file():
    assert serve_config("--config", str(EXAMPLE), "--seed", "3").seed == 3
    assert serve_config().seed == 0


def test_a_fault_the_contracts_refuse_stops_the_start_with_the_reason(all_contracts):
    config = serve_config("--fault", "huawei-ocr:*:code=NOPE")
    with pytest.raises(ValueError, match="not a documented error of huawei-ocr"):
        Simulator(config, contracts=all_contracts)


def test_a_config_file_with_unknown_keys_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('seed = 1\nfaultz = []\n', "utf-8")
    with pytest.raises(ValueError, match="unknown keys faultz"):
        load_config_file(path)
    path.write_text('seed = "one"\n', "utf-8")
    with pytest.raises(ValueError, match="seed must be an integer"):
        load_config_file(path)
    path.write_text("[[faults]\n", "utf-8")
    with pytest.raises(ValueError, match="not TOML"):
        load_config_file(path)


@pytest.mark.parametrize("spec, fault", [
    ("aliyun-saf:*:delay=200ms,p=0.1",
     {"match": {"service": "aliyun-saf", "operation": "*"}, "action": {"type": "delay", "ms": 200.0},
      "budget": {"probability": 0.1}}),
    ("aliyun-saf:init:delay=0.1s..2s",
     {"match": {"service": "aliyun-saf", "operation": "init"}, "action": {"type": "delay", "min_ms": 100.0, "max_ms": 2000.0},
      "budget": {}}),
    ("aicp:*:delay=200ms~50ms,seed=3",
     {"match": {"service": "aicp", "operation": "*"}, "action": {"type": "delay", "mean_ms": 200.0, "stddev_ms": 50.0},
      "budget": {"seed": 3}}),
    ("huawei-ocr:recognize_quota_invoice:code=APIGW.0308,times=2,after=1",
     {"match": {"service": "huawei-ocr", "operation": "recognize_quota_invoice"},
      "action": {"type": "code", "code": "APIGW.0308"}, "budget": {"times": 2, "after_calls": 1}}),
    ("aicp:*:status=503,body=upstream down",
     {"match": {"service": "aicp", "operation": "*"}, "action": {"type": "status", "status": 503, "body": "upstream down"},
      "budget": {}}),
    ("*:*:reset,processed,for=30s",
     {"match": {"service": "*", "operation": "*"}, "action": {"type": "reset", "processed": True},
      "budget": {"for_seconds": 30.0}}),
    ("aliyun-market:*:truncate=25%,cut,headers.x-case=slow",
     {"match": {"service": "aliyun-market", "operation": "*", "where": {"headers.x-case": "slow"}},
      "action": {"type": "truncate", "fraction": 0.25, "cut": True}, "budget": {}}),
    ("cdc-python:*:hang=5s", {"match": {"service": "cdc-python", "operation": "*"},
                              "action": {"type": "hang", "max_ms": 5000.0}, "budget": {}}),
])
def test_the_one_line_form_stands_for_a_json_fault(spec, fault):
    assert parse_fault_spec(spec) == fault


@pytest.mark.parametrize("spec, complaint", [
    ("aliyun-saf:delay=200ms", "expected SERVICE:OPERATION:ACTION"),
    ("aliyun-saf:*:explode", "unknown action"),
    ("aliyun-saf:*:delay=fast", "not a duration"),
    ("aliyun-saf:*:reset,often", "unknown option"),
    ("aliyun-saf:*:reset,times=two", "not an integer"),
])
def test_a_broken_one_line_form_says_what_is_wrong(spec, complaint):
    with pytest.raises(FaultError, match=complaint):
        parse_fault_spec(spec)


def test_durations_take_ms_s_and_m():
    assert [parse_duration_ms(t) for t in ("250", "250ms", "1.5s", "2m")] == [250, 250, 1500, 120000]


def test_entries_for_services_not_served_are_skipped(all_contracts):
    config = serve_config("--config", str(EXAMPLE), "--service", "huawei-ocr")
    sim = Simulator(config, contracts={"huawei-ocr": all_contracts["huawei-ocr"]})
    assert [f["match"]["service"] for f in sim.control.faults.list()] == ["huawei-ocr"]
    assert [r["service"] for r in sim.control.rate_limits.list()] == ["huawei-ocr"]
    assert sim.control.scenarios.list() == []
