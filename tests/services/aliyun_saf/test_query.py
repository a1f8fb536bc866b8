"""query and queryH5: 300 until the verification ends, then how it ended; returnImage gives the face."""

from __future__ import annotations

import base64

import pytest

from simulator.faces.model import FaceModel
from simulator.imaging.decode import decode_image
from simulator.services.aliyun_saf import models

from .conftest import DEMO, DETAILED, LI_SI, ZHANG_SAN

FLOWS = [("init", "query"), ("initH5", "queryH5")]


@pytest.mark.parametrize("start,poll", FLOWS)
def test_a_verification_is_300_until_the_delay_then_passes(saf, start, poll):
    data = saf.started(method=start)
    answer = saf.query(data, method=poll)
    assert answer.status == 200
    assert (answer.code, answer.message) == (300, "刷脸认证未完成，请稍后再试。")
    saf.clock.advance(4)
    assert saf.query(data, method=poll).code == 300
    saf.clock.advance(1)
    passed = saf.query(data, method=poll)
    assert passed.json == {"Code": 200, "Message": "OK", "RequestId": passed.json["RequestId"]}


def test_300_is_answered_in_unified_and_detailed_mode_alike(saf):
    assert saf.query(saf.started(key=DETAILED), key=DETAILED).code == 300
    assert saf.query(saf.started()).code == 300


def test_a_finished_verification_keeps_its_result(saf):
    data = saf.started()
    saf.clock.advance(10)
    assert saf.query(data).code == 200
    models.set_scenario(saf.store, ZHANG_SAN, "Z1146")
    assert saf.query(data).code == 200


@pytest.mark.parametrize("value", ["1", 1, True])
def test_return_image_gives_a_url_safe_base64_jpeg_of_the_verified_face(saf, value):
    data = saf.started()
    saf.clock.advance(5)
    answer = saf.query(data, return_image=value)
    assert answer.code == 200
    image_text = answer.json["Data"]["image"]
    assert "+" not in image_text and "/" not in image_text
    assert image_text.startswith("_9j_")  # a JPEG's FF D8 FF, as the document's example shows
    jpeg = base64.urlsafe_b64decode(image_text)
    image = decode_image(base64.b64encode(jpeg).decode())
    assert image.format == "JPEG"
    face = FaceModel().largest_face(image)
    assert face is not None and face.person == models.person_for(saf.store, ZHANG_SAN) != ZHANG_SAN


def test_return_image_0_returns_no_data(saf):
    data = saf.started()
    saf.clock.advance(5)
    assert "Data" not in saf.query(data, return_image="0").json


def test_return_image_answers_in_xml_too(saf):
    data = saf.started()
    saf.clock.advance(5)
    root = saf.query(data, return_image="1", fmt="XML").xml
    assert root.findtext("Code") == "200" and root.findtext("Data/image").startswith("_9j_")


def test_the_returned_face_is_the_person_bound_to_the_identity(saf):
    models.bind_person(saf.store, LI_SI, "alice")
    data = saf.started(cert=LI_SI)
    saf.clock.advance(5)
    image_text = saf.query(data, return_image=1).json["Data"]["image"]
    image = decode_image(base64.b64encode(base64.urlsafe_b64decode(image_text)).decode())
    assert FaceModel().largest_face(image).person == "alice"


# --- how a verification ends ----------------------------------------------------------------------

def test_an_outcome_header_on_init_decides_how_it_ends(saf):
    data = saf.started(headers={"X-Apisim-Outcome": "Z1146"})
    unified = saf.query(data)
    assert (unified.code, unified.message) == (400, "抱歉，没有认出您(Z1146)")


def test_not_same_person_in_detailed_mode_follows_the_documents_format(saf):
    data = saf.started(key=DETAILED, headers={"X-Apisim-Outcome": "Z1146"})
    answer = saf.query(data, key=DETAILED)
    assert (answer.code, answer.message) == (500, "query接口调用失败，NOT_SAME_PERSON：抱歉，没有认出您(Z1146)（Z1146）")


def test_an_outcome_header_on_a_query_ends_a_running_verification(saf):
    data = saf.started()
    assert saf.query(data, headers={"X-Apisim-Outcome": "Z8399"}).message == "抱歉，系统出错了，请稍后再试(Z8399)"
    assert saf.query(data).code == 500  # it stays ended that way


def test_a_pending_outcome_never_completes(saf):
    data = saf.started(headers={"X-Apisim-Outcome": "pending"})
    saf.clock.advance(29 * 60)  # as long as the verification is kept (test_retention.py)
    assert saf.query(data).code == 300


