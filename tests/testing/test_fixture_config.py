"""The fixtures' simulator configured as ``apisim serve`` is: ``--apisim-config`` / ini ``apisim_config``
(the same TOML), ``--apisim-credentials`` / ini ``apisim_credentials``, and a test's own credentials."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

CONFIG = '''
seed = 7

[credentials]
"aliyun-saf" = [{ AccessKeyId = "CiAccessKeyID", AccessKeySecret = "CiAccessKeySecret" }]

[[faults]]
match = { service = "huawei-ocr", operation = "recognize_quota_invoice" }
action = { type = "code", code = "APIGW.0308" }
'''

USES_IT = '''
import httpx
import pytest

def test_file(apisim_respx):
    assert apisim_respx.simulator.config.seed == {seed}
    assert [c["AccessKeyId"] for c in apisim_respx.all_credentials("aliyun-saf")][:{n}] == {keys}
    url = apisim_respx.original_url("huawei-ocr") + "/v2/p/ocr/quota-invoice"
    assert httpx.post(url, json={{}}).json()["error_code"] == "APIGW.0308"   # the file's fault, after the reset
'''


def test_the_config_file_sets_seed_credentials_and_faults_for_every_test(pytester):
    pytester.makefile(".toml", apisim=CONFIG)
    pytester.makepyfile(test_user=USES_IT.format(seed=7, n=2, keys=["CiAccessKeyID", "YourAccessKeyID"]))
    pytester.runpytest_inprocess("--apisim-config", "apisim.toml").assert_outcomes(passed=1)


def test_the_ini_keys_name_the_files_relative_to_the_ini_file_and_the_seed_option_wins(pytester):
    pytester.mkdir("setup")
    (pytester.path / "setup" / "apisim.toml").write_text(CONFIG, encoding="utf-8")
    (pytester.path / "setup" / "creds.json").write_text(json.dumps(
        {"aliyun-saf": [{"AccessKeyId": "MineID", "AccessKeySecret": "MineSecret"}]}), encoding="utf-8")
    pytester.makeini("[pytest]\napisim_config = setup/apisim.toml\napisim_credentials = setup/creds.json\n")
    pytester.makepyfile(test_user=USES_IT.format(seed=3, n=3, keys=["CiAccessKeyID", "MineID", "YourAccessKeyID"]))
    pytester.runpytest_inprocess("--apisim-seed", "3").assert_outcomes(passed=1)


def test_a_bad_config_file_is_a_usage_error_naming_the_file_and_the_problem(pytester):
    pytester.makefile(".toml", apisim="sed = 7\n")
    pytester.makepyfile(test_user="def test_x(apisim_session): pass")
    result = pytester.runpytest_inprocess("--apisim-config", "apisim.toml")
    result.stdout.fnmatch_lines(["*apisim: *apisim.toml: unknown keys sed; the file takes seed*"])


def test_a_marker_gives_one_test_its_own_credentials_first(pytester):
    pytester.makepyfile(test_user='''
import pytest

MINE = {"AccessKeyId": "TestOwnID", "AccessKeySecret": "TestOwnSecret"}

@pytest.mark.apisim(credentials={"aliyun-saf": [MINE]})
def test_marked(apisim):
    assert apisim.credentials("aliyun-saf") == MINE
    assert apisim.simulator.credentials("aliyun-saf")[0] == MINE   # what the simulator checks signatures against

def test_next_test_is_back_to_the_session_credentials(apisim):
    assert apisim.credentials("aliyun-saf")["AccessKeyId"] == "YourAccessKeyID"

@pytest.mark.apisim(credentials={"aliyun-sfa": [MINE]})
def test_misspelt_service(apisim):
    pass
''')
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*credentials=...): unknown service(s) aliyun-sfa; known:*"])
