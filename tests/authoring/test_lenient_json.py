"""The JSON examples documents really contain are read, each defect repaired and reported with its line."""

from __future__ import annotations

import pytest

from simulator.authoring.draft.lenient_json import LenientJSONError, find_values, parse


def kinds(parsed) -> list[str]:
    return [r.kind for r in parsed.repairs]


@pytest.mark.parametrize(("text", "value", "kind"), [
    ('{"a": 1, // one\n "b": 2}', {"a": 1, "b": 2}, "comment"),
    ('{"a": 1,  # one\n "b": 2}', {"a": 1, "b": 2}, "comment"),
    ('{"a": /* one */ 1}', {"a": 1}, "comment"),
    ('{"a": [1, 2,], "b": 3,}', {"a": [1, 2], "b": 3}, "trailing-comma"),
    ('{"a": 1\n "b": 2}', {"a": 1, "b": 2}, "missing-comma"),
    ("{'a': 'x'}", {"a": "x"}, "single-quotes"),
    ("{a: 1}", {"a": 1}, "unquoted-key"),
    ("{'a': True, 'b': None}", {"a": True, "b": None}, "python-literal"),
    ('{"a": [1.5, 2.5, ...], "b": 1}', {"a": [1.5, 2.5], "b": 1}, "ellipsis"),
    ('{"a": [1, …..]}', {"a": [1]}, "ellipsis"),
    ('{"a": 1, ...}', {"a": 1}, "ellipsis"),
    ('{"date": 185551654...}', {"date": 185551654}, "ellipsis"),
    ('{"baseLs": BASE64}', {"baseLs": "BASE64"}, "bare-word"),
    ('{"a": 1, "a": 2}', {"a": 2}, "duplicate-key"),
    ('{"a": {"b": [1, 2', {"a": {"b": [1, 2]}}, "unclosed"),
    ('{"data": {\n 返回数据见上方example\n }}', {"data": {}}, "placeholder"),
    ('{"data": {\n {"num": 3}\n }}', {"data": {"num": 3}}, "missing-key"),
])
def test_each_defect_is_repaired_and_reported(text, value, kind):
    parsed = parse(text)
    assert parsed.value == value
    assert kind in kinds(parsed)


def test_strict_json_needs_no_repair():
    parsed = parse('{"a": [1, 2.5, "x", true, null], "b": {"c": "\\u4e2d"}}')
    assert parsed.value == {"a": [1, 2.5, "x", True, None], "b": {"c": "中"}}
    assert parsed.repairs == []


def test_repairs_carry_the_documents_line_numbers():
    parsed = parse('{\n  "a": 1,\n  "b": 2 # two\n  "c": 3,\n}', first_line=100)
    assert [(r.line, r.kind) for r in parsed.repairs] == [(102, "comment"), (102, "missing-comma"),
                                                          (103, "trailing-comma")]


def test_a_block_may_hold_several_values_between_prose():
    block = 'POST https://x/y\nRequest Body:\n{"type": "0"}\nResult:\n{\'face_num\': 1}\n'
    values, failures = find_values(block, first_line=10)
    assert [v.value for v in values] == [{"type": "0"}, {"face_num": 1}]
    assert failures == []


def test_what_cannot_be_read_is_an_error_with_its_line():
    with pytest.raises(LenientJSONError) as error:
        parse('{\n "a": "never closed\n}', first_line=5)
    assert error.value.line == 6
    assert "never closed" in str(error.value)
