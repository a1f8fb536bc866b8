"""Signatures dated by the wall clock are accepted beside those dated by the simulator's clock, each
within its vendor's skew window, while answers keep the simulator's clock; remembered nonces expire
once their timestamp is out of its window, so the nonce store stays bounded."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from simulator import Simulator
from simulator.auth import SigningEnv, discover_schemes
from simulator.config import SimulatorConfig, utc_now
from simulator.core import SimRequest
from simulator.testing import FixedClock

SIM_START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)  # far from any wall-clock instant the suite runs at
OCR_HOST = "ocr.cn-north-4.myhuaweicloud.com"


def simulator(*services: str, **config) -> tuple[Simulator, FixedClock]:
    clock = FixedClock(SIM_START)
    return Simulator(SimulatorConfig(services=list(services), clock=clock, **config)), clock


def huawei_request(sim: Simulator, signed_by) -> SimRequest:
    credential = sim.credentials("huawei-ocr")[0]
    request = SimRequest.from_url("POST", f"https://{OCR_HOST}/v2/{credential['project_id']}/ocr/quota-invoice",
                                  headers=[("Content-Type", "application/json")], body=b'{"url": "https://x/y.png"}')
    return discover_schemes()["huawei-aksk"].sign(request, credential, SigningEnv(clock=signed_by))


def auth_failure(sim: Simulator, request: SimRequest) -> str | None:
    sim.handle(request)
    entry = sim.journal.entries()[-1]
    return entry["detail"] if entry["failure"] == "auth" else None


def test_a_request_signed_with_the_wall_clock_is_accepted_by_a_fixed_clock_simulator():
    sim, _ = simulator("huawei-ocr")
    assert auth_failure(sim, huawei_request(sim, utc_now)) is None


def test_the_answer_still_carries_the_simulators_instant_not_the_wall_clocks():
    sim, _ = simulator("aliyun-saf")
    sim.handle(saf_signed(sim, utc_now(), random.Random(1)))
    entry = sim.journal.entries()[-1]
    assert entry["failure"] != "auth" and entry["operation"] == "query"
    assert entry["time"] == SIM_START.isoformat()  # the answer's instant is the simulator's, not the signer's


def test_moving_the_simulators_clock_still_expires_a_request_signed_with_it():
    sim, clock = simulator("huawei-ocr")
    request = huawei_request(sim, clock)
    assert auth_failure(sim, request) is None
    clock.advance(minutes=16)
    assert "more than 15 minutes" in auth_failure(sim, request)


def test_a_request_signed_far_from_both_clocks_is_refused():
    sim, _ = simulator("huawei-ocr")
    assert "more than 15 minutes" in auth_failure(sim, huawei_request(sim, lambda: SIM_START - timedelta(hours=1)))


def test_wall_clock_signatures_can_be_refused_for_a_simulator_that_wants_only_its_own_clock():
    sim, _ = simulator("huawei-ocr", accept_wall_clock_signatures=False)
    assert "more than 15 minutes" in auth_failure(sim, huawei_request(sim, utc_now))


def saf_signed(sim: Simulator, at: datetime, rng: random.Random) -> SimRequest:
    credential = sim.credentials("aliyun-saf")[0]
    query = urlencode({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                       "ServiceParameters": json.dumps({"method": "query", "certifyId": "nope"})})
    request = SimRequest.from_url("POST", f"https://saf.cn-shanghai.aliyuncs.com/?{query}")
    return discover_schemes()["aliyun-rpc"].sign(request, credential, SigningEnv(clock=lambda: at, rng=rng))


def nonces_held(sim: Simulator) -> int:
    return sum(len(sim.store.items(ns)) for ns in sim.store.namespaces("aliyun-saf:auth:nonce@")
               if not ns.endswith("@periods"))


def test_remembered_nonces_are_forgotten_once_no_clock_accepts_their_timestamps():
    sim, clock = simulator("aliyun-saf")
    rng = random.Random(7)
    first = saf_signed(sim, clock(), rng)
    sim.handle(first)
    for _ in range(98):
        sim.handle(saf_signed(sim, clock(), rng))
    sim.handle(first)
    assert sim.journal.entries()[-1]["code"] == "SignatureNonceUsed"  # a replay inside the window is refused
    assert nonces_held(sim) == 99  # every nonce of the window is remembered
    clock.advance(minutes=31)  # two windows on: the first nonces' period holds no timestamp any clock accepts
    for _ in range(3):
        sim.handle(saf_signed(sim, clock(), rng))
    assert nonces_held(sim) == 3  # the first window's nonces are forgotten, not kept for ever
    sim.handle(first)
    replayed = sim.journal.entries()[-1]
    assert replayed["failure"] == "auth" and replayed["detail"].startswith("Timestamp")  # refused for its timestamp
