"""The OpenAPI export: valid OpenAPI 3.1 for every deployment, faithful to the contract."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from simulator.cli import main
from simulator.contracts import load_contracts

CONTRACTS = load_contracts()
DEPLOYMENTS = [(service, dep.name) for service, contract in sorted(CONTRACTS.items()) for dep in contract.deployments]


@pytest.mark.parametrize("service,deployment", DEPLOYMENTS)
def test_every_deployment_exports_a_valid_openapi_3_1_document(service, deployment, exported):
    document = exported(service, deployment)
    validate(document)  # raises with the JSON path of what is wrong
    assert document["openapi"] == "3.1.0"


@pytest.mark.parametrize("service,deployment", DEPLOYMENTS)
def test_every_operation_of_the_deployment_is_in_its_document(service, deployment, exported):
    document = exported(service, deployment)
    contract = CONTRACTS[service]
    exported_ids = {op_id for item in document["paths"].values() for op in item.values()
                    for op_id in op["x-apisim-operations"]}
    assert exported_ids == {op.id for op in contract.operations_for(contract.deployment(deployment))}
    for item in document["paths"].values():
        for op in item.values():
            for code in op["x-apisim-errors"]:
                assert str(code["http_status"]) in op["responses"] or any(
                    code["code"] in r["description"] for r in op["responses"].values())


@pytest.mark.parametrize("service,deployment", DEPLOYMENTS)
def test_the_only_server_is_on_loopback_and_the_original_host_is_metadata(service, deployment, exported):
    servers = exported(service, deployment)["servers"]
    assert len(servers) == 1 and servers[0]["url"].startswith("http://127.0.0.1:")
    assert servers[0]["x-original-base-url"] == CONTRACTS[service].deployment(deployment).base_url


def test_cdc_operations_on_one_url_are_a_oneof_discriminated_by_subtype(exported):
    body = exported("cdc-python", "guosai")["paths"]["/api/v2/msg/"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["discriminator"]["propertyName"] == "subtype"
    mapping = schema["discriminator"]["mapping"]
    assert mapping["send"] == "#/components/schemas/msg_send.body"
    assert {ref["$ref"] for ref in schema["oneOf"]} == set(mapping.values())
    branch = exported("cdc-python", "guosai")["components"]["schemas"]["msg_send.body"]
    assert branch["properties"]["subtype"] == {"const": "send"} and branch["properties"]["type"] == {"const": "msg"}


def test_saf_methods_are_discriminated_inside_service_parameters_sent_as_json(exported):
    document = exported("aliyun-saf", "cn-shanghai")
    content = document["paths"]["/"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    holder = content["schema"]["properties"]["ServiceParameters"]
    assert holder["discriminator"]["propertyName"] == "method"
    assert set(holder["discriminator"]["mapping"]) == {"init", "query", "initH5", "queryH5", "match"}
    assert content["encoding"]["ServiceParameters"]["contentType"] == "application/json"
    assert len(content["schema"]["oneOf"]) == 5


def test_error_responses_describe_the_envelope_with_the_code_fixed(exported):
    responses = exported("huawei-ocr", "cn-north-4")["paths"]["/v2/{project_id}/ocr/quota-invoice"]["post"]["responses"]
    schemas = responses["400"]["content"]["application/json"]["schema"]["anyOf"]
    ais0101 = next(s for s in schemas if s["x-apisim-code"] == "AIS.0101")
    assert ais0101["properties"]["error_code"] == {"const": "AIS.0101"}
    assert ais0101["properties"]["error_msg"] == {"type": "string"}
    assert "X-Request-Id" in responses["200"]["headers"]


def test_signed_operations_name_their_security_schemes(exported):
    document = exported("huawei-ocr", "cn-north-4")
    op = document["paths"]["/v2/{project_id}/ocr/quota-invoice"]["post"]
    assert op["security"] == [{"huawei-token": []}, {"huawei-aksk": []}]
    assert document["components"]["securitySchemes"]["huawei-token"]["name"] == "X-Auth-Token"
    assert "SDK-HMAC-SHA256" in document["components"]["securitySchemes"]["huawei-aksk"]["description"]
    iam = exported("huawei-ocr", "iam")["paths"]["/v3/auth/tokens"]["post"]
    assert iam["security"] == []


def test_the_export_is_deterministic(exported):
    from simulator.openapi import openapi_document

    again = openapi_document(load_contracts(None, ["aliyun-market"])["aliyun-market"], "dataplus-face")
    assert json.dumps(again, sort_keys=True) == json.dumps(exported("aliyun-market", "dataplus-face"), sort_keys=True)


def test_the_command_writes_one_file_per_deployment(tmp_path, capsys):
    assert main(["export", "openapi", "--contract", "huawei-ocr", "-o", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["huawei-ocr.cn-north-4.openapi.json", "huawei-ocr.iam.openapi.json"]
    validate(json.loads((tmp_path / written[1]).read_text("utf-8")))


def test_the_command_prints_one_deployment_and_refuses_several_without_a_directory(capsys):
    assert main(["export", "openapi", "--contract", "huawei-ocr", "--deployment", "iam",
                 "--server-url", "http://127.0.0.1:9999"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["servers"][0]["url"] == "http://127.0.0.1:9999"
    assert main(["export", "openapi", "--contract", "huawei-ocr"]) == 2
    assert "-o DIR" in capsys.readouterr().err
