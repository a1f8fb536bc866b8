"""The Aliyun API gateway in front of the market OCR: every failure it reports, as it reports it."""

from __future__ import annotations

import json

import pytest

from simulator.contracts import contracts_dir, load_contract

from .conftest import (BANK_ONLY_APPCODE, DEMO_APPCODE, HOSTS, MARKET_PATHS, QPS_2_APPCODE, QUOTA_3_APPCODE,
                       fixture_b64)

CONTRACT = load_contract(contracts_dir() / "aliyun-market")
BANK = {"image": fixture_b64("bank_card.jpg")}


def assert_gateway_error(answer, status: int, message: str) -> None:
    """What the document's sample reads: the status and X-Ca-Error-Message; the body is empty."""
    assert answer.status == status, (answer.status, answer.headers)
    assert answer.header("X-Ca-Error-Message") == message
    assert answer.header("X-Ca-Request-Id")
    assert answer.raw == b""


# --- natural triggers --------------------------------------------------------------------------------


def test_an_unknown_appcode_is_invalid_appcode_with_the_exact_message_the_market_samples_test(api):
    answer = api.market("ocr_bank_card", BANK, appcode_="00000000000000000000000000000000")
    assert_gateway_error(answer, 400, "Invalid AppCode `not exists`")


def test_an_empty_appcode_is_invalid_appcode(api):
    answer = api.market("ocr_bank_card", BANK, appcode_=None, headers={"Authorization": "APPCODE "})
    assert_gateway_error(answer, 400, "Invalid AppCode `not exists`")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_a_request_without_an_appcode_is_unauthorized(api, headers):
    answer = api.market("ocr_bank_card", BANK, appcode_=None, headers=headers)
    assert_gateway_error(answer, 403, "Unauthorized")


def test_an_appcode_that_did_not_buy_the_api_is_unauthorized_and_can_call_the_one_it_bought(api):
    denied = api.market("ocr_business_card", {"image": fixture_b64("business_card.png")}, appcode_=BANK_ONLY_APPCODE)
    assert_gateway_error(denied, 403, "Unauthorized")
    assert api.market("ocr_bank_card", BANK, appcode_=BANK_ONLY_APPCODE).status == 200


def test_a_package_of_three_calls_is_exhausted_on_the_fourth_across_both_apis(api, clock):
    for op, body in [("ocr_bank_card", BANK), ("ocr_business_card", {"image": fixture_b64("business_card.png")}),
                     ("ocr_bank_card", BANK)]:
        assert api.market(op, body, appcode_=QUOTA_3_APPCODE).status == 200
    clock.advance(days=1)  # a quota is not a rate: time does not refill it
    assert_gateway_error(api.market("ocr_bank_card", BANK, appcode_=QUOTA_3_APPCODE), 403, "Quota Exhausted")


def test_failed_calls_are_not_billed(api):
    for _ in range(3):
        assert api.market("ocr_bank_card", {"image": 42}, appcode_=QUOTA_3_APPCODE).status == 400
    assert api.market("ocr_bank_card", BANK, appcode_=QUOTA_3_APPCODE).status == 200


def test_flow_control_allows_qps_calls_per_second_then_throttles_until_the_next_second(api, clock):
    assert [api.market("ocr_bank_card", BANK, appcode_=QPS_2_APPCODE).status for _ in range(2)] == [200, 200]
    assert_gateway_error(api.market("ocr_bank_card", BANK, appcode_=QPS_2_APPCODE), 403, "Throttled by APP Flow Control")
    clock.advance(seconds=1)
    assert api.market("ocr_bank_card", BANK, appcode_=QPS_2_APPCODE).status == 200


def test_flow_control_counts_each_appcode_apart(api):
    for _ in range(3):
        api.market("ocr_bank_card", BANK, appcode_=QPS_2_APPCODE)
    assert api.market("ocr_bank_card", BANK, appcode_=DEMO_APPCODE).status == 200


def test_an_empty_body_is_empty_request_body(api):
    assert_gateway_error(api.market("ocr_bank_card", ""), 400, "Empty Request Body")