def test_a_passed_outcome_completes_at_once(saf):
    data = saf.started(headers={"X-Apisim-Outcome": "passed"})
    assert saf.query(data).code == 200


def test_an_unknown_outcome_is_refused_listing_the_valid_ones(saf):
    answer = saf.init(headers={"X-Apisim-Outcome": "maybe"})
    assert answer.status == 400
    assert {"passed", "pending", "Z1146", "Z8399", "query.500"} <= set(answer.json["valid_outcomes"])


def test_a_scenario_for_the_identity_decides_how_its_verifications_end(saf):
    models.set_scenario(saf.store, LI_SI, "query.500")
    data = saf.started(cert=LI_SI, key=DETAILED)
    answer = saf.query(data, key=DETAILED)
    assert (answer.code, answer.message) == (500, "query接口调用失败")
    other = saf.started(key=DETAILED)
    saf.clock.advance(5)
    assert saf.query(other, key=DETAILED).code == 200


def test_set_outcome_decides_a_running_verification(saf):
    data = saf.started()
    assert models.set_outcome(saf.store, data["bizId"], "Z1146")
    assert saf.query(data).code == 400
    assert not models.set_outcome(saf.store, data["bizId"], "passed")  # already ended


# --- the query codes, naturally -------------------------------------------------------------------

@pytest.mark.parametrize("change", ["bizId", "queryId"])
def test_an_unknown_biz_id_or_query_id_is_z8301(saf, change):
    data = {**saf.started(key=DETAILED)}
    data[change] = "ZSTP0000" if change == "bizId" else "0" * 32
    detailed = saf.query(data, key=DETAILED)
    assert (detailed.code, detailed.message) == (500, "query接口调用失败，INVALID_PARAMETER：抱歉，系统出错了，请您稍后再试(Z8301)（Z8301）")


def test_another_keys_verification_is_not_found(saf):
    data = saf.started(key=DETAILED)
    assert saf.query(data, key=DEMO).message == "抱歉，系统出错了，请您稍后再试(Z8301)"


def test_an_h5_verification_is_not_queried_with_query(saf):
    data = saf.started(method="initH5", key=DETAILED)
    assert saf.query({"bizId": data["bizId"], "queryId": data["zimId"]}, key=DETAILED).json["Message"].endswith("（Z8301）")


@pytest.mark.parametrize("missing", ["bizId", "queryId"])
def test_a_query_without_its_ids_is_z8301_detailed_and_400_unified(saf, missing):
    params = {"method": "query", "bizId": "x", "queryId": "y"}
    del params[missing]
    detailed = saf.call(params, key=DETAILED)
    assert detailed.code == 500 and detailed.message.endswith("（Z8301）")
    unified = saf.call(params)
    assert (unified.code, unified.message) == (400, f"{missing}不能为空")


def test_query_h5_without_zim_id_is_400(saf):
    assert saf.call({"method": "queryH5", "bizId": "x"}).message == "zimId不能为空"


# --- the control plane (admin API) ----------------------------------------------------------------

def test_the_admin_verification_scenario_goes_one_state_per_poll(saf):
    response = saf.client.post("/__apisim/scenarios", json={"service": "aliyun-saf", "scenario": "verification",
                                                           "key": LI_SI, "states": ["pending", "pending", "Z1146"]})
    assert response.status_code == 201, response.get_data(as_text=True)
    data = saf.started(cert=LI_SI)
    assert [saf.query(data).code for _ in range(4)] == [300, 300, 400, 400]
    other = saf.started(cert=ZHANG_SAN)
    assert saf.query(other).code == 300  # the scenario is LI_SI's only


def test_an_admin_scenario_for_every_identity_applies_to_all(saf):
    saf.client.post("/__apisim/scenarios", json={"service": "aliyun-saf", "scenario": "verification", "key": "*",
                                                "states": ["passed"]})
    assert saf.query(saf.started(cert=LI_SI)).code == 200
    assert saf.query(saf.started(cert=ZHANG_SAN)).code == 200


def test_an_admin_rate_limit_answers_the_documents_402(saf):
    response = saf.client.post("/__apisim/rate-limits", json={"service": "aliyun-saf", "credential": "YourAccessKeyID",
                                                              "operation": "*", "limit": 1, "per_seconds": 1})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert saf.init().code == 200
    assert (saf.init().code, saf.init().message) == (402, "日QPS超过已购规格，限流。")
