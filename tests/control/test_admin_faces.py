"""POST /__apisim/faces/same-person: a client declares that untagged images show one person."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from simulator.imaging.decode import decode_image

from tests.services.aliyun_market.conftest import Api, Clock

PHOTOS = Path(__file__).parents[1] / "faces" / "photos"


def b64(name: str) -> str:
    return base64.b64encode((PHOTOS / name).read_bytes()).decode()


@pytest.mark.parametrize("gender, dataplus_gender", [("f", 0), ("m", 1)])
def test_a_declared_persons_faces_have_the_declared_gender(make_client, gender, dataplus_gender):
    client = make_client("aliyun-market")
    answer = client.post("/__apisim/faces/same-person", headers={"Host": "127.0.0.1"},
                         json={"images": [b64("astronaut.jpg")], "person": "eileen", "gender": gender})
    assert answer.status_code == 200 and answer.get_json() == {"person": "eileen", "images": 1}
    attribute = Api(client, Clock()).face("face_attribute", {"type": "1", "content": b64("astronaut.jpg")}).json()
    assert attribute["gender"] == [dataplus_gender]
    assert client.simulator.faces.largest_face(decode_image(b64("astronaut.jpg"))).person == "eileen"


def test_a_declaration_without_images_is_refused_with_what_to_send(make_client):
    client = make_client("aliyun-market")
    answer = client.post("/__apisim/faces/same-person", headers={"Host": "127.0.0.1"}, json={"images": []})
    assert answer.status_code == 400 and "images" in answer.get_json()["apisim_error"]
