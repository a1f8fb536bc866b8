"""Decode the images clients send, and check them against a service's limits.

Every service receives images as base64 text (sometimes with a ``data:`` URI
prefix) or as a URL. This module turns either into a :class:`DecodedImage`
(bytes, format, pixel size, ``apisim:`` tags) or raises one of the typed
:class:`ImageError` subclasses below, which each service maps to its own
documented error code. Nothing else may escape: arbitrary input must only ever
produce these errors.

It sits on every request's hot path, so it identifies images with Pillow's
header parsing and only decodes pixels when that is the only way to tell a
truncated file from a whole one. URLs are never fetched: only registered
fixture URLs resolve (see :class:`FixtureUrls`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import io
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Collection, Hashable, TypeVar

from PIL import Image

from simulator.imaging.tags import read_tags

# An image that does not show its own end (a JPEG without its end marker, a BMP, a TIFF...) is
# decoded to tell whether it is whole; one of more pixels than this (4096 x 4096, about 50 MB
# decoded) is refused as too large instead.
DECODE_CHECK_PIXELS = 4096 * 4096

# --- errors -----------------------------------------------------------------------------------


class ImageError(Exception):
    """Base of every decoding failure; ``reason`` is a human-readable explanation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotBase64(ImageError):
    """The text is not valid base64 (standard or URL-safe alphabet, padding optional)."""


class DataUriNotAllowed(ImageError):
    """The text starts with a ``data:...;base64,`` prefix and the service forbids it."""


class NotAnImage(ImageError):
    """The bytes decode, but Pillow does not recognise them as an image."""


class TruncatedImage(ImageError):
    """Pillow recognises the image, but its data is cut short or corrupt."""


class UnsupportedFormat(ImageError):
    """A real image in a format the caller does not accept."""

    def __init__(self, reason: str, format: str = "") -> None:
        super().__init__(reason)
        self.format = format


class ImageTooLarge(ImageError):
    """Over the byte limit (``size`` set) or over the side limit (``width``/``height`` set)."""

    def __init__(
        self, reason: str, *, size: int | None = None, width: int | None = None, height: int | None = None
    ) -> None:
        super().__init__(reason)
        self.size = size
        self.width = width
        self.height = height


class ImageTooSmall(ImageError):
    """A side is under the minimum."""

    def __init__(self, reason: str, *, width: int | None = None, height: int | None = None) -> None:
        super().__init__(reason)
        self.width = width
        self.height = height


class UnknownImageUrl(ImageError):
    """A URL that is not a registered fixture URL. The simulator never downloads anything."""

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(reason)
        self.url = url


# --- the decoded image --------------------------------------------------------------------------


_T = TypeVar("_T")


