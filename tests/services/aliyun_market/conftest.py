"""Shared fixtures: the simulator with only aliyun-market, a settable clock, signed requests."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from PIL import Image

from simulator.app import create_app
from simulator.auth import appcode, dataplus
from simulator.config import SimulatorConfig
from simulator.imaging.fixtures import fixture_images_dir
from simulator.imaging.tags import write_tags

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
DEMO_APPCODE = "5f2d8c1e9a7b4c3d8e6f1a2b3c4d5e6f"
BANK_ONLY_APPCODE = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
QUOTA_3_APPCODE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
QPS_2_APPCODE = "1a2b3c4d5e6f708192a3b4c5d6e7f801"
AK_ID = "LTAI4GapisimDemoFace"
AK_SECRET = "apisimDemoDataplusSecret000000"

HOSTS = {
    "ocr_business_card": "dm-57.data.aliyun.com",
    "ocr_bank_card": "yhk.market.alicloudapi.com",
    "face": "dtplus-cn-shanghai.data.aliyuncs.com",
}
MARKET_PATHS = {
    "ocr_business_card": "/rest/160601/ocr/ocr_business_card.json",
    "ocr_bank_card": "/rest/160601/ocr/ocr_bank_card.json",
}
FACE_PATHS = {"face_detect": "/face/detect", "face_attribute": "/face/attribute", "face_verify": "/face/verify"}


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: Any) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str
    raw: bytes = field(repr=False, default=b"")

    def json(self) -> Any:
        return json.loads(self.text)

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())


class Api:
    """Requests as the document's clients send them, through the Flask test client."""

    def __init__(self, client: Any, clock: Clock):
        self.client = client
        self.clock = clock

    def post(self, path: str, host: str, body: bytes | str, headers: dict[str, str]) -> Answer:
        data = body.encode("utf-8") if isinstance(body, str) else body
        response = self.client.post(path, data=data, headers={"Host": host, **headers})
        raw = response.get_data()
        return Answer(response.status_code, dict(response.headers), raw.decode("utf-8"), raw)

    def market(self, op: str, body: Any, appcode_: str | None = DEMO_APPCODE, headers: dict[str, str] | None = None,
               path: str | None = None) -> Answer:
        """predict() of the document: JSON body, APPCODE header, urllib's default form Content-Type."""
        text = body if isinstance(body, (str, bytes)) else json.dumps(body)
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if appcode_ is not None:
            sent = appcode.sign(sent, appcode_)
        return self.post(path or MARKET_PATHS[op], HOSTS[op], text, sent)

    def face(self, op: str, body: Any, headers: dict[str, str] | None = None, ak_id: str = AK_ID,
             ak_secret: str = AK_SECRET, date: str | None = None, path: str | None = None) -> Answer:
        """demo() of the document: compact JSON, Dataplus signature over the headers it sends."""
        text = body if isinstance(body, (str, bytes)) else json.dumps(body, separators=(",", ":"))
        path = path or FACE_PATHS[op]
        signed = dataplus.sign("POST", path, text, ak_id, ak_secret, date or dataplus.http_date(self.clock()))
        return self.post(path, HOSTS["face"], text, {**signed, **(headers or {})})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock):
    return create_app(SimulatorConfig(services=["aliyun-market"], clock=clock, validate_responses=True))


@pytest.fixture
def api(app, clock: Clock) -> Api:
    return Api(app.test_client(), clock)


def fixture_bytes(name: str) -> bytes:
    return (fixture_images_dir() / name).read_bytes()


def fixture_b64(name: str) -> str:
    return base64.b64encode(fixture_bytes(name)).decode("ascii")


def tagged_png(tags: dict[str, object], size: tuple[int, int] = (320, 240), colour: str = "#c8b4a0") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return write_tags(buffer.getvalue(), tags) if tags else buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
