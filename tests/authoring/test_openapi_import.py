"""``apisim contract import openapi``: an OpenAPI document becomes a contract that loads, and exports back."""

from __future__ import annotations

import copy
import json

import pytest

from simulator.authoring import ImportProblem, import_openapi, write_contract
from simulator.contracts import load_contract
from simulator.openapi import openapi_document
from tests.authoring.specs import PETS_31

@pytest.fixture
def imported(tmp_path):
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(PETS_31))
    result = import_openapi(spec)
    written = write_contract(result.contract, tmp_path / "contracts", result.report(), "import")
    return result, load_contract(written.contract), tmp_path / "contracts"


def test_the_imported_contract_loads_with_operations_deployments_and_codes(imported):
    result, contract, _ = imported
    assert contract.service == "pet-store"
    assert [d.base_url for d in contract.deployments] == ["https://api.pets.example/v1"]
    assert {op.id: (op.method, op.path) for op in contract.operations.values()} == {
        "list_pets": ("GET", "/v1/pets"), "create_pet": ("POST", "/v1/pets"),
        "get_pet": ("GET", "/v1/pets/{petId}"), "delete_pet": ("DELETE", "/v1/pets/{petId}")}
    assert set(contract.errors) == {"400", "401", "PET_NOT_FOUND", "PET_GONE"}
    assert contract.operations["get_pet"].errors == ["PET_NOT_FOUND", "PET_GONE"]
    assert contract.errors["PET_GONE"].http_status == 404
    assert contract.validation_errors["invalid"] == "400"


def test_references_resolve_through_chains_and_component_schemas_stay_shared(imported):
    _, contract, _ = imported
    assert contract.operations["list_pets"].request["query"]["properties"]["limit"] == {"type": "integer",
                                                                                          "maximum": 100}
    assert contract.operations["create_pet"].request["body"] == {"$ref": "#/$defs/NewPet"}
    assert contract.defs["NewPet"]["properties"]["parent"] == {"$ref": "#/$defs/Pet"}
    body = contract.operations["create_pet"].validators["body"]
    assert not list(body.iter_errors({"name": "Rex", "parent": {"id": 2, "name": "Mum"}}))
    assert list(body.iter_errors({"parent": {"name": "Mum"}}))  # name and parent.id are required


def test_the_api_key_scheme_is_mapped_with_its_carrier_and_a_documented_401(imported):
    result, contract, _ = imported
    auth = contract.defaults["auth"]
    assert auth["schemes"] == ["api-key"]
    assert auth["options"] == {"carriers": [{"in": "header", "name": "X-API-Key"}]}
    assert auth["errors"] == {"missing": "401", "malformed": "401", "unknown_key": "401"}
    assert contract.errors["401"].message == "no or bad key"  # documented, not synthesized
    assert contract.operations["delete_pet"].raw["auth"] is None  # security: []
    assert contract.credentials[0]["api_key"].startswith("apisim-demo-")


def test_every_imported_example_fits_its_schema(imported):
    _, contract, _ = imported
    checked = 0
    for op in contract.operations.values():
        for example in op.examples:
            response = example.get("response", {})
            if "error" in response:
                assert response["error"] in op.errors
                assert response["status"] == contract.errors[response["error"]].http_status
            elif "body" in response:
                assert not list(op.response_validator.iter_errors(response["body"]))
            if "body" in example.get("request", {}):
                assert not list(op.validators["body"].iter_errors(example["request"]["body"]))
            checked += 1
    assert checked == 3
    assert [e["response"]["error"] for e in contract.operations["get_pet"].examples if "error" in e["response"]] \
        == ["PET_GONE"]


def _strip_base(path: str) -> str:
    return path[len("/v1"):] if path.startswith("/v1") else path


