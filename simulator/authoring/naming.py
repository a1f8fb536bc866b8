"""Names a contract accepts: service and deployment slugs, snake_case operation ids."""

from __future__ import annotations

import re
import unicodedata

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def ascii_words(text: str) -> list[str]:
    """The ASCII words of ``text``, camelCase split: ``"getPetById v2"`` -> ``["get", "pet", "by", "id", "v2"]``."""
    text = unicodedata.normalize("NFKC", text)
    text = _CAMEL.sub(" ", text)
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)]


def snake_id(text: str, fallback: str = "operation") -> str:
    """An operation id (``^[a-z][a-z0-9_]*$``) from any text; ``fallback`` when it has no ASCII word."""
    words = ascii_words(text)
    name = "_".join(words) or fallback
    if name and not name[0].isalpha():
        name = f"op_{name}"
    return name


def slug(text: str, fallback: str = "api") -> str:
    """A service or deployment name (``^[a-z0-9][a-z0-9-]*$``)."""
    name = "-".join(ascii_words(text))[:60].strip("-")
    return name or fallback


def service_slug(text: str, fallback: str = "api") -> str:
    """A service name (``^[a-z][a-z0-9-]*$``): a slug that starts with a letter."""
    name = slug(text, fallback)
    return name if name[0].isalpha() else f"api-{name}"


def unique(name: str, taken: set[str] | dict, sep: str = "_") -> str:
    """``name``, or ``name_2``, ``name_3``... whichever ``taken`` does not hold yet."""
    if name not in taken:
        return name
    n = 2
    while f"{name}{sep}{n}" in taken:
        n += 1
    return f"{name}{sep}{n}"


__all__ = ["ascii_words", "service_slug", "slug", "snake_id", "unique"]
