"""Helpers for driving aliyun-saf through HTTP: sign like the SDK, post, read JSON or XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

import pytest

from simulator.auth import aliyun_rpc
from simulator.services.aliyun_saf import models

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
HOST = "saf.cn-shanghai.aliyuncs.com"
DEMO = ("YourAccessKeyID", "YourAccessKeySecret")
DETAILED = ("DetailedAccessKeyID", "DetailedAccessKeySecret")
NOT_OPENED = ("NotOpenedAccessKeyID", "NotOpenedAccessKeySecret")
LOW_QPS = ("LowQpsAccessKeyID", "LowQpsAccessKeySecret")
DISABLED = ("DisabledAccessKeyID", "DisabledAccessKeySecret")

# Real resident ID numbers (region, birth date, check digit) for the tests' identities.
ZHANG_SAN = "110101199003078515"
LI_SI = "310104198512120015"
METAINFO = json.dumps({"deviceType": "android", "osVersion": "10", "zimVer": "2.0.0", "appName": "com.example.app"})


class ManualClock:
    """The simulator's clock, moved only by the test."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text)

    @property
    def xml(self) -> ET.Element:
        return ET.fromstring(self.text.encode("utf-8"))

    @property
    def code(self) -> Any:
        return self.json["Code"]

    @property
    def message(self) -> str:
        return self.json["Message"]


@dataclass
class Saf:
    """Signs like aliyun-python-sdk-core and posts through the Flask test client."""

    client: Any
    clock: ManualClock
    nonces: count = field(default_factory=lambda: count(1))

    @property
    def simulator(self):
        return self.client.simulator

    @property
    def store(self):
        return self.simulator.service_store("aliyun-saf")

    def verification(self, biz_id: str) -> dict[str, Any] | None:
        """The verification the store holds under ``biz_id`` (expired or not), or None."""
        return models.find_verification(self.store, biz_id)

    def verifications_held(self) -> int:
        return sum(len(self.store.items(ns.removeprefix("aliyun-saf:")))
                   for ns in self.simulator.store.namespaces("aliyun-saf:verifications@") if not ns.endswith("@periods"))

    def call(self, service_parameters: Any, *, key: tuple[str, str] = DEMO, fmt: str | None = "JSON",
             headers: dict[str, str] | None = None, nonce: str | None = None, timestamp: datetime | str | None = None,
             in_body: bool = False, method: str = "POST", drop: tuple[str, ...] = (), omit: tuple[str, ...] = (),
             **common: str) -> Answer:
        """``omit`` leaves parameters out of the signed request; ``drop`` removes them after signing."""
        params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify", **common}
        for name in omit:
            params.pop(name, None)
        if service_parameters is not None:
            params["ServiceParameters"] = (service_parameters if isinstance(service_parameters, str)
                                           else json.dumps(service_parameters, ensure_ascii=False))
        signed = aliyun_rpc.sign_request(params, key[0], key[1], method=method, timestamp=timestamp or self.clock(),
                                         nonce=nonce or f"nonce-{next(self.nonces)}", fmt=fmt)
        for name in drop:
            signed.pop(name, None)
        all_headers = {"Host": HOST, **(headers or {})}
        if in_body:
            body_names = {"ServiceParameters", "Service"}
            query = {k: v for k, v in signed.items() if k not in body_names}
            body = {k: v for k, v in signed.items() if k in body_names}
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = self.client.open("/?" + aliyun_rpc.encode_params(query), method=method, headers=all_headers,
                                        data=aliyun_rpc.encode_params(body))
        else:
            response = self.client.open("/?" + aliyun_rpc.encode_params(signed), method=method, headers=all_headers)
        return Answer(response.status_code, response.get_data(as_text=True), dict(response.headers))

    def init(self, *, method: str = "init", name: str = "张三", cert: str = ZHANG_SAN, metainfo: str = METAINFO,
             **kwargs: Any) -> Answer:
        return self.call({"method": method, "name": name, "certNumber": cert, "metainfo": metainfo}, **kwargs)

    def started(self, **kwargs: Any) -> dict[str, str]:
        """A verification opened by init (or initH5 with method="initH5"): its Data."""
        answer = self.init(**kwargs)
        assert answer.status == 200 and answer.code == 200, answer.text
        return answer.json["Data"]

    def query(self, data: dict[str, str], *, method: str = "query", return_image: Any = None, **kwargs: Any) -> Answer:
        id_field = "zimId" if method == "queryH5" else "queryId"
        params = {"method": method, "bizId": data["bizId"], id_field: data.get(id_field) or data.get("queryId")}
        if return_image is not None:
            params["returnImage"] = return_image
        return self.call(params, **kwargs)

    def match(self, image_base64: str, *, name: str = "张三", cert: str = ZHANG_SAN, **kwargs: Any) -> Answer:
        return self.call({"method": "match", "name": name, "certNumber": cert, "imgbase64": image_base64}, **kwargs)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def saf_contracts():
    """Loaded once: contracts are read-only, and loading them is most of a simulator's start-up."""
    from simulator.contracts import load_contracts

    return load_contracts(services=["aliyun-saf"])


@pytest.fixture
def make_saf(saf_contracts):
    """A fresh simulator of aliyun-saf alone, with a clock the test moves, behind a Flask test client."""
    from simulator.app import create_app
    from simulator.config import SimulatorConfig
    from simulator import Simulator

    def make(clock: ManualClock, contracts: Any = None) -> Saf:
        sim = Simulator(SimulatorConfig(services=["aliyun-saf"], clock=clock), contracts=contracts or saf_contracts)
        client = create_app(simulator=sim).test_client()
        client.simulator = sim
        return Saf(client, clock)

    return make


@pytest.fixture
def saf(make_saf, clock) -> Saf:
    return make_saf(clock)
