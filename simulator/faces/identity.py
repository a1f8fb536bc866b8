"""Face identity: a stable embedding per person, and how alike two embeddings are.

Each person id seeds a random unit vector in 1024 dimensions (the Dataplus
feature length). A face of that person in a given image is that vector plus
a small noise vector orthogonal to it, of fixed length ``NOISE``. This makes
the thresholds hold by construction rather than by luck:

* same person: cosine = (1 + NOISE² n1·n2) / (1 + NOISE²) >= (1 - NOISE²) / (1 + NOISE²) = 0.923,
  so :func:`similarity` >= 0.94;
* different people: independent random directions in 1024 dimensions have a
  cosine of about 0 ± 0.03; :func:`similarity` crosses 0.60 only at a cosine
  of 0.46, some 15 standard deviations out (never, in practice).

:func:`similarity` maps cosine ``c`` to ``0.25 + 0.75 c`` clipped to [0, 1], so
strangers score a plausible ~0.25 rather than 0, and the same person 0.94-1.0.
"""

from __future__ import annotations

import base64
import math
import struct
from functools import lru_cache
from typing import Sequence

from simulator.core.seeds import stable_rng

EMBEDDING_DIM = 1024
NOISE = 0.2

SAME_PERSON_MIN = 0.90  # every same-person pair scores at least this
DIFFERENT_PERSON_MAX = 0.60  # every different-person pair scores at most this

Embedding = tuple[float, ...]


def _unit(v: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


@lru_cache(maxsize=4096)
def person_vector(person: str) -> Embedding:
    """The identity direction of ``person``: a unit vector seeded by the id alone."""
    rng = stable_rng("person", person)
    return tuple(_unit([rng.gauss(0.0, 1.0) for _ in range(EMBEDDING_DIM)]))


def face_embedding(person: str, *variation: object) -> Embedding:
    """``person``'s embedding as seen in one image: identity plus fixed-size orthogonal noise.

    ``variation`` (image digest, face index) picks the noise, so two images of
    one person differ a little and the same image always gives the same vector.
    """
    p = person_vector(person)
    rng = stable_rng("noise", person, *variation)
    n = [rng.gauss(0.0, 1.0) for _ in range(EMBEDDING_DIM)]
    along = sum(a * b for a, b in zip(n, p))
    n = _unit([a - along * b for a, b in zip(n, p)])  # orthogonal to the identity direction
    return tuple(_unit([a + NOISE * b for a, b in zip(p, n)]))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b):
        raise ValueError(f"embeddings of different lengths ({len(a)} and {len(b)})")
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(x * x for x in b))
    if na == 0 or nb == 0:
        return 0.0
    return sum(x * y for x, y in zip(a, b)) / (na * nb)


def embedding_similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """Similarity in [0, 1] of two embeddings (see the module notes for the mapping)."""
    c = cosine(a, b)
    # Both argument orders give the same float: the sums above are taken pairwise in one order.
    return min(1.0, max(0.0, 0.25 + 0.75 * c))


def confidence_0_100(sim: float) -> float:
    """Dataplus-style confidence (0-100) from a similarity.

    Linear (100 × similarity), so the guarantees carry over: same person >= 90 (above the
    strictest threshold 75), different people <= 60 (below the loosest threshold 61).
    """
    return round(100.0 * sim, 4)


def encode_feature(embedding: Sequence[float]) -> str:
    """An embedding as the base64 of little-endian float32 values (AICP's ``feature`` string)."""
    return base64.b64encode(struct.pack(f"<{len(embedding)}f", *embedding)).decode("ascii")


def decode_feature(text: str) -> Embedding:
    """The inverse of :func:`encode_feature`; raises ValueError for anything else."""
    try:
        raw = base64.b64decode(text, validate=True)
    except Exception as exc:
        raise ValueError(f"not a feature string: {exc}") from None
    if not raw or len(raw) % 4:
        raise ValueError("not a feature string: length is not a whole number of float32 values")
    return struct.unpack(f"<{len(raw) // 4}f", raw)
