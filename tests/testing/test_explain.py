"""Explanations of refused requests: the operation, the JSON path and what the document expects there."""

from __future__ import annotations

import pytest

from simulator.core import SimRequest
from simulator.testing import closest_operation, explain
from simulator.testing.explain import describe_schema, schema_at


@pytest.fixture(scope="module")
def sim(apisim_session):
    return apisim_session.simulator


def test_schema_at_follows_properties_refs_and_alternatives(sim):
    ocr = sim.contracts["huawei-ocr"].operations["recognize_quota_invoice"]
    assert schema_at(ocr, "$.body.image")["minLength"] == 1
    assert schema_at(ocr, "$.headers.content-type")["pattern"] == "^application/json"
    assert schema_at(ocr, "$.body.nothing") is None
    token = sim.contracts["huawei-ocr"].operations["create_token"]
    assert schema_at(token, "$.body.auth.identity.methods")["type"] == "array"


def test_describe_schema_gives_type_constraints_and_the_documents_words(sim):
    ocr = sim.contracts["huawei-ocr"].operations["recognize_quota_invoice"]
    text = describe_schema(ocr, schema_at(ocr, "$.body.image"))
    assert text.startswith("string, at least 1 characters (图像数据，base64编码")
    assert describe_schema(ocr, schema_at(ocr, "$.body")).startswith("object, only image, url, exactly one of: image | url")


def test_a_missing_property_is_explained_by_the_schema_of_that_property(sim):
    entry = {"method": "POST", "host": "guosai.zustmanong.cn", "path": "/api/v2/distance/", "status": 200,
             "service": "cdc-python", "deployment": "guosai", "operation": "distance_calc", "code": "-1",
             "failure": "validation", "detail": "$.body.data: 'lat2' is a required property"}
    assert "the document expects: $.body.data.lat2: number (纬度2)" in explain(sim, entry)


def test_an_auth_failure_names_the_schemes_the_document_binds(sim):
    entry = {"method": "POST", "host": "ocr.cn-north-4.myhuaweicloud.com", "path": "/v2/p/ocr/quota-invoice",
             "status": 401, "service": "huawei-ocr", "deployment": "cn-north-4", "code": "ModelArts.4101",
             "operation": "recognize_quota_invoice", "failure": "auth", "detail": "no credentials"}
    text = explain(sim, entry)
    assert "refused at auth" in text and "credentials for huawei-token or huawei-aksk" in text


@pytest.mark.parametrize("method, url, closest", [
    ("POST", "https://ocr.cn-north-4.myhuaweicloud.com/v2/p/ocr/quota-invoices", "huawei-ocr.recognize_quota_invoice"),
    ("GET", "https://ocr.cn-north-4.myhuaweicloud.com/v2/p/ocr/quota-invoice", "huawei-ocr.recognize_quota_invoice"),
    ("POST", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/token", "huawei-ocr.create_token"),
    ("POST", "https://api.vendor.example/face/verify", "aliyun-market.face_verify"),
])
def test_the_closest_operation_of_an_unmatched_request(sim, method, url, closest):
    assert closest_operation(sim, SimRequest.from_url(method, url)).startswith(closest + ":")
