"""A blank, uniform image shows no face on every face API (issue #20's "done when").

The face model judges untagged images by their pixels (docs/image-tags.md, "Untagged images"); this
proves every service asks it, each answering "no face" its own documented way.
"""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from simulator import Simulator
from simulator.app import create_app
from simulator.config import SimulatorConfig
from tests.conftest import FIXED_NOW
from tests.services.aicp.conftest import ADMIN_TOKEN, Aicp
from tests.services.aliyun_market.conftest import Api, Clock
from tests.services.aliyun_saf.conftest import ManualClock, make_saf, saf_contracts  # noqa: F401 (fixtures)
from tests.services.cdc_python.conftest import CdcClient, real_name

# Single colours, as the audit sent (a light grey, a skin tone, black, white): JPEG and PNG.
COLOURS = ["#c0c0c0", "#e0b090", "#000000", "#ffffff"]


def blank(colour: str, fmt: str = "JPEG", size: tuple[int, int] = (300, 300)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


BLANKS = [blank(c) for c in COLOURS] + [blank(COLOURS[0], "PNG")]


def client_for(service: str):
    sim = Simulator(SimulatorConfig(services=[service], clock=lambda: FIXED_NOW, validate_responses=True))
    client = create_app(simulator=sim).test_client()
    client.simulator = sim
    return client


@pytest.fixture(scope="module")
def dataplus() -> Api:
    return Api(client_for("aliyun-market"), Clock())


@pytest.fixture(scope="module")
def aicp() -> Aicp:
    return Aicp(client_for("aicp"))


@pytest.fixture(scope="module")
def cdc() -> CdcClient:
    client = CdcClient(client_for("cdc-python"))
    assert real_name(client).status == 0
    return client


@pytest.mark.parametrize("image", BLANKS)
def test_dataplus_detect_attribute_and_verify_find_no_face(dataplus, image):
    detect = dataplus.face("face_detect", {"type": "1", "content": image}).json()
    assert (detect["errno"], detect["face_num"], detect["face_rect"]) == (0, 0, [])
    attribute = dataplus.face("face_attribute", {"type": "1", "content": image}).json()
    assert (attribute["face_num"], attribute["gender"], attribute["dense_fea"]) == (0, [], [])
    verify = dataplus.face("face_verify", {"type": "1", "content_1": image, "content_2": image}).json()
    assert (verify["confidence"], verify["rectA"], verify["rectB"]) == (0.0, [0, 0, 0, 0], [0, 0, 0, 0])


@pytest.mark.parametrize("image", BLANKS)
def test_cdc_face_register_find_verify_and_mask_find_no_face(cdc, image):
    assert cdc.op("face_register", {"base64": image}).status == 102  # 未检测到人脸
    assert cdc.op("face_find", {"base64": image}).status == 100
    assert cdc.op("face_mask", {"base64": image}).data == {"num": 0, "list": []}


@pytest.mark.parametrize("image", BLANKS)
def test_aicp_enrolment_comparison_and_detection_find_no_face(aicp, image):
    def answer(deployment: str, path: str, body, **kwargs):
        return aicp.post(deployment, path, body, **kwargs).get_json()

    enrol = {"groupId": "200000", "image": image, "name": "客户"}
    assert answer("old-api", "/interactiveability/face/faceentry", enrol)["flag"] is False
    assert answer("new-api", "/aicp/face/add", enrol)["flag"] is False
    assert answer("new-api", "/aicp/face/couple", {"imageA": image, "imageB": image})["flag"] is False
    assert answer("micro", "/aicp/face/couple", {"imageA": image, "imageB": image}, token=ADMIN_TOKEN)["flag"] is False
    detect = answer("micro", "/aicp/face/detect", {"image": image}, token=ADMIN_TOKEN)
    assert detect["flag"] is False, detect
    assert answer("user", "/user/facelogin.json", {"image": image}).get("data") != "/pages/index.html"


def test_saf_match_finds_no_face_in_a_blank_image(make_saf):
    saf = make_saf(ManualClock())
    for image in BLANKS:
        assert saf.match(image).message == "抱歉，没有认出您(Z1146)"
