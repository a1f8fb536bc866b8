"""Every store takes any JSON-serialisable value and gives back the same value.

The SQLite store keeps its lists (the journal) as lines in files: a value holding U+2028, U+0085
or another character Python counts as a line break must not split its line (review B2: one such
request body made ``/__apisim/requests`` answer 500 until a reset). Lone surrogates are JSON
too (``json.dumps("\\ud800")`` works), so they are in the alphabet; a high surrogate followed by a
low one is not, because JSON itself cannot tell that pair from the astral character it spells
(``json.loads(json.dumps("\\ud800\\udc00"))`` is ``"\\U00010000"``).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.store import open_store

# Every code point, surrogates included, with the line breaks str.splitlines() knows made likely.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"])
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
TEXT = st.text(st.one_of(st.sampled_from(LINE_BREAKS), SURROGATES, st.characters(codec=None)), max_size=30).filter(
    lambda text: not SURROGATE_PAIR.search(text))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("journal_line", [
    {"request_body": "a\u2028b"}, {"request_body": "a\x85b\x1c\x1d\x1e"}, {"s": "\u2029\r\x0b\x0c"},
])
def test_a_list_entry_holding_a_unicode_line_break_reads_back_whole(store, journal_line):
    store.append("apisim:journal", {"seq": 1})
    store.append("apisim:journal", journal_line)
    store.append("apisim:journal", {"seq": 3})
    assert store.values("apisim:journal") == [{"seq": 1}, journal_line, {"seq": 3}]


@PROPERTY
@given(values=st.lists(JSON, min_size=1, max_size=5))
def test_any_json_value_round_trips_through_lists_and_maps(store, values):
    store.clear()
    for value in values:
        store.append("list", value, keep=3)
        store.put("map", "k", value)
        assert store.get("map", "k") == value
    assert store.values("list") == values[-3:]
    store.put("map", "other", values)
    assert store.items("map") == [("k", values[-1]), ("other", values)]


@PROPERTY
@given(key=TEXT, value=JSON)
def test_any_text_is_a_key(store, key, value):
    store.clear()
    store.put("map", key, value)
    assert store.get("map", key) == value and store.items("map") == [(key, value)]


def test_a_fresh_sqlite_store_reads_what_another_connection_wrote(tmp_path):
    url = f"sqlite:///{tmp_path}/state.db"
    writer, reader = open_store(url), open_store(url)
    writer.append("apisim:journal", {"body": "line\u2028separator \ud800 lone"})
    assert reader.values("apisim:journal") == [{"body": "line\u2028separator \ud800 lone"}]


@given(value=st.one_of(JSON, st.integers(min_value=2**63), st.dictionaries(st.integers(), st.integers(), max_size=3)))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_the_fast_json_of_list_lines_reads_back_as_the_standard_encoders_does(value):
    """The journal's lines are written with orjson (``json_bytes``), the maps with the standard
    encoder (``json_text``): what orjson cannot write the same way (a lone surrogate, an integer
    past 64 bits, a key that is not a string) falls back, so both read back alike."""
    import json

    from simulator.store.base import json_bytes, json_text

    line = json_bytes(value)
    assert json.loads(line.decode("utf-8")) == json.loads(json_text(value))
