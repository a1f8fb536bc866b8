"""The documentation runs: every shell and Python snippet of README.md and docs/ (see snippets.py).

Default ports (181xx) are replaced by a free port base per document (another one, and the document
run again, if a parallel test takes a port of it first), installs are left to .ci/run, and a
snippet is skipped only with the reason :data:`SKIPPED` gives.
"""

from __future__ import annotations

import json

import pytest

from .session import Ran, run_document
from .snippets import DOCUMENTS, ROOT, SKIPPED, documented_json, json_values, matches, snippets

WITH_SNIPPETS = [doc for doc in DOCUMENTS if snippets(doc)]


def problems(ran: Ran) -> list[str]:
    """Why a snippet that ran did not pass (none if it did)."""
    found = []
    if ran.code != 0:
        found.append(f"exit status {ran.code}")
    if "Traceback (most recent call last)" in ran.out + ran.err:
        found.append("a traceback")
    if "apisim_error" in ran.out:
        found.append("the admin API refused a call (apisim_error)")
    printed = json_values(ran.out)
    return found + [f"did not print the documented {json.dumps(v, ensure_ascii=False)[:120]}"
                    for v in documented_json(ran.snippet.text) if not any(matches(v, p) for p in printed)]


@pytest.mark.parametrize("document", WITH_SNIPPETS, ids=[str(d.relative_to(ROOT)) for d in WITH_SNIPPETS])
def test_every_snippet_of_the_document_runs_as_written(document, tmp_path):
    ran = run_document(snippets(document), tmp_path)
    print("\n".join(f"{r.snippet.where}: {r.seconds:.1f} s" for r in ran))
    failures = [f"{r.snippet.where}: {', '.join(problems(r))}\n--- stdout\n{r.out[-3000:]}\n--- stderr\n"
                f"{r.err[-3000:]}" for r in ran if problems(r)]
    assert not failures, "\n\n".join(failures)


def test_every_snippet_is_run_or_skipped_with_a_reason():
    found = [s for doc in DOCUMENTS for s in snippets(doc)]
    skipped = [s for s in found if s.skipped]
    assert len(found) >= 40
    assert {reason for s in skipped for key, reason in SKIPPED.items() if key in s.text} == set(SKIPPED.values())
    assert all(len(s.skipped) > 40 for s in skipped)


def test_ci_runs_the_readmes_commands_as_written():
    """The README's two commands are what .ci/run runs (its install-and-test command as written)."""
    readme = [s.text.strip() for s in snippets(ROOT / "README.md")]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest" in readme
    assert "python3 -m pip install --quiet --disable-pip-version-check -e '.[test]' && python3 -m pytest -q" in ci
    verify_extra = (ROOT / ".ci" / "verify_extra.sh").read_text("utf-8")
    assert "-m pip install --quiet --disable-pip-version-check -e '.[verify]'" in verify_extra


def test_json_values_finds_what_curl_prints_back_to_back():
    assert json_values('{"a": 1}{"b": [2]}\nok [3]') == [{"a": 1}, {"b": [2]}, [3]]
    assert documented_json('curl x\n# {"id": 1}\n# not json {') == [{"id": 1}]
    assert matches({"RequestId": "…", "bizId": "ZSTP…", "n": 1}, {"RequestId": "ab", "bizId": "ZSTP12", "n": 1})
    assert not matches({"bizId": "ZSTP…"}, {"bizId": "X"}) and not matches({"n": 1}, {"n": True})