@pytest.mark.parametrize("body", ["image=abc", "{\"image\": ", "\xff\xfe"])
def test_a_body_that_is_not_json_is_invalid_request_body(api, body):
    assert_gateway_error(api.market("ocr_bank_card", body), 400, "Invalid Request Body")


@pytest.mark.parametrize("body", [{}, {"img": "abc"}, {"image": 42}, {"image": ""}, [1, 2],
                                  {"image": "abc", "configure": 7}, {"image": "abc", "configure": "min_size=16"},
                                  {"image": "abc", "configure": "[16]"}])
def test_a_missing_or_mistyped_parameter_is_invalid_param_location(api, body):
    assert_gateway_error(api.market("ocr_business_card", body), 400, "Invalid Param Location")


def test_a_body_over_8_mb_is_request_body_too_large(api):
    body = json.dumps({"image": "A" * (8 * 1024 * 1024)})
    assert_gateway_error(api.market("ocr_bank_card", body), 413, "Request body too Large")


@pytest.mark.parametrize("op, path", [
    ("ocr_bank_card", MARKET_PATHS["ocr_business_card"]),  # the other API's path, on this API's host
    ("ocr_business_card", "/rest/160601/ocr/ocr_idcard.json"),
    ("ocr_bank_card", "/rest/160601/ocr/ocr_bank_card"),
])
def test_a_path_this_host_does_not_serve_is_invalid_url(api, op, path):
    assert_gateway_error(api.market(op, BANK, path=path), 400, "Invalid Url")


def test_get_instead_of_post_is_invalid_url(api):
    response = api.client.get(MARKET_PATHS["ocr_bank_card"], headers={"Host": HOSTS["ocr_bank_card"],
                                                                      "Authorization": "APPCODE " + DEMO_APPCODE})
    assert response.status_code == 400 and response.headers["X-Ca-Error-Message"] == "Invalid Url"


def test_an_unexpected_failure_is_the_gateways_internal_error_never_a_bare_500(api, monkeypatch):
    from simulator.services.aliyun_market import models

    def broken(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr(models, "check_configure", broken)
    assert_gateway_error(api.market("ocr_bank_card", BANK), 500, "Internal Error")


def test_the_gateway_checks_the_appcode_before_the_body(api):
    answer = api.market("ocr_bank_card", "not json", appcode_="ffffffffffffffffffffffffffffffff")
    assert answer.header("X-Ca-Error-Message") == "Invalid AppCode `not exists`"


# --- every documented gateway error, forced ------------------------------------------------------------

MARKET_GATEWAY_CODES = [code for code in CONTRACT.operations["ocr_bank_card"].errors]


@pytest.mark.parametrize("op", list(MARKET_PATHS))
@pytest.mark.parametrize("code", MARKET_GATEWAY_CODES)
def test_x_apisim_code_forces_each_gateway_error_with_its_status_and_message(api, op, code):
    entry = CONTRACT.errors[code]
    answer = api.market(op, BANK, headers={"X-Apisim-Code": code})
    assert_gateway_error(answer, entry.http_status, entry.message)


def test_the_forced_code_list_covers_the_gateway_errors_the_issue_names():
    named = {"Invalid AppCode", "Unauthorized", "Quota Exhausted", "Invalid Param Location", "Request body too Large",
             "Throttled by APP Flow Control", "Async Service", "Internal Error"}
    assert named <= set(MARKET_GATEWAY_CODES)


def test_an_undocumented_forced_code_is_refused_with_the_valid_ones(clock):
    from simulator.app import create_app
    from simulator.config import SimulatorConfig

    from .conftest import Api

    # Without response validation: apisim's own refusal is not an answer of the API.
    api = Api(create_app(SimulatorConfig(services=["aliyun-market"], clock=clock)).test_client(), clock)
    answer = api.market("ocr_bank_card", BANK, headers={"X-Apisim-Code": "1030"})
    assert answer.status == 400
    assert "Quota Exhausted" in answer.json()["valid_codes"]
