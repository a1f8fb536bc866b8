"""The apisim: tag vocabulary: text syntax, and reading/writing PNG chunks and JPEG comments."""

from __future__ import annotations

import functools
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from simulator.imaging.decode import inspect_image
from simulator.imaging.tags import (
    FACE_KEYS,
    OCR_KEYS,
    VOCABULARY,
    TagError,
    check_vocabulary,
    format_tags,
    parse_tags,
    read_tags,
    write_tags,
)


def encode(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, fmt)
    return out.getvalue()


def test_the_issue_example_parses_into_per_face_lists():
    tags = parse_tags("apisim: faces=2 person=alice,bob mask=0,1 live=1,1 age=31,24 gender=f,m")
    assert tags == {"faces": "2", "person": "alice,bob", "mask": "0,1", "live": "1,1", "age": "31,24", "gender": "f,m"}


def test_quoted_values_keep_spaces_and_escapes():
    assert parse_tags('apisim: company="Acme \\"Big\\" Ltd" name=x') == {"company": 'Acme "Big" Ltd', "name": "x"}


def test_text_that_is_not_a_pair_is_ignored():
    assert parse_tags("apisim: hello faces=1 = junk") == {"faces": "1"}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_tags_round_trip_through_the_file_without_touching_pixels(fmt):
    data = encode(fmt)
    tags = {"card": "bank", "bank": "中国建设银行", "company": "Acme Ltd", "amount": "￥50.00"}
    tagged = write_tags(data, tags)
    assert read_tags(tagged) == tags
    assert inspect_image(tagged).tags == tags
    assert Image.open(io.BytesIO(tagged)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_writing_again_replaces_the_previous_tags(fmt):
    once = write_tags(encode(fmt), {"faces": 1, "person": "alice"})
    twice = write_tags(once, {"faces": 0})
    assert read_tags(twice) == {"faces": "0"}
    assert twice.count(b"apisim:") == 1  # one tag text left, the old one gone


def test_a_plain_png_text_chunk_is_read_too():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("apisim", "faces=1 person=zed")
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "PNG", pnginfo=info)
    assert read_tags(out.getvalue()) == {"faces": "1", "person": "zed"}


def _with_chunk(png: bytes, ctype: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    chunk = struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)
    end = png.rfind(b"IEND") - 4
    return png[:end] + chunk + png[end:]


@functools.cache
def _deflated(text: bytes, repeat: int = 1) -> bytes:
    import zlib

    deflater = zlib.compressobj(9)
    return b"".join(deflater.compress(text) for _ in range(repeat)) + deflater.flush()


@pytest.mark.parametrize("chunk", ["zTXt", "iTXt"])
def test_compressed_tag_chunks_are_read(chunk):
    text = _deflated(b"apisim: faces=1 person=zed")
    body = b"apisim\x00\x00" + text if chunk == "zTXt" else b"apisim\x00\x01\x00\x00\x00" + text
    assert read_tags(_with_chunk(encode("PNG"), chunk.encode(), body)) == {"faces": "1", "person": "zed"}


@pytest.mark.parametrize("chunk", ["zTXt", "iTXt"])
def test_a_tag_chunk_that_inflates_to_hundreds_of_megabytes_is_not_inflated_past_the_cap(chunk):
    """Review F2: a 1 MB chunk of spaces inflating to 1 GiB cost seconds and gigabytes per request."""
    import resource

    bomb = _deflated(b" " * (1 << 20), repeat=256)  # 255 KB, inflating to 256 MiB
    body = b"apisim\x00\x00" + bomb if chunk == "zTXt" else b"apisim\x00\x01\x00\x00\x00" + bomb
    image = _with_chunk(encode("PNG"), chunk.encode(), body)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert read_tags(image) == {}  # too long to be tags: the image reads as untagged
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KiB: nowhere near 1 GiB


def test_a_jpeg_comment_written_by_pillow_is_read():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "JPEG", comment=b"apisim: faces=2 person=a,b")
    assert read_tags(out.getvalue()) == {"faces": "2", "person": "a,b"}


def test_other_jpeg_comments_are_not_tags():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "JPEG", comment=b"made with a camera faces=9")
    assert read_tags(out.getvalue()) == {}


def test_formats_without_a_tag_place_cannot_be_tagged():
    with pytest.raises(TagError):
        write_tags(encode("BMP"), {"faces": 1})
    assert read_tags(encode("BMP")) == {}


def test_unknown_keys_are_refused_by_writers_and_known_ones_accepted():
    with pytest.raises(TagError):
        check_vocabulary({"faces": 1, "smile": 1})
    check_vocabulary({k: "1" for k in VOCABULARY})
    assert "person" in FACE_KEYS and "bank_card" in OCR_KEYS


@settings(max_examples=200)
@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20), max_size=6))
def test_any_tag_dictionary_survives_format_then_parse(tags):
    assert parse_tags(format_tags(tags)) == tags


@settings(max_examples=300)
@given(st.binary(max_size=600))
def test_reading_tags_from_garbage_never_fails(data):
    for prefix in (b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8"):
        assert isinstance(read_tags(prefix + data), dict)
