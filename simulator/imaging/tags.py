"""The ``apisim:`` content tags an image may carry, defined once for every service.

A tagged image says what the simulator should see in it: ``apisim: faces=2
person=alice,bob mask=0,1`` for a face image, ``apisim: card=bank
bank_card=6217003860002354304`` for an OCR image. The text lives in a PNG
``iTXt``/``tEXt`` chunk with keyword ``apisim`` or in a JPEG ``COM`` segment
starting ``apisim:``. Reading parses the file's structure directly (no pixel
decoding); writing inserts the chunk/segment without re-encoding the pixels.

Syntax: whitespace-separated ``key=value`` pairs; a value holding spaces or
quotes is written in double quotes with backslash escapes. Per-face keys hold
comma lists, one item per face. See ``docs/image-tags.md``.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

TAG_KEYWORD = "apisim"
PREFIX = "apisim:"

# The most tag text read from one image: a compressed PNG chunk is inflated up to this many bytes
# and no further (a 1 MB chunk can inflate to gigabytes); a longer text is not read as tags.
# A JPEG comment holds at most 65,533 bytes, so no writer makes longer tags.
MAX_TAG_TEXT = 64 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8"


@dataclass(frozen=True)
class TagKey:
    name: str
    group: str  # "face" (comma list, one per face), "ocr", or "image"
    meaning: str


_VOCABULARY = (
    # Face images: per-face keys take comma lists, one item per face, in box order (left to right).
    TagKey("faces", "image", "number of faces in the image (0 = none)"),
    TagKey("person", "face", "person id per face; the same id means the same identity (embedding)"),
    TagKey("mask", "face", "1 if the face wears a mask, else 0"),
    TagKey("live", "face", "1 if the face is a live capture, 0 if it is a photo of a photo/screen (fails liveness)"),
    TagKey("age", "face", "age in years"),
    TagKey("gender", "face", "f or m"),
    TagKey("expression", "face", "none, smile or laugh"),
    TagKey("glasses", "face", "none, common or sun"),
    TagKey("quality", "face", "image quality of the face, 0-1"),
    # OCR images.
    TagKey("card", "image", "what card the image holds: none, bank, business or invoice"),
    TagKey("bank_card", "ocr", "bank card number (Luhn-valid; a real BIN gives the bank)"),
    TagKey("bank", "ocr", "issuing bank name, e.g. 中国建设银行"),
    TagKey("valid", "ocr", "bank card validity, MM/YY"),
    TagKey("card_type", "ocr", "bank card type: 借记卡 (debit) or 贷记卡 (credit)"),
    TagKey("invoice_number", "ocr", "quota invoice number, 8 digits"),
    TagKey("invoice_code", "ocr", "quota invoice code, 12 digits"),
    TagKey("amount", "ocr", "quota invoice amount, e.g. ￥50.00"),
    TagKey("location", "ocr", "quota invoice province and city, e.g. 广东省深圳市"),
    TagKey("name", "ocr", "business card: person's name"),
    TagKey("company", "ocr", "business card: company"),
    TagKey("title", "ocr", "business card: job title"),
    TagKey("department", "ocr", "business card: department"),
    TagKey("tel_cell", "ocr", "business card: mobile number(s), comma list"),
    TagKey("tel_work", "ocr", "business card: office number(s), comma list"),
    TagKey("email", "ocr", "business card: e-mail address(es), comma list"),
    TagKey("addr", "ocr", "business card: address"),
)

VOCABULARY: dict[str, TagKey] = {k.name: k for k in _VOCABULARY}
FACE_KEYS = tuple(k.name for k in _VOCABULARY if k.group == "face")
OCR_KEYS = tuple(k.name for k in _VOCABULARY if k.group == "ocr")
CARD_KINDS = ("none", "bank", "business", "invoice")


class TagError(ValueError):
    """Tags that cannot be written (unknown key, unsupported image format)."""


# --- text form --------------------------------------------------------------------------------

_PAIR = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)')
_ESCAPE = re.compile(r"\\(.)")


def parse_tags(text: str) -> dict[str, str]:
    """Parse ``[apisim:] key=value ...``; anything that is not a pair is ignored."""
    text = text.strip()
    if text.lower().startswith(PREFIX):
        text = text[len(PREFIX):]
    tags: dict[str, str] = {}
    for key, value in _PAIR.findall(text):
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = _ESCAPE.sub(r"\1", value[1:-1])
        tags[key] = value
    return tags


def format_tags(tags: dict[str, object]) -> str:
    """The inverse of :func:`parse_tags`, with the ``apisim:`` prefix."""
    parts = []
    for key, value in tags.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise TagError(f"{key!r} is not a valid tag key")
        text = str(value)
        if text == "" or re.search(r'[\s"\\]', text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    return PREFIX + " " + " ".join(parts)


def check_vocabulary(tags: dict[str, object]) -> None:
    """Raise :class:`TagError` for keys outside the vocabulary (used by writers, not readers)."""
    unknown = sorted(set(tags) - set(VOCABULARY))
    if unknown:
        raise TagError(f"unknown tag key(s): {', '.join(unknown)} (known: {', '.join(VOCABULARY)})")


# --- reading from image bytes -----------------------------------------------------------------


def read_tags(data: bytes) -> dict[str, str]:
    """The ``apisim`` tags in a PNG or JPEG; ``{}`` for untagged images, other formats and garbage."""
    try:
        if data.startswith(PNG_SIGNATURE):
            text = _png_tag_text(data)
        elif data.startswith(JPEG_SOI):
            text = _jpeg_tag_text(data)
        else:
            return {}
    except (struct.error, UnicodeDecodeError, zlib.error, ValueError, IndexError):
        return {}
    return parse_tags(text) if text is not None else {}


_TEXT_CHUNKS = (b"tEXt", b"iTXt", b"zTXt")


def _png_chunks(data: bytes):
    """Yield (offset, type, body, end); bodies of pixel chunks are not copied (b"" instead)."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length] if ctype in _TEXT_CHUNKS else b""
        yield pos, ctype, body, pos + 12 + length
        if ctype == b"IEND":
            return
        pos += 12 + length