@dataclass(frozen=True)
class DecodedImage:
    data: bytes
    format: str  # Pillow's name: "JPEG", "PNG", "BMP", "TIFF", "GIF", "WEBP"
    width: int
    height: int
    # What pure functions of the bytes made of this image (card kind, OCR text...): the same image
    # text decodes to the same object (see decode_image), so repeated requests read it once.
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def derived(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, kept under ``key`` for this image. ``make`` must depend on the image's bytes
        alone (and what ``key`` names), and callers must not change what it returns."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = make()
            return value

    @property
    def size(self) -> int:
        return len(self.data)

    @cached_property
    def tags(self) -> dict[str, str]:
        """The image's ``apisim:`` metadata (PNG text chunk or JPEG comment); empty if it has none."""
        return read_tags(self.data)

    @cached_property
    def digest(self) -> str:
        """A stable hex hash of the bytes: the seed for content of untagged images."""
        return hashlib.blake2b(self.data, digest_size=16).hexdigest()


# --- base64 -------------------------------------------------------------------------------------

_DATA_URI = re.compile(r"\s*data:[^,;]*(?:;[^,;]*)*;base64,", re.IGNORECASE)
_BASE64_BODY = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_WHITESPACE = re.compile(r"\s+")
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")
_URLSAFE_TO_STANDARD_BYTES = bytes.maketrans(b"-_", b"+/")


def decode_base64(
    text: str | bytes, *, allow_data_uri: bool = True, max_encoded_bytes: int | None = None
) -> bytes:
    """Decode standard or URL-safe base64, padding optional, whitespace ignored.

    ``max_encoded_bytes`` limits the text as sent (prefix included), the way
    services that state "base64 under N MB" count it.
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise NotBase64("base64 text must be ASCII") from None
    if not isinstance(text, str):
        raise NotBase64(f"expected base64 text, got {type(text).__name__}")
    if max_encoded_bytes is not None and len(text) > max_encoded_bytes:
        # len(str) == encoded byte count for ASCII; non-ASCII text fails below anyway.
        raise ImageTooLarge(f"encoded image is {len(text)} bytes, over the {max_encoded_bytes}-byte limit",
                            size=len(text))
    prefix = _DATA_URI.match(text)
    if prefix:
        if not allow_data_uri:
            raise DataUriNotAllowed("a data: URI prefix is not accepted here; send the bare base64 text")
        text = text[prefix.end():]
    fast = _decode_clean_base64(text)
    if fast is not None:
        return fast
    body = _WHITESPACE.sub("", text).translate(_URLSAFE_TO_STANDARD)
    if not body:
        raise NotBase64("the image text is empty")
    if not _BASE64_BODY.fullmatch(body):
        raise NotBase64("the image text contains characters outside the base64 alphabet")
    stripped = body.rstrip("=")
    if len(stripped) % 4 == 1:
        raise NotBase64("the image text has an impossible base64 length")
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotBase64(f"the image text is not valid base64: {exc}") from None


def _decode_clean_base64(text: str) -> bytes | None:
    """The hot path: text without whitespace decoded in C; None sends it to the slower, explaining path."""
    if not text or not text.isascii() or sys.version_info < (3, 11):
        return None
    raw = text.encode("ascii")
    if b"-" in raw or b"_" in raw:
        raw = raw.translate(_URLSAFE_TO_STANDARD_BYTES)
    if len(raw) % 4:
        raw += b"=" * (-len(raw) % 4)
    try:
        return binascii.a2b_base64(raw, strict_mode=True)
    except binascii.Error:
        return None


# --- image inspection ---------------------------------------------------------------------------

# The formats the documents name. Pillow knows more, but some of its plugins (TGA...) would claim
# random bytes, so identification is limited to these.
SUPPORTED_FORMATS = ("JPEG", "PNG", "BMP", "TIFF", "GIF", "WEBP")

# Magic numbers strong enough that data starting with one is that format, even if Pillow cannot
# open it: such data is a cut-short image, not "not an image".
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)

# Pillow names some JPEGs (camera multi-picture files) "MPO"; services call them JPEG.
_FORMAT_ALIASES = {"MPO": "JPEG", "JPG": "JPEG", "TIF": "TIFF", "DIB": "BMP"}
_JPEG_EOI = b"\xff\xd9"


def _canonical_format(name: str) -> str:
    name = name.upper()
    return _FORMAT_ALIASES.get(name, name)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: sizes are checked by the caller
            return Image.open(io.BytesIO(data), formats=SUPPORTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"the image is too large to decode: {exc}") from None
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, SyntaxError, struct.error...)
        fmt = _format_by_signature(data)
        if fmt:
            raise TruncatedImage(f"the data starts like a {fmt} image but is truncated or corrupt") from None
        raise NotAnImage(
            f"the data is not an image in any supported format ({', '.join(SUPPORTED_FORMATS)})"
        ) from None


def _format_by_signature(data: bytes) -> str | None:
    for magic, fmt in _SIGNATURES:
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _check_complete(img: Image.Image, data: bytes, fmt: str) -> None:
    """Raise TruncatedImage if the image data is cut short; decode pixels only when unavoidable.

    ``img`` is the freshly opened image (nothing loaded yet), so it is not opened twice.
    """
    if fmt == "JPEG" and data.rstrip(b"\x00\r\n ").endswith(_JPEG_EOI):
        return  # a JPEG that reaches its end-of-image marker is whole (cheap, covers nearly all)
    if fmt != "PNG" and img.size[0] * img.size[1] > DECODE_CHECK_PIXELS:
        # Checking it would mean decoding more pixels (and memory: 3 bytes each) than is safe.
        raise ImageTooLarge(f"the image is {img.size[0]}x{img.size[1]}, too large to decode",
                            width=img.size[0], height=img.size[1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt == "PNG":
                img.verify()  # walks every chunk and checks CRCs without inflating pixels
            else:
                img.load()
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"the image is too large to decode: {exc}") from None
    except Exception:
        raise TruncatedImage(f"the {fmt} data is truncated or corrupt") from None


def inspect_image(
    data: bytes,
    *,
    formats: Collection[str] | None = None,
    min_side: int | None = None,
    max_side: int | None = None,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> DecodedImage:
    """Identify ``data`` and check it against a service's limits; cheap checks first."""
    data = bytes(data)
    if max_bytes is not None and len(data) > max_bytes:
        raise ImageTooLarge(f"the image is {len(data)} bytes, over the {max_bytes}-byte limit", size=len(data))
    if not data:
        raise NotAnImage("the image is empty")
    probe = _probe_cached(data) if len(data) <= _PROBE_CACHE_MAX_BYTES else _probe(data)
    if isinstance(probe, ImageError):
        raise copy.copy(probe)
    image, incomplete = probe
    fmt, width, height = image.format, image.width, image.height
    if formats is not None and fmt not in {_canonical_format(f) for f in formats}:
        raise UnsupportedFormat(f"{fmt} images are not accepted here (accepted: {', '.join(sorted(formats))})", fmt)
    if width <= 0 or height <= 0:
        raise NotAnImage(f"the image claims an empty size {width}x{height}")
    if max_side is not None and max(width, height) > max_side:
        raise ImageTooLarge(f"the image is {width}x{height}, a side is over {max_side} px", width=width, height=height)
    if max_pixels is not None and width * height > max_pixels:
        raise ImageTooLarge(f"the image is {width}x{height}, over {max_pixels} pixels", width=width, height=height)
    if min_side is not None and min(width, height) < min_side:
        raise ImageTooSmall(f"the image is {width}x{height}, a side is under {min_side} px", width=width, height=height)
    if incomplete is not None:
        raise copy.copy(incomplete)
    return image


# Users' suites and load tests send the same few images again and again, and what an image is
# depends on its bytes alone: the probe of small images is kept (at most 64 x 256 KB).
_PROBE_CACHE_MAX_BYTES = 256 * 1024


def _probe(data: bytes) -> ImageError | tuple[DecodedImage, ImageError | None]:
    """What ``data`` is, before any service's limits: the error that stops it being an image, or the
    image and the error (if any) that says it is cut short."""
    try:
        img = _open(data)
    except ImageError as exc:
        return exc
    try:
        try:
            fmt = _canonical_format(img.format or "")
            width, height = img.size
        except Exception:
            return NotAnImage("the data is not an image in any supported format")
        if width <= 0 or height <= 0:
            return DecodedImage(data=data, format=fmt, width=width, height=height), None
        try:
            _check_complete(img, data, fmt)
            incomplete = None
        except ImageError as exc:
            incomplete = exc
        return DecodedImage(data=data, format=fmt, width=width, height=height), incomplete
    finally:
        img.close()


_probe_cached = lru_cache(maxsize=64)(_probe)


def decode_image(
    text: str | bytes,
    *,
    allow_data_uri: bool = True,
    formats: Collection[str] | None = None,
    min_side: int | None = None,
    max_side: int | None = None,
    max_bytes: int | None = None,
    max_encoded_bytes: int | None = None,
    max_pixels: int | None = None,
) -> DecodedImage:
    """:func:`decode_base64` then :func:`inspect_image`.

    Users' suites and load tests send the same few images again and again: an image text that
    decoded once under the same limits gives the same (immutable) image again without decoding,
    for texts up to ``_DECODE_CACHE_MAX_CHARS`` (64 of them: at most about 7 MB held). Refusals are
    not kept: each is worked out again."""
    limits = (allow_data_uri, None if formats is None else tuple(formats), min_side, max_side, max_bytes,
              max_encoded_bytes, max_pixels)
    if isinstance(text, (str, bytes)) and len(text) <= _DECODE_CACHE_MAX_CHARS:
        return _decode_cached(text, limits)
    return _decode_uncached(text, limits)


_DECODE_CACHE_MAX_CHARS = 64 * 1024  # larger images' probes are still kept (up to 256 KB decoded)


def _decode_uncached(text: str | bytes, limits: tuple[Any, ...]) -> DecodedImage:
    allow_data_uri, formats, min_side, max_side, max_bytes, max_encoded_bytes, max_pixels = limits
    data = decode_base64(text, allow_data_uri=allow_data_uri, max_encoded_bytes=max_encoded_bytes)
    return inspect_image(data, formats=formats, min_side=min_side, max_side=max_side, max_bytes=max_bytes,
                         max_pixels=max_pixels)


_decode_cached = lru_cache(maxsize=64)(_decode_uncached)
