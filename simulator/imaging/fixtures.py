"""Fixture images by URL: ``https://apisim.fixtures/images/<file>`` stands for a file of the shipped
``fixtures/images/``. Resolving one reads a registry; nothing is ever downloaded."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from simulator.imaging.decode import UnknownImageUrl
from simulator.resources import data_dir

FIXTURE_URL_BASES = ("http://apisim.fixtures/images/", "https://apisim.fixtures/images/")


def fixtures_dir() -> Path:
    """Where the shipped fixtures are: the repo's ``fixtures/``, installed as ``simulator.fixtures_data``."""
    return data_dir("simulator.fixtures_data", "fixtures")


def fixture_images_dir() -> Path:
    return fixtures_dir() / "images"


@lru_cache(maxsize=1)
def _fixture_files() -> tuple[tuple[str, bytes], ...]:
    folder = fixture_images_dir()
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file())


class FixtureUrls:
    """URLs that stand for fixture images. Resolving one reads a registry; nothing is downloaded."""

    def __init__(self, mapping: dict[str, bytes] | None = None) -> None:
        self._images: dict[str, bytes] = dict(mapping or {})

    def register(self, url: str, data: bytes) -> None:
        self._images[url.strip()] = bytes(data)

    def resolve(self, url: str) -> bytes:
        if not isinstance(url, str):
            raise UnknownImageUrl("the image URL is not a string", str(url))
        try:
            return self._images[url.strip()]
        except KeyError:
            raise UnknownImageUrl(
                f"{url!r} is not a registered fixture URL (the simulator never downloads; "
                f"use {FIXTURE_URL_BASES[0]}<file> or register the URL)",
                url,
            ) from None

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url.strip() in self._images

    def urls(self) -> list[str]:
        return sorted(self._images)

    @classmethod
    def default(cls) -> "FixtureUrls":
        """Every file in ``fixtures/images/`` under both fixture URL bases."""
        return cls({base + name: data for name, data in _fixture_files() for base in FIXTURE_URL_BASES})