def test_export_round_trips_paths_methods_schemas_and_statuses(imported):
    _, contract, _ = imported
    exported = openapi_document(contract)
    original = PETS_31
    assert {(_strip_base(p), m) for p, item in exported["paths"].items() for m in item} == \
        {(p, m) for p, item in original["paths"].items() for m in item if m != "parameters"}
    assert exported["components"]["schemas"] == original["components"]["schemas"]
    for path, item in original["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            out = exported["paths"]["/v1" + path][method]
            # plus the bare 413 apisim answers a body past the default limit (docs/limits.md), and what the
            # served contract answers besides: the 401 of an operation behind the key, the 400 of one with
            # parameters or a body to validate (the generic service answers them, so the export describes them)
            behind_key = op.get("security", PETS_31["security"]) != []
            validated = bool(op.get("parameters") or item.get("parameters") or op.get("requestBody"))
            assert set(out["responses"]) == set(op["responses"]) | {"413"} | ({"401"} if behind_key else set()) \
                | ({"400"} if validated else set()), (path, method)
            if "requestBody" in op:
                assert out["requestBody"]["content"]["application/json"]["schema"] == \
                    op["requestBody"]["content"]["application/json"]["schema"]
            for status, response in op["responses"].items():
                if status.startswith("2") and "content" in response:
                    assert out["responses"][status]["content"]["application/json"]["schema"] == \
                        response["content"]["application/json"]["schema"]
            params = {(p["in"], p["name"]) for p in out.get("parameters", [])}
            declared = [*item.get("parameters", []), *op.get("parameters", [])]
            assert params == {("query", "limit") if "$ref" in p else (p["in"], p["name"].lower() if p["in"] == "header"
                                                                     else p["name"]) for p in declared}
    assert exported["components"]["securitySchemes"]["api-key"]["name"] == "X-API-Key"


OPENAPI_30_YAML = """
openapi: 3.0.3
info: {title: Legacy, version: '1'}
paths:
  /things/{thing.id}:
    get:
      parameters:
        - {name: thing.id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  size: {type: number, minimum: 0, exclusiveMinimum: true, nullable: true, example: 2.5}
                  blob: {type: string, format: byte}
        default: {description: anything else}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
"""


def test_openapi_30_yaml_is_translated_to_json_schema_2020_12(tmp_path):
    spec = tmp_path / "legacy.yaml"
    spec.write_text(OPENAPI_30_YAML)
    result = import_openapi(spec)
    op = result.contract["operations"]["get_things_thing_id"]
    assert op["path"] == "/things/{thing_id}"
    size = op["response"]["body"]["properties"]["size"]
    assert size == {"type": ["number", "null"], "exclusiveMinimum": 0, "examples": [2.5]}
    assert op["response"]["body"]["properties"]["blob"]["contentEncoding"] == "base64"
    assert result.contract["deployments"] == [{"name": "localhost", "base_url": "http://localhost"}]
    assert result.contract["defaults"]["auth"]["options"]["carriers"] == [
        {"in": "header", "name": "Authorization", "prefix": "Bearer"}]
    assert result.contract["errors"]["default"]["http_status"] == 500
    assert any("thing.id" in note for note in result.notes)
    written = write_contract(result.contract, tmp_path / "out", result.report(), "import")
    assert load_contract(written.contract).operations["get_things_thing_id"].path_params == ["thing_id"]


def test_a_schema_that_refers_to_itself_outside_components_is_hoisted_into_defs(tmp_path):
    spec = copy.deepcopy(PETS_31)
    tree = {"type": "object", "properties": {"children": {"type": "array", "items": {
        "$ref": "#/paths/~1tree/get/responses/200/content/application~1json/schema"}}}}
    spec["paths"]["/tree"] = {"get": {"responses": {"200": {"description": "a tree", "content": {
        "application/json": {"schema": tree}}}}}}
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(spec))
    result = import_openapi(path)
    body = result.contract["operations"]["get_tree"]["response"]["body"]
    name = body["properties"]["children"]["items"]["$ref"].split("/")[-1]
    assert result.contract["$defs"][name]["properties"]["children"]["items"] == {"$ref": f"#/$defs/{name}"}


@pytest.mark.parametrize(("document", "expected"), [
    ({"swagger": "2.0"}, "convert it to OpenAPI 3 first"),
    ({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses": {
        "200": {"$ref": "other.yaml#/components/responses/Ok"}}}}}}, "bundle the document into one file first"),
    ({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses": {
        "200": {"$ref": "#/components/responses/Missing"}}}}}}, "points at nothing"),
    ({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}, "has no operations"),
])
def test_a_document_that_cannot_be_imported_says_what_to_do(tmp_path, document, expected):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as problem:
        import_openapi(path)
    assert expected in str(problem.value)


def test_import_problems_are_value_errors():
    assert issubclass(ImportProblem, ValueError)
