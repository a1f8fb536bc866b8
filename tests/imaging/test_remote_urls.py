"""Image URLs: fixtures, reserved failures, and stable synthetic content for every other URL."""

from __future__ import annotations

import pytest

from simulator.faces.model import FaceModel
from simulator.faces.ocr import ocr_content
from simulator.fake.entities import checks
from simulator.imaging.decode import UnknownImageUrl, inspect_image
from simulator.imaging.fixtures import FixtureUrls
from simulator.imaging.remote import MissingImageUrl, UnreachableImageUrl, fetch_image

FIXTURES = FixtureUrls.default()
MODEL = FaceModel()
DOC_URL = "http://dingyue.ws.126.net/QLwy6VtqdO4A6F=e7K5itvAIWcvEAYVulq4oSN1foJamH1503048856418.jpg"


def test_fixture_urls_are_the_fixture_files():
    assert fetch_image("https://apisim.fixtures/images/alice_1.jpg", FIXTURES) == \
        FIXTURES.resolve("http://apisim.fixtures/images/alice_1.jpg")


@pytest.mark.parametrize("url, error", [
    ("https://photos.example.invalid/a.jpg", UnreachableImageUrl),
    ("http://invalid/a.jpg", UnreachableImageUrl),
    ("https://apisim.fixtures/unreachable/a.jpg", UnreachableImageUrl),
    ("https://apisim.fixtures/missing/a.jpg", MissingImageUrl),
    ("https://apisim.fixtures/images/alice_3.jpg", MissingImageUrl),
    ("ftp://example.com/a.jpg", UnknownImageUrl),
    ("not a url", UnknownImageUrl),
])
def test_reserved_urls_fail_as_downloads_fail(url, error):
    with pytest.raises(error):
        fetch_image(url, FIXTURES)


def test_the_documents_example_url_is_one_stable_person():
    img = inspect_image(fetch_image(DOC_URL, FIXTURES))
    assert fetch_image(DOC_URL, FIXTURES) == img.data and img.format == "JPEG"
    (face,) = MODEL.faces_in(img)
    (other,) = MODEL.faces_in(inspect_image(fetch_image("http://a.com/a.jpg", FIXTURES)))
    assert face.person.startswith("url-") and face.person != other.person


def test_an_ocr_service_gets_its_own_coherent_card():
    invoice = ocr_content(inspect_image(fetch_image("https://bucket.obs.example.com/invoice.png", FIXTURES,
                                                    kind="invoice")))
    assert checks.invoice_problems(invoice["invoice_number"], invoice["invoice_code"], invoice["location"],
                                   invoice["amount"]) == []
    card = ocr_content(inspect_image(fetch_image("https://example.com/card.jpg", FIXTURES, kind="business")))
    assert checks.business_card_problems(card) == []


def test_the_apisim_query_parameter_says_what_the_picture_shows():
    img = inspect_image(fetch_image("https://example.com/g.png?apisim=faces=2+person=alice,bob", FIXTURES))
    assert img.format == "PNG" and [f.person for f in MODEL.faces_in(img)] == ["alice", "bob"]
    with pytest.raises(UnknownImageUrl, match="unknown tag key"):  # the service answers its download error
        fetch_image("https://example.com/g.png?apisim=smile=1", FIXTURES)
