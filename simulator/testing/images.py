"""What the testing API takes as an image, and the marker's ``same_person=``.

An image is ``bytes`` (the file's content), a path (``pathlib.Path``, or a string naming a file
that exists), or base64 text as the services take it (a ``data:`` URI too). A string that is
neither a file nor base64 is refused, so a misspelt path never turns into a silent no-op.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Union

from simulator.imaging.decode import ImageError, decode_base64, inspect_image

Image = Union[bytes, str, "os.PathLike[str]"]
MAX_PATH_CHARS = 4096  # longer text is base64, never a path (PATH_MAX on Linux)


def image_bytes(image: Image) -> bytes:
    """The bytes of ``image``, checked to be a PNG, JPEG or another image the services decode."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        data, what = bytes(image), "the bytes"
    elif isinstance(image, os.PathLike) or (isinstance(image, str) and _names_a_file(image)):
        path = Path(image)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read it ({exc.strerror})") from None
        what = str(path)
    elif isinstance(image, str):
        try:
            data = decode_base64(image)
        except ImageError:
            shown = image if len(image) <= 60 else image[:57] + "..."
            raise ValueError(f"{shown!r}: neither a file nor base64 image text") from None
        what = "the base64 text"
    else:
        raise ValueError(f"an image is bytes, a path or base64 text, not {type(image).__name__}")
    try:
        inspect_image(data)
    except ImageError as exc:
        raise ValueError(f"{what}: {exc}") from None
    return data


def _names_a_file(text: str) -> bool:
    if len(text) > MAX_PATH_CHARS or "\n" in text or "\0" in text:
        return False
    try:
        return Path(text).is_file()
    except OSError:  # a name too long for the file system
        return False


def same_person_groups(marked: Any) -> list[dict[str, Any]]:
    """``@pytest.mark.apisim(same_person=...)`` as declarations: a list whose items are each a list
    of images showing one person, or ``{"images": [...], "person": id, "gender": "f"|"m"}`` (the
    admin API's body). Raises ``ValueError`` saying what it takes."""
    usage = ('same_person= takes a list of groups, each a list of images (bytes, paths or base64) or '
             '{"images": [...], "person": "id", "gender": "f" or "m"}')
    if not isinstance(marked, (list, tuple)):
        raise ValueError(usage)
    groups = []
    for group in marked:
        if isinstance(group, dict):
            unknown = set(group) - {"images", "person", "gender"}
            if unknown or not isinstance(group.get("images"), (list, tuple)):
                raise ValueError(usage)
            groups.append({"images": list(group["images"]), "person": group.get("person"),
                           "gender": group.get("gender")})
        elif isinstance(group, (list, tuple)):
            groups.append({"images": list(group), "person": None, "gender": None})
        else:
            raise ValueError(usage)
        if not groups[-1]["images"]:
            raise ValueError(f"{usage}; a group has no images")
    return groups


def declare_all(server: Any, groups: Iterable[dict[str, Any]]) -> list[str]:
    """Declare each group on ``server`` (an :class:`~simulator.testing.ApisimServer`); the person ids."""
    return [server.declare_same_person(g["images"], person=g["person"], gender=g["gender"]) for g in groups]
