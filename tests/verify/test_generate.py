"""Requests from the contract: examples completed, generated drafts valid, provocations with the mapped code."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from simulator.contracts import load_contracts
from simulator.verify.generate import RequestMaker
from simulator.verify.provoke import UNEXPECTED_FIELD

CONTRACTS = load_contracts(None, ["cdc-python", "aliyun-saf", "huawei-ocr"])
CDC = CONTRACTS["cdc-python"]
SAF = CONTRACTS["aliyun-saf"]
HUAWEI = CONTRACTS["huawei-ocr"]


def test_examples_carry_the_match_values_that_pick_their_operation():
    for name, draft in RequestMaker(SAF, SAF.operations["query"]).examples():
        assert draft.params["ServiceParameters"]["method"] == "query", name
    for name, draft in RequestMaker(CDC, CDC.operations["msg_send"]).examples():
        assert (draft.body["type"], draft.body["subtype"]) == ("msg", "send"), name


def test_path_parameters_come_from_the_credential_when_it_names_them():
    op = HUAWEI.operations["recognize_quota_invoice"]
    credential = HUAWEI.credentials[0]
    draft = RequestMaker(HUAWEI, op, credential).baseline()
    assert draft.path_params == {"project_id": credential["project_id"]}


def test_cdc_provocations_expect_the_contracts_codes_per_kind_of_failure():
    maker = RequestMaker(CDC, CDC.operations["community_list"])
    provoked = {p.name: p.code for p in maker.provocations(maker.baseline())}
    mapping = CDC.validation_errors
    assert provoked["malformed JSON body"] == mapping["malformed_body"]
    assert provoked["missing 'id' at $.body"] == mapping["missing"]
    assert provoked["wrong type for 'id' at $.body"] == mapping["type"]
    assert provoked["missing 'latitude' at $.body.data"] == mapping["missing"]
    assert provoked["unexpected field at $.body.data"] == mapping["unexpected"]
    assert not any("'type'" in name or "'subtype'" in name for name in provoked)  # they pick the operation


def test_a_provocation_breaks_exactly_what_it_names():
    maker = RequestMaker(CDC, CDC.operations["community_list"])
    for provocation in maker.provocations(maker.baseline()):
        if provocation.name.startswith("unexpected"):
            assert UNEXPECTED_FIELD in provocation.draft.body["data"]
        if provocation.name.startswith("missing 'latitude'"):
            assert "latitude" not in provocation.draft.body["data"]
            assert provocation.draft.body["data"]["longitude"] is not None


def test_saf_provocations_keep_what_routes_the_request_and_skip_what_a_form_cannot_carry():
    maker = RequestMaker(SAF, SAF.operations["init"])
    provocations = maker.provocations(maker.baseline())
    assert provocations, "the init parameters can be broken"
    for provocation in provocations:
        assert provocation.draft.params["ServiceParameters"]["method"] == "init"
        assert provocation.code == SAF.validation_errors[provocation.kind]
    # A form carries text: a number in place of a top-level string arrives as a string, breaking nothing.
    assert not any(p.name.startswith("wrong type") and p.name.endswith("at $.params") for p in provocations)


def test_the_variant_changes_numbers_and_path_parameters_only():
    maker = RequestMaker(CDC, CDC.operations["community_list"])
    baseline = maker.baseline()
    variant = maker.variant(baseline)
    assert variant.body["id"] == baseline.body["id"] + 7
    assert (variant.body["type"], variant.body["subtype"]) == (baseline.body["type"], baseline.body["subtype"])


SEND = RequestMaker(CDC, CDC.operations["msg_send"])
INIT = RequestMaker(SAF, SAF.operations["init"])


@settings(max_examples=25, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(SEND.strategy())
def test_generated_cdc_drafts_are_valid_and_reach_their_operation(draft):
    assert SEND.problems(draft) == []
    assert (draft.body["type"], draft.body["subtype"]) == ("msg", "send")


@settings(max_examples=25, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(INIT.strategy())
def test_generated_saf_drafts_are_valid_and_reach_their_operation(draft):
    assert INIT.problems(draft) == []
    assert draft.params["ServiceParameters"]["method"] == "init"


FIND = RequestMaker(CDC, CDC.operations["face_find"])


@settings(max_examples=10, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(FIND.strategy())
def test_base64_image_fields_are_drawn_from_the_fixture_images(draft):
    import base64

    from simulator.resources import data_dir

    fixtures = {p.read_bytes() for p in (data_dir("simulator.fixtures_data", "fixtures") / "images").iterdir()}
    assert base64.b64decode(draft.body["data"]["base64"]) in fixtures
