"""What the account allows: bought QPS (402) and an opened product (403, Z8102, Z8302)."""

from __future__ import annotations

import pytest

from .conftest import LOW_QPS, NOT_OPENED, ZHANG_SAN


def test_a_second_request_in_the_same_second_over_a_qps_of_1_is_402(saf):
    assert saf.init(key=LOW_QPS).code == 200
    answer = saf.init(key=LOW_QPS)
    assert answer.status == 200
    assert (answer.code, answer.message) == (402, "日QPS超过已购规格，限流。")


def test_the_next_second_is_allowed_again(saf):
    saf.init(key=LOW_QPS)
    saf.clock.advance(1)
    assert saf.init(key=LOW_QPS).code == 200


def test_other_keys_are_not_limited(saf):
    for _ in range(5):
        assert saf.init().code == 200


@pytest.mark.parametrize("method", ["init", "initH5"])
def test_a_product_not_opened_is_403_or_z8102_on_init(saf, method):
    unified = saf.init(method=method, key=NOT_OPENED)
    assert (unified.code, unified.message) == (403, "请去开通产品(Z8102)")


def test_a_product_not_opened_is_z8102_in_detailed_mode(saf):
    saf.simulator.config.credentials["aliyun-saf"] = [
        {"AccessKeyId": "ClosedDetailed", "AccessKeySecret": "s", "ProductOpened": False, "DetailedCodes": True}]
    answer = saf.init(key=("ClosedDetailed", "s"))
    assert (answer.code, answer.message) == (500, "init接口调用失败，PRODUCT_NOT_OPEN：请去开通产品(Z8102)（Z8102）")
    query = saf.query({"bizId": "x", "queryId": "y"}, key=("ClosedDetailed", "s"))
    assert (query.code, query.message) == (500, "query接口调用失败，PRODUCT_NOT_OPEN：请去开通产品(Z8302)（Z8302）")


def test_a_product_not_opened_is_403_on_query_and_match(saf):
    assert saf.query({"bizId": "x", "queryId": "y"}, key=NOT_OPENED).json["Message"] == "请去开通产品(Z8302)"
    answer = saf.match("x", key=NOT_OPENED)
    assert (answer.code, answer.message) == (403, "权限不足，服务未开通或已到期。")


def test_user_credentials_are_recognised(saf):
    saf.simulator.config.credentials["aliyun-saf"] = [{"AccessKeyId": "MyKey", "AccessKeySecret": "MySecret"}]
    assert saf.init(key=("MyKey", "MySecret")).code == 200
    assert saf.init(key=("MyKey", "other")).json["Code"] == "SignatureDoesNotMatch"


def test_the_verification_belongs_to_the_key_that_opened_it(saf):
    data = saf.started(key=LOW_QPS)
    saf.clock.advance(5)
    assert saf.query(data, key=LOW_QPS).code == 200
    assert saf.verification(data["bizId"])["certNumber"] == ZHANG_SAN
