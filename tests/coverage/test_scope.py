"""The list of a project's operations: its syntax, and names checked against the contracts."""

from __future__ import annotations

import pytest

from simulator.coverage.scope import check_measure, parse_operation_specs, resolve_operations


def test_entries_are_service_colon_operation_or_star_one_a_line_or_separated_by_spaces_or_commas():
    lines = ["huawei-ocr:create_token", "cdc-python:*, aliyun-market:face_detect  aliyun-market:face_verify", ""]
    assert parse_operation_specs(lines) == [("huawei-ocr", "create_token"), ("cdc-python", "*"),
                                            ("aliyun-market", "face_detect"), ("aliyun-market", "face_verify")]


@pytest.mark.parametrize("entry", ["huawei-ocr", "huawei-ocr.create_token", ":create_token", "huawei-ocr:", "a:b:c"])
def test_an_entry_that_is_not_service_colon_operation_is_refused_with_an_example(entry):
    with pytest.raises(ValueError) as refused:
        parse_operation_specs([entry])
    assert f"apisim_cov_operations: {entry!r} is not service:operation" in str(refused.value)
    assert "huawei-ocr:* for every operation of a service" in str(refused.value)


def test_a_star_stands_for_every_operation_of_the_service_in_the_contracts_order(make_simulator):
    contracts = make_simulator("huawei-ocr").contracts
    listed = resolve_operations([("huawei-ocr", "recognize_quota_invoice"), ("huawei-ocr", "*")], contracts)
    assert listed == {"huawei-ocr": list(contracts["huawei-ocr"].operations)}


def test_unknown_services_and_operations_are_refused_together_each_with_the_valid_names(make_simulator):
    contracts = make_simulator("huawei-ocr", "aliyun-market").contracts
    with pytest.raises(ValueError) as refused:
        resolve_operations([("huawei-ocr", "quota_invoice"), ("huawei", "*"), ("aliyun-market", "face_detect")],
                           contracts, "--operations")
    message = str(refused.value)
    valid = ", ".join(contracts["huawei-ocr"].operations)
    assert message.startswith(f"--operations: huawei-ocr has no operation 'quota_invoice' (its operations: {valid})")
    assert "no service 'huawei' (known: aliyun-market, huawei-ocr)" in message
    assert "face_detect" not in message.split("no service")[1]  # the valid entry is not complained about


def test_a_measure_must_be_one_of_the_three():
    assert check_measure("operations", "x") == "operations"
    with pytest.raises(ValueError, match="apisim_cov_measure=lines: the measure is one of operations, outcomes, all"):
        check_measure("lines", "apisim_cov_measure")
