"""No request, however malformed, gets a 500 or a traceback: only documented Huawei errors."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["image", "url", "extra"]), json_values, max_size=3).map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 5000),
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", "", "multipart/form-data"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, content_type=content_types, method=st.sampled_from(["POST", "GET", "PUT"]))
def test_any_request_gets_a_documented_error_or_success(ocr, body, content_type, method):
    sim = ocr.client.simulator
    codes = sim.contracts["huawei-ocr"].errors
    response = ocr.client.open(
        "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice", method=method, data=body,
        headers={"Host": "ocr.cn-north-4.myhuaweicloud.com", "X-Auth-Token": ocr.token, "Content-Type": content_type},
    )
    assert response.status_code != 500
    payload = response.get_json()
    if response.status_code != 200:
        assert payload["error_code"] in codes
        assert payload["error_msg"] == codes[payload["error_code"]].message
