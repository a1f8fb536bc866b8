"""Properties over many requests: documented answers only, and the verification flow for any real identity."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.contracts import load_contract
from simulator.contracts.loader import contracts_dir
from simulator.fake.providers import with_id_check_digit

from .conftest import DETAILED, HOST, METAINFO, ManualClock

CONTRACT = load_contract(contracts_dir() / "aliyun-saf")
SERVICE_CODES = {entry.body["Code"] for entry in CONTRACT.errors.values() if entry.envelope == "saf"} | {200}
GATEWAY_CODES = {code for code, entry in CONTRACT.errors.items() if entry.envelope == "gateway"}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
methods = st.sampled_from(["init", "initH5", "query", "queryH5", "match", "other", ""])
service_parameters = st.builds(lambda m, extra: {"method": m, **extra}, methods,
                               st.dictionaries(st.sampled_from(["name", "certNumber", "metainfo", "bizId", "queryId",
                                                                "zimId", "returnImage", "imgbase64", "x"]),
                                               json_values, max_size=5))


def resident_ids():
    regions = st.sampled_from(["110101", "310104", "330103", "440305", "510107", "650102"])
    births = st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31))
    return st.builds(lambda r, b, s: with_id_check_digit(r + b.strftime("%Y%m%d") + f"{s:03d}"),
                     regions, births, st.integers(0, 999))


@SETTINGS
@given(params=service_parameters, detailed=st.booleans(), fmt=st.sampled_from(["JSON", "XML"]))
def test_any_service_parameters_get_a_documented_answer_never_a_500(saf, params, detailed, fmt):
    answer = saf.call(params, key=DETAILED if detailed else ("YourAccessKeyID", "YourAccessKeySecret"), fmt=fmt)
    assert answer.status == 200, answer.text
    if fmt == "JSON":
        body = answer.json
        assert body["Code"] in SERVICE_CODES and isinstance(body["Message"], str) and body["Message"]
    else:
        assert answer.xml.tag == "ExecuteRequestResponse"
        assert int(answer.xml.findtext("Code")) in SERVICE_CODES


@SETTINGS
@given(query=st.dictionaries(st.sampled_from(["Action", "Version", "AccessKeyId", "Signature", "Timestamp",
                                              "SignatureNonce", "SignatureMethod", "SignatureVersion", "Format",
                                              "Service", "ServiceParameters"]),
                             st.text(max_size=30), max_size=11))
def test_unsigned_or_garbled_requests_get_a_gateway_or_service_error_never_a_500(saf, query):
    from simulator.auth.aliyun_rpc import encode_params

    response = saf.client.post("/?" + encode_params(query), headers={"Host": HOST})
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    if response.status_code != 200:
        code = response.json["Code"] if text.startswith("{") else text.split("<Code>")[1].split("</Code>")[0]
        assert code in GATEWAY_CODES


@SETTINGS
@given(cert=resident_ids(), name=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4),
       wait=st.integers(0, 20))
def test_any_real_identity_can_init_and_passes_once_the_delay_is_over(make_saf, cert, name, wait):
    saf = make_saf(ManualClock())
    data = saf.started(cert=cert, name=name, metainfo=METAINFO)
    saf.clock.advance(wait)
    expected = 200 if wait >= 5 else 300
    assert saf.query(data).code == expected


@SETTINGS
@given(cert=st.text(st.characters(whitelist_categories=("Nd", "Lu")), min_size=0, max_size=20))
def test_only_real_resident_ids_open_a_verification(saf, cert):
    from simulator.fake.providers import resident_id_valid

    answer = saf.init(cert=cert, key=DETAILED)
    if not cert.strip():
        assert answer.code == 400
    elif cert.isascii() and resident_id_valid(cert):
        assert answer.code == 200
    else:
        assert answer.code == 520


def test_the_default_delay_is_the_contracts():
    assert CONTRACT.raw["x-behaviour"]["complete_after_seconds"] == 5
    assert json.loads(METAINFO)["deviceType"] in CONTRACT.raw["x-behaviour"]["supported_devices"]
    assert timedelta(seconds=CONTRACT.defaults["auth"]["options"]["timestamp_tolerance_seconds"]) == timedelta(minutes=15)
