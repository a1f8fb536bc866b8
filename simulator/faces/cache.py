"""A bounded cache keyed by image digest: what an image shows depends on its bytes alone, and
clients send the same few images again and again, so each worker works it out once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class DigestCache(Generic[T]):
    """Least-recently-used values by digest; keeps only the digests, never the image bytes."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if digest in self._values:
                self._values.move_to_end(digest)
                return self._values[digest]
        value = compute()  # outside the lock: two threads may both compute it, with the same result
        with self._lock:
            self._values[digest] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
