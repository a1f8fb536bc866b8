"""``--credentials FILE``: JSON or TOML, per service, with errors that say what to fix."""

from __future__ import annotations

import pytest

from simulator.config import load_credentials_file


def test_json_credentials_are_read_per_service(tmp_path):
    path = tmp_path / "creds.json"
    path.write_text('{"huawei-ocr": [{"ak": "A", "sk": "S"}], "aliyun-saf": [{"AccessKeyId": "k", "AccessKeySecret": "s"}]}')
    assert load_credentials_file(path) == {
        "huawei-ocr": [{"ak": "A", "sk": "S"}],
        "aliyun-saf": [{"AccessKeyId": "k", "AccessKeySecret": "s"}],
    }


def test_one_credential_object_instead_of_a_list_is_refused_with_the_shape_to_use(tmp_path):
    """A lone object was once read as a list of one: easy to mistake for a map of fields, so the file says which."""
    path = tmp_path / "creds.json"
    path.write_text('{"aliyun-saf": {"AccessKeyId": "k", "AccessKeySecret": "s"}}')
    with pytest.raises(ValueError, match=r'aliyun-saf: expected a list of credential objects, \{"aliyun-saf": \['):
        load_credentials_file(path)


def test_toml_credentials_are_read_per_service(tmp_path):
    path = tmp_path / "creds.toml"
    path.write_text('[[huawei-ocr]]\nak = "A"\nsk = "S"\n\n[[huawei-ocr]]\nak = "B"\nsk = "T"\n')
    assert load_credentials_file(path) == {"huawei-ocr": [{"ak": "A", "sk": "S"}, {"ak": "B", "sk": "T"}]}


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "cannot parse credentials"),
    ("[1, 2]", "expected a mapping of service name to credentials"),
    ('{"huawei-ocr": 3}', "huawei-ocr: expected a list of credential objects"),
])
def test_a_broken_credentials_file_says_what_is_expected(tmp_path, text, message):
    path = tmp_path / "creds.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_credentials_file(path)


def test_registered_credentials_sign_requests_the_vendor_way(make_simulator):
    sim = make_simulator("huawei-ocr", credentials={"huawei-ocr": [{"ak": "MINE", "sk": "secret"}]})
    keys = [c.get("ak") for c in sim.credentials("huawei-ocr")]
    assert keys[0] == "MINE" and "APISIMDEMOAK0000HWOCR" in keys
