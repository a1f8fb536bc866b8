"""The POP gateway in front of face_verify: signatures, common parameters, formats, forced gateway codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.auth import aliyun_rpc

from .conftest import DEMO, DISABLED, HOST, METAINFO, ZHANG_SAN

INIT = {"method": "init", "name": "张三", "certNumber": ZHANG_SAN, "metainfo": METAINFO}


def assert_gateway_error(answer, status: int, code: str, message: str | None = None) -> dict:
    assert answer.status == status, answer.text
    body = answer.json
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert body["Code"] == code
    assert body["HostId"] == HOST
    assert body["Recommend"].endswith(f"q={code}&product=saf&requestId={body['RequestId']}")
    if message is not None:
        assert body["Message"] == message
    return body


def test_a_correctly_signed_request_reaches_the_service(saf):
    assert saf.call(INIT).code == 200


def test_parameters_may_come_in_a_form_body(saf):
    answer = saf.call(INIT, in_body=True)
    assert answer.status == 200 and answer.code == 200


def test_a_wrong_secret_is_signature_does_not_match_with_the_server_string_to_sign(saf):
    answer = saf.call(INIT, key=("YourAccessKeyID", "wrong-secret"), nonce="n-wrong")
    body = assert_gateway_error(answer, 400, "SignatureDoesNotMatch")
    prefix, sep, sts = body["Message"].partition("server string to sign is:")
    assert prefix == "Specified signature is not matched with our calculation. " and sep
    assert sts.startswith("POST&%2F&AccessKeyId%3DYourAccessKeyID%26Action%3DExecuteRequest")
    assert "SignatureNonce%3Dn-wrong" in sts


def test_a_tampered_parameter_is_signature_does_not_match(saf):
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                                      "ServiceParameters": '{"method":"init"}'}, *DEMO, timestamp=saf.clock(), nonce="t")
    signed["ServiceParameters"] = '{"method":"query"}'
    response = saf.client.post("/?" + aliyun_rpc.encode_params(signed), headers={"Host": HOST})
    assert response.status_code == 400 and response.json["Code"] == "SignatureDoesNotMatch"


def test_a_reused_nonce_is_signature_nonce_used(saf):
    assert saf.call(INIT, nonce="same").code == 200
    assert_gateway_error(saf.call(INIT, nonce="same"), 400, "SignatureNonceUsed",
                         "Specified signature nonce was used already.")


@pytest.mark.parametrize("minutes", [-16, 16])
def test_a_timestamp_15_minutes_off_is_invalid_timestamp_expired(saf, minutes):
    answer = saf.call(INIT, timestamp=saf.clock() + timedelta(minutes=minutes))
    assert_gateway_error(answer, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")


def test_a_badly_formatted_timestamp_is_invalid_timestamp_format(saf):
    answer = saf.call(INIT, timestamp="2026/03/01 08:00:00")
    assert_gateway_error(answer, 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")


def test_an_unknown_access_key_is_not_found_with_404(saf):
    answer = saf.call(INIT, key=("NoSuchKey", "x"))
    assert_gateway_error(answer, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")


def test_a_disabled_access_key_is_inactive(saf):
    assert_gateway_error(saf.call(INIT, key=DISABLED), 400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")


@pytest.mark.parametrize("name", ["AccessKeyId", "Signature", "SignatureMethod", "Timestamp", "SignatureVersion",
                                  "SignatureNonce", "Version", "Action"])
def test_a_missing_common_parameter_is_missing_parameter_naming_it(saf, name):
    answer = saf.call(INIT, drop=(name,))
    assert_gateway_error(answer, 400, "MissingParameter",
                         f'The input parameter "{name}" that is mandatory for processing this request is not supplied.')


def test_an_unknown_version_is_invalid_version(saf):
    assert_gateway_error(saf.call(INIT, Version="2020-01-01"), 400, "InvalidVersion",
                         "Specified parameter Version is not valid.")


def test_the_sdk_request_class_version_is_accepted(saf):
    assert saf.call(INIT, Version="2019-05-21").code == 200


def test_an_unknown_action_is_invalid_action_not_found(saf):
    assert_gateway_error(saf.call(INIT, Action="DescribeThings"), 404, "InvalidAction.NotFound",
                         "Specified api is not found, please check your url and method.")


def test_an_unknown_action_without_service_parameters_is_still_invalid_action(saf):
    assert_gateway_error(saf.call(None, Action="DescribeThings"), 404, "InvalidAction.NotFound")


def test_another_signature_method_is_invalid_signature_method(saf):
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                                      "ServiceParameters": '{"method":"init"}'}, *DEMO, timestamp=saf.clock(), nonce="m")
    signed["SignatureMethod"] = "HMAC-SHA256"
    response = saf.client.post("/?" + aliyun_rpc.encode_params(signed), headers={"Host": HOST})
    assert response.status_code == 400 and response.json["Code"] == "InvalidSignatureMethod"


def test_another_signature_version_is_incomplete_signature(saf):
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                                      "ServiceParameters": '{"method":"init"}'}, *DEMO, timestamp=saf.clock(), nonce="v")
    signed["SignatureVersion"] = "2.0"
    response = saf.client.post("/?" + aliyun_rpc.encode_params(signed), headers={"Host": HOST})
    assert response.status_code == 400 and response.json["Code"] == "IncompleteSignature"


def test_an_unknown_format_is_invalid_parameter_format_answered_in_xml(saf):
    answer = saf.call(INIT, fmt="YAML")
    assert answer.status == 400
    assert answer.headers["Content-Type"].startswith("text/xml")
    root = answer.xml
    assert root.tag == "Error" and root.findtext("Code") == "InvalidParameter.Format"
    assert root.findtext("Message") == "Specified parameter format is not valid."


def test_gateway_errors_render_as_xml_by_default(saf):
    answer = saf.call(INIT, key=("NoSuchKey", "x"), fmt=None)
    assert answer.status == 404 and answer.text.startswith("<?xml version='1.0' encoding='UTF-8'?><Error>")
    root = answer.xml
    assert [child.tag for child in root] == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert root.findtext("Code") == "InvalidAccessKeyId.NotFound"


def test_the_format_parameter_is_case_insensitive(saf):
    assert saf.call(INIT, fmt="json").json["Code"] == 200
    assert saf.call(INIT, fmt="xml").xml.findtext("Code") == "200"


@pytest.mark.parametrize("code,status", [("Throttling", 400), ("Throttling.User", 400), ("ServiceUnavailable", 503),
                                         ("InternalError", 500), ("SignatureNonceUsed", 400),
                                         ("InvalidAccessKeyId.NotFound", 404), ("MissingParameter", 400),
                                         ("InvalidTimeStamp.Expired", 400), ("IncompleteSignature", 400)])
def test_gateway_codes_can_be_forced(saf, code, status):
    answer = saf.call(INIT, headers={"X-Apisim-Code": code})
    body = assert_gateway_error(answer, status, code)
    assert body["Message"] == saf.simulator.contracts["aliyun-saf"].errors[code].message


def test_a_forced_signature_mismatch_still_ends_with_this_requests_string_to_sign(saf):
    answer = saf.call(INIT, headers={"X-Apisim-Code": "SignatureDoesNotMatch"}, nonce="forced")
    message = assert_gateway_error(answer, 400, "SignatureDoesNotMatch")["Message"]
    server_sts = message.split(":")[1]
    assert server_sts.startswith("POST&%2F&") and "SignatureNonce%3Dforced" in server_sts


def test_an_unknown_forced_code_is_refused_with_the_valid_ones(saf):
    answer = saf.call(INIT, headers={"X-Apisim-Code": "NoSuchCode"})
    assert answer.status == 400
    assert "Z8102" in answer.json["valid_codes"] and "SignatureDoesNotMatch" in answer.json["valid_codes"]


# --- ACS3-HMAC-SHA256, as the Tea SDKs sign -------------------------------------------------------

def acs3_post(saf, service_parameters: str, *, secret: str = DEMO[1], nonce: str = "acs3-1", version: str = "2019-05-21"):
    query = {"Service": "face_verify", "ServiceParameters": service_parameters}
    headers = aliyun_rpc.acs3_sign("POST", "/", list(query.items()), {"host": HOST}, b"", DEMO[0], secret,
                                   action="ExecuteRequest", version=version, timestamp=saf.clock(), nonce=nonce)
    return saf.client.post("/?" + aliyun_rpc.encode_params(query), headers=headers)


def test_an_acs3_signed_request_is_accepted_and_answered_in_json(saf):
    import json

    response = acs3_post(saf, json.dumps(INIT, ensure_ascii=False))
    assert response.status_code == 200
    assert response.json["Code"] == 200 and set(response.json["Data"]) == {"queryId", "bizId"}


def test_an_acs3_request_with_a_wrong_secret_is_signature_does_not_match(saf):
    import json

    response = acs3_post(saf, json.dumps(INIT), secret="wrong")
    assert response.status_code == 400 and response.json["Code"] == "SignatureDoesNotMatch"
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in response.json["Message"]


def test_an_acs3_replayed_nonce_is_refused(saf):
    import json

    assert acs3_post(saf, json.dumps(INIT), nonce="again").status_code == 200
    response = acs3_post(saf, json.dumps(INIT), nonce="again")
    assert response.status_code == 400 and response.json["Code"] == "SignatureNonceUsed"


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_method_other_than_post_or_get_is_unsupported_http_method(saf, method):
    assert_gateway_error(saf.call(INIT, method=method), 403, "UnsupportedHTTPMethod", "This http method not supported.")
