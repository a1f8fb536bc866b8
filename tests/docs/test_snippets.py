"""The documentation runs: every shell and Python snippet of README.md and docs/ (see snippets.py).

Default ports (181xx) are replaced by a free port base per document, installs are left to .ci/run,
and a snippet is skipped only with the reason :data:`SKIPPED` gives.
"""

from __future__ import annotations

import json
import time

import pytest

from .snippets import (DOCUMENTS, ROOT, SKIPPED, Session, documented_json, free_port_base, json_values, matches,
                       snippets)

WITH_SNIPPETS = [doc for doc in DOCUMENTS if snippets(doc)]


@pytest.mark.parametrize("document", WITH_SNIPPETS, ids=[str(d.relative_to(ROOT)) for d in WITH_SNIPPETS])
def test_every_snippet_of_the_document_runs_as_written(document, tmp_path):
    session = Session(tmp_path, free_port_base())
    failures: list[str] = []
    timings: list[str] = []
    try:
        for snippet in snippets(document):
            if snippet.skipped:
                continue
            started = time.monotonic()
            code, out, err = session.run(snippet)
            timings.append(f"{snippet.where}: {time.monotonic() - started:.1f} s")
            problems = []
            if code != 0:
                problems.append(f"exit status {code}")
            if "Traceback (most recent call last)" in out + err:
                problems.append("a traceback")
            if "apisim_error" in out:
                problems.append("the admin API refused a call (apisim_error)")
            printed = json_values(out)
            problems += [f"did not print the documented {json.dumps(v, ensure_ascii=False)[:120]}"
                         for v in documented_json(snippet.text) if not any(matches(v, p) for p in printed)]
            if problems:
                failures.append(f"{snippet.where}: {', '.join(problems)}\n--- stdout\n{out[-3000:]}\n--- stderr\n"
                                f"{err[-3000:]}")
    finally:
        session.close()
    print("\n".join(timings))
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
