"""Arbitrary input never escapes the module's typed errors."""

from __future__ import annotations

import base64
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from simulator.imaging.decode import DecodedImage, ImageError, decode_base64, decode_image, inspect_image


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 16), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 16), (10, 20, 30)).save(out, "JPEG")
    return out.getvalue()


SEEDS = [_png(), _jpeg()]


def _outcome(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ImageError as exc:
        assert isinstance(exc.reason, str) and exc.reason
        return exc


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_give_an_image_or_a_typed_error(data):
    result = _outcome(inspect_image, data, min_side=1, max_side=10_000, max_bytes=1 << 20)
    assert isinstance(result, (DecodedImage, ImageError))


@settings(max_examples=400)
@given(st.text(max_size=512))
def test_arbitrary_text_gives_bytes_or_a_typed_error(text):
    for allow in (True, False):
        assert isinstance(_outcome(decode_base64, text, allow_data_uri=allow), (bytes, ImageError))
        assert isinstance(_outcome(decode_image, text, allow_data_uri=allow), (DecodedImage, ImageError))


@settings(max_examples=300)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_as_base64_input_give_bytes_or_a_typed_error(data):
    assert isinstance(_outcome(decode_base64, data), (bytes, ImageError))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # no clock in tests
@given(st.sampled_from(SEEDS), st.data())
def test_corrupted_real_images_give_an_image_or_a_typed_error(seed, data):
    """Mutations of valid images reach deeper into the decoders than random bytes do."""
    buf = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        buf[data.draw(st.integers(0, len(buf) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(buf)))
    result = _outcome(inspect_image, bytes(buf[:cut]))
    assert isinstance(result, (DecodedImage, ImageError))


@settings(max_examples=200)
@given(st.binary(min_size=1, max_size=300))
def test_any_bytes_round_trip_through_every_base64_flavour(data):
    std = base64.b64encode(data).decode()
    url = base64.urlsafe_b64encode(data).decode()
    for text in (std, url, std.rstrip("="), url.rstrip("="), "data:image/png;base64," + std):
        assert decode_base64(text) == data
