"""Each typed decoding error, and the formats and limits that decide them."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from simulator.imaging.decode import (
    DataUriNotAllowed,
    DecodedImage,
    ImageError,
    ImageTooLarge,
    ImageTooSmall,
    NotAnImage,
    NotBase64,
    TruncatedImage,
    UnknownImageUrl,
    UnsupportedFormat,
    decode_base64,
    decode_image,
    inspect_image,
)
from simulator.imaging.fixtures import FixtureUrls


def encode(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("L", "1", "P") else (200, 100, 50)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "TIFF", "GIF", "WEBP"])
def test_each_documented_format_is_identified_with_its_pixel_size(fmt):
    data = encode(fmt, (41, 23))
    image = inspect_image(data)
    assert (image.format, image.width, image.height, image.size) == (fmt, 41, 23, len(data))


def test_standard_urlsafe_and_unpadded_base64_decode_to_the_same_bytes():
    data = bytes(range(256)) * 3 + b"\xfb\xff"  # includes bytes that encode to + / - _
    standard = base64.b64encode(data).decode()
    urlsafe = base64.urlsafe_b64encode(data).decode()
    assert "+" in standard or "/" in standard
    for text in (standard, urlsafe, standard.rstrip("="), urlsafe.rstrip("="), standard[:50] + "\n" + standard[50:]):
        assert decode_base64(text) == data


def test_bytes_input_is_decoded_like_text():
    assert decode_base64(base64.b64encode(b"abc")) == b"abc"


@pytest.mark.parametrize("text", ["", "   ", "not base64!", "QUJD*", "A", "QUJDR", "QU=JD", "Q===", "中文"])
def test_text_that_is_not_base64_raises_not_base64(text):
    with pytest.raises(NotBase64):
        decode_base64(text)


def test_a_non_string_raises_not_base64():
    with pytest.raises(NotBase64):
        decode_base64(12345)  # type: ignore[arg-type]


def test_data_uri_prefix_is_stripped_when_allowed():
    data = encode("PNG")
    text = "data:image/png;base64," + base64.b64encode(data).decode()
    assert decode_base64(text) == data
    assert decode_image(text).format == "PNG"


def test_data_uri_prefix_is_rejected_where_the_service_forbids_it():
    text = "data:image/jpeg;base64," + base64.b64encode(encode("JPEG")).decode()
    with pytest.raises(DataUriNotAllowed):
        decode_base64(text, allow_data_uri=False)
    assert decode_base64(text[len("data:image/jpeg;base64,"):], allow_data_uri=False)


def test_encoded_text_over_the_limit_is_too_large_before_decoding():
    text = base64.b64encode(b"x" * 300).decode()
    with pytest.raises(ImageTooLarge) as info:
        decode_base64(text, max_encoded_bytes=399)
    assert info.value.size == 400
    assert decode_base64(text, max_encoded_bytes=400) == b"x" * 300


def test_bytes_that_are_no_image_raise_not_an_image():
    for data in (b"hello world", b"\x00" * 100, b"BM", b"RIFF"):
        with pytest.raises(NotAnImage):
            inspect_image(data)


def test_empty_image_raises_not_an_image():
    with pytest.raises(NotAnImage):
        inspect_image(b"")


def test_formats_outside_the_documents_six_are_not_images():
    with pytest.raises(NotAnImage):
        inspect_image(encode("ICO", (32, 32)))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "TIFF", "GIF", "WEBP"])
@pytest.mark.parametrize("keep", [0.05, 0.5, 0.95])
def test_a_cut_short_image_raises_truncated(fmt, keep):
    img = Image.frombytes("RGB", (64, 48), bytes((i * 37) % 251 for i in range(64 * 48 * 3)))
    out = io.BytesIO()
    img.save(out, fmt)
    data = out.getvalue()
    with pytest.raises(TruncatedImage):
        inspect_image(data[: max(12, int(len(data) * keep))])


def test_a_format_the_caller_does_not_accept_is_unsupported_and_named():
    with pytest.raises(UnsupportedFormat) as info:
        inspect_image(encode("GIF"), formats=("JPEG", "PNG"))
    assert info.value.format == "GIF"
    assert inspect_image(encode("JPEG"), formats=("jpg", "png")).format == "JPEG"  # aliases, any case


def test_byte_limit_counts_the_decoded_bytes():
    data = encode("PNG")
    with pytest.raises(ImageTooLarge) as info:
        inspect_image(data, max_bytes=len(data) - 1)
    assert info.value.size == len(data)
    inspect_image(data, max_bytes=len(data))


def test_a_side_over_the_maximum_is_too_large_with_its_dimensions():
    with pytest.raises(ImageTooLarge) as info:
        inspect_image(encode("PNG", (101, 20)), max_side=100)
    assert (info.value.width, info.value.height) == (101, 20)
    inspect_image(encode("PNG", (100, 20)), max_side=100)


def test_a_side_under_the_minimum_is_too_small_with_its_dimensions():
    with pytest.raises(ImageTooSmall) as info:
        inspect_image(encode("PNG", (100, 14)), min_side=15)
    assert (info.value.width, info.value.height) == (100, 14)
    inspect_image(encode("PNG", (15, 15)), min_side=15)


def test_every_error_is_an_image_error_with_a_reason():
    for exc_type in (NotBase64, DataUriNotAllowed, NotAnImage, TruncatedImage):
        exc = exc_type("why")
        assert isinstance(exc, ImageError) and exc.reason == "why"
    assert UnsupportedFormat("r", "GIF").format == "GIF"
    assert UnknownImageUrl("r", "http://x/").url == "http://x/"


def test_digest_is_stable_and_differs_between_images():
    a, b = encode("PNG", (10, 10)), encode("PNG", (11, 10))
    assert inspect_image(a).digest == inspect_image(a).digest
    assert inspect_image(a).digest != inspect_image(b).digest
    assert len(inspect_image(a).digest) == 32


def test_decoded_image_of_an_untagged_file_has_no_tags():
    assert inspect_image(encode("JPEG")).tags == {}
    assert isinstance(inspect_image(encode("BMP")), DecodedImage)


def test_unregistered_urls_are_never_fetched_and_raise_unknown_url():
    urls = FixtureUrls()
    with pytest.raises(UnknownImageUrl):
        urls.resolve("http://127.0.0.1:1/never-fetched.jpg")
    urls.register("http://example.test/a.png", b"abc")
    assert urls.resolve("http://example.test/a.png") == b"abc"
    assert "http://example.test/a.png" in urls


def test_default_fixture_urls_serve_every_fixture_file_over_http_and_https(tmp_path):
    urls = FixtureUrls.default()
    alice = urls.resolve("http://apisim.fixtures/images/alice_1.jpg")
    assert alice == urls.resolve("https://apisim.fixtures/images/alice_1.jpg")
    assert inspect_image(alice).format == "JPEG"
    with pytest.raises(UnknownImageUrl):
        urls.resolve("http://apisim.fixtures/images/missing.jpg")


def test_an_image_needing_a_full_decode_beyond_the_safe_size_is_too_large(monkeypatch):
    from simulator.imaging import decode

    data = encode("BMP", (100, 100))
    monkeypatch.setattr(decode, "DECODE_CHECK_PIXELS", 5000)
    with pytest.raises(ImageTooLarge) as info:
        inspect_image(data)
    assert (info.value.width, info.value.height) == (100, 100)


def test_an_image_over_the_callers_pixel_limit_is_too_large_before_any_decoding():
    data = encode("PNG", (300, 200))
    assert inspect_image(data, max_pixels=60_000).width == 300
    with pytest.raises(ImageTooLarge, match="300x200, over 59999 pixels"):
        inspect_image(data, max_pixels=59_999)


def test_error_details_are_optional_for_callers_that_raise_them():
    assert UnsupportedFormat("r").format == "" and UnknownImageUrl("r").url == ""
    assert ImageTooSmall("r").width is None


def test_an_image_seen_again_is_judged_by_each_callers_own_limits():
    data = encode("PNG", (40, 30))
    assert inspect_image(data, formats=["PNG"]).width == 40
    with pytest.raises(UnsupportedFormat):
        inspect_image(data, formats=["JPEG"])
    with pytest.raises(ImageTooSmall):
        inspect_image(data, min_side=100)
    assert inspect_image(data, max_side=40).height == 30


def test_a_cut_short_image_is_refused_every_time_it_is_sent():
    data = encode("PNG", (40, 30))[:-20]
    reasons = []
    for _ in range(2):
        with pytest.raises(TruncatedImage) as caught:
            inspect_image(data)
        reasons.append(str(caught.value))
    assert reasons[0] == reasons[1]
    with pytest.raises(UnsupportedFormat):  # a service that refuses the format says so first
        inspect_image(data, formats=["JPEG"])


def test_the_same_image_text_decodes_to_the_same_image_but_every_limit_is_applied_again():
    """Repeated image texts are decoded once (load tests send one image thousands of times); the
    limits are part of what is remembered, so a stricter service still refuses the image."""
    text = base64.b64encode(encode("PNG", (64, 48))).decode()
    first = decode_image(text, formats=["PNG"], max_side=100)
    assert decode_image(text, formats=["PNG"], max_side=100) is first
    with pytest.raises(ImageTooLarge):
        decode_image(text, formats=["PNG"], max_side=50)
    with pytest.raises(UnsupportedFormat):
        decode_image(text, formats=["JPEG"])
    with pytest.raises(DataUriNotAllowed):
        decode_image("data:image/png;base64," + text, allow_data_uri=False)
    assert decode_image("data:image/png;base64," + text).data == first.data


def test_a_refused_image_text_is_refused_every_time():
    text = base64.b64encode(encode("PNG", (64, 48))[:-20]).decode()  # cut short
    for _ in range(3):
        with pytest.raises(TruncatedImage):
            decode_image(text)
