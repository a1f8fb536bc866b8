"""Identity: deterministic embeddings; symmetric similarity that separates people at every threshold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.faces.identity import (
    DIFFERENT_PERSON_MAX,
    EMBEDDING_DIM,
    SAME_PERSON_MIN,
    confidence_0_100,
    decode_feature,
    embedding_similarity,
    encode_feature,
    face_embedding,
)

persons = st.text(min_size=1, max_size=24)
variations = st.tuples(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32), st.integers(0, 8))

CDC_MATCH = 0.8  # CDC-Python: "一般匹配程度超过0.8才算匹配成功"
DATAPLUS_THRESHOLDS = (61.0, 69.0, 75.0)


@settings(max_examples=100, deadline=None)
@given(persons, variations)
def test_embeddings_are_deterministic_unit_vectors(person, variation):
    a = face_embedding(person, *variation)
    assert a == face_embedding(person, *variation)
    assert len(a) == EMBEDDING_DIM
    assert abs(sum(x * x for x in a) - 1.0) < 1e-9


@settings(max_examples=100, deadline=None)
@given(persons, persons, variations, variations)
def test_similarity_is_symmetric_and_in_range(p, q, v, w):
    a, b = face_embedding(p, *v), face_embedding(q, *w)
    assert embedding_similarity(a, b) == embedding_similarity(b, a)
    assert 0.0 <= embedding_similarity(a, b) <= 1.0


@settings(max_examples=150, deadline=None)
@given(persons, variations, variations)
def test_the_same_person_in_any_two_images_scores_above_every_threshold(person, v, w):
    sim = embedding_similarity(face_embedding(person, *v), face_embedding(person, *w))
    assert sim >= SAME_PERSON_MIN > CDC_MATCH
    assert confidence_0_100(sim) > max(DATAPLUS_THRESHOLDS)


@settings(max_examples=150, deadline=None)
@given(persons, persons, variations, variations)
def test_different_people_score_below_every_threshold(p, q, v, w):
    if p == q:
        q = p + "-other"
    sim = embedding_similarity(face_embedding(p, *v), face_embedding(q, *w))
    assert sim <= DIFFERENT_PERSON_MAX < CDC_MATCH
    assert confidence_0_100(sim) < min(DATAPLUS_THRESHOLDS)


def test_two_images_of_one_person_differ_a_little():
    a, b = face_embedding("alice", "d1", 0), face_embedding("alice", "d2", 0)
    assert a != b
    assert embedding_similarity(a, b) < 1.0


def test_features_round_trip_through_their_base64_form():
    a = face_embedding("alice", "d1", 0)
    back = decode_feature(encode_feature(a))
    assert len(back) == EMBEDDING_DIM
    assert embedding_similarity(a, back) > 0.9999


def test_a_malformed_feature_string_is_a_value_error():
    import pytest

    for text in ("not base64!", "", "AAA="):
        with pytest.raises(ValueError):
            decode_feature(text)
