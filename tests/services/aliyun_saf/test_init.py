"""init and initH5: open a verification, or answer the document's init codes."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import DETAILED, LI_SI, METAINFO, ZHANG_SAN


@pytest.mark.parametrize("method,id_field", [("init", "queryId"), ("initH5", "zimId")])
def test_init_creates_a_verification_with_biz_id_and_query_id(saf, method, id_field):
    answer = saf.init(method=method)
    assert answer.status == 200
    body = answer.json
    assert body["Code"] == 200 and body["Message"] == "OK"
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", body["RequestId"])
    assert set(body["Data"]) == {id_field, "bizId"}
    assert re.fullmatch(r"ZSTP20260301\d{20}", body["Data"]["bizId"])
    assert re.fullmatch(r"[0-9a-f]{32}", body["Data"][id_field])
    stored = saf.verification(body["Data"]["bizId"])
    assert stored["certNumber"] == ZHANG_SAN and stored["kind"] == ("h5" if method == "initH5" else "app")


def test_two_inits_open_two_verifications(saf):
    first, second = saf.started(), saf.started()
    assert first["bizId"] != second["bizId"] and first["queryId"] != second["queryId"]


def test_init_answers_in_xml_unless_format_is_json(saf):
    answer = saf.init(fmt=None)
    assert answer.headers["Content-Type"].startswith("text/xml")
    root = answer.xml
    assert root.tag == "ExecuteRequestResponse"
    assert root.findtext("Code") == "200" and root.findtext("Message") == "OK"
    assert len(root.findtext("Data/bizId")) == 32 and len(root.findtext("Data/queryId")) == 32


def test_the_same_requests_give_the_same_answers_on_a_fresh_simulator(make_saf, clock):
    def run():
        s = make_saf(clock)
        return [s.init().text, s.init(cert=LI_SI).text]

    assert run() == run()


# --- the document's init codes, naturally ---------------------------------------------------------

@pytest.mark.parametrize("field", ["name", "certNumber"])
def test_a_missing_name_or_cert_number_is_400_with_the_documents_wording(saf, field):
    params = {"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": METAINFO}
    del params[field]
    answer = saf.call(params)
    assert answer.status == 200
    assert (answer.code, answer.message) == (400, f"{field}不能为空")
    detailed = saf.call(params, key=DETAILED)
    assert (detailed.code, detailed.message) == (400, "init接口失败，name/certNumber不能为空")


@pytest.mark.parametrize("field", ["name", "certNumber"])
def test_an_empty_name_or_cert_number_is_the_same_400(saf, field):
    kwargs = {"name": "张三", "cert": ZHANG_SAN, "name" if field == "name" else "cert": " "}
    assert (saf.init(**kwargs).code, saf.init(**kwargs).message) == (400, f"{field}不能为空")
    assert saf.init(key=DETAILED, **kwargs).message == "init接口失败，name/certNumber不能为空"


@pytest.mark.parametrize("cert", ["330103xxxxxxxxxxxx", "110101199003078514", "110101199002308512", "990101199003078515",
                                  "11010119900307851"])
def test_a_cert_number_that_is_no_real_resident_id_is_520(saf, cert):
    detailed = saf.init(cert=cert, key=DETAILED)
    assert (detailed.code, detailed.message) == (520, "请求参数中的用户身份信息无效，请填写正确的身份信息")
    unified = saf.init(cert=cert)
    assert (unified.code, unified.message) == (400, "请求参数中的用户身份信息无效，请填写正确的身份信息")


@pytest.mark.parametrize("name", ["Zhang San", "张", "张三3", "张?"])
def test_a_name_no_resident_id_card_carries_is_520(saf, name):
    assert saf.init(name=name, key=DETAILED).code == 520


@pytest.mark.parametrize("name", ["张三", "阿依古丽·买买提", "欧阳娜娜"])
def test_card_names_of_two_or_more_chinese_characters_pass_the_identity_check(saf, name):
    assert saf.init(name=name, key=DETAILED).code == 200


def test_an_id_of_someone_not_yet_born_on_the_simulator_clock_is_520(saf):
    from simulator.fake.providers import with_id_check_digit

    unborn = with_id_check_digit("11010120300307851")  # born 2030-03-07, after the test clock (2026)
    assert saf.init(cert=unborn, key=DETAILED).code == 520


@pytest.mark.parametrize("metainfo", ["*****", "[1, 2]", json.dumps({"osVersion": "10"})])
def test_metainfo_that_is_not_a_device_description_is_510(saf, metainfo):
    detailed = saf.init(metainfo=metainfo, key=DETAILED)
    assert (detailed.code, detailed.message) == (510, "初始化时传入参数不正确")
    assert (saf.init(metainfo=metainfo).code, saf.init(metainfo=metainfo).message) == (400, "metainfo不合法")


def test_a_metainfo_of_the_wrong_type_is_510_in_detailed_mode_and_400_in_unified(saf):
    params = {"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": {"deviceType": "android"}}
    assert (saf.call(params, key=DETAILED).code, saf.call(params, key=DETAILED).message) == (510, "初始化时传入参数不正确")
    assert saf.call(params).code == 400


@pytest.mark.parametrize("meta,code,message", [
    ({"deviceType": "kaios"}, 1108, "init接口调用失败，DEVICE_NOT_SUPPORT：当前设备不支持刷脸(Z1108)（Z1108）"),
    ({"deviceType": "android", "osVersion": "4.4"}, 1109, "init接口调用失败，OS_NOT_SUPPORT：当前系统不支持刷脸(Z1109)（Z1109）"),
    ({"deviceType": "ios", "osVersion": "12.1", "zimVer": "0.9.2"}, 1110, "init接口调用失败，SDKVERSION_NOT_SUPPORT：应用版本过低(Z1110)（Z1110）"),
])
def test_unsupported_devices_systems_and_sdk_versions_are_their_z_codes(saf, meta, code, message):
    detailed = saf.init(metainfo=json.dumps(meta), key=DETAILED)
    assert (detailed.code, detailed.message) == (500, message)
    unified = saf.init(metainfo=json.dumps(meta))
    assert unified.code == 400 and unified.message == message.split("：", 1)[1].rsplit("（", 1)[0]


def test_h5_metainfo_is_accepted(saf):
    assert saf.init(method="initH5", metainfo=json.dumps({"deviceType": "h5", "ua": "Mozilla/5.0"})).code == 200


def test_an_identity_a_scenario_marks_unavailable_is_530(saf):
    from simulator.services.aliyun_saf import models

    models.set_scenario(saf.store, ZHANG_SAN, "530")
    assert (saf.init(key=DETAILED).code, saf.init(key=DETAILED).message) == (530, "比对源不可用，暂时不可以使用刷脸")
    assert (saf.init().code, saf.init().message) == (500, "内部服务器错误。")
    assert saf.init(cert=LI_SI).code == 200


def test_an_identity_that_failed_too_often_is_540(saf):
    for _ in range(5):
        data = saf.started(cert=LI_SI)
        assert saf.query(data, headers={"X-Apisim-Outcome": "Z1146"}).code == 400
    detailed = saf.init(cert=LI_SI, key=DETAILED)
    assert (detailed.code, detailed.message) == (540, "刷脸失败次数过多，请您稍后再试")
    assert saf.init(cert=LI_SI).code == 400
    assert saf.init(cert=ZHANG_SAN).code == 200


def test_fewer_failures_than_the_limit_still_init(saf):
    for _ in range(4):
        saf.query(saf.started(cert=LI_SI), headers={"X-Apisim-Outcome": "Z1146"})
    assert saf.init(cert=LI_SI).code == 200


@pytest.mark.parametrize("code", ["B110", "R110", "Z8199", "Z1111", "init.500"])
def test_a_scenario_can_answer_any_init_code_for_an_identity(saf, code):
    from simulator.services.aliyun_saf import models

    models.set_scenario(saf.store, ZHANG_SAN, code)
    expected = saf.simulator.contracts["aliyun-saf"].errors[code]
    answer = saf.init(key=DETAILED)
    assert (answer.code, answer.message) == (expected.body["Code"], expected.message)


def test_an_unknown_method_is_400_service_parameters_invalid(saf):
    answer = saf.call({"method": "verify"})
    assert answer.status == 200 and (answer.code, answer.message) == (400, "参数ServiceParameters不合法。")


@pytest.mark.parametrize("raw", ["not json", "[]", '{"method": "init"', ""])
def test_service_parameters_that_are_not_a_json_object_are_400(saf, raw):
    answer = saf.call(raw)
    assert answer.status == 200 and answer.code == 400


def test_a_wrong_service_is_404(saf):
    answer = saf.init(Service="face_compare")
    assert answer.status == 200 and (answer.code, answer.message) == (404, "参数Service不合法。")


def test_a_missing_service_is_404(saf):
    answer = saf.call({"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": METAINFO}, omit=("Service",))
    assert (answer.code, answer.message) == (404, "参数Service不合法。")


def test_full_width_digits_are_no_resident_id(saf):
    full_width = ZHANG_SAN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert saf.init(cert=full_width, key=DETAILED).code == 520
