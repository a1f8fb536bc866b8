"""Stage 1: a request reaches its deployment (by Host or local port) and its operation."""

from __future__ import annotations

import json

import pytest

from simulator.core import SimRequest
from simulator.pipeline.match import NoDeployment, NoOperation, Router

PORTS = {"main": 9000, "other": 9001}


@pytest.fixture
def router(toy_contract):
    return Router({"toy": toy_contract}, lambda dep: PORTS[dep.name])


def _view(request):
    return lambda: {"body": request.json(), "query": request.query_dict, "params": {}, "headers": {}}


def _post(url, body, **kw):
    return SimRequest.from_url("POST", url, {"Content-Type": "application/json"}, json.dumps(body).encode(), **kw)


def test_the_original_host_header_selects_the_deployment_on_any_port(router):
    request = SimRequest.from_url("GET", "http://127.0.0.1:1234/api/items/7", {"Host": "other.example.com:8443"}, local_port=1234)
    assert router.deployment_for(request).name == "other"


def test_the_local_port_selects_the_deployment_when_the_host_is_loopback(router):
    request = SimRequest.from_url("GET", "http://127.0.0.1:9001/api/items/7", local_port=9001)
    assert router.deployment_for(request).name == "other"


def test_an_unknown_host_on_an_unknown_port_is_refused(router):
    with pytest.raises(NoDeployment, match="no deployment serves host 'example.org'"):
        router.deployment_for(SimRequest.from_url("GET", "http://example.org/x"))


def test_body_fields_tell_multiplexed_operations_apart(router, toy_contract):
    dep = toy_contract.deployment("main")
    for subtype in ("publish", "list"):
        request = _post("https://toy.example.com/api/community/", {"type": "community", "subtype": subtype})
        assert router.match(request, dep, _view(request)).operation.id == subtype


def test_a_multiplexed_request_matching_no_operation_says_what_was_expected(router, toy_contract):
    request = _post("https://toy.example.com/api/community/", {"type": "community", "subtype": "nope"})
    with pytest.raises(NoOperation, match="subtype='publish'"):
        router.match(request, toy_contract.deployment("main"), _view(request))


def test_path_parameters_are_extracted_and_literal_paths_win(router, toy_contract):
    dep = toy_contract.deployment("main")
    found = router.match(SimRequest.from_url("GET", "https://toy.example.com/api/items/42"), dep, dict)
    assert (found.operation.id, found.path_params) == ("item", {"item_id": "42"})
    special = router.match(SimRequest.from_url("GET", "https://toy.example.com/api/items/special"), dep, dict)
    assert special.operation.id == "item_special"


def test_a_wrong_method_names_the_allowed_ones(router, toy_contract):
    with pytest.raises(NoOperation, match=r"DELETE is not allowed .*allowed: GET"):
        router.match(SimRequest.from_url("DELETE", "https://toy.example.com/api/items/1"), toy_contract.deployment("main"), dict)


def test_an_unknown_path_names_the_closest_operation(router, toy_contract):
    with pytest.raises(NoOperation) as info:
        router.match(SimRequest.from_url("GET", "https://toy.example.com/api/itemz/1"), toy_contract.deployment("main"), dict)
    assert info.value.closest is not None and info.value.closest.path.startswith("/api/items")