def _png_tag_text(data: bytes) -> str | None:
    for _, ctype, body, _ in _png_chunks(data):
        if ctype == b"tEXt":
            key, _, value = body.partition(b"\x00")
            if key == TAG_KEYWORD.encode():
                return value.decode("latin-1")
        elif ctype == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            if key != TAG_KEYWORD.encode():
                continue
            compressed, _method, rest = rest[0], rest[1], rest[2:]
            _lang, _, rest = rest.partition(b"\x00")
            _translated, _, value = rest.partition(b"\x00")
            return (_inflate(value) if compressed else value).decode("utf-8")
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            if key == TAG_KEYWORD.encode():
                return _inflate(rest[1:]).decode("latin-1")
    return None


def _inflate(data: bytes) -> bytes:
    """A compressed text chunk, inflated to at most :data:`MAX_TAG_TEXT` bytes."""
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, MAX_TAG_TEXT + 1)
    if len(text) > MAX_TAG_TEXT:
        raise ValueError(f"apisim tag text inflates past {MAX_TAG_TEXT} bytes")
    return text


def _jpeg_segments(data: bytes):
    """Yield (offset, marker, payload, end) for the header segments up to the scan data."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if marker == 0xD9:
            return
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        yield pos, marker, data[pos + 4:pos + 2 + length], pos + 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows, no more headers
            return
        pos += 2 + length


def _jpeg_tag_text(data: bytes) -> str | None:
    for _, marker, payload, _ in _jpeg_segments(data):
        if marker == 0xFE:
            text = payload.decode("utf-8", errors="replace")
            if text.lstrip().lower().startswith(PREFIX):
                return text
    return None


# --- writing ------------------------------------------------------------------------------------


def write_tags(data: bytes, tags: dict[str, object]) -> bytes:
    """Return ``data`` with its ``apisim`` tags replaced by ``tags``; pixels are left untouched."""
    text = format_tags(tags)
    if data.startswith(PNG_SIGNATURE):
        return _png_with_text(data, text)
    if data.startswith(JPEG_SOI):
        return _jpeg_with_comment(data, text)
    raise TagError("only PNG and JPEG images can carry apisim tags")


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def _is_tag_chunk(ctype: bytes, body: bytes) -> bool:
    return ctype in _TEXT_CHUNKS and body.partition(b"\x00")[0] == TAG_KEYWORD.encode()


def _png_with_text(data: bytes, text: str) -> bytes:
    # iTXt, because tEXt is Latin-1 and tags are often Chinese (bank names, companies).
    itxt = _png_chunk(b"iTXt", TAG_KEYWORD.encode() + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))
    out = [PNG_SIGNATURE]
    for start, ctype, body, end in _png_chunks(data):
        if _is_tag_chunk(ctype, body):
            continue
        out.append(data[start:end])
        if ctype == b"IHDR":  # tags right after the header, so readers find them early
            out.append(itxt)
    return b"".join(out)


def _jpeg_with_comment(data: bytes, text: str) -> bytes:
    payload = text.encode("utf-8")
    if len(payload) > 65533:
        raise TagError("apisim tags are too long for a JPEG comment")
    comment = b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload
    # Drop previous apisim comments; put the new one after SOI and any APP0/APP1 headers.
    out = [JPEG_SOI]
    inserted = False
    pos = 2
    for start, marker, seg_payload, end in _jpeg_segments(data):
        if marker == 0xFE and seg_payload.decode("utf-8", "replace").lstrip().lower().startswith(PREFIX):
            pos = end
            continue
        if not inserted and not (0xE0 <= marker <= 0xEF):
            out.append(comment)
            inserted = True
        out.append(data[start:end])
        pos = end
    if not inserted:
        out.append(comment)
    out.append(data[pos:])
    return b"".join(out)
